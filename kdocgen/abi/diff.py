"""Differences of a symbol between builds, computed from per-build signatures.

The rules follow DepSurf: a pair of builds is compared only when at least one
side has a signature (BTF); one side without it makes the pair ``added`` or
``removed``; otherwise the declarations are compared by parameter (or field)
name: added, removed, reordered, type changed, and the return type.  Which
builds are paired: consecutive builds of a group, or every build of a group
against a baseline build (DepSurf compares its Arch and Flavor images with the
default 5.4 generic amd64 image).

Signatures are read with kdocgen's tree-sitter C parser.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ..cparse.declarations import parse_declarations
from ..kinds import ChangeKind
from ..render.entry import param_decl
from .model import AbiSymbol, Build, Change, Delta


@dataclass(frozen=True)
class Member:
    """A parameter or a field: its name, type and declaration text."""

    name: str
    type: str
    text: str


@dataclass(frozen=True)
class Declaration:
    """A parsed function signature or struct layout."""

    kind: str                   # "function" or "struct"
    name: str
    return_type: str
    members: tuple[Member, ...]


def parse_signature(text: str) -> Declaration | None:
    """The declaration in ``text`` (a prototype or a struct body); None if unreadable."""
    parsed = parse_declarations(text.encode("utf-8"))
    for sym in parsed.symbols:
        if sym.kind == "function":
            members = [m for m in sym.params if m.name != "void" or m.type != "void"]
            return Declaration("function", sym.name, sym.return_type,
                               tuple(_member(m, i) for i, m in enumerate(members)))
        if sym.kind in ("struct", "union"):
            members = [m for m in sym.params if m.depth == 0]
            return Declaration("struct", sym.name, "",
                               tuple(_member(m, i) for i, m in enumerate(members)))
    return None


def _member(member, index: int) -> Member:
    return Member(member.name or f"#{index}", member.type, param_decl(member))


def diff_declarations(old: Declaration, new: Declaration) -> list[Change]:
    """The changes from ``old`` to ``new`` (same kind of declaration)."""
    function = old.kind == "function"
    added: ChangeKind = "Param added" if function else "Field added"
    removed: ChangeKind = "Param removed" if function else "Field removed"
    retyped: ChangeKind = "Param type changed" if function else "Field type changed"
    before = {m.name: m for m in old.members}
    after = {m.name: m for m in new.members}
    changes = [Change(added, "", m.text) for m in new.members if m.name not in before]
    changes += [Change(removed, m.text, "") for m in old.members if m.name not in after]
    common_old = [m.name for m in old.members if m.name in after]
    common_new = [m.name for m in new.members if m.name in before]
    if old.kind == "function" and common_old != common_new:
        changes.append(Change("Param reordered", ", ".join(common_old), ", ".join(common_new)))
    changes += [Change(retyped, before[n].text, after[n].text)
                for n in common_old if before[n].type != after[n].type]
    if old.return_type != new.return_type:
        changes.append(Change("Return type changed", old.return_type, new.return_type))
    return changes


def diff_signatures(kind: str, old: str, new: str) -> list[Change]:
    """The changes between two signature texts of a ``kind`` symbol."""
    if kind == "tracepoint":
        return _diff_tracepoint(old, new)
    a, b = parse_signature(old), parse_signature(new)
    if a is None or b is None or a.kind != b.kind:
        return [] if _same_text(old, new) else [Change("Func changed" if kind == "function"
                                                        else "Field type changed", old, new)]
    changes = diff_declarations(a, b)
    if a.kind == "struct":
        changes += diff_layouts(a, old, b, new)
    return changes


_LAYOUT = re.compile(r"^\t(?!\t).*/\* (\d+(?::\d+)?) (\d+) \*/$", re.M)
_SIZE = re.compile(r"^\}; /\* size: (\d+)(, packed)? \*/$", re.M)


def layout(decl: Declaration, text: str) -> dict[str, tuple[str, str]]:
    """``member -> (offset, size)`` from a struct text with layout comments
    (as the scanner writes BTF structs); empty when it has none or they do not line up."""
    places = _LAYOUT.findall(text)
    if len(places) != len(decl.members):
        return {}
    return {m.name: place for m, place in zip(decl.members, places)}


def diff_layouts(old: Declaration, old_text: str, new: Declaration, new_text: str) -> list[Change]:
    """Offset, size and packing changes of the members both structs have."""
    before, after = layout(old, old_text), layout(new, new_text)
    changes = [Change("Field offset changed", f"{name} at {before[name][0]}", f"{name} at {after[name][0]}")
               for name in before if name in after and before[name][0] != after[name][0]]
    types_old = {m.name: m.type for m in old.members}
    types_new = {m.name: m.type for m in new.members}
    changes += [Change("Field size changed", f"{name}: {before[name][1]}", f"{name}: {after[name][1]}")
                for name in before if name in after and before[name][1] != after[name][1]
                and types_old.get(name) == types_new.get(name)]     # a new type says it already
    size_old, size_new = _SIZE.search(old_text), _SIZE.search(new_text)
    if size_old and size_new and size_old.groups() != size_new.groups():
        changes.append(Change("Size changed", _size_text(size_old), _size_text(size_new)))
    return changes


def _size_text(match: re.Match) -> str:
    return f"{match.group(1)} bytes" + (", packed" if match.group(2) else "")


def _diff_tracepoint(old: str, new: str) -> list[Change]:
    """Event struct and probe function of a tracepoint (``Event``/``Func changed``)."""
    a, b = old.split("\n\n", 1) + [""], new.split("\n\n", 1) + [""]
    out = []
    if not _same_text(a[0], b[0]):
        out.append(Change("Event changed", a[0], b[0]))
    if not _same_text(a[1], b[1]):
        out.append(Change("Func changed", a[1], b[1]))
    return out


def _same_text(a: str, b: str) -> bool:
    return a.split() == b.split()


def delta_pairs(builds: list[Build], baselines: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """``(group, old build id, new build id)`` for every compared pair, in build order.

    Groups named in ``baselines`` compare each build with that baseline build;
    the others compare consecutive builds.
    """
    by_group: dict[str, list[Build]] = {}
    for build in builds:
        by_group.setdefault(build.group, []).append(build)
    pairs = []
    for group, members in by_group.items():
        base = (baselines or {}).get(group)
        if base:
            pairs += [(group, base, b.id) for b in members if b.id != base]
        else:
            pairs += [(group, a.id, b.id) for a, b in itertools.pairwise(members)]
    return pairs


def compute_delta(symbol: AbiSymbol, group: str, old: str, new: str) -> Delta | None:
    """The delta of ``symbol`` from build ``old`` to ``new``; None when neither has a signature."""
    sig_old, sig_new = _signature(symbol, old), _signature(symbol, new)
    if sig_old is None and sig_new is None:
        return None
    if sig_old is None:
        return Delta(group, old, new, "added")
    if sig_new is None:
        return Delta(group, old, new, "removed")
    changes = diff_signatures(symbol.kind, sig_old, sig_new)
    return Delta(group, old, new, "changed" if changes else "no change", changes)


def compute_deltas(symbol: AbiSymbol, builds: list[Build],
                   baselines: dict[str, str] | None = None) -> list[Delta]:
    """The differences of ``symbol`` over ``builds`` (see :func:`delta_pairs`)."""
    out = []
    for group, old, new in delta_pairs(builds, baselines):
        delta = compute_delta(symbol, group, old, new)
        if delta is not None:
            out.append(delta)
    return out


def _signature(symbol: AbiSymbol, build_id: str) -> str | None:
    status = symbol.status.get(build_id)
    return status.signature if status is not None and status.present else None
