"""The ABI scanner on builds compiled at test time (gcc -O2 -g), with no network.

Small C files give real compiler clones (.isra, .constprop, .part, .cold),
inlined functions, same-named statics and exports; they are linked into a
build directory (vmlinux with its symbol table, modules with DWARF) and into a
package-like .deb (vmlinuz with a kallsyms table and no symbol table,
stripped and compressed modules, a dummy System.map).  Every symbol's status
is checked exactly.
"""

from __future__ import annotations

import lzma
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
import zstandard

from kdocgen.abi.scan.cache import IndexCache
from kdocgen.abi.scan.dataset import assemble
from kdocgen.abi.scan.kallsyms import KallsymsError, recover
from kdocgen.abi.scan.run import BuildSpec, Scanner
from kdocgen.abi.scan.subsystem import Wanted, read_kbuild
from kdocgen.abi.store import from_dict, to_dict

pytestmark = pytest.mark.skipif(not (shutil.which("gcc") and shutil.which("ld") and shutil.which("objcopy")),
                                reason="needs gcc, ld and objcopy")

COMMON_H = """\
struct big { int used; int pad[64]; };
void sink(int v);
__attribute__((cold, noinline)) void report_failure(int code);
static __attribute__((noinline)) int hdr_helper(int v) { sink(v); return v * 7 + 3; }
#define KSYM(sym, sec, crcsec, crc) \\
  asm(".section __ksymtab_strings,\\"aMS\\",%progbits,1\\n__kstrtab_" #sym ": .asciz \\"" #sym "\\"\\n.previous\\n" \\
      ".section " sec ",\\"a\\"\\n.balign 4\\n__ksymtab_" #sym ": .long " #sym " - .\\n" \\
      ".long __kstrtab_" #sym " - .\\n.long 0\\n.previous\\n" \\
      ".section " crcsec ",\\"a\\"\\n.balign 4\\n__crc_" #sym ": .long " #crc "\\n.previous\\n")
"""

A_C = """\
#include "common.h"
static inline int always_inlined(int x) { return x * 3 + 1; }
static __attribute__((noinline)) int sra_target(struct big *b, int unused)
{ int u = b->used; sink(u); return u + 1; }
static __attribute__((noinline)) int cp_target(int x, int k) { sink(x); return x * k + always_inlined(x); }
static int part_target(int x) {
  if (__builtin_expect(x < 100, 1)) return 0;
  for (int i = 0; i < x; i++) { sink(i * x); sink(i + x); sink(i - x); sink(i ^ x); sink(i | x); sink(i & x); }
  for (int i = 0; i < x; i += 3) { sink(i * 7); sink(i + 9); sink(i - 5); sink(i ^ 3); }
  return x;
}
static __attribute__((noinline)) int helper(int x) { sink(x + 11); return x + 11; }
int cold_target(int x) {
  if (__builtin_expect(x == 12345, 0)) { report_failure(x); report_failure(x + 1); return -1; }
  sink(x); return x + 2;
}
int exported_like(int x) { sink(x); sink(x * 2); return x + 5; }
int gpl_func(int x, long y) { sink((int)y); return x; }
int drv_a_entry(struct big *b, int x) {
  static struct big s;
  return sra_target(b, x) + sra_target(&s, x + 1) + cp_target(x, 42) + cp_target(x + 1, 42) + part_target(x)
         + part_target(x + 3) + part_target(x * 5) + part_target(x - 7) + helper(x) + always_inlined(x)
         + exported_like(x) + hdr_helper(x);
}
KSYM(exported_like, "__ksymtab", "__kcrctab", 0x1234abcd);
KSYM(gpl_func, "__ksymtab_gpl", "__kcrctab_gpl", 0x0badf00d);
"""

B_C = """\
#include "common.h"
static __attribute__((noinline)) int helper(int x) { sink(x * 13); return x * 13; }
int drv_a_other(int x) { return helper(x) + 1; }
"""

C_C = """\
#include "common.h"
static __attribute__((noinline)) int shared_name(int x) { sink(x - 1); return x - 1; }
int drv_b_entry(int x) { return shared_name(x) + hdr_helper(x); }
"""

V_C = """\
#include "common.h"
void sink(int v) { asm volatile("" :: "r"(v)); }
void report_failure(int code) { asm volatile("" :: "r"(code)); }
int shared_name(int x) { sink(x); return x; }
static __attribute__((noinline)) int vm_clone(int x, int k) { sink(x * k); return x * k; }
int vm_func(int a, long b) { sink(a); return a + vm_clone(a, 9) + vm_clone(a + 1, 9) + (int)b; }
int vm_big(struct big *b) { return b->used; }
asm(".globl __pfx_vm_func\\n.type __pfx_vm_func,@function\\n__pfx_vm_func: nop\\n.size __pfx_vm_func, 1\\n");
KSYM(vm_func, "__ksymtab_gpl", "__kcrctab_gpl", 0x00c0ffee);
void _start(void) { vm_func(1, 2); shared_name(3); }
"""

MAKEFILE = """\
# fixture kbuild file
obj-y += v.o
obj-m += drv_a.o
obj-$(CONFIG_DRV_B) += drv_b.o
drv_a-y := a.o \\
	b.o
drv_b-objs := c.o
"""

WANTED = [Wanted("function", n, f) for n, f in [
    ("always_inlined", "fx/a.c"), ("cold_target", "fx/a.c"), ("cp_target", "fx/a.c"),
    ("exported_like", "fx/a.c"), ("gpl_func", "fx/a.c"), ("helper", "fx/a.c"), ("part_target", "fx/a.c"),
    ("sra_target", "fx/a.c"), ("hdr_helper", "fx/common.h"), ("shared_name", "fx/c.c"),
    ("vm_func", "fx/v.c"), ("vm_clone", "fx/v.c"), ("shared_name", "fx/v.c"), ("never_built", "fx/a.c"),
    ("arm_only", "arch/arm64/hyperv/x.c")]] + [Wanted("struct", "big", "fx/common.h")]


def _run(*cmd: str, cwd: Path) -> None:
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)


def _compile(src: Path, name: str, text: str, *flags: str) -> Path:
    (src / name).write_text(text)
    out = name[:-2] + ".o"
    _run("gcc", "-O2", "-g", "-fno-pie", *flags, "-c", name, "-o", out, cwd=src)
    return src / out


# ---------------------------------------------------------------- kallsyms

def encode_kallsyms(symbols: list[tuple[str, str]], layout: str = "6.12", marker_width: int = 4) -> bytes:
    """A kallsyms table: 6.12 layout (num_syms, names, markers, token_table, token_index)
    or 6.1 layout (seqs_of_names between markers and token_table).

    Codes 0..31 stand for a few multi-character tokens, every other code for
    its own character (as the kernel's table does after learning tokens);
    names of more than 127 codes get a two-byte (ULEB128) length.
    """
    learned = ["vm_", "shared_", "name", "func", "clone", "filler_", "__ksymtab_", "report_", "__pfx_", ".cold",
               "sink", "_start", "hdr_", "helper", "cp_", "target"]
    tokens = [learned[i] if i < len(learned) else f"~{i:02d}" for i in range(32)] + [chr(i) for i in range(32, 256)]
    names = bytearray()
    markers = []
    for i, (kind, name) in enumerate(symbols):
        if i % 256 == 0:
            markers.append(len(names))
        text, codes = kind + name, bytearray()
        while text:
            code = next((c for c in range(len(learned)) if text.startswith(tokens[c])), ord(text[0]))
            codes.append(code)
            text = text[len(tokens[code]):]
        length = bytes([len(codes)]) if len(codes) < 0x80 else bytes([0x80 | (len(codes) & 0x7F), len(codes) >> 7])
        names += length + codes
    blob = bytearray(struct.pack("<I", len(symbols))) + names
    blob += bytes(-len(blob) % 8)
    blob += b"".join(struct.pack("<I" if marker_width == 4 else "<Q", m) for m in markers)
    if layout == "6.1":
        blob += b"".join(struct.pack(">I", i)[1:] for i in range(len(symbols)))
        blob += bytes(-len(blob) % 4)
    table = bytearray()
    index = []
    for token in tokens:
        index.append(len(table))
        table += token.encode("latin-1") + b"\0"
    blob += table + bytes(-len(table) % 2)
    blob += b"".join(struct.pack("<H", x) for x in index)
    return bytes(blob)


KALLSYMS = [("T", "_start"), ("T", "sink"), ("T", "report_failure"), ("T", "shared_name"),
            ("t", "vm_clone.constprop.0"), ("t", "vm_func.cold"), ("T", "vm_func"), ("T", "__pfx_vm_func"),
            ("r", "__ksymtab_vm_func"), ("D", "some_data")] + [("t", f"filler_{i}") for i in range(1100)]


@pytest.mark.parametrize(("layout", "width"), [("6.12", 4), ("6.1", 4), ("5.10", 8)])
def test_kallsyms_layouts(layout, width):
    long_name = ("t", "x" * 300)
    symbols = [*KALLSYMS[:5], long_name, *KALLSYMS[5:]]
    blob = b"\x5a" * 96 + encode_kallsyms(symbols, layout, width) + b"\xa5" * 64
    assert recover(blob) == symbols


def test_kallsyms_missing():
    with pytest.raises(KallsymsError):
        recover(bytes(range(256)) * 64)


def bzimage(payload: bytes) -> bytes:
    """A minimal x86 boot image around a compressed payload (setup header fields only)."""
    setup = bytearray(5 * 512)
    setup[0x1F1] = 4
    setup[0x202:0x206] = b"HdrS"
    struct.pack_into("<II", setup, 0x248, 0x40, len(payload))
    return bytes(setup) + bytes(0x40) + payload + struct.pack("<I", 0)


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    """A build directory and a .deb of the fixture kernel."""
    top = tmp_path_factory.mktemp("abi")
    src = top / "fx"
    src.mkdir()
    (src / "common.h").write_text(COMMON_H)
    (src / "Makefile").write_text(MAKEFILE)
    a, b = _compile(src, "a.c", A_C), _compile(src, "b.c", B_C)
    c = _compile(src, "c.c", C_C)
    c_btf = _compile(src, "c_btf.c", C_C, "-gbtf")
    _run("ld", "-r", str(a), str(b), "-o", "drv_a.ko", cwd=src)
    _run("ld", "-r", str(c), "-o", "drv_b.ko", cwd=src)
    v = _compile(src, "v.c", V_C, "-gbtf")
    # build directory: vmlinux with its symbol table, modules with DWARF
    bdir = top / "build"
    (bdir / "drivers").mkdir(parents=True)
    _run("ld", "-static", "-o", str(bdir / "vmlinux"), str(v), cwd=src)
    shutil.copy(src / "drv_a.ko", bdir / "drivers" / "drv_a.ko")
    shutil.copy(src / "drv_b.ko", bdir / "drivers" / "drv_b.ko")
    # package: vmlinuz (zstd) with kallsyms in .rodata and no .symtab; stripped modules, compressed
    (src / "ksyms.c").write_text("const unsigned char kallsyms_blob[] __attribute__((aligned(8))) = {"
                                 + ",".join(str(x) for x in encode_kallsyms(KALLSYMS)) + "};\n")
    v_plain = _compile(src, "v_plain.c", V_C)
    ks = _compile(src, "ksyms.c", (src / "ksyms.c").read_text())
    _run("ld", "-static", "-o", "vmlinux.pkg", str(v_plain), str(ks), cwd=src)
    _run("objcopy", "--strip-all", "vmlinux.pkg", cwd=src)
    _run("ld", "-r", str(c_btf), "-o", "drv_b_btf.ko", cwd=src)
    for ko in ("drv_a.ko", "drv_b_btf.ko"):
        _run("objcopy", "--strip-debug", ko, cwd=src)
    release = "9.9.0-1-cloud-amd64"
    root = top / "pkg"
    mods = root / "lib" / "modules" / release / "kernel" / "drivers"
    (root / "boot").mkdir(parents=True)
    mods.mkdir(parents=True)
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN" / "control").write_text(
        f"Package: linux-image-{release}\nVersion: 9.9.1-1\nArchitecture: amd64\n"
        "Maintainer: kdocgen tests <tests@kdocgen.invalid>\nDescription: fixture kernel\n")
    payload = zstandard.ZstdCompressor().compress((src / "vmlinux.pkg").read_bytes())
    (root / "boot" / f"vmlinuz-{release}").write_bytes(bzimage(payload))
    (root / "boot" / f"System.map-{release}").write_text(
        "ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n")
    (mods / "drv_a.ko.xz").write_bytes(lzma.compress((src / "drv_a.ko").read_bytes(), lzma.FORMAT_XZ))
    (mods / "drv_b.ko.zst").write_bytes(zstandard.ZstdCompressor().compress((src / "drv_b_btf.ko").read_bytes()))
    deb = top / f"linux-image-{release}_9.9.1-1_amd64.deb"
    _run("dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(deb), cwd=top)
    # the unpacked package plus a -dbg style debug module
    tree = top / "unpacked"
    shutil.copytree(root, tree, ignore=shutil.ignore_patterns("DEBIAN"))
    debug = tree / "usr" / "lib" / "debug" / "lib" / "modules" / release / "kernel" / "drivers"
    debug.mkdir(parents=True)
    shutil.copy(bdir / "drivers" / "drv_a.ko", debug / "drv_a.ko")
    return {"build": bdir, "deb": deb, "src": top, "unpacked": tree}


def _scan(builds, tmp_path, kind: str):
    spec = BuildSpec("deb" if kind == "deb" else "tree", str(builds[kind]))
    messages: list[str] = []
    scanner = Scanner(IndexCache(tmp_path / "cache"), None, progress=messages.append)
    outcome = scanner.scan([spec])[0]
    assert not outcome.error, outcome.error
    modules = read_kbuild(builds["src"], [w.file for w in WANTED if w.file])
    data = assemble([outcome.index], WANTED, modules)
    build_id = data.builds[0].id
    status = {(s.name, s.file) if s.kind == "function" else ("struct", s.name): s.status[build_id]
              for s in data.symbols}
    return status, data, messages, outcome


@pytest.fixture(scope="module")
def scanned(builds, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scan")
    return {kind: _scan(builds, tmp / kind, kind) for kind in ("build", "deb")}


def _suffix_kinds(clones: list[str]) -> set[str]:
    return {part for clone in clones for part in clone.split(".")[1:] if not part.isdigit()}


# ---------------------------------------------------------------- tests

def test_kbuild_maps_files_to_modules(builds):
    modules = read_kbuild(builds["src"], ["fx/a.c", "fx/b.c", "fx/c.c", "fx/v.c"])
    assert modules.modules == {"fx/a.c": "drv_a", "fx/b.c": "drv_a", "fx/c.c": "drv_b", "fx/v.c": "v"}


@pytest.mark.parametrize("kind", ["build", "deb"])
def test_clones_are_transformations(scanned, kind):
    status = scanned[kind][0]
    assert _suffix_kinds(status["cp_target", "fx/a.c"].clones) == {"constprop"}
    assert {"isra"} <= _suffix_kinds(status["sra_target", "fx/a.c"].clones)
    assert "part" in _suffix_kinds(status["part_target", "fx/a.c"].clones)
    assert status["cold_target", "fx/a.c"].clones == ["cold_target.cold"]
    for name in ("cp_target", "sra_target", "part_target", "cold_target"):
        st = status[name, "fx/a.c"]
        assert st.present and st.transformation and "Transformation" in st.issues
        assert st.binaries == ["drv_a"]
    assert status["cold_target", "fx/a.c"].collision == "Unique Global"
    assert status["cp_target", "fx/a.c"].collision == "Unique Static"


@pytest.mark.parametrize("kind", ["build", "deb"])
def test_exports_and_crcs(scanned, kind):
    status = scanned[kind][0]
    assert (status["exported_like", "fx/a.c"].exported, status["exported_like", "fx/a.c"].crc) == \
        ("EXPORT_SYMBOL", "0x1234abcd")
    assert (status["gpl_func", "fx/a.c"].exported, status["gpl_func", "fx/a.c"].crc) == \
        ("EXPORT_SYMBOL_GPL", "0x0badf00d")
    assert status["cp_target", "fx/a.c"].exported == ""


def test_vmlinux_from_symtab_exports_decoded(scanned):
    status, data = scanned["build"][0], scanned["build"][1]
    vm = status["vm_func", "fx/v.c"]
    assert (vm.present, vm.binaries, vm.exported, vm.crc) == (True, ["vmlinux"], "EXPORT_SYMBOL_GPL", "0x00c0ffee")
    assert [s.name for s in vm.symbols] == ["vm_func"]          # __pfx_vm_func ignored
    assert vm.signature == "int vm_func(int a, long int b)"
    assert _suffix_kinds(status["vm_clone", "fx/v.c"].clones) == {"constprop"}
    assert data.builds[0].has_signatures and data.builds[0].has_inline_info


def test_vmlinux_from_kallsyms_in_vmlinuz(scanned):
    status, data, _messages, outcome = scanned["deb"]
    vm = status["vm_func", "fx/v.c"]
    assert (vm.present, vm.binaries, vm.exported) == (True, ["vmlinux"], "EXPORT_SYMBOL_GPL")
    assert vm.clones == ["vm_func.cold"] and vm.issues == ["Transformation"]
    assert [s.name for s in vm.symbols] == ["vm_func.cold", "vm_func"]
    assert "kallsyms" in data.builds[0].provenance["artifacts"]
    assert "(zstd)" in data.builds[0].provenance["artifacts"]
    names = {f.name for f in outcome.index.binary("vmlinux").funcs}
    assert names == {name for kind, name in KALLSYMS if kind in "Tt"}


def test_same_name_statics(scanned):
    status = scanned["build"][0]
    helper = status["helper", "fx/a.c"]
    assert (helper.collision, helper.issues, helper.binaries) == ("Static-Static Collision", ["Collision"], ["drv_a"])
    assert len(helper.symbols) == 1                              # b.c's helper is not ours (STT_FILE)
    dup = status["hdr_helper", "fx/common.h"]
    assert (dup.collision, dup.issues, dup.binaries) == ("Static Duplication", ["Duplicate"], ["drv_a", "drv_b"])
    mod = status["shared_name", "fx/c.c"]
    assert (mod.collision, mod.binaries, mod.issues) == ("Static-Global Collision", ["drv_b"], ["Collision"])
    vm = status["shared_name", "fx/v.c"]
    assert (vm.collision, vm.binaries, vm.issues) == ("Static-Global Collision", ["vmlinux"], ["Collision"])


def test_inline_status_from_dwarf(scanned):
    status = scanned["build"][0]
    full = status["always_inlined", "fx/a.c"]
    assert (full.present, full.inline, full.issues, full.symbols) == (True, "Full", ["Full Inline"], [])
    assert full.instances and full.instances[0].location == "a.c:2"
    sel = status["part_target", "fx/a.c"]
    assert (sel.inline, sel.issues) == ("Selective", ["Selective Inline", "Transformation"])
    assert status["exported_like", "fx/a.c"].inline == "Selective"
    assert status["cp_target", "fx/a.c"].inline == "No"
    gone = status["never_built", "fx/a.c"]
    assert (gone.present, gone.inline) == (False, "No")


def test_without_dwarf_inline_is_unknown(scanned):
    status, data = scanned["deb"][0], scanned["deb"][1]
    assert not data.builds[0].has_inline_info
    full = status["always_inlined", "fx/a.c"]
    assert (full.present, full.inline, full.issues, full.reason) == (False, None, [], "inlined or removed")
    assert "no debug information to tell" in full.note
    assert status["part_target", "fx/a.c"].inline is None


def test_module_btf_signature(scanned):
    status = scanned["deb"][0]
    assert status["shared_name", "fx/c.c"].signature == "int shared_name(int x)"
    assert status["helper", "fx/a.c"].signature is None       # drv_a has no BTF


def test_other_architecture(scanned):
    arm = scanned["deb"][0]["arm_only", "arch/arm64/hyperv/x.c"]
    assert not arm.present and "another architecture" in arm.note


def test_deb_build_metadata(scanned):
    build = scanned["deb"][1].builds[0]
    assert (build.id, build.version, build.arch, build.flavor, build.group, build.source) == \
        ("scan:9.9.0-1-cloud-amd64", "9.9.1", "amd64", "cloud", "Debian cloud-amd64", "scan")
    assert len(build.provenance["sha256"]) == 64
    assert build.has_signatures


def test_output_roundtrips_and_is_deterministic(scanned, builds, tmp_path):
    data = scanned["deb"][1]
    assert to_dict(from_dict(to_dict(data))) == to_dict(data)
    again = _scan(builds, tmp_path / "again", "deb")[1]
    assert to_dict(again) == to_dict(data)


def test_rescan_uses_cache(builds, tmp_path):
    spec = BuildSpec("deb", str(builds["deb"]))
    scanner = Scanner(IndexCache(tmp_path / "cache"), None, progress=lambda m: None)
    first = scanner.scan([spec])[0]
    second = scanner.scan([spec])[0]
    assert (first.cached, second.cached) == (False, True)
    assert second.index.binary("drv_a").funcs == first.index.binary("drv_a").funcs


@pytest.mark.parametrize("jobs", [1, 2])
def test_one_failure_does_not_stop_the_others(builds, tmp_path, jobs):
    broken = tmp_path / "broken_1_amd64.deb"
    broken.write_bytes(b"!<arch>\nnot really")
    messages: list[str] = []
    scanner = Scanner(IndexCache(tmp_path / "cache"), None, progress=messages.append)
    outcomes = scanner.scan([BuildSpec("deb", str(broken)), BuildSpec("deb", str(builds["deb"]))], jobs=jobs)
    assert outcomes[0].error == f"{broken}: no data.tar member"
    assert outcomes[1].index is not None and not outcomes[1].error
    assert sorted(m.split(": ", 1)[1].split(":")[0].split(",")[0] for m in messages) == \
        ["FAILED", "download 0.0 s"]


def test_struct_layout_from_btf(scanned):
    big = scanned["build"][0]["struct", "big"]
    assert (big.present, big.binaries, big.signature) == (True, ["vmlinux"], "struct big {\n\tint used; /* 0 4 */\n\tint pad[64]; /* 4 256 */\n}; /* size: 260 */")
    missing = scanned["deb"][0]["struct", "big"]
    assert (missing.present, missing.note) == (False, "not in the BTF of vmlinux or any module")


def test_debug_modules_give_inline_status(builds, tmp_path):
    status, data, _messages, _outcome = _scan(builds, tmp_path, "unpacked")
    assert data.builds[0].has_inline_info and "module DWARF" in data.builds[0].provenance["artifacts"]
    full = status["always_inlined", "fx/a.c"]
    assert (full.present, full.inline, full.binaries) == (True, "Full", ["drv_a"])
    assert status["part_target", "fx/a.c"].inline == "Selective"
    assert status["shared_name", "fx/c.c"].inline is None         # drv_b has no debug file


def test_build_specs():
    from kdocgen.abi.scan.run import parse_spec

    assert parse_spec("linux-image-6.1.0-56-cloud-amd64 +dbg") == \
        BuildSpec("apt", "linux-image-6.1.0-56-cloud-amd64", dbg=True)
    assert parse_spec("apt:linux-image-x:arm64 +headers") == BuildSpec("apt", "linux-image-x:arm64", headers=True)
    assert parse_spec("/tmp/k.deb +headers") == BuildSpec("deb", "/tmp/k.deb", headers=True)
    assert parse_spec("installed:6.1.0-56-amd64") == BuildSpec("installed", "6.1.0-56-amd64")
    assert parse_spec("/usr/src/linux") == BuildSpec("tree", "/usr/src/linux")


def test_corrupt_module_is_reported_and_the_scan_goes_on(builds, tmp_path):
    tree = tmp_path / "corrupt"
    shutil.copytree(builds["unpacked"], tree)
    release = "9.9.0-1-cloud-amd64"
    drivers = tree / "lib" / "modules" / release / "kernel" / "drivers"
    (drivers / "bad.ko.xz").write_bytes(b"\xfd7zXZ\x00 not really xz")
    debug = tree / "usr" / "lib" / "debug" / "lib" / "modules" / release / "kernel" / "drivers"
    (debug / "drv_b.ko.xz").write_bytes(b"\xfd7zXZ\x00 not really xz either")
    scanner = Scanner(IndexCache(tmp_path / "cache"), None, progress=lambda m: None)
    outcomes = scanner.scan([BuildSpec("tree", str(tree)), BuildSpec("deb", str(builds["deb"]))])
    assert [o.error for o in outcomes] == ["", ""]
    corrupt = outcomes[0]
    assert [b.name for b in corrupt.index.binaries] == ["vmlinux", "drv_a", "drv_b"]
    assert any("kernel/drivers/bad.ko.xz: skipped: xz" in w for w in corrupt.warnings), corrupt.warnings
    assert any("debug/lib/modules/" in w and "drv_b.ko.xz: skipped" in w for w in corrupt.warnings), corrupt.warnings
    assert outcomes[1].index.binary("drv_a") is not None
