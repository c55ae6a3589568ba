"""Assemble scanned builds into the ABI model: builds, statuses, deltas."""

from __future__ import annotations

from ..diff import compute_deltas
from ..model import FULL_INLINE, INLINED, AbiData, AbiSymbol
from ..summary import version_key
from .classify import classify, function_names
from .index import BuildIndex
from .subsystem import FileModules, Wanted
from .versions import VersionSource, series


def order_builds(indexes: list[BuildIndex]) -> list[BuildIndex]:
    """Builds by group (first seen), then by version within a group."""
    groups: dict[str, int] = {}
    for index in indexes:
        groups.setdefault(index.build.group, len(groups))
    return sorted(indexes, key=lambda i: (groups[i.build.group], version_key(i.build.version), i.build.name))


def all_functions(indexes: list[BuildIndex]) -> list[Wanted]:
    """Every function name of every build (for a complete, unrestricted scan)."""
    names: set[str] = set()
    for index in indexes:
        names.update(function_names(index))
    return [Wanted("function", name) for name in sorted(names)]


def assemble(indexes: list[BuildIndex], wanted: list[Wanted], modules: FileModules,
             sources: list[str] | None = None, versions: dict[str, VersionSource] | None = None) -> AbiData:
    """The ABI data of ``wanted`` over the builds, with deltas between consecutive builds of a group;
    ``versions`` (series -> source facts) explain absences and list each version's own functions."""
    indexes = order_builds(indexes)
    data = AbiData(builds=[i.build for i in indexes], sources=list(sources or []))
    symbols = {w: AbiSymbol(w.kind, w.name, w.file) for w in wanted}
    for index in indexes:
        source = (versions or {}).get(series(index.build.version))
        for w, status in classify(index, wanted, modules, source).items():
            symbols[w].status[index.build.id] = status
    for symbol in symbols.values():
        symbol.deltas = [d for d in compute_deltas(symbol, data.builds) if _real(symbol, d)]
    data.symbols = sorted(symbols.values(), key=lambda s: s.key)
    return data


def _real(symbol: AbiSymbol, delta) -> bool:
    """False for an "added"/"removed" that only means one build had no BTF for it (5.10 modules),
    or only that one build had debug information (fully inlined there, no symbol in both)."""
    if delta.kind not in ("added", "removed"):
        return True
    old, new = symbol.status[delta.old], symbol.status[delta.new]
    if delta.kind == "removed":
        old, new = new, old
    if old.present:
        return False
    return not (_symbol_less(old) and _symbol_less(new))


def _symbol_less(status) -> bool:
    """No symbol of its own: fully inlined (DWARF) or inlined or removed (no DWARF to tell)."""
    return status.reason == INLINED or FULL_INLINE in status.issues
