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
    INLINED,
    NOT_CONFIGURED,
    NOT_IN_VERSION,
    OTHER_ARCH,
    OVERRIDDEN,
    SELECTIVE_INLINE,
    UNATTRIBUTED,
    USER_SPACE,
    TRANSFORMATION,
    BuildStatus,
    ElfSymbol,
    Instance,
    issues_in_order,
)
from .index import BinaryIndex, BuildIndex
from .kbuild import Built
from .subsystem import FileModules, Wanted
from .versions import Definition, VersionSource

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


def classify(index: BuildIndex, wanted: list[Wanted], modules: FileModules,
             source: VersionSource | None = None) -> dict[Wanted, BuildStatus]:
    """The status of every wanted symbol in this build; ``source`` is the
    build's version's source facts (None: absences stay unexplained)."""
    table = symbol_table(index)
    context = _Context(index, modules, source, table)
    return {w: _struct_status(index, w, source) if w.kind == "struct" else _status(context, w)
            for w in wanted}


@dataclass
class _Context:
    """What classifying one build's symbols reads."""

    index: BuildIndex
    modules: FileModules
    source: VersionSource | None
    table: dict[str, list[Found]]

    def built(self, file: str | None) -> Built:
        """The Kbuild state of ``file`` in this build ("?" when unknown)."""
        if self.source is None or not file or not file.endswith(".c"):
            return Built("?")
        return self.source.kbuild.built(file, self.index.config)


def _struct_status(index: BuildIndex, wanted: Wanted, source: VersionSource | None) -> BuildStatus:
    """A struct is present where a binary's BTF defines it; its signature is that definition."""
    where = [b for b in index.binaries if wanted.name in b.structs]
    if not where:
        if source is not None and not any(n == wanted.name for n, _f in source.structs):
            return BuildStatus(present=False, reason=NOT_IN_VERSION,
                               note=f"linux-source-{source.version} does not define it")
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


def _absence(context: _Context, wanted: Wanted) -> BuildStatus | None:
    """The status of a definition this build cannot contain (None when it can)."""
    file, source = wanted.file or "", context.source
    if file.startswith("tools/"):
        return BuildStatus(present=False, reason=USER_SPACE, note=f"{file} is user-space code, not kernel ABI")
    if _other_arch(context.index, file):
        return BuildStatus(present=False, reason=OTHER_ARCH, note=f"defined for another architecture ({file})")
    if source is not None and file and (wanted.name, file) not in source.defined and file not in source.files:
        return BuildStatus(present=False, reason=NOT_IN_VERSION,
                           note=f"linux-source-{source.version} has no {file}")
    built = context.built(file)
    if built.state == "n":
        return BuildStatus(present=False, reason=NOT_CONFIGURED, note=f"{file} is not built: {built.off} is not set")
    return None


def _home(context: _Context, wanted: Wanted) -> str | None:
    """The binary the defining file builds into (Kbuild and config first)."""
    built = context.built(wanted.file)
    if built.state == "y":
        return "vmlinux"
    if built.state == "m" and context.index.binary(built.module or "") is not None:
        return built.module
    return home_binary(context.index, wanted, context.modules)


def _status(context: _Context, wanted: Wanted) -> BuildStatus:
    """One symbol's status in one build."""
    absent = _absence(context, wanted)
    if absent is not None:
        return absent
    index = context.index
    home = _home(context, wanted)
    ours, others = _split(context.table.get(wanted.name, []), home, wanted.file)
    binary = index.binary(ours[0].binary if ours else (home or "vmlinux"))
    subs = _subprograms(binary, wanted) if binary is not None else []
    if not ours and home is None and not subs:      # a header's function: wherever DWARF has it
        binary, subs = next(((b, found) for b in index.binaries if b.has_dwarf
                             for found in [_subprograms(b, wanted)] if found), (binary, subs))
    overridden = _overridden(context, wanted, ours)
    if overridden is not None:
        return overridden
    ours, others, unattributed = _attribute(context, wanted, ours, others, binary, subs)
    source = context.source
    if source is not None and (wanted.name, wanted.file or "") not in source.defined:
        if not ours or source.definers(wanted.name):     # or it moved to another file of ours
            return BuildStatus(present=False, reason=NOT_IN_VERSION,
                               note=f"{wanted.file} of linux-source-{source.version} does not define it")
        unwritten = (f"{wanted.file} of linux-source-{source.version} does not write it out: "
                     "a macro defines it (e.g. module_pci_driver())")
    else:
        unwritten = ""
    status = BuildStatus(present=bool(ours), note=unwritten)
    status.binaries = sorted({f.binary for f in ours}, key=lambda b: (b != "vmlinux", b))
    status.symbols = [ElfSymbol(f.name, 0, f.size, f.bind, f.binary) for f in ours]
    status.clones = sorted({f.name for f in ours if f.suffix})
    status.transformation = bool(status.clones)
    issues = {TRANSFORMATION} if status.transformation else set()
    if ours:
        status.exported, status.crc, status.namespace = _export(index, ours, wanted.name)
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
    if not status.present and not status.reason and not (status.inline == "Full"):
        if unattributed:
            status.reason, status.note = UNATTRIBUTED, unattributed
        else:
            status.reason = INLINED
            status.note = status.note or _no_symbol_note(index, binary, others)
    status.issues = issues_in_order(issues)
    return status


def _no_symbol_note(index: BuildIndex, binary: BinaryIndex | None, others: list[Found]) -> str:
    """Why a built definition has no symbol, as far as the evidence goes."""
    elsewhere = sorted({f"{f.name} ({f.binary}{', ' + f.file if f.file else ''})" for f in others})
    tail = f"; the symbol {', '.join(elsewhere)} is another file's" if elsewhere else ""
    if binary is not None and binary.has_dwarf:
        return ("built, but neither a symbol nor debug information of it: not compiled here "
                "(an #if for another configuration) or dropped as unused") + tail
    return "built, no symbol: inlined or removed by the compiler (no debug information to tell)" + tail


def _overridden(context: _Context, wanted: Wanted, ours: list[Found]) -> BuildStatus | None:
    """A ``__weak`` default whose symbol is a strong (global) definition: that one won."""
    source = context.source
    if source is None or not source.defined.get((wanted.name, wanted.file or ""), Definition()).weak:
        return None
    if not ours or any(f.bind == "STB_WEAK" for f in ours if not f.suffix):
        return None
    strong = [f for f in source.definers(wanted.name) if f != wanted.file
              and not source.defined[(wanted.name, f)].weak and context.built(f).state in ("y", "m", "?")
              and not _other_arch(context.index, f)]
    strong += [f for f in source.others.get(wanted.name, []) if context.built(f).state in ("y", "?")]
    by = f"the strong definition in {', '.join(strong)}" if strong else "a strong definition of another file"
    return BuildStatus(present=False, reason=OVERRIDDEN,
                       note=f"this __weak default is not linked in: {by} carries the symbol")


def _attribute(context: _Context, wanted: Wanted, ours: list[Found], others: list[Found],
               binary: BinaryIndex | None, subs) -> tuple[list[Found], list[Found], str]:
    """Keep only the symbols that are provably this definition's.

    Symbols with a file (locals with their ``STT_FILE``) were matched by file
    already.  The linkage must fit (a static's symbol is local).  When no
    other built file of that binary defines the name, the symbol is ours;
    else the binary's DWARF of this file decides (out-of-line code or not);
    without DWARF a static is ours only when there are more symbols than
    other definitions, otherwise it is left unattributed (the returned note).
    """
    if not ours or all(f.file for f in ours):
        return ours, others, ""
    definition = context.source.defined.get((wanted.name, wanted.file or "")) if context.source else None
    fits = [f for f in ours if definition is None or (f.bind == "STB_LOCAL") == definition.static]
    if not fits:                        # a static's symbol is local, a global's is not
        return [], others + ours, ""
    rest = others + [f for f in ours if f not in fits]
    rivals = _rivals(context, wanted, definition, fits[0].binary) if definition is not None else None
    if rivals == []:                    # no other built file of that binary defines the name
        return fits, rest, ""
    if binary is not None and binary.has_dwarf and subs:
        if any(s.out_of_line for s in subs):
            return fits, rest, ""
        return [], others + ours, ""
    if rivals is None or definition is None:
        return fits, rest, ""
    plain = [f for f in fits if not f.suffix]
    if definition.static and len(plain) > len(rivals):
        return fits, rest, ""
    note = (f"{binary.name if binary else 'vmlinux'} has {', '.join(sorted({f.name for f in fits}))}, but "
            f"{', '.join(rivals)} defines a function of this name built into it too; without debug "
            "information the symbol cannot be told apart")
    return [], others + ours, note


def _rivals(context: _Context, wanted: Wanted, definition: Definition, binary: str) -> list[str] | None:
    """Other built files of the same binary that define a function of the same name and linkage
    (None without the version's sources: unknown)."""
    source = context.source
    if source is None:
        return None
    files = [f for f in source.definers(wanted.name) if f != wanted.file and f.endswith(".c")]
    files += source.others.get(wanted.name, [])
    out = []
    for file in files:
        built = context.built(file)
        if built.state == "n" or _other_arch(context.index, file) or file.startswith("tools/"):
            continue
        where = "vmlinux" if built.state == "y" else built.module
        if built.state != "?" and where != binary:
            continue
        rule = source.kbuild.rules.get(file)
        if built.state == "?" and binary != "vmlinux" and (rule is None or rule.module != binary):
            continue                    # unknown rule: only vmlinux could hold it unnoticed
        theirs = source.defined.get((wanted.name, file))
        if theirs is not None and (theirs.weak or theirs.static != definition.static):
            continue
        out.append(file)
    return sorted(out)


def _split(found: list[Found], home: str | None, file: str | None) -> tuple[list[Found], list[Found]]:
    """Our symbols (in the home binary, from our file when known) and the others."""
    ours = [f for f in found if home is None or f.binary == home]
    if file and file.endswith(".c") and any(f.file for f in ours):
        # a local's STT_FILE names its .c file (a header's static names its includer): another's is not ours
        stem = file.rsplit("/", 1)[-1]
        ours = [f for f in ours if not f.file or f.file == stem]
    mine_ids = {id(f) for f in ours}
    return ours, [f for f in found if id(f) not in mine_ids]


def _export(index: BuildIndex, ours: list[Found], name: str) -> tuple[str | None, str | None, str]:
    """Export kind, CRC and namespace of ``name`` in the binaries that define it."""
    for binary_name in dict.fromkeys(f.binary for f in ours):
        binary = index.binary(binary_name)
        if binary is not None and name in binary.exports:
            return binary.exports[name]
    if "vmlinux" in {f.binary for f in ours} and not index.exports_known:
        return None, None, ""
    return "", None, ""


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
    """DWARF subprograms of ``wanted``: same name, declared or compiled in its
    ``.c`` file (a header's function: any compile unit)."""
    subs = [s for s in binary.subprograms if s.name == wanted.name]
    if wanted.file:
        same = [s for s in subs if s.decl.split(":")[0].endswith(wanted.file) or
                wanted.file.endswith(s.decl.split(":")[0]) or s.cu.endswith(wanted.file)]
        subs = same if wanted.file.endswith(".c") else same or subs
    return subs


def _apply_dwarf(status: BuildStatus, subs, binary: str, issues: set[str]) -> None:
    """Inline status, instances and callers from DWARF."""
    if not subs:
        status.inline = None if status.present else "No"
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
