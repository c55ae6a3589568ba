"""Attribution of symbols to their defining file, and why a definition has none.

Compiled fixtures (gcc -O2 -g at test time, as in test_abi_scan.py): a
``__weak`` default overridden by a strong definition, a static of ours that
is fully inlined while another built file has a same-named static, a
namespaced export, a file its config does not build, and a function of
another version.  Each is scanned from a build directory (vmlinux with its
symbol table and DWARF) and from a package (kallsyms only, no debug
information), with the version's source facts from the fixture tree.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import zstandard
from test_abi_scan import bzimage, encode_kallsyms

from kdocgen.abi.model import INLINED, NOT_CONFIGURED, NOT_IN_VERSION, OVERRIDDEN, UNATTRIBUTED
from kdocgen.abi.scan.cache import IndexCache
from kdocgen.abi.scan.dataset import assemble
from kdocgen.abi.scan.kbuild import Step, makefile_objects, read_rules
from kdocgen.abi.scan.run import BuildSpec, Scanner
from kdocgen.abi.scan.subsystem import FileModules
from kdocgen.abi.scan.versions import Definition, union_wanted, version_source
from kdocgen.extract import extract_many

pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in ("gcc", "ld", "objcopy", "dpkg-deb")),
                                reason="needs gcc, ld, objcopy and dpkg-deb")

COMMON_H = """\
void sink(int v);
#define __weak __attribute__((__weak__))
#define EXPORT_NS(sym, ns) \\
  asm(".section __ksymtab_strings,\\"aMS\\",%progbits,1\\n__kstrtab_" #sym ": .asciz \\"" #sym "\\"\\n" \\
      "__kstrtabns_" #sym ": .asciz \\"" ns "\\"\\n.previous\\n" \\
      ".section __ksymtab_gpl,\\"a\\"\\n.balign 4\\n__ksymtab_" #sym ": .long " #sym " - .\\n" \\
      ".long __kstrtab_" #sym " - .\\n.long __kstrtabns_" #sym " - .\\n.previous\\n")
"""

# the subsystem's files
DEFAULTS_C = """\
#include "common.h"
int __weak fx_crash_handler(int x) { sink(x); return 0; }
int __weak fx_only_default(int x) { sink(x + 1); return 1; }
"""
ARCH_C = """\
#include "common.h"
int fx_crash_handler(int x) { sink(x * 3); return x * 3; }
"""
OURS_C = """\
#include "common.h"
static int fx_set_vmsa(int x) { return x + 5; }
int fx_entry(int x) { sink(fx_set_vmsa(x)); return 0; }
"""
NSMOD_C = """\
#include "common.h"
#define DEFINE_FX(fn) int fn(int x) { sink(x + 2); return x; }
DEFINE_FX(fx_generated)
int fx_ns_export(int x) { sink(x); return x; }
EXPORT_NS(fx_ns_export, "FX_NS");
"""
OFF_C = """\
#include "common.h"
int fx_never(int x) { sink(x); return x; }
"""
# another file of the tree, not the subsystem's
OTHER_C = """\
#include "common.h"
static __attribute__((noinline)) int fx_set_vmsa(int x) { sink(x); sink(x * 2); return x * 7; }
int other_entry(int x) { return fx_set_vmsa(x) + fx_set_vmsa(x + 1); }
"""
VMLINUX_C = """\
void sink(int v) { asm volatile("" :: "r"(v)); }
int fx_entry(int x); int other_entry(int x); int fx_crash_handler(int x); int fx_only_default(int x);
void _start(void) { fx_entry(1); other_entry(2); fx_crash_handler(3); fx_only_default(4); }
"""
MAKEFILE = """\
obj-y += defaults.o arch.o ours.o other.o start.o
obj-$(CONFIG_FX_NS) += nsmod.o
obj-$(CONFIG_FX_OFF) += off.o
"""
CONFIG = "CONFIG_FX=y\nCONFIG_FX_NS=m\n# CONFIG_FX_OFF is not set\n"
OURS = ["drivers/fx/defaults.c", "drivers/fx/arch.c", "drivers/fx/ours.c", "drivers/fx/nsmod.c", "drivers/fx/off.c"]
RELEASE = "9.9.0-1-amd64"


def _run(*cmd: str, cwd: Path) -> None:
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def fixture(tmp_path_factory) -> dict:
    """The fixture tree, a build directory and a .deb, and the version's source facts."""
    top = tmp_path_factory.mktemp("attr")
    tree = top / "tree"
    src = tree / "drivers" / "fx"
    src.mkdir(parents=True)
    (tree / "drivers" / "Makefile").write_text("obj-$(CONFIG_FX) += fx/\n")
    files = {"common.h": COMMON_H, "defaults.c": DEFAULTS_C, "arch.c": ARCH_C, "ours.c": OURS_C,
             "nsmod.c": NSMOD_C, "off.c": OFF_C, "other.c": OTHER_C, "start.c": VMLINUX_C, "Makefile": MAKEFILE}
    for name, text in files.items():
        (src / name).write_text(text)
    objects = []
    for name in ("defaults", "arch", "ours", "other", "start", "nsmod"):
        _run("gcc", "-O2", "-g", "-fno-pie", "-c", f"{name}.c", "-o", f"{name}.o", cwd=src)
        objects.append(f"{name}.o")
    _run("ld", "-r", "nsmod.o", "-o", "nsmod.ko", cwd=src)
    bdir = top / "build"
    bdir.mkdir()
    _run("ld", "-static", "-o", str(bdir / "vmlinux"), *objects[:5], cwd=src)
    shutil.copy(src / "nsmod.ko", bdir / "nsmod.ko")
    (bdir / ".config").write_text(CONFIG)
    # the package: kallsyms of the same vmlinux (no symbol table, no DWARF)
    symbols = subprocess.run(["nm", "-n", "--defined-only", str(bdir / "vmlinux")], capture_output=True,
                             text=True, check=True).stdout
    kallsyms = [(p[1], p[2]) for p in (ln.split() for ln in symbols.splitlines()) if len(p) == 3]
    kallsyms += [("t", f"filler_{i}") for i in range(1100)]      # the table is found by its markers
    (src / "ksyms.c").write_text("const unsigned char kallsyms_blob[] __attribute__((aligned(8))) = {"
                                 + ",".join(str(x) for x in encode_kallsyms(kallsyms)) + "};\n")
    _run("gcc", "-O2", "-fno-pie", "-c", "ksyms.c", "-o", "ksyms.o", cwd=src)
    _run("ld", "-static", "-o", "vmlinux.pkg", *objects[:5], "ksyms.o", cwd=src)
    _run("objcopy", "--strip-all", "vmlinux.pkg", cwd=src)
    root = top / "pkg"
    (root / "boot").mkdir(parents=True)
    (root / "DEBIAN").mkdir()
    mods = root / "lib" / "modules" / RELEASE / "kernel" / "drivers" / "fx"
    mods.mkdir(parents=True)
    (root / "DEBIAN" / "control").write_text(
        f"Package: linux-image-{RELEASE}\nVersion: 9.9.1-1\nArchitecture: amd64\n"
        "Maintainer: kdocgen tests <tests@kdocgen.invalid>\nDescription: fixture kernel\n")
    payload = zstandard.ZstdCompressor().compress((src / "vmlinux.pkg").read_bytes())
    (root / "boot" / f"vmlinuz-{RELEASE}").write_bytes(bzimage(payload))
    (root / "boot" / f"config-{RELEASE}").write_text(CONFIG)
    shutil.copy(src / "nsmod.ko", mods / "nsmod.ko")
    _run("objcopy", "--strip-debug", str(mods / "nsmod.ko"), cwd=top)
    deb = top / f"linux-image-{RELEASE}_9.9.1-1_amd64.deb"
    _run("dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(deb), cwd=top)
    sources = list(extract_many(tree, OURS + ["drivers/fx/common.h"], jobs=1))
    facts = version_source(tree, sources, "9.9")
    return {"tree": tree, "build": bdir, "deb": deb, "facts": facts}


def _status(fixture, tmp_path, kind: str, extra=()):
    scanner = Scanner(IndexCache(tmp_path / kind), None, progress=lambda m: None)
    outcome = scanner.scan([BuildSpec(kind if kind == "deb" else "tree", str(fixture[kind]))])[0]
    assert not outcome.error, outcome.error
    facts = fixture["facts"]
    wanted = union_wanted([facts]) + list(extra)
    data = assemble([outcome.index], wanted, FileModules(facts.kbuild.module_map()),
                    versions={"9.9": facts, "": facts})
    build = data.builds[0].id
    return {(s.name, s.file): s.status[build] for s in data.symbols if s.kind == "function"}, data


@pytest.fixture(scope="module")
def scanned(fixture, tmp_path_factory):
    from kdocgen.abi.scan.subsystem import Wanted
    tmp = tmp_path_factory.mktemp("attr-scan")
    extra = [Wanted("function", "fx_removed", "drivers/fx/ours.c"), Wanted("function", "fx_generated", "drivers/fx/nsmod.c"),
             Wanted("function", "fx_entry", "drivers/fx/gone.c")]
    return {kind: _status(fixture, tmp, kind, extra)[0] for kind in ("build", "deb")}


def test_source_facts(fixture):
    facts = fixture["facts"]
    assert facts.defined["fx_crash_handler", "drivers/fx/defaults.c"] == Definition(weak=True)
    assert facts.defined["fx_crash_handler", "drivers/fx/arch.c"] == Definition()
    assert facts.defined["fx_set_vmsa", "drivers/fx/ours.c"] == Definition(static=True)
    assert facts.others == {"fx_set_vmsa": ["drivers/fx/other.c"]}    # prototypes are not definitions
    config = {"CONFIG_FX": "y", "CONFIG_FX_NS": "m"}
    assert facts.kbuild.built("drivers/fx/nsmod.c", config).module == "nsmod"
    assert facts.kbuild.built("drivers/fx/off.c", config).off == "CONFIG_FX_OFF"
    assert facts.kbuild.built("drivers/fx/ours.c", config).state == "y"
    assert facts.kbuild.built("drivers/fx/ours.c", {}).off == "CONFIG_FX"


@pytest.mark.parametrize("kind", ["build", "deb"])
def test_weak_default_overridden(scanned, kind):
    status = scanned[kind]
    weak = status["fx_crash_handler", "drivers/fx/defaults.c"]
    assert (weak.present, weak.reason, weak.exported) == (False, OVERRIDDEN, None)
    assert "drivers/fx/arch.c" in weak.note
    strong = status["fx_crash_handler", "drivers/fx/arch.c"]
    assert (strong.present, strong.binaries) == (True, ["vmlinux"])
    assert [s.bind for s in strong.symbols] == ["STB_GLOBAL"]
    alone = status["fx_only_default", "drivers/fx/defaults.c"]     # no strong one: the weak symbol is ours
    assert (alone.present, [s.bind for s in alone.symbols]) == (True, ["STB_WEAK"])


def test_other_files_static_with_debug_info(scanned):
    ours = scanned["build"]["fx_set_vmsa", "drivers/fx/ours.c"]
    # the symbol table names other.c as the file of the only fx_set_vmsa symbol: not ours
    assert (ours.present, ours.reason, ours.symbols) == (False, INLINED, [])
    assert "another file's" in ours.note


def test_other_files_static_without_debug_info(scanned):
    ours = scanned["deb"]["fx_set_vmsa", "drivers/fx/ours.c"]
    assert (ours.present, ours.reason, ours.symbols) == (False, UNATTRIBUTED, [])
    assert "drivers/fx/other.c" in ours.note


@pytest.mark.parametrize("kind", ["build", "deb"])
def test_namespaced_export(scanned, kind):
    ns = scanned[kind]["fx_ns_export", "drivers/fx/nsmod.c"]
    assert (ns.present, ns.binaries, ns.exported, ns.namespace) == (True, ["nsmod"], "EXPORT_SYMBOL_NS_GPL", "FX_NS")


@pytest.mark.parametrize("kind", ["build", "deb"])
def test_absence_reasons(scanned, kind):
    status = scanned[kind]
    off = status["fx_never", "drivers/fx/off.c"]
    assert (off.present, off.reason) == (False, NOT_CONFIGURED) and "CONFIG_FX_OFF" in off.note
    gone = status["fx_removed", "drivers/fx/ours.c"]
    assert (gone.present, gone.reason) == (False, NOT_IN_VERSION)
    moved = status["fx_entry", "drivers/fx/gone.c"]             # another version's file
    assert (moved.present, moved.reason) == (False, NOT_IN_VERSION) and "has no drivers/fx/gone.c" in moved.note
    # a function a macro writes: not in the extracted source, yet its symbol is the file's
    made = status["fx_generated", "drivers/fx/nsmod.c"]
    assert (made.present, made.binaries, made.reason) == (True, ["nsmod"], None) and "macro" in made.note


def test_makefile_conditions():
    text = ("obj-$(CONFIG_A) += a.o\nifdef CONFIG_B\nobj-y += b.o\nendif\n"
            "comp-y := c.o\ncomp-$(CONFIG_D) += d.o\nobj-$(subst m,y,$(CONFIG_E)) += comp.o sub/\n"
            "obj-${CONFIG_T} += t.o\n")
    objects = makefile_objects(text)
    assert objects["t.o"][0][1] == (Step("CONFIG_T"),)
    assert [s.option for s in objects["b.o"][0][1]] == ["y", "CONFIG_B"]
    assert objects["d.o"][0][0] == "comp" and objects["sub/"][0][1][0].builtin


def test_rules_of_composite_and_directory(tmp_path):
    (tmp_path / "drivers" / "x").mkdir(parents=True)
    (tmp_path / "drivers" / "Makefile").write_text("obj-$(CONFIG_X) += x/\n")
    (tmp_path / "drivers" / "x" / "Makefile").write_text("obj-$(CONFIG_XM) += xm.o\nxm-y := a.o sub/s.o\n"
                                                         "xm-$(CONFIG_XT) += t.o\n")
    rules = read_rules(tmp_path, ["drivers/x/a.c", "drivers/x/t.c", "drivers/x/none.c", "drivers/x/sub/s.c"])
    config = {"CONFIG_X": "y", "CONFIG_XM": "m", "CONFIG_XT": "y"}
    assert (rules.built("drivers/x/a.c", config).state, rules.built("drivers/x/a.c", config).module) == ("m", "xm")
    assert rules.built("drivers/x/t.c", config).module == "xm"      # built-in option, module's object
    assert rules.built("drivers/x/t.c", {**config, "CONFIG_XT": ""}).off == "CONFIG_XT"
    assert rules.built("drivers/x/none.c", config).state == "?"
    assert rules.built("drivers/x/a.c", {"CONFIG_XM": "m"}).off == "CONFIG_X"
    assert rules.built("drivers/x/sub/s.c", config).module == "xm"  # named from the directory above
