"""Parts of the ABI scanner: image payloads, BTF, packages, the command line."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import lz4.block
import pytest
import zstandard

from kdocgen.abi.scan import btf
from kdocgen.abi.scan.classify import base_name
from kdocgen.abi.scan.run import describe
from kdocgen.abi.scan.unpack import UnpackError, ar_members, decompress_module, read_deb
from kdocgen.abi.scan.vmlinuz import ImageError, extract
from kdocgen.abi.store import read

ELF = b"\x7fELF" + bytes(range(256)) * 40


def _lz4_legacy(data: bytes) -> bytes:
    block = lz4.block.compress(data, store_size=False)
    return b"\x02\x21\x4c\x18" + struct.pack("<I", len(block)) + block + struct.pack("<I", len(data))


@pytest.mark.parametrize("kind", ["xz", "zstd", "gzip", "bzip2", "lz4"])
def test_payload_found_by_magic(kind):
    pack = {"xz": lambda d: lzma.compress(d, lzma.FORMAT_XZ), "zstd": zstandard.ZstdCompressor().compress,
            "gzip": lambda d: gzip.compress(d, mtime=0), "bzip2": bz2.compress, "lz4": _lz4_legacy}[kind]
    image = b"MZ" + b"\x00\x11" * 300 + pack(ELF) + b"\x00" * 16
    assert extract(image) == (ELF, kind)


def test_raw_arm64_image_and_elf_pass_through():
    arm = bytearray(b"\x00" * 128)
    arm[0x38:0x3C] = b"ARM\x64"
    assert extract(bytes(arm)) == (bytes(arm), "raw")
    assert extract(ELF) == (ELF, "elf")


def test_image_without_payload():
    with pytest.raises(ImageError, match="no compressed kernel payload"):
        extract(b"MZ" + bytes(4000))


def _btf_blob(types: bytes, strings: bytes) -> bytes:
    return struct.pack("<HBBIIIII", 0xEB9F, 1, 0, 24, 0, len(types), len(types), len(strings)) + types + strings


def _type(name_off: int, kind: int, vlen: int, size_or_type: int) -> bytes:
    return struct.pack("<III", name_off, (kind << 24) | vlen, size_or_type)


def test_split_btf_prototypes():
    base_strings = b"\0int\0char\0"
    base = _btf_blob(_type(1, btf.INT, 0, 4) + struct.pack("<I", 32)            # 1: int
                     + _type(5, btf.INT, 0, 1) + struct.pack("<I", 8)          # 2: char
                     + _type(0, btf.CONST, 0, 2) + _type(0, btf.PTR, 0, 3),    # 3: const char, 4: ptr
                     base_strings)
    off = len(base_strings)        # split string offsets continue the base's
    strings = b"\0f\0name\0n\0cb\0"
    split_types = (_type(0, btf.FUNC_PROTO, 2, 1) + struct.pack("<IIII", off + 3, 4, off + 8, 1)   # 5
                   + _type(off + 1, btf.FUNC, 0, 5)                                               # 6
                   + _type(0, btf.FUNC_PROTO, 1, 0) + struct.pack("<II", 0, 1)                    # 7
                   + _type(0, btf.PTR, 0, 7)                                                      # 8
                   + _type(0, btf.FUNC_PROTO, 1, 1) + struct.pack("<II", off + 10, 8)             # 9
                   + _type(off + 10, btf.FUNC, 0, 9))                                             # 10
    parsed = btf.parse(_btf_blob(split_types, strings), btf.parse(base))
    assert parsed.functions() == {"f": "int f(const char *name, int n)", "cb": "int cb(void (*cb)(int))"}
    assert btf.find(b"junk" + base + b"tail") == base


def test_broken_btf():
    with pytest.raises(btf.BtfError, match="no BTF magic"):
        btf.parse(b"\0" * 40, origin="x.ko: .BTF")


@pytest.mark.parametrize(("symbol", "expected"), [
    ("vmbus_post_msg.cold", ("vmbus_post_msg", ".cold")),
    ("sra.constprop.0.isra.0", ("sra", ".constprop.0.isra.0")),
    ("x.part.0.cold", ("x", ".part.0.cold")),
    ("plain_name", ("plain_name", "")),
])
def test_clone_suffixes(symbol, expected):
    assert base_name(symbol) == expected


def test_package_names_describe_builds():
    build = describe("linux-image-6.12.117+deb13-cloud-arm64", "6.12.117-1", "arm64", "trixie-security")
    assert (build.id, build.version, build.arch, build.flavor, build.group, build.label) == \
        ("scan:6.12.117+deb13-cloud-arm64", "6.12.117", "arm64", "cloud", "Debian cloud-arm64", "6.12 trixie")
    generic = describe("linux-image-6.1.0-56-amd64", "6.1.192-2", "amd64", "bookworm-security")
    assert (generic.flavor, generic.group, generic.label) == ("generic", "Debian amd64", "6.1 bookworm")


def test_bad_packages_name_the_file(tmp_path):
    with pytest.raises(UnpackError, match=r"^x\.deb: not a Debian package"):
        read_deb(b"PK\x03\x04", "x.deb")
    with pytest.raises(UnpackError, match=r"^y\.deb: no data\.tar member"):
        read_deb(b"!<arch>\n" + b"debian-binary/  0           0     0     100644  4         `\n2.0\n", "y.deb")
    assert ar_members(b"!<arch>\n", "z.deb") == {}
    assert decompress_module("m.ko.gz", gzip.compress(b"abc")) == b"abc"


needs_gcc = pytest.mark.skipif(not (shutil.which("gcc") and shutil.which("ld") and shutil.which("dpkg-deb")),
                               reason="needs gcc, ld and dpkg-deb")


def _kdocgen(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "KDOCGEN_CACHE": str(cwd / "cache")}
    return subprocess.run([sys.executable, "-m", "kdocgen", "abi", "scan", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)


@needs_gcc
def test_command_line(tmp_path):
    src = tmp_path / "m.c"
    src.write_text("static __attribute__((noinline)) int inner(int x) { return x * 3; }\n"
                   "int outer(int x) { return inner(x) + 1; }\n")
    build = tmp_path / "build"
    build.mkdir()
    subprocess.run(["gcc", "-O2", "-c", str(src), "-o", str(build / "m.o")], check=True)
    subprocess.run(["ld", "-r", str(build / "m.o"), "-o", str(build / "m.ko")], check=True)
    (build / "m.o").unlink()
    (build / "Module.symvers").write_text("0x12345678\touter\tdrivers/m\tEXPORT_SYMBOL_GPL\t\n")
    (tmp_path / "vm.c").write_text("int vm_only(int x) { return x + 1; }\n")
    subprocess.run(["gcc", "-O2", "-c", str(tmp_path / "vm.c"), "-o", str(build / "vmlinux")], check=True)
    names = tmp_path / "names.txt"
    names.write_text("# wanted\nouter\ninner\nmissing_one\n")
    missing = tmp_path / "nothing-here"
    proc = _kdocgen(str(build), str(missing), "--symbols-from", str(names), "-o", "out.json", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert f"[2/2] {missing}: FAILED: {missing}: no such file or directory" in proc.stderr
    assert "Traceback" not in proc.stderr
    data = read(tmp_path / "out.json")
    status = {s.name: next(iter(s.status.values())) for s in data.symbols}
    assert (status["outer"].exported, status["outer"].crc, status["outer"].binaries) == \
        ("EXPORT_SYMBOL_GPL", "0x12345678", ["m"])
    assert (status["inner"].binaries, status["inner"].collision, status["inner"].exported) == (["m"], "Unique Static", "")
    assert not status["missing_one"].present
    again = _kdocgen(str(build), "--symbols-from", str(names), "-o", "again.json", cwd=tmp_path)
    assert again.returncode == 0 and "cached" in again.stderr
    first = json.loads((tmp_path / "out.json").read_text())
    assert json.loads((tmp_path / "again.json").read_text())["symbols"] == first["symbols"]


def test_command_line_usage_errors(tmp_path):
    proc = _kdocgen("-o", "x.json", "--symbols-from", "nope.txt", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 2 and "nope.txt: cannot read" in proc.stderr
    assert _kdocgen("-o", "x.json", "--all", cwd=tmp_path).returncode == 2


def _current_cloud_image(cwd: Path) -> str:
    """The bookworm cloud kernel image the archive holds today (older ABIs leave
    the archive at each point release), found through the scanner's own private
    apt files, so the package lists are fetched once for both."""
    from kdocgen.debian import Apt, FetchError

    apt = Apt(cwd / "cache" / "abi" / "apt")
    try:
        apt.update()
    except FetchError as err:
        pytest.skip(f"the Debian archive did not answer: {err}")
    for candidate in apt.candidates("linux-image-cloud-amd64"):
        if candidate.suite.startswith("bookworm"):
            for name in apt.depends(candidate.package, candidate.version):
                if re.fullmatch(r"linux-image-6\.1\.0-\d+-cloud-amd64", name):
                    return name
    pytest.fail("no bookworm linux-image-cloud-amd64 depending on a 6.1 cloud image")


def test_real_cloud_package(tmp_path):
    """A real Debian cloud kernel (about 30 MB) scanned from the archive."""
    names = tmp_path / "names.txt"
    names.write_text("vmbus_sendpacket\nvmbus_post_msg\nhv_get_tsc_page\n")
    image = _current_cloud_image(tmp_path)
    proc = _kdocgen(image, "--symbols-from", str(names), "-o", "real.json",
                    cwd=tmp_path)
    if proc.returncode != 0 and "apt" in proc.stderr:
        pytest.skip(f"the Debian archive did not answer: {proc.stderr.strip()[-200:]}")
    assert proc.returncode == 0, proc.stderr
    data = read(tmp_path / "real.json")
    status = {s.name: next(iter(s.status.values())) for s in data.symbols}
    assert (status["vmbus_sendpacket"].binaries, status["vmbus_sendpacket"].exported) == \
        (["hv_vmbus"], "EXPORT_SYMBOL")
    assert status["vmbus_post_msg"].signature == "int vmbus_post_msg(void *buffer, size_t buflen, bool can_sleep)"
    assert status["hv_get_tsc_page"].binaries == ["vmlinux"]


def test_header_stubs_of_c_functions_are_left_out(tmp_path):
    from kdocgen.abi.scan.subsystem import Wanted
    from kdocgen.abi.scan.versions import union_wanted, version_source
    from kdocgen.extract import extract_source

    sources = [extract_source("d/x.h", b"static inline int f(void) { return 0; }\n"
                                       b"static inline int g(int a) { return a; }\nint h(void);\n"),
               extract_source("d/x.c", b"int f(void) { return 1; }\n"),
               extract_source("tools/d/u.c", b"int u(void) { return 1; }\n")]       # user space: left out
    assert union_wanted([version_source(tmp_path, sources, "1.0")]) == \
        [Wanted("function", "f", "d/x.c"), Wanted("function", "g", "d/x.h")]


def test_deltas_ignore_builds_without_btf():
    from kdocgen.abi.model import Build, BuildStatus
    from kdocgen.abi.scan.dataset import assemble
    from kdocgen.abi.scan.elfsyms import FuncSym
    from kdocgen.abi.scan.index import BinaryIndex, BuildIndex
    from kdocgen.abi.scan.subsystem import FileModules, Wanted

    def index(version, signature, present=True):
        build = Build(f"scan:{version}", version, version, "amd64", "cloud", "Debian cloud-amd64", version, "scan")
        mod = BinaryIndex("m", funcs=[FuncSym("f", "STB_GLOBAL")] if present else [],
                          signatures={"f": signature} if signature else {}, has_btf=bool(signature))
        return BuildIndex(build, [BinaryIndex("vmlinux", exports={"x": ("EXPORT_SYMBOL", None)}), mod])

    data = assemble([index("5.10.1", None), index("6.1.1", "int f(int a)"), index("6.2.1", "int f(long a)"),
                     index("6.3.1", None, present=False)], [Wanted("function", "f")], FileModules())
    deltas = [(d.old, d.new, d.kind, [c.kind for c in d.changes]) for d in data.symbols[0].deltas]
    assert deltas == [("scan:6.1.1", "scan:6.2.1", "changed", ["Param type changed"]),
                      ("scan:6.2.1", "scan:6.3.1", "removed", [])]
    assert isinstance(data.symbols[0].status["scan:5.10.1"], BuildStatus)


@needs_gcc
def test_export_flags_table(tmp_path):
    """Newer kernels: every export in __ksymtab, GPL-ness in a __kflagstab byte per entry."""
    entry = ('asm(".section __ksymtab_strings,\\"aMS\\",%progbits,1\\n__kstrtab_{n}: .asciz \\"{n}\\"\\n.previous\\n"'
             '".section __ksymtab,\\"a\\"\\n.balign 4\\n.long {n} - .\\n.long __kstrtab_{n} - .\\n.long 0\\n.previous\\n"'
             '".section __kflagstab,\\"a\\"\\n.byte {f}\\n.previous\\n");\n')
    (tmp_path / "k.c").write_text("int plain_one(int x) { return x + 1; }\nint gpl_one(int x) { return x + 2; }\n"
                                  "void _start(void) {}\n" + entry.format(n="plain_one", f=0) + entry.format(n="gpl_one", f=1))
    subprocess.run(["gcc", "-O2", "-fno-pie", "-c", "k.c", "-o", "k.o"], cwd=tmp_path, check=True)
    subprocess.run(["ld", "-static", "-o", "vmlinux", "k.o"], cwd=tmp_path, check=True)
    from kdocgen.abi.scan.elfsyms import read_vmlinux_elf

    binary, _elf = read_vmlinux_elf((tmp_path / "vmlinux").read_bytes(), "vmlinux")
    assert binary.exports == {"plain_one": ("EXPORT_SYMBOL", None, ""), "gpl_one": ("EXPORT_SYMBOL_GPL", None, "")}


def test_build_series_from_package_names():
    from kdocgen.abi.scan.command import build_series
    from kdocgen.abi.scan.run import parse_spec
    specs = [parse_spec(s) for s in ("linux-image-6.12.117+deb13-amd64 +dbg", "linux-image-5.10.0-46-cloud-amd64",
                                     "linux-image-6.1.0-56-cloud-arm64:arm64", "linux-image-7.2.13+deb14-amd64",
                                     "linux-image-6.12.117+deb12-rt-amd64", "./build", "installed:6.1.0-9-amd64")]
    assert build_series(specs) == ["5.10", "6.1", "6.12", "7.2"]
