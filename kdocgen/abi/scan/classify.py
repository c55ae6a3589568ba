"""Turn a build index into the ABI model's status of each wanted symbol.

A function's symbols are its plain name and its compiler clones (``.isra``,
``.constprop``, ``.part``, ``.cold``, ...; ``__pfx_``/``__cfi_`` padding
symbols are ignored).  Its home binary comes from its defining file (the
module that file links into, else vmlinux); same-named symbols elsewhere are
collisions, several copies of a header static are duplicates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import (
    COLLISION,
    DUPLICATE,
    FULL_INLINE,
    SELECTIVE_INLINE,
    TRANSFORMATION,
    BuildStatus,
    ElfSymbol,
    Instance,
    issues_in_order,
)
from .index import BinaryIndex, BuildIndex
from .subsystem import FileModules, Wanted

_CLONE = re.compile(r"^(.+?)((?:\.(?:isra|constprop|part|cold|localalias|lto_priv|llvm|clone)(?:\.\d+)?)+)$")
_IGNORED = ("__pfx_", "__cfi_")
_ARCH_DIRS = {"amd64": "x86", "i386": "x86", "arm64": "arm64"}


def base_name(symbol: str) -> tuple[str, str]:
    """``(function name, clone suffix)`` of a symbol name (suffix "" when plain)."""
    match = _CLONE.match(symbol)
    return (match.group(1), match.group(2)) if match else (symbol, "")


@dataclass(frozen=True)
class Found:
    """One symbol of a function in one binary."""

    binary: str
    name: str
    suffix: str
    bind: str
    size: int
    file: str = ""


def _functions(index: BuildIndex):
    """``(base name, binary, symbol, clone suffix)`` of every function symbol of the build."""
    for binary in index.binaries:
        for func in binary.funcs:
            if not func.name.startswith(_IGNORED):
                yield *base_name(func.name), binary, func


def function_names(index: BuildIndex) -> set[str]:
    """The (base) names of the build's functions."""
    return {name for name, _suffix, _binary, _func in _functions(index)}


def symbol_table(index: BuildIndex) -> dict[str, list[Found]]:
    """Function name -> every symbol of it (plain or clone) over all binaries."""
    table: dict[str, list[Found]] = {}
    for name, suffix, binary, func in _functions(index):
        table.setdefault(name, []).append(Found(binary.name, func.name, suffix, func.bind, func.size, func.file))
    return table


def classify(index: BuildIndex, wanted: list[Wanted], modules: FileModules) -> dict[Wanted, BuildStatus]:
    """The status of every wanted symbol in this build."""
    table = symbol_table(index)
    return {w: _struct_status(index, w) if w.kind == "struct" else _status(index, w, modules, table.get(w.name, []))
            for w in wanted}


def _struct_status(index: BuildIndex, wanted: Wanted) -> BuildStatus:
    """A struct is present where a binary's BTF defines it; its signature is that definition."""
    where = [b for b in index.binaries if wanted.name in b.structs]
    if not where:
        note = "not in the BTF of vmlinux or any module" if any(b.has_btf for b in index.binaries) \
            else "no BTF in this build: struct layouts unknown"
        return BuildStatus(present=False, note=note)
    return BuildStatus(present=True, binaries=[b.name for b in where], signature=where[0].structs[wanted.name])


def home_binary(index: BuildIndex, wanted: Wanted, modules: FileModules) -> str | None:
    """The binary the defining file builds into; None for headers and unknown files."""
    if not wanted.file or wanted.file.endswith(".h"):
        return None
    module = modules.module_of(wanted.file)
    if module and index.binary(module) is not None:
        return module
    return "vmlinux"


def _other_arch(index: BuildIndex, file: str | None) -> bool:
    """True when ``file`` lies in another architecture's ``arch/`` directory."""
    if not file or not file.startswith("arch/"):
        return False
    own = _ARCH_DIRS.get(index.build.arch, index.build.arch)
    return file.split("/")[1] != own


def _status(index: BuildIndex, wanted: Wanted, modules: FileModules, found: list[Found]) -> BuildStatus:
    """One symbol's status in one build."""
    if _other_arch(index, wanted.file):
        return BuildStatus(present=False, note=f"defined for another architecture ({wanted.file})")
    home = home_binary(index, wanted, modules)
    ours, others = _split(found, home, wanted.file)
    binary = index.binary(ours[0].binary if ours else (home or "vmlinux"))
    subs = _subprograms(binary, wanted) if binary is not None else []
    status = BuildStatus(present=bool(ours))
    status.binaries = sorted({f.binary for f in ours}, key=lambda b: (b != "vmlinux", b))
    status.symbols = [ElfSymbol(f.name, 0, f.size, f.bind, f.binary) for f in ours]
    status.clones = sorted({f.name for f in ours if f.suffix})
    status.transformation = bool(status.clones)
    issues = {TRANSFORMATION} if status.transformation else set()
    if ours:
        status.exported, status.crc = _export(index, ours, wanted.name)
        sig_binary = index.binary(ours[0].binary)
        if sig_binary is not None and sig_binary.has_btf:
            status.signature = sig_binary.signatures.get(wanted.name)
        status.collision = _collision(ours, others, wanted.file)
        if status.collision == "Static Duplication":
            issues.add(DUPLICATE)
        elif status.collision and status.collision.endswith("Collision"):
            issues.add(COLLISION)
    if binary is not None and binary.has_dwarf:
        _apply_dwarf(status, subs, binary.name, issues)
    elif not ours:
        status.note = "no symbol in vmlinux or any module: not built, or fully inlined (no debug info to tell)"
    status.issues = issues_in_order(issues)
    return status


def _split(found: list[Found], home: str | None, file: str | None) -> tuple[list[Found], list[Found]]:
    """Our symbols (in the home binary, from our file when known) and the others."""
    ours = [f for f in found if home is None or f.binary == home]
    if file and any(f.file for f in ours):
        stem = file.rsplit("/", 1)[-1]
        mine = [f for f in ours if not f.file or f.file == stem]
        if mine:
            ours = mine
    mine_ids = {id(f) for f in ours}
    return ours, [f for f in found if id(f) not in mine_ids]


def _export(index: BuildIndex, ours: list[Found], name: str) -> tuple[str | None, str | None]:
    """Export kind and CRC of ``name`` in the binaries that define it."""
    for binary_name in dict.fromkeys(f.binary for f in ours):
        binary = index.binary(binary_name)
        if binary is not None and name in binary.exports:
            return binary.exports[name]
    if "vmlinux" in {f.binary for f in ours} and not index.exports_known:
        return None, None
    return "", None


def _definitions(found: list[Found]) -> list[tuple[str, str, str]]:
    """Distinct definitions: one per binary and file, or per plain local copy."""
    defs = []
    for f in found:
        if not f.suffix:
            defs.append((f.binary, f.file, f.bind))
    for f in found:    # a clone-only function counts once per binary
        if f.suffix and not any(d[0] == f.binary for d in defs):
            defs.append((f.binary, f.file, f.bind))
    return defs


def _collision(ours: list[Found], others: list[Found], file: str | None) -> str:
    """DepSurf's collision type from the symbol tables (no DWARF needed)."""
    mine, rest = _definitions(ours), _definitions(others)
    everything = mine + rest
    local = all(d[2] == "STB_LOCAL" for d in everything)
    if len(everything) == 1:
        return "Unique Static" if local else "Unique Global"
    header = not file or file.endswith(".h")
    if header and local:
        return "Static Duplication"
    if local:
        return "Static-Static Collision"
    return "Static-Global Collision"


def _subprograms(binary: BinaryIndex, wanted: Wanted):
    """DWARF subprograms of ``wanted``: same name, declared in its file when known."""
    subs = [s for s in binary.subprograms if s.name == wanted.name]
    if wanted.file:
        same = [s for s in subs if s.decl.split(":")[0].endswith(wanted.file) or
                wanted.file.endswith(s.decl.split(":")[0])]
        subs = same or subs
    return subs


def _apply_dwarf(status: BuildStatus, subs, binary: str, issues: set[str]) -> None:
    """Inline status, instances and callers from DWARF."""
    if not subs:
        status.inline = None if status.present else "No"
        if not status.present:
            status.note = f"not in the symbols or the debug information of {binary}: not built"
        return
    sites = sum(s.inlined_sites for s in subs)
    out_of_line = status.present or any(s.out_of_line for s in subs)
    status.inline = "No" if not sites else ("Selective" if out_of_line else "Full")
    if status.inline == "Full":
        issues.add(FULL_INLINE)
        status.present = True
        status.binaries = [binary]
        status.note = "fully inlined: no symbol to trace"
    elif status.inline == "Selective":
        issues.add(SELECTIVE_INLINE)
    status.instances = [Instance(cu_file=s.cu, location=s.decl, inlined=bool(s.inlined_sites),
                                 inline_callers=tuple(sorted(s.inline_callers))) for s in subs]
    status.callers = sorted({c for s in subs for c in s.inline_callers})
