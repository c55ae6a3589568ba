"""A small BTF reader: function prototypes from vmlinux and split module BTF.

Only what signatures need: the type records of the ``.BTF`` section (base,
or split on top of the same build's base: type ids and string offsets
continue after the base's) and C declarations of ``FUNC`` records.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

MAGIC = 0xEB9F
RAW_MAGIC = b"\x9f\xeb\x01\x00\x18\x00\x00\x00"   # little-endian header, version 1, hdr_len 24
INT, PTR, ARRAY, STRUCT, UNION, ENUM, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, \
    FUNC_PROTO, VAR, DATASEC, FLOAT, DECL_TAG, TYPE_TAG, ENUM64 = range(1, 20)
_TAIL = {INT: lambda v: 4, ARRAY: lambda v: 12, STRUCT: lambda v: 12 * v, UNION: lambda v: 12 * v,
         ENUM: lambda v: 8 * v, FUNC_PROTO: lambda v: 8 * v, VAR: lambda v: 4,
         DATASEC: lambda v: 12 * v, DECL_TAG: lambda v: 4, ENUM64: lambda v: 12 * v}
_QUALIFIERS = {CONST: "const", VOLATILE: "volatile", RESTRICT: "restrict"}


class BtfError(Exception):
    """A .BTF section that cannot be read."""


@dataclass
class Btf:
    """Type records by id (0 is void) and strings; split BTF chains to its base."""

    own: list[tuple] = field(default_factory=list)
    strings: bytes = b""
    base: Btf | None = None
    first: int = 1          # the id of the first own type
    str_base: int = 0       # the offset of the first own string

    def __post_init__(self):
        if self.base is not None:
            self.first = self.base.count
            self.str_base = self.base.str_base + len(self.base.strings)

    @property
    def count(self) -> int:
        """One more than the highest type id."""
        return self.first + len(self.own)

    def type(self, tid: int) -> tuple:
        """The record ``(kind, name, kind_flag, size_or_type, members)`` of type ``tid``."""
        if tid == 0:
            return (0, "void", 0, 0, ())
        if tid < self.first and self.base is not None:
            return self.base.type(tid)
        return self.own[tid - self.first]

    def string(self, off: int) -> str:
        """The string at offset ``off`` (offsets of split BTF continue the base's)."""
        if self.base is not None and off < self.str_base:
            return self.base.string(off)
        off -= self.str_base
        return self.strings[off:self.strings.index(b"\x00", off)].decode("utf-8", "replace")

    def structs(self) -> dict[str, str]:
        """``name -> C definition`` of the own named STRUCT records, with their layout:
        each member's ``/* offset size */`` in bytes (``offset:bit`` for bit fields),
        anonymous structs and unions written out, and the total size (``packed``
        when a member sits off its natural alignment)."""
        out = {}
        for tid, (kind, name, flag, size, members) in enumerate(self.own, self.first):
            if kind == STRUCT and name and name not in out:
                packed = ", packed" if self._packed(tid) else ""
                out[name] = f"struct {name} {{\n{self._body(members, flag, 1, 0)}}}; /* size: {size}{packed} */"
        return out

    def _body(self, members: tuple, bitfields: int, depth: int, base: int) -> str:
        """Member lines of a struct or union body at byte offset ``base``
        (anonymous types written out)."""
        lines = []
        pad = "\t" * depth
        for name, tid, offset in members:
            kind, tname, flag, _size, inner = self.type(tid) if tid < self.count else (0, "?", 0, 0, ())
            bit_size, bit_off = (offset >> 24, offset & 0xFFFFFF) if bitfields else (0, offset)
            where = base + bit_off // 8
            layout = f"/* {where}:{bit_off % 8} {self.size(tid)} */" if bit_size else f"/* {where} {self.size(tid)} */"
            if kind in (STRUCT, UNION) and not tname and depth < 8:
                tag = "struct" if kind == STRUCT else "union"
                label = f" {name}" if name else ""
                lines.append(f"{pad}{tag} {{\n{self._body(inner, flag, depth + 1, where)}{pad}}}{label}; {layout}\n")
                continue
            bits = f":{bit_size}" if bit_size else ""
            lines.append(f"{pad}{_decl(self, tid, name, 0)}{bits}; {layout}\n")
        return "".join(lines)

    def _resolve(self, tid: int) -> tuple:
        """The record of ``tid`` with typedefs and qualifiers looked through."""
        record = self.type(tid) if tid < self.count else (0, "?", 0, 0, ())
        for _ in range(32):
            if record[0] not in (TYPEDEF, CONST, VOLATILE, RESTRICT, TYPE_TAG) or record[3] >= self.count:
                break
            record = self.type(record[3])
        return record

    def size(self, tid: int) -> int:
        """The size in bytes of type ``tid`` (pointers are 8 bytes)."""
        kind, _name, _flag, size, members = self._resolve(tid)
        if kind == PTR:
            return 8
        if kind == ARRAY:
            return self.size(members[0]) * members[1]
        return size if kind in (INT, STRUCT, UNION, ENUM, ENUM64, FLOAT) else 0

    def align(self, tid: int, depth: int = 0) -> int:
        """The natural alignment of type ``tid``."""
        kind, _name, _flag, size, members = self._resolve(tid)
        if kind == ARRAY:
            return self.align(members[0], depth + 1)
        if kind in (STRUCT, UNION):
            return max([self.align(t, depth + 1) for _n, t, _o in members] or [1]) if depth < 16 else 1
        return max(1, min(self.size(tid), 8))

    def _packed(self, tid: int) -> bool:
        """True when a member or the size of struct ``tid`` breaks natural alignment."""
        _kind, _name, flag, size, members = self.type(tid)
        for _n, mtid, offset in members:
            bit_size, bit_off = (offset >> 24, offset & 0xFFFFFF) if flag else (0, offset)
            if not bit_size and (bit_off % 8 or (bit_off // 8) % self.align(mtid)):
                return True
        return bool(members) and size % self.align(tid) != 0

    def functions(self) -> dict[str, str]:
        """``name -> C declaration`` of the own FUNC records."""
        out: dict[str, str] = {}
        for kind, name, _flag, ref, _members in self.own:
            if kind == FUNC and name:
                out.setdefault(name, _decl(self, ref, name, 0))
        return out


def parse(data: bytes, base: Btf | None = None, origin: str = ".BTF") -> Btf:
    """Parse a ``.BTF`` section; ``base`` for split (module) BTF."""
    if len(data) < 24:
        raise BtfError(f"{origin}: too short for a BTF header")
    magic, _version, _flags, hdr_len, type_off, type_len, str_off, str_len = struct.unpack_from("<HBBIIIII", data)
    if magic != MAGIC:
        raise BtfError(f"{origin}: no BTF magic (big-endian BTF is not supported)")
    tstart, sstart = hdr_len + type_off, hdr_len + str_off
    if sstart + str_len > len(data) or tstart + type_len > len(data):
        raise BtfError(f"{origin}: sections beyond the end of the data")
    btf = Btf(strings=data[sstart:sstart + str_len], base=base)
    pos, end = tstart, tstart + type_len
    try:
        while pos < end:
            name_off, info, size_type = struct.unpack_from("<III", data, pos)
            pos += 12
            kind, vlen, flag = (info >> 24) & 0x1F, info & 0xFFFF, info >> 31
            tail = _TAIL.get(kind, lambda v: 0)(vlen)
            btf.own.append((kind, btf.string(name_off) if name_off else "", flag, size_type,
                            _members(btf, data, pos, kind, vlen)))
            pos += tail
    except (struct.error, IndexError, ValueError) as err:
        raise BtfError(f"{origin}: broken type record at byte {pos}: {err}") from None
    return btf


def find(blob: bytes) -> bytes:
    """The BTF blob inside a raw image (found by its header), or b""."""
    pos = blob.find(RAW_MAGIC)
    while pos >= 0:
        _m, _v, _f, hdr_len, type_off, type_len, str_off, str_len = struct.unpack_from("<HBBIIIII", blob, pos)
        total = hdr_len + max(type_off + type_len, str_off + str_len)
        if type_off == 0 and str_off == type_len and str_len and pos + total <= len(blob) \
                and blob[pos + hdr_len + str_off] == 0:
            return blob[pos:pos + total]
        pos = blob.find(RAW_MAGIC, pos + 1)
    return b""


def _members(btf: Btf, data: bytes, pos: int, kind: int, vlen: int) -> tuple:
    """Parameters of a FUNC_PROTO ((name, type)), members of a struct/union ((name, type, offset)),
    an array's (elem, nelems); else ()."""
    if kind == FUNC_PROTO:
        return tuple((btf.string(n) if n else "", t) for n, t in struct.iter_unpack("<II", data[pos:pos + 8 * vlen]))
    if kind == ARRAY:
        elem, _index, nelems = struct.unpack_from("<III", data, pos)
        return (elem, nelems)
    if kind in (STRUCT, UNION):
        return tuple((btf.string(n) if n else "", t, off) for n, t, off in
                     struct.iter_unpack("<III", data[pos:pos + 12 * vlen]))
    return ()


def _decl(btf: Btf, tid: int, inner: str, depth: int) -> str:
    """C declarator for type ``tid`` around ``inner`` (a name or a nested declarator)."""
    if depth > 64 or tid >= btf.count:
        return f"? {inner}".rstrip()
    kind, name, flag, ref, members = btf.type(tid)
    if tid == 0 or kind in (INT, FLOAT, TYPEDEF, ENUM, ENUM64, STRUCT, UNION, FWD):
        base = name if tid else "void"
        if kind in (STRUCT, UNION, FWD, ENUM, ENUM64):
            tag = {STRUCT: "struct", UNION: "union", ENUM: "enum", ENUM64: "enum"}.get(kind)
            tag = tag or ("union" if flag else "struct")
            base = f"{tag} {name or '(anon)'}"
        return f"{base} {inner}".rstrip() if inner else base
    if kind in _QUALIFIERS:
        target = btf.type(ref) if ref < btf.count else None
        if target is not None and (ref == 0 or target[0] in (INT, FLOAT, TYPEDEF, ENUM, ENUM64, STRUCT, UNION, FWD)):
            return f"{_QUALIFIERS[kind]} {_decl(btf, ref, inner, depth + 1)}"
        return _decl(btf, ref, f"{_QUALIFIERS[kind]} {inner}".rstrip(), depth + 1)
    if kind == PTR:
        target = btf.type(ref) if ref < btf.count else (0,)
        text = f"*{inner}"
        if target[0] in (FUNC_PROTO, ARRAY):
            text = f"(*{inner})"
        return _decl(btf, ref, text, depth + 1)
    if kind == ARRAY:
        elem, nelems = members
        return _decl(btf, elem, f"{inner}[{nelems}]", depth + 1)
    if kind == FUNC_PROTO:
        params = [_decl(btf, t, n, depth + 1) if t else "..." for n, t in members]
        return _decl(btf, ref, f"{inner}({', '.join(params) or 'void'})", depth + 1)
    if kind in (TYPE_TAG, DECL_TAG, VAR, FUNC):
        return _decl(btf, ref, inner, depth + 1)
    return f"? {inner}".rstrip()
