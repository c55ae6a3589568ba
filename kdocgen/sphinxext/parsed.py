"""The source files a build reads, parsed once per build process and shared
by the directive, the site features and the source views; a site built by
``kdocgen site`` shares its cache folder, so a file whose bytes did not
change is not parsed again at all."""

from __future__ import annotations

from pathlib import Path

from ..dropin.readings import Readings
from ..extract import dialect_of, extract_file
from ..kerneldoc.dialect import Dialect
from ..model import SourceFile
from ..parsecache import ParseCache, extract_cached
from ..site.description import site_of


#: How much of a file is parsed, least first: its documented declarations
#: (the ``kernel-doc`` directive), every declaration, and call lists too
#: (the site's features).
DOCUMENTED, EVERY, CALLS = 0, 1, 2


class ParsedFiles:
    """Parsed files keyed by path, size and modification time (an edited file
    is parsed again, or taken from ``disk`` when its bytes are known), read
    with the kernel-doc rules of ``version`` (``kerneldoc_version``; None:
    each tree's own); a file parsed in more detail serves requests for less."""

    def __init__(self) -> None:
        self._files: dict[tuple[str, int, int], tuple[SourceFile, int]] = {}
        self._dialects: dict[tuple[str, str | None], Dialect] = {}
        self.version: str | None = None
        self.disk: ParseCache | None = None

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
            known = self._files[key] = (self._parse(tree, relpath, detail), detail)
        return known[0]

    def _parse(self, tree: str | Path, relpath: str, detail: int) -> SourceFile:
        dialect = self.dialect(tree)
        if detail == CALLS and self.disk is not None:  # as kdocgen site parses it
            return extract_cached(tree, [relpath], self.disk, with_calls=True, dialect=dialect)[0][0]
        return extract_file(tree, relpath, with_calls=detail == CALLS, documented=detail == DOCUMENTED,
                            dialect=dialect)


def parsed_files(app) -> ParsedFiles:
    """The application's shared cache (made on first use; never global)."""
    cache = getattr(app, "kdocgen_parsed", None)
    if cache is None:
        cache = app.kdocgen_parsed = ParsedFiles()
    return cache


def dropin_readings(app) -> Readings:
    """The files the application's kernel-doc runs (the directive on
    kernel-doc's own output) read last, for the next directives."""
    readings = getattr(app, "kdocgen_readings", None)
    if readings is None:
        readings = app.kdocgen_readings = Readings(warn_once=True)
    return readings


def use_site_cache(app, config) -> None:
    """config-inited: the cache folder of ``kdocgen site``, when it names one."""
    site = site_of(app)
    if site is not None and site.cache is not None:
        parsed_files(app).disk = ParseCache(site.cache / "parsed")
