"""Recover the symbol list from the kernel's own compressed symbol table.

Debian's ``vmlinuz`` has no ``.symtab`` and ships a dummy ``System.map``,
but it carries the kallsyms tables: ``token_table`` (256 NUL-terminated
strings), ``token_index`` (256 u16 offsets into it), ``names`` (per symbol a
length and that many token codes; the first decoded character is the type
letter) and ``markers`` (the offset in ``names`` of every 256th symbol),
preceded by ``num_syms``.  They are found by their shape, so the same code
reads 5.10 to 7.x layouts, ELF ``.rodata`` or a raw arm64 ``Image``.
"""

from __future__ import annotations

import re
import struct
from itertools import pairwise

_INDEX_START = re.compile(rb"(?=\x00\x00[\x01-\x30]\x00)", re.DOTALL)
_TYPE_LETTERS = frozenset("aAbBdDgGiINnrRsStTuUvVwW?")


class KallsymsError(Exception):
    """No kallsyms tables found in the image."""


def recover(blob: bytes) -> list[tuple[str, str]]:
    """``(type letter, name)`` of every symbol, in kallsyms order."""
    tokens, token_table = _find_tokens(blob)
    for markers, count, width in _marker_candidates(blob, token_table):
        found = _find_names(blob, tokens, markers, count, width)
        if found is not None:
            return found
    raise KallsymsError("kallsyms names and markers not found")


def _find_tokens(blob: bytes) -> tuple[list[str], int]:
    """The 256 tokens, and where the token table starts."""
    for match in _INDEX_START.finditer(blob):
        pos = match.start()
        if pos & 1:
            continue
        head = struct.unpack_from("<8H", blob, pos)
        if any(b <= a or b - a > 48 for a, b in pairwise(head)):
            continue
        if pos + 512 > len(blob):
            break
        index = struct.unpack_from("<256H", blob, pos)
        if any(b <= a or b - a > 48 for a, b in pairwise(index)):
            continue
        table = _token_table_before(blob, pos, index)
        if table is not None:
            tokens = [blob[table + index[i]:blob.index(b"\x00", table + index[i])].decode("latin-1")
                      for i in range(256)]
            if sum(1 for t in tokens if t) >= 200:     # not some other table of small offsets
                return tokens, table
    raise KallsymsError("kallsyms token index not found")


def _token_table_before(blob: bytes, index_pos: int, index: tuple[int, ...]) -> int | None:
    """The start of the token table that ``index`` describes, ending before ``index_pos``."""
    last_end = index[255]
    for pad in range(64):
        start = index_pos - pad - last_end - 1
        end_last = blob.find(b"\x00", start + last_end)
        if start < 0 or end_last < 0 or end_last >= index_pos:
            continue
        if all(blob[start + index[i] - 1] == 0 for i in range(1, 256)) and \
                all(b"\x00" not in blob[start + index[i]:start + index[i + 1] - 1] for i in range(255)):
            return start
    return None


def _marker_candidates(blob: bytes, token_table: int):
    """Arrays starting with 0 and growing by plausible block lengths, before the tokens."""
    lo = max(0, token_table - (4 << 20))
    for width, fmt in ((4, "<I"), (8, "<Q")):
        pos = token_table - width
        pos -= pos % width
        while pos >= lo:
            if blob[pos:pos + width] == bytes(width):
                values = _increasing_run(blob, pos, width, fmt, token_table)
                if len(values) >= 4:
                    yield pos, len(values), width
            pos -= width


def _increasing_run(blob: bytes, pos: int, width: int, fmt: str, limit: int) -> list[int]:
    """The u32/u64 values from ``pos`` while each exceeds the previous by 200..40000."""
    values = [0]
    pos += width
    while pos + width <= limit:
        (value,) = struct.unpack_from(fmt, blob, pos)
        if not 200 <= value - values[-1] <= 40000:
            break
        values.append(value)
        pos += width
    return values


def _find_names(blob: bytes, tokens: list[str], markers: int, count: int, width: int):
    """Decode the names before a markers array, if ``num_syms`` and markers agree."""
    fmt = "<I" if width == 4 else "<Q"
    offsets = [struct.unpack_from(fmt, blob, markers + i * width)[0] for i in range(count)]
    last = offsets[-1]
    window_end = (markers - last) & ~3
    for nsym_pos in range(window_end - 4, max(0, window_end - 256 * 260) - 1, -4):
        (num,) = struct.unpack_from("<I", blob, nsym_pos)
        blocks = (num + 255) // 256
        if num < 256 or not count - 3 <= blocks <= count:
            continue
        for start in (nsym_pos + 4, nsym_pos + 8):
            if start % 4:
                continue
            for uleb in (True, False):
                syms = _decode(blob, tokens, start, num, offsets[:blocks], uleb, markers)
                if syms is not None:
                    return syms
    return None


def _decode(blob, tokens, start, num, offsets, uleb, limit):
    """All ``num`` names from ``start``; None unless they match the markers."""
    out = []
    pos = start
    for i in range(num):
        if i % 256 == 0 and pos - start != offsets[i // 256]:
            return None
        if pos >= limit:
            return None
        length = blob[pos]
        pos += 1
        if uleb and length & 0x80:
            length = (length & 0x7F) | (blob[pos] << 7)
            pos += 1
        text = "".join([tokens[b] for b in blob[pos:pos + length]])
        pos += length
        if not text or text[0] not in _TYPE_LETTERS:
            return None
        out.append((text[0], text[1:]))
    return out
