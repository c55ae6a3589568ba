"""Assemble scanned builds into the ABI model: builds, statuses, deltas."""

from __future__ import annotations

from ..diff import compute_deltas
from ..model import AbiData, AbiSymbol
from ..summary import version_key
from .classify import classify, function_names
from .index import BuildIndex
from .subsystem import FileModules, Wanted


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
             sources: list[str] | None = None) -> AbiData:
    """The ABI data of ``wanted`` over the builds, with deltas between consecutive builds of a group."""
    indexes = order_builds(indexes)
    data = AbiData(builds=[i.build for i in indexes], sources=list(sources or []))
    symbols = {w: AbiSymbol(w.kind, w.name, w.file) for w in wanted}
    for index in indexes:
        for w, status in classify(index, wanted, modules).items():
            symbols[w].status[index.build.id] = status
    for symbol in symbols.values():
        symbol.deltas = [d for d in compute_deltas(symbol, data.builds) if _real(symbol, d)]
    data.symbols = sorted(symbols.values(), key=lambda s: s.key)
    return data


def _real(symbol: AbiSymbol, delta) -> bool:
    """False for an "added"/"removed" that only means one build had no BTF for it (5.10 modules)."""
    if delta.kind == "added":
        return not symbol.status[delta.old].present
    if delta.kind == "removed":
        return not symbol.status[delta.new].present
    return True
