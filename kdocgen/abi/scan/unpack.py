"""Read the files a scan needs out of Debian packages, directories or a system.

A :class:`Artifacts` holds the raw bytes of the kernel image, ``System.map``,
``config``, ``Module.symvers`` and every module, keyed by their path; nothing
is written to disk.
"""

from __future__ import annotations

import fnmatch
import io
import lzma
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import zstandard

from .vmlinuz import decompress

#: Paths (as they appear inside a package or tree) a scan reads.
WANTED = (
    "boot/vmlinuz-*", "boot/vmlinux-*", "boot/Image-*", "boot/System.map-*", "boot/config-*",
    "usr/lib/debug/boot/vmlinux-*", "usr/lib/debug/boot/System.map-*",
    "lib/modules/*.ko", "lib/modules/*.ko.xz", "lib/modules/*.ko.zst", "lib/modules/*.ko.gz",
    "usr/lib/modules/*.ko", "usr/lib/modules/*.ko.xz", "usr/lib/modules/*.ko.zst",
    "usr/lib/modules/*/vmlinuz", "usr/lib/modules/*/System.map", "usr/lib/modules/*/config",
    "usr/lib/debug/lib/modules/*.ko", "usr/lib/debug/lib/modules/*.ko.xz",
    "usr/src/*/Module.symvers",
)


class UnpackError(Exception):
    """A package or tree that cannot be read."""


@dataclass
class Artifacts:
    """The files of one kernel build, by path (package- or tree-relative)."""

    files: dict[str, bytes] = field(default_factory=dict)
    origin: list[str] = field(default_factory=list)   # the packages or directories read

    def first(self, *patterns: str) -> tuple[str, bytes] | None:
        """The first file (by sorted path) matching one of ``patterns``."""
        for pattern in patterns:
            for path in sorted(self.files):
                if fnmatch.fnmatchcase(path, pattern):
                    return path, self.files[path]
        return None

    def modules(self, debug: bool = False) -> list[tuple[str, bytes]]:
        """Kernel modules (``.ko`` files, possibly compressed), sorted by path."""
        out = []
        for path in sorted(self.files):
            is_debug = path.startswith("usr/lib/debug/")
            if is_debug == debug and ".ko" in Path(path).name and _is_module_name(path):
                out.append((path, self.files[path]))
        return out

    def merge(self, other: Artifacts) -> None:
        """Add ``other``'s files (the first seen path wins)."""
        for path, data in other.files.items():
            self.files.setdefault(path, data)
        self.origin.extend(other.origin)


def _is_module_name(path: str) -> bool:
    return path.endswith((".ko", ".ko.xz", ".ko.zst", ".ko.gz"))


def wanted(path: str) -> bool:
    """True if a scan reads the file at this (relative) path."""
    path = path.lstrip("./")
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in WANTED)


def ar_members(data: bytes, origin: str) -> dict[str, bytes]:
    """The members of a Unix ``ar`` archive (the container of a ``.deb``)."""
    if not data.startswith(b"!<arch>\n"):
        raise UnpackError(f"{origin}: not a Debian package (no ar header)")
    out: dict[str, bytes] = {}
    pos = 8
    while pos + 60 <= len(data):
        header = data[pos:pos + 60]
        name = header[:16].decode("ascii", "replace").strip().rstrip("/")
        try:
            size = int(header[48:58].decode("ascii").strip())
        except ValueError:
            raise UnpackError(f"{origin}: broken ar member header at byte {pos}") from None
        pos += 60
        out[name] = data[pos:pos + size]
        pos += size + (size & 1)
    return out


def _open_tar(blob: bytes, name: str, origin: str) -> tarfile.TarFile:
    """A tarfile over a possibly compressed member (xz, gz, zst, bz2, none)."""
    if name.endswith(".zst"):
        blob = zstandard.ZstdDecompressor().decompressobj().decompress(blob)
        return tarfile.open(fileobj=io.BytesIO(blob), mode="r:")
    try:
        return tarfile.open(fileobj=io.BytesIO(blob), mode="r:*")
    except (tarfile.TarError, lzma.LZMAError, EOFError, OSError) as err:
        raise UnpackError(f"{origin}: cannot read {name}: {err}") from None


def read_deb(data: bytes, origin: str, keep=None) -> Artifacts:
    """The wanted files of a ``.deb`` (read in memory, nothing installed); ``keep(path)`` narrows them."""
    members = ar_members(data, origin)
    names = [n for n in members if n.startswith("data.tar")]
    if not names:
        raise UnpackError(f"{origin}: no data.tar member")
    art = Artifacts(origin=[origin])
    try:
        with _open_tar(members[names[0]], names[0], origin) as tar:
            for info in tar:
                path = info.name.lstrip("./")
                if not wanted(path) or (keep is not None and not keep(path)):
                    continue
                if info.issym() or info.islnk():
                    continue
                handle = tar.extractfile(info)
                if handle is not None:
                    art.files[path] = handle.read()
    except (tarfile.TarError, lzma.LZMAError, EOFError, zstandard.ZstdError) as err:
        raise UnpackError(f"{origin}: broken {names[0]}: {err}") from None
    return art


def read_tree(root: Path) -> Artifacts:
    """The wanted files of an unpacked package, installed system or build directory.

    A kernel build directory (``vmlinux``, ``System.map``, ``Module.symvers``,
    ``**/*.ko``) is mapped onto the package layout: ``boot/vmlinux-build``...
    """
    art = Artifacts(origin=[str(root)])
    if (root / "vmlinux").is_file() or (root / "Module.symvers").is_file():
        return _read_build_dir(root, art)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if wanted(rel):
            art.files[rel] = path.read_bytes()
    return art


def _read_build_dir(root: Path, art: Artifacts) -> Artifacts:
    """Files of a kernel build directory, under package-like names."""
    simple = {"vmlinux": "boot/vmlinux-build", "System.map": "boot/System.map-build",
              ".config": "boot/config-build", "Module.symvers": "usr/src/build/Module.symvers",
              "arch/x86/boot/bzImage": "boot/vmlinuz-build", "arch/arm64/boot/Image": "boot/Image-build"}
    for rel, target in simple.items():
        if (root / rel).is_file():
            art.files[target] = (root / rel).read_bytes()
    for path in sorted(root.rglob("*.ko*")):
        if path.is_file() and _is_module_name(path.name):
            rel = path.relative_to(root).as_posix()
            art.files[f"lib/modules/build/kernel/{rel}"] = path.read_bytes()
    return art


def read_installed(root: Path, release: str) -> Artifacts:
    """An installed kernel: ``/boot/*-<release>`` and ``/lib/modules/<release>``."""
    art = Artifacts(origin=[f"{root}/boot/*-{release}", f"{root}/lib/modules/{release}"])
    for name in ("vmlinuz", "vmlinux", "System.map", "config"):
        path = root / "boot" / f"{name}-{release}"
        if path.is_file():
            art.files[f"boot/{name}-{release}"] = path.read_bytes()
    moddir = root / "lib" / "modules" / release
    for path in sorted(moddir.rglob("*.ko*")):
        if path.is_file() and _is_module_name(path.name):
            art.files[f"lib/modules/{release}/{path.relative_to(moddir).as_posix()}"] = path.read_bytes()
    return art


_SUFFIX_KINDS = {".xz": "xz", ".zst": "zstd", ".gz": "gzip"}


def decompress_module(path: str, data: bytes) -> bytes:
    """The ELF bytes of a possibly compressed module (:class:`~.vmlinuz.ImageError` if it cannot be)."""
    kind = _SUFFIX_KINDS.get(Path(path).suffix)
    return decompress(data, kind) if kind else data
