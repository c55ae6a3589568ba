"""Index one build from its artifacts: vmlinux, modules, exports, BTF, DWARF."""

from __future__ import annotations

import re
from dataclasses import replace

from ..model import Build
from . import btf as btfmod
from .dwarf import analyse
from .elfsyms import (
    GPL,
    NS_KIND,
    PLAIN,
    Binary,
    BinaryError,
    FuncSym,
    export,
    read_module,
    read_vmlinux_elf,
    section_bytes,
)
from .index import BinaryIndex, BuildIndex
from .kallsyms import KallsymsError, recover
from .unpack import Artifacts, decompress_module
from .vmlinuz import ImageError, extract

_FUNC_TYPES = {"T": "STB_GLOBAL", "t": "STB_LOCAL", "W": "STB_WEAK", "w": "STB_WEAK"}
_LINUX_VERSION = re.compile(rb"Linux version \S+ \(([^)]*\([^)]*\)[^)]*)\)")


class BuildError(Exception):
    """A build that cannot be indexed (the message names the file)."""


def index_build(art: Artifacts, build: Build, dwarf_modules=None, dwarf_cu=None, warn=None) -> BuildIndex:
    """Index ``art``; DWARF of the modules ``dwarf_modules`` accepts (None: all) and of vmlinux CUs ``dwarf_cu`` accepts."""
    used: list[str] = []
    warn = warn or (lambda message: None)
    vmlinux, base_btf, compiler = _vmlinux(art, used, warn)
    index = BuildIndex(build=build, binaries=[vmlinux])
    # a vmlinux always exports something: none found means the image did not tell
    index.exports_known = bool(vmlinux.exports) and all(e[0] != "exported" for e in vmlinux.exports.values())
    config = art.first("boot/config-*", "usr/lib/modules/*/config")
    if config is not None:
        index.config = read_config(config[1].decode("utf-8", "replace"))
        used.append("config")
    debug = {_module_key(p): (p, d) for p, d in art.modules(debug=True)}
    modules = art.modules()
    for path, data in modules:
        try:
            elf = decompress_module(path, data)
            binary = read_module(elf, path)
        except (BinaryError, ImageError, ValueError, OSError, EOFError) as err:
            warn(f"{path}: skipped: {err}")
            continue
        entry = _binary_index(binary, base_btf, warn)
        if dwarf_modules is None or binary.name in dwarf_modules:
            _add_dwarf(entry, _debug_elf(debug.get(_module_key(path)), elf, warn), path, warn)
        index.binaries.append(entry)
        compiler = compiler or binary.compiler
    if modules:
        used.append(f"{len(index.binaries) - 1} modules")
    symvers = art.first("usr/src/*/Module.symvers")
    if symvers is not None:
        _apply_symvers(index, symvers[1].decode("utf-8", "replace"))
        index.exports_known = True
        used.append("Module.symvers")
    vmlinux_debug = art.first("usr/lib/debug/boot/vmlinux-*")
    if vmlinux_debug is not None:
        _add_dwarf(vmlinux, vmlinux_debug[1], vmlinux_debug[0], warn, dwarf_cu or (lambda name: True))
        used.append("vmlinux DWARF")
    elif index.binaries and any(b.has_dwarf for b in index.binaries[1:]):
        used.append("module DWARF")
    has_dwarf = any(b.has_dwarf for b in index.binaries)
    provenance = dict(build.provenance, compiler=compiler, artifacts=", ".join(used))
    index.build = replace(build, provenance=provenance, has_inline_info=has_dwarf,
                          has_signatures=any(b.has_btf for b in index.binaries))
    index.binaries[1:] = sorted(index.binaries[1:], key=lambda b: (b.name, b.path))
    return index


def _debug_elf(dbg: tuple[str, bytes] | None, elf: bytes, warn) -> bytes:
    """The ELF of a module's debug file, or the module's own (no debug file, or it cannot be decompressed)."""
    if dbg is None:
        return elf
    try:
        return decompress_module(*dbg)
    except ImageError as err:
        warn(f"{dbg[0]}: skipped: {err}")
        return elf


def _module_key(path: str) -> str:
    """A module's path below ``lib/modules/`` without compression suffix (pairs it with its debug file)."""
    return re.sub(r"\.ko(\.(xz|zst|gz))?$", ".ko", path.rsplit("lib/modules/", 1)[-1])


def _vmlinux(art: Artifacts, used: list[str], warn) -> tuple[BinaryIndex, btfmod.Btf | None, str]:
    """vmlinux's functions (symtab, System.map or kallsyms), exports and base BTF."""
    image = art.first("usr/lib/debug/boot/vmlinux-*", "boot/vmlinux-*", "boot/vmlinuz-*", "boot/Image-*",
                      "usr/lib/modules/*/vmlinuz")
    if image is None:
        raise BuildError(f"{', '.join(art.origin)}: no kernel image (vmlinuz, vmlinux or Image)")
    path, data = image
    try:
        kernel, packing = extract(data)
    except ImageError as err:
        raise BuildError(f"{path}: {err}") from None
    used.append(f"{path.rsplit('/', 1)[-1]} ({packing})")
    binary, funcs_from = Binary(name="vmlinux", path=path), ""
    rodata = kernel
    if kernel.startswith(b"\x7fELF"):
        try:
            binary, elf = read_vmlinux_elf(kernel, path)
        except BinaryError as err:
            raise BuildError(str(err)) from None
        rodata = section_bytes(elf, ".rodata") or kernel
        funcs_from = ".symtab" if binary.funcs else ""
    else:
        binary.btf = btfmod.find(kernel)
    system_map = art.first("usr/lib/debug/boot/System.map-*", "boot/System.map-*", "usr/lib/modules/*/System.map")
    if not funcs_from and system_map is not None and len(system_map[1]) > 4096:
        binary.funcs = _map_funcs(system_map[1].decode("ascii", "replace"))
        funcs_from = "System.map"
    if not funcs_from:
        try:
            syms = recover(rodata)
        except KallsymsError as err:
            raise BuildError(f"{path}: {err}") from None
        binary.funcs = [FuncSym(n, _FUNC_TYPES[t]) for t, n in syms if t in _FUNC_TYPES]
        funcs_from = "kallsyms"
        if not binary.exports:
            binary.exports = {n[len("__ksymtab_"):]: export("exported", None) for t, n in syms
                              if n.startswith("__ksymtab_") and t in "rR"}
    used.append(f"vmlinux symbols from {funcs_from}")
    compiler = binary.compiler or _banner_compiler(rodata)
    base = None
    if binary.btf:
        try:
            base = btfmod.parse(binary.btf, origin=f"{path}: .BTF")
        except btfmod.BtfError as err:
            warn(str(err))
    entry = BinaryIndex(name="vmlinux", path=path, funcs=binary.funcs, exports=binary.exports,
                        has_btf=base is not None)
    if base is not None:
        entry.signatures, entry.structs = base.functions(), base.structs()
        used.append("BTF")
    return entry, base, compiler


def _banner_compiler(blob: bytes) -> str:
    """The compiler named in the ``Linux version`` banner."""
    match = _LINUX_VERSION.search(blob)
    return match.group(1).decode("utf-8", "replace") if match else ""


def _map_funcs(text: str) -> list[FuncSym]:
    """Function symbols of a ``System.map``."""
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] in _FUNC_TYPES:
            out.append(FuncSym(parts[2], _FUNC_TYPES[parts[1]]))
    return out


def _binary_index(binary: Binary, base: btfmod.Btf | None, warn) -> BinaryIndex:
    """A module's index entry, with its split BTF prototypes."""
    entry = BinaryIndex(name=binary.name, path=binary.path, funcs=binary.funcs, exports=binary.exports)
    if binary.btf:
        try:
            split = btfmod.parse(binary.btf, base, origin=f"{binary.path}: .BTF")
            entry.signatures, entry.structs = split.functions(), split.structs()
            entry.has_btf = True
        except btfmod.BtfError as err:
            warn(str(err))
    return entry


def _add_dwarf(entry: BinaryIndex, data: bytes, path: str, warn, keep_cu=lambda name: True) -> None:
    """DWARF subprograms of a binary (nothing when it has no debug information)."""
    try:
        entry.subprograms = analyse(data, path, keep_cu)
    except (ValueError, BinaryError) as err:
        warn(str(err))
        return
    entry.has_dwarf = bool(entry.subprograms)


def read_config(text: str) -> dict[str, str]:
    """``CONFIG_X -> value`` of the options a kernel ``config`` file sets (``y``, ``m``, strings...)."""
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.startswith("CONFIG_") and value != "n":
            out[key] = value
    return out


def _apply_symvers(index: BuildIndex, text: str) -> None:
    """Export kinds, CRCs and namespaces from ``Module.symvers`` (``crc name module kind [ns]``)."""
    plain = {v: k for k, v in NS_KIND.items()}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) < 4:
            continue
        crc, name, module, kind = parts[:4]
        owner = "vmlinux" if module in ("vmlinux", "") else module.rsplit("/", 1)[-1].replace("-", "_")
        binary = index.binary(owner)
        if binary is not None and kind in (PLAIN, GPL, *plain):
            namespace = parts[4].strip() if len(parts) > 4 else ""
            binary.exports[name] = export(plain.get(kind, kind), crc if crc.startswith("0x") else f"0x{crc}",
                                          namespace)
