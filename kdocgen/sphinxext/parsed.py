"""The source files a build reads, parsed once per build process and shared
by the directive, the site features and the source views."""

from __future__ import annotations

from pathlib import Path

from ..extract import dialect_of, extract_file
from ..kerneldoc.dialect import Dialect
from ..model import SourceFile


#: How much of a file is parsed, least first: its documented declarations
#: (the ``kernel-doc`` directive), every declaration, and call lists too
#: (the site's features).
DOCUMENTED, EVERY, CALLS = 0, 1, 2


class ParsedFiles:
    """Parsed files keyed by path, size and modification time (an edited file
    is parsed again), read with the kernel-doc rules of ``version``
    (``kerneldoc_version``; None: each tree's own); a file parsed in more
    detail serves requests for less."""

    def __init__(self) -> None:
        self._files: dict[tuple[str, int, int], tuple[SourceFile, int]] = {}
        self._dialects: dict[tuple[str, str | None], Dialect] = {}
        self.version: str | None = None

    def dialect(self, tree: str | Path) -> Dialect:
        """The kernel-doc rules ``tree`` is read with."""
        key = (str(tree), self.version)
        if key not in self._dialects:
            self._dialects[key] = dialect_of(tree, self.version)
        return self._dialects[key]

    def get(self, tree: str | Path, relpath: str, detail: int = CALLS) -> SourceFile:
        """The model of ``relpath`` below ``tree``, parsed to ``detail``."""
        path = Path(tree) / relpath
        try:
            stat = path.stat()
            key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
        except OSError:
            key = (str(path), 0, 0)
        known = self._files.get(key)
        if known is None or known[1] < detail:
            source = extract_file(tree, relpath, with_calls=detail == CALLS, documented=detail == DOCUMENTED,
                                  dialect=self.dialect(tree))
            known = self._files[key] = (source, detail)
        return known[0]


def parsed_files(app) -> ParsedFiles:
    """The application's shared cache (made on first use; never global)."""
    cache = getattr(app, "kdocgen_parsed", None)
    if cache is None:
        cache = app.kdocgen_parsed = ParsedFiles()
    return cache
