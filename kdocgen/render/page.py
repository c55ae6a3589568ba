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
from .check import CommentPart, check_comments
from .entry import Prose, comment_parts, other_entry, page_entry
from .inline import escape_all
from .markup import TextProblem
from .prose import ConvertedProse, is_plain

HEADER = ".. -*- coding: utf-8; mode: rst -*-"
#: The comment on every generated page's second line: ``.. src-file: PATH``.
SRC_FILE_MARK = "src-file:"
FOOTER = ".. This file was automatic generated / don't edit."
OTHER_TITLE = "Other symbols"
_INCLUDE_GUARD = re.compile(r"^_*[A-Z0-9_]+_H(?:_\w*)?_*$")


def render_page(source: SourceFile, other_symbols: bool = True, site=None, prose: Prose | None = None) -> str:
    """The whole page of ``source`` as text (ends with a newline).

    ``site`` (a :class:`kdocgen.site.index.SiteIndex`) makes labels unique
    across a site and marks non-canonical entries ``:no-index:``.  ``prose``
    writes the comment text (see :mod:`kdocgen.render.prose`); by default it
    is converted after one docutils check, as ``kdocgen rst`` writes it."""
    if prose is None:
        return checked_page(source, other_symbols, site)[0]
    lines = [HEADER, f".. {SRC_FILE_MARK} {source.path}", ""]
    if site is not None:  # in a site every page needs its own title: the file
        rule = "#" * len(escape_all(source.path))
        lines += [rule, escape_all(source.path), rule, ""]
    anchors: set[str] = set()
    placement = _Placement(source.path, site)
    for symbol in source.documented:
        anchor = site.label(symbol) if site else unique_anchor(symbol, anchors)
        lines += page_entry(symbol, anchor, prose, *placement.of(symbol))
        lines.append("")
    if other_symbols:
        others = undocumented(source)
        if others:
            lines += [OTHER_TITLE, "=" * len(OTHER_TITLE), ""]
            for symbol in others:
                lines += other_entry(symbol, prose, *placement.of(symbol))
                lines.append("")
    lines.append(FOOTER)
    return "\n".join(lines) + "\n\n"


def checked_page(source: SourceFile, other_symbols: bool = True, site=None) -> tuple[str, list[TextProblem]]:
    """The page as ``kdocgen rst`` writes it, and the problems of its comment
    text: every piece that is more than plain prose is parsed once with
    docutils (all in one document) and written as reST when that found no
    problem, else as a literal block."""
    shown = source.documented + (undocumented(source) if other_symbols else [])
    risky = [CommentPart(text, source.path, line, titles) for symbol in shown
             for text, line, titles in comment_parts(symbol) if not is_plain(text)]
    results = check_comments(risky, source.path)
    passed = {(part.line, part.text) for part, found in zip(risky, results) if not found}
    page = render_page(source, other_symbols, site, ConvertedProse(passed))
    return page, [problem for found in results for problem in found]


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
