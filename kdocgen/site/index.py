"""The site-wide view of a set of files: which entry is canonical for each
name, unique labels across pages, and who calls whom.

Sphinx's C domain has one name space for the whole site, and reST labels are
case-insensitive and global.  The same name is often declared more than once
(a prototype in a header and the definition in a .c file, same-named static
helpers in several drivers), so one entry per name is *canonical* (gets the
C-domain id and the bare label); the others are shown with ``:no-index:``
and a label qualified by their file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import SourceFile, Symbol


def _rank(symbol: Symbol) -> tuple:
    """Lower is better: documented, then a definition, then non-static."""
    substantive = symbol.has_body or bool(symbol.params) or symbol.kind in ("macro", "var")
    return (not symbol.documented, not substantive, symbol.storage == "static", symbol.path,
            symbol.decl_span[0])


@dataclass
class SiteIndex:
    """Canonical owners, labels and the call graph of a site."""

    owner: dict[str, tuple[str, int, str]] = field(default_factory=dict)
    labels: dict[tuple[str, str, int, str], str] = field(default_factory=dict)
    callers: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    defined: dict[str, tuple[str, str]] = field(default_factory=dict)

    def is_canonical(self, symbol: Symbol) -> bool:
        """Whether ``symbol`` is the entry that gets the C-domain id."""
        return self.owner.get(symbol.name) == (symbol.path, symbol.decl_span[0], symbol.kind)

    def label(self, symbol: Symbol) -> str:
        """The site-unique label of an entry."""
        return self.labels.get(_label_key(symbol), f"{symbol.path}:{symbol.name}")


def entry_symbols(source: SourceFile) -> list[Symbol]:
    """The symbols that get an entry on the page of ``source``, page order."""
    from ..render.page import undocumented
    return list(source.documented) + undocumented(source)


def build_index(sources: list[SourceFile]) -> SiteIndex:
    """The site index of ``sources`` (in a fixed order: by path)."""
    index = SiteIndex()
    ordered = sorted(sources, key=lambda s: s.path)
    best: dict[str, Symbol] = {}
    for source in ordered:
        for symbol in entry_symbols(source):
            if symbol.kind == "doc":
                continue
            key = symbol.name  # one C name space: a struct tag and a variable clash
            if key not in best or _rank(symbol) < _rank(best[key]):
                best[key] = symbol
    index.owner = {key: (s.path, s.decl_span[0], s.kind) for key, s in best.items()}
    taken: set[str] = set()
    for symbol in sorted(best.values(), key=lambda s: (s.path, s.decl_span[0], s.name)):
        _claim(index, taken, symbol, symbol.name)
    for source in ordered:
        for symbol in entry_symbols(source):
            if _label_key(symbol) not in index.labels:
                base = f"{symbol.path}:doc-{symbol.name}" if symbol.kind == "doc" else f"{symbol.path}:{symbol.name}"
                _claim(index, taken, symbol, base)
    _call_graph(index, ordered)
    return index


def _claim(index: SiteIndex, taken: set[str], symbol: Symbol, base: str) -> None:
    label, count = base, 2
    while label.lower() in taken or label.lower() + ".description" in taken:
        label, count = f"{base}-{count}", count + 1
    taken.add(label.lower())
    index.labels[_label_key(symbol)] = label


def _label_key(symbol: Symbol) -> tuple[str, str, int, str]:
    return (symbol.path, symbol.name, symbol.decl_span[0], symbol.kind)


def _call_graph(index: SiteIndex, sources: list[SourceFile]) -> None:
    """Callers of every function defined in the set (by name)."""
    for source in sources:
        for symbol in source.symbols:
            if symbol.kind == "function" and symbol.has_body:
                index.defined.setdefault(symbol.name, (source.path, symbol.name))
    callers: dict[str, set[tuple[str, str]]] = {}
    for source in sources:
        for symbol in source.symbols:
            for callee in symbol.calls:
                if callee in index.defined and callee != symbol.name:
                    callers.setdefault(callee, set()).add((symbol.name, source.path))
    index.callers = {name: sorted(found) for name, found in sorted(callers.items())}
