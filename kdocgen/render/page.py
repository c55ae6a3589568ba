"""A per-file reST page: header, documented entries, other symbols, footer.

The layout follows the kernel-doc page kdocgen takes as its model (the
``drivers/hv/channel.c`` page): two header comment lines, one entry per
documented symbol in file order, the footer comment.  After the documented
entries an "Other symbols" part lists every undocumented function, type,
macro and variable once, so every symbol of the file has an entry to link to.
"""

from __future__ import annotations

import re

from ..model import SourceFile, Symbol, family
from .entry import other_entry, page_entry
from .inline import escape_all

HEADER = ".. -*- coding: utf-8; mode: rst -*-"
#: The comment on every generated page's second line: ``.. src-file: PATH``.
SRC_FILE_MARK = "src-file:"
FOOTER = ".. This file was automatic generated / don't edit."
OTHER_TITLE = "Other symbols"
_INCLUDE_GUARD = re.compile(r"^_*[A-Z0-9_]+_H(?:_\w*)?_*$")


def render_page(source: SourceFile, other_symbols: bool = True, site=None) -> str:
    """The whole page of ``source`` as text (ends with a newline).

    ``site`` (a :class:`kdocgen.site.index.SiteIndex`) makes labels unique
    across a site and marks non-canonical entries ``:no-index:``."""
    lines = [HEADER, f".. {SRC_FILE_MARK} {source.path}", ""]
    if site is not None:  # in a site every page needs its own title: the file
        rule = "#" * len(escape_all(source.path))
        lines += [rule, escape_all(source.path), rule, ""]
    anchors: set[str] = set()
    placement = _Placement(source.path, site)
    for symbol in source.documented:
        anchor = site.label(symbol) if site else unique_anchor(symbol, anchors)
        lines += page_entry(symbol, anchor, *placement.of(symbol))
        lines.append("")
    if other_symbols:
        others = undocumented(source)
        if others:
            lines += [OTHER_TITLE, "=" * len(OTHER_TITLE), ""]
            for symbol in others:
                lines += other_entry(symbol, *placement.of(symbol))
                lines.append("")
    lines.append(FOOTER)
    return "\n".join(lines) + "\n\n"


def file_scope(path: str) -> str:
    """The C namespace of a file's non-canonical entries (``file_drivers_hv_channel_c``)."""
    return "file_" + re.sub(r"\W", "_", path)


class _Placement:
    """Where a page's entries are declared in Sphinx's single C name space:
    canonical entries globally, others in the file's namespace, and a name
    met twice there (a struct and a variable of one name) shown literally."""

    def __init__(self, path: str, site):
        self.site = site
        self.scope = file_scope(path)
        self.global_names: set[str] = set()
        self.scoped_names: set[str] = set()

    def of(self, symbol: Symbol) -> tuple[str | None, bool]:
        """``(scope, literal)`` for ``symbol``'s entry."""
        if symbol.kind == "doc":
            return None, False
        if self.site is None:
            if symbol.name in self.global_names:
                return None, True
            self.global_names.add(symbol.name)
            return None, False
        if self.site.is_canonical(symbol):
            return None, False
        if symbol.name in self.scoped_names:
            return None, True
        self.scoped_names.add(symbol.name)
        return self.scope, False


def unique_anchor(symbol: Symbol, taken: set[str]) -> str:
    """The label of an entry: its name, made unique within the page."""
    base = f"doc-{symbol.name}" if symbol.kind == "doc" else symbol.name
    anchor, count = base, 2
    while anchor.lower() in taken:
        anchor, count = f"{base}-{count}", count + 1
    taken.add(anchor.lower())
    return anchor


def undocumented(source: SourceFile) -> list[Symbol]:
    """The declarations listed under "Other symbols": each (kind, name) once,
    none that a documented entry already covers, no include guards."""
    seen = {(family(s.kind), s.name) for s in source.documented}
    result = []
    for symbol in source.symbols:
        if symbol.documented or not symbol.name or symbol.kind == "doc":
            continue
        if symbol.kind == "macro" and _INCLUDE_GUARD.match(symbol.name) and not symbol.params \
                and symbol.decl.strip() == f"#define {symbol.name}":
            continue
        key = (family(symbol.kind), symbol.name)
        if key in seen:
            continue
        seen.add(key)
        result.append(symbol)
    return result
