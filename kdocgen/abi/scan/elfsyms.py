"""Symbols, exports and metadata of one ELF binary (vmlinux or a module).

pyelftools reads the sections; exports come from ``__ksymtab`` (plain) and
``__ksymtab_gpl``, CRCs from ``__kcrctab*`` (the entry with the same index),
so no ``Module.symvers`` is needed.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

PLAIN, GPL = "EXPORT_SYMBOL", "EXPORT_SYMBOL_GPL"
#: The export kind of a namespaced export (``EXPORT_SYMBOL_NS[_GPL]``).
NS_KIND = {PLAIN: "EXPORT_SYMBOL_NS", GPL: "EXPORT_SYMBOL_NS_GPL"}
_EXPORT_SECTIONS = (("__ksymtab", "__kcrctab", PLAIN), ("__ksymtab_gpl", "__kcrctab_gpl", GPL))
#: Newer kernels keep every export in __ksymtab and one flag byte per entry here (bit 0: GPL only).
_FLAGS_SECTION, _GPL_FLAG = "__kflagstab", 1


class BinaryError(Exception):
    """An ELF file that cannot be read."""


@dataclass(frozen=True)
class FuncSym:
    """A function symbol as the symbol table has it."""

    name: str
    bind: str          # "STB_LOCAL", "STB_GLOBAL", "STB_WEAK"
    size: int = 0
    file: str = ""     # the STT_FILE symbol before it (local symbols), when kept


#: An export: kind (``EXPORT_SYMBOL``...), CRC or None, namespace ("" when none).
Export = tuple[str, "str | None", str]


def export(kind: str, crc: str | None, namespace: str = "") -> Export:
    """An export record; a namespace turns the kind into ``EXPORT_SYMBOL_NS[_GPL]``."""
    return (NS_KIND.get(kind, kind) if namespace else kind, crc, namespace)


@dataclass
class Binary:
    """What the scan keeps of one binary."""

    name: str                                   # "vmlinux" or the module name
    path: str = ""                              # path inside the package
    funcs: list[FuncSym] = field(default_factory=list)
    exports: dict[str, Export] = field(default_factory=dict)  # name -> (kind, crc, namespace)
    compiler: str = ""                          # first .comment string
    btf: bytes = b""                            # the .BTF section


def open_elf(data: bytes, origin: str) -> ELFFile:
    """pyelftools' view of ``data``; BinaryError if it is not ELF."""
    try:
        return ELFFile(io.BytesIO(data))
    except ELFError as err:
        raise BinaryError(f"{origin}: not an ELF file: {err}") from None


def read_module(data: bytes, path: str) -> Binary:
    """A module's function symbols, exports with CRCs, .modinfo, BTF and compiler."""
    elf = open_elf(data, path)
    try:
        name = _modinfo(elf).get("name") or path.rsplit("/", 1)[-1].split(".ko")[0].replace("-", "_")
        binary = Binary(name=name, path=path,
                        compiler=_comment(elf), btf=section_bytes(elf, ".BTF"))
        symtab = elf.get_section_by_name(".symtab")
        if isinstance(symtab, SymbolTableSection):
            _module_symbols(elf, symtab, binary)
    except (ELFError, struct.error, ValueError, IndexError) as err:
        raise BinaryError(f"{path}: broken ELF data: {err}") from None
    return binary


def _module_symbols(elf: ELFFile, symtab: SymbolTableSection, binary: Binary) -> None:
    """Functions, ``STT_FILE`` names and ``__ksymtab_*`` / ``__crc_*`` exports
    (namespaces from the ``__kstrtabns_*`` strings)."""
    sections = [s.name for s in elf.iter_sections()]
    flags = section_bytes(elf, _FLAGS_SECTION)
    strings = section_bytes(elf, "__ksymtab_strings")
    crcs: dict[str, str | None] = {}
    namespaces: dict[str, str] = {}
    exported: dict[str, str] = {}
    for sym in raw_symbols(elf, symtab, binary.funcs):
        name, shndx = sym[0], sym[3]
        if name.startswith("__ksymtab_") and 0 < shndx < len(sections):
            section = sections[shndx]
            if section in ("__ksymtab", "__ksymtab_gpl"):
                kind = GPL if section.endswith("_gpl") else PLAIN
                exported[name[len("__ksymtab_"):]] = _flagged(kind, flags, sym[1] // 12) if flags else kind
        elif name.startswith("__crc_"):
            crcs[name[len("__crc_"):]] = _crc_value(elf, sym)
        elif name.startswith("__kstrtabns_") and 0 < shndx < len(sections) \
                and sections[shndx] == "__ksymtab_strings":
            namespaces[name[len("__kstrtabns_"):]] = _c_string(strings, sym[1])
    for name, kind in exported.items():
        binary.exports[name] = export(kind, crcs.get(name), namespaces.get(name, ""))


def _c_string(data: bytes, offset: int) -> str:
    """The NUL-terminated string at ``offset`` ("" when outside ``data``)."""
    if not 0 <= offset < len(data):
        return ""
    end = data.find(b"\x00", offset)
    return data[offset:end if end >= 0 else len(data)].decode("ascii", "replace")


_BINDS = {0: "STB_LOCAL", 1: "STB_GLOBAL", 2: "STB_WEAK"}
_STT_FUNC, _STT_FILE, _SHN_ABS = 2, 4, 0xFFF1


def raw_symbols(elf: ELFFile, symtab: SymbolTableSection, funcs: list[FuncSym]):
    """Append defined functions to ``funcs``; yield ``(name, value, size, shndx)`` of the other symbols.

    Reads the table with ``struct`` (pyelftools' per-symbol parsing is far
    slower); pyelftools still locates the sections.
    """
    data = symtab.data()
    strtab = elf.get_section(symtab["sh_link"]).data()
    if elf.elfclass == 64:
        fmt, order = ("<" if elf.little_endian else ">") + "IBBHQQ", (0, 1, 2, 3, 4, 5)
    else:
        fmt, order = ("<" if elf.little_endian else ">") + "IIIBBH", (0, 3, 4, 5, 1, 2)
    file = ""
    for entry in struct.iter_unpack(fmt, data):
        name_off, info, _other, shndx, value, size = (entry[i] for i in order)
        kind, bind = info & 0xF, _BINDS.get(info >> 4, str(info >> 4))
        name = strtab[name_off:strtab.index(b"\x00", name_off)].decode("utf-8", "replace") if name_off else ""
        if kind == _STT_FUNC and shndx != 0:
            funcs.append(FuncSym(name, bind, size, file if bind == "STB_LOCAL" else ""))
        elif kind == _STT_FILE:
            file = name
        elif name:
            yield name, value, size, shndx


def _crc_value(elf: ELFFile, sym: tuple) -> str | None:
    """A ``__crc_`` symbol's CRC: its value when absolute, else the u32 it points at."""
    _name, value, _size, shndx = sym
    if shndx == _SHN_ABS:
        return f"0x{value & 0xFFFFFFFF:08x}"
    if not 0 < shndx < elf.num_sections():
        return None
    section = elf.get_section(shndx)
    data = section.data()
    offset = value - (section["sh_addr"] if elf["e_type"] != "ET_REL" else 0)
    if 0 <= offset <= len(data) - 4:
        return f"0x{struct.unpack_from('<I', data, offset)[0]:08x}"
    return None


def read_vmlinux_elf(data: bytes, origin: str) -> tuple[Binary, ELFFile]:
    """vmlinux: functions from ``.symtab`` (when kept), exports decoded from ``__ksymtab*``."""
    elf = open_elf(data, origin)
    binary = Binary(name="vmlinux", path=origin, compiler=_comment(elf), btf=section_bytes(elf, ".BTF"))
    try:
        symtab = elf.get_section_by_name(".symtab")
        if isinstance(symtab, SymbolTableSection):
            for _ in raw_symbols(elf, symtab, binary.funcs):
                pass
        binary.exports = _linked_exports(elf)
    except (ELFError, struct.error, ValueError, IndexError) as err:
        raise BinaryError(f"{origin}: broken ELF data: {err}") from None
    return binary, elf


def _linked_exports(elf: ELFFile) -> dict[str, Export]:
    """Exports of a linked image: each ``kernel_symbol`` entry's name, namespace, kind and CRC."""
    strings = elf.get_section_by_name("__ksymtab_strings")
    if strings is None:
        return {}
    sdata, sbase = strings.data(), strings["sh_addr"]
    ptr = 8 if elf.elfclass == 64 else 4
    out: dict[str, Export] = {}
    flags = section_bytes(elf, _FLAGS_SECTION)
    for table, crctab, kind in _EXPORT_SECTIONS:
        section = elf.get_section_by_name(table)
        if section is None:
            continue
        data, base = section.data(), section["sh_addr"]
        crcs = elf.get_section_by_name(crctab)
        cdata = crcs.data() if crcs is not None else b""
        for i, (name, namespace) in enumerate(_entry_names(data, base, sdata, sbase, ptr)):
            crc = f"0x{struct.unpack_from('<I', cdata, 4 * i)[0]:08x}" if 4 * i + 4 <= len(cdata) else None
            out[name] = export(_flagged(kind, flags, i), crc, namespace)
    return out


def _flagged(kind: str, flags: bytes, index: int) -> str:
    """The export kind, corrected by the entry's ``__kflagstab`` byte when there is one."""
    if index < len(flags):
        return GPL if flags[index] & _GPL_FLAG else PLAIN
    return kind


def _entry_names(data: bytes, base: int, sdata: bytes, sbase: int, ptr: int) -> list[tuple[str, str]]:
    """``(name, namespace)`` of ``kernel_symbol`` entries: relative (3 x s32) or absolute (3 pointers)."""
    def name_at(addr: int) -> str | None:
        off = addr - sbase
        if not 0 <= off < len(sdata):
            return None
        return sdata[off:sdata.index(b"\x00", off)].decode("ascii", "replace")

    def relative(pos: int, field: int) -> int:
        return base + pos + 4 * field + struct.unpack_from("<i", data, pos + 4 * field)[0]

    def absolute(pos: int, field: int) -> int:
        return struct.unpack_from("<Q" if ptr == 8 else "<I", data, pos + ptr * field)[0]

    for size, decode in ((12, relative), (3 * ptr, absolute)):
        if len(data) % size:
            continue
        found = [name_at(decode(pos, 1)) for pos in range(0, len(data), size)]
        names = [n for n in found if n]
        if names and len(names) == len(found):
            return [(name, name_at(decode(pos, 2)) or "") for name, pos in zip(names, range(0, len(data), size))]
    return []


def section_bytes(elf: ELFFile, name: str) -> bytes:
    """The bytes of section ``name`` (empty when missing)."""
    section = elf.get_section_by_name(name)
    return section.data() if section is not None and section["sh_type"] != "SHT_NOBITS" else b""


def _comment(elf: ELFFile) -> str:
    """The first compiler string of ``.comment`` (e.g. ``GCC: (Debian 12.2.0-14) 12.2.0``)."""
    for text in section_bytes(elf, ".comment").split(b"\x00"):
        if text.startswith((b"GCC:", b"clang")) or b"clang version" in text:
            return text.decode("utf-8", "replace").strip()
    return ""


def _modinfo(elf: ELFFile) -> dict[str, str]:
    """``.modinfo`` as key -> value (repeated keys joined with ``,``)."""
    out: dict[str, str] = {}
    for item in section_bytes(elf, ".modinfo").split(b"\x00"):
        key, sep, value = item.decode("utf-8", "replace").partition("=")
        if sep:
            out[key] = f"{out[key]},{value}" if key in out and key != "name" else value
    return out
