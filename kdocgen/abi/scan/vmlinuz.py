"""The kernel image inside ``vmlinuz``: find the payload and decompress it.

x86 bzImages name their payload in the setup header; other images are
searched for a compression magic (as ``scripts/extract-vmlinux`` does, but
in memory).  arm64 ``Image`` files are not compressed and come back as is.
"""

from __future__ import annotations

import bz2
import lzma
import struct
import zlib

import lz4.block
import zstandard

ELF_MAGIC = b"\x7fELF"
_MAGICS = (
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"\x02\x21\x4c\x18", "lz4"),
    (b"\x1f\x8b\x08", "gzip"),
    (b"BZh", "bzip2"),
    (b"\x5d\x00\x00", "lzma"),
)


class ImageError(Exception):
    """A kernel image whose payload cannot be found or decompressed."""


def extract(image: bytes) -> tuple[bytes, str]:
    """The kernel (ELF, or raw image bytes) inside ``image`` and how it was packed."""
    if image.startswith(ELF_MAGIC):
        return image, "elf"
    if len(image) > 0x250 and image[0x202:0x206] == b"HdrS":
        setup_sects = image[0x1F1] or 4
        start = (setup_sects + 1) * 512
        offset, length = struct.unpack_from("<II", image, 0x248)
        payload = image[start + offset:start + offset + length]
        for magic, kind in _MAGICS:
            if payload.startswith(magic):
                return decompress(payload, kind), kind
    if image[0x38:0x3C] == b"ARM\x64":
        return image, "raw"
    for magic, kind in _MAGICS:
        pos = image.find(magic)
        while pos >= 0:
            try:
                out = decompress(image[pos:], kind)
            except ImageError:
                out = b""
            if out.startswith(ELF_MAGIC):
                return out, kind
            pos = image.find(magic, pos + 1)
    raise ImageError("no compressed kernel payload found")


def decompress(data: bytes, kind: str) -> bytes:
    """Decompress one stream of ``kind``, ignoring trailing bytes."""
    try:
        if kind == "xz":
            return lzma.LZMADecompressor(lzma.FORMAT_XZ).decompress(data)
        if kind == "lzma":
            return lzma.LZMADecompressor(lzma.FORMAT_ALONE).decompress(data)
        if kind == "zstd":
            return zstandard.ZstdDecompressor().decompressobj().decompress(data)
        if kind == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data)
        if kind == "bzip2":
            return bz2.BZ2Decompressor().decompress(data)
        return _lz4_legacy(data)
    except (lzma.LZMAError, zstandard.ZstdError, zlib.error, OSError, ValueError,
            lz4.block.LZ4BlockError) as err:
        raise ImageError(f"{kind} payload: {err}") from None


def _lz4_legacy(data: bytes) -> bytes:
    """The legacy LZ4 frame (magic 0x184C2102, 8 MiB blocks) the kernel uses."""
    out = bytearray()
    pos = 4
    while pos + 4 <= len(data):
        (size,) = struct.unpack_from("<I", data, pos)
        if size == 0x184C2102:      # a concatenated frame starts again
            pos += 4
            continue
        if size == 0 or pos + 4 + size > len(data):
            break
        try:
            out += lz4.block.decompress(data[pos + 4:pos + 4 + size], uncompressed_size=8 << 20)
        except lz4.block.LZ4BlockError:
            break               # the trailing size word is not a block
        pos += 4 + size
    if not out:
        raise ImageError("lz4 payload: no block decoded")
    return bytes(out)
