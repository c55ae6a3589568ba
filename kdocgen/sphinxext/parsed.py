"""The source files a build reads, parsed once per build process and shared
by the directive, the site features and the source views."""

from __future__ import annotations

from pathlib import Path

from ..extract import extract_file
from ..model import SourceFile


class ParsedFiles:
    """Parsed files keyed by path, size and modification time (an edited file
    is parsed again); a file parsed with call lists serves both kinds of
    request."""

    def __init__(self) -> None:
        self._files: dict[tuple[str, int, int], tuple[SourceFile, bool]] = {}

    def get(self, tree: str | Path, relpath: str, with_calls: bool = True) -> SourceFile:
        """The model of ``relpath`` below ``tree`` (with call lists unless
        ``with_calls`` is false: the ``kernel-doc`` directive needs none)."""
        path = Path(tree) / relpath
        try:
            stat = path.stat()
            key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
        except OSError:
            key = (str(path), 0, 0)
        known = self._files.get(key)
        if known is None or with_calls and not known[1]:
            known = self._files[key] = (extract_file(tree, relpath, with_calls=with_calls), with_calls)
        return known[0]


def parsed_files(app) -> ParsedFiles:
    """The application's shared cache (made on first use; never global)."""
    cache = getattr(app, "kdocgen_parsed", None)
    if cache is None:
        cache = app.kdocgen_parsed = ParsedFiles()
    return cache
