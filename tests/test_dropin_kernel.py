"""Integration: ``kdocgen kernel-doc`` against each tree's own kernel-doc.

Runs the tree's kernel-doc (the Perl one of 6.12, the Python one of 7.2)
and the drop-in on real files of the tree, from the tree's top directory
with relative names as ``make htmldocs`` does, with the flag sets of the
kernel's Sphinx extension; stdout must be the same bytes, stderr the same
text, and the exit status the same.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from kdocgen.dropin import command

pytestmark = pytest.mark.kernel

FILES_612 = ["include/linux/kref.h", "kernel/workqueue.c", "include/linux/netdevice.h", "fs/stat.c",
             "include/trace/events/irq.h", "drivers/base/core.c", "include/net/page_pool/types.h",
             "include/media/v4l2-ctrls.h", "lib/bitmap.c", "include/linux/list.h"]
FILES_72 = ["include/linux/kref.h", "kernel/workqueue.c", "fs/stat.c", "include/linux/list.h",
            "drivers/base/core.c", "lib/bitmap.c", "include/linux/slab.h", "block/blk-core.c",
            "drivers/edac/edac_pci.h", "arch/s390/include/asm/ccwdev.h"]
FLAGS_612 = [["-rst", "-sphinx-version", "3.4.3", "-enable-lineno"], ["-rst", "-sphinx-version", "3.4.3"],
             ["-none", "-Wall"], ["-rst", "-sphinx-version", "3.4.3", "-enable-lineno", "-export"],
             ["-rst", "-sphinx-version", "3.4.3", "-enable-lineno", "-internal"]]
FLAGS_72 = [["-rst", "-enable-lineno"], ["-rst"], ["-rst", "-enable-lineno", "-export"],
            ["-rst", "-enable-lineno", "-internal"]]


def tree_kernel_doc(tree: Path) -> list[str]:
    python = tree / "tools" / "docs" / "kernel-doc"
    return [sys.executable, str(python)] if python.is_file() else ["perl", str(tree / "scripts" / "kernel-doc")]


def compare(tree: Path, flags: list[str], path: str) -> None:
    if not (tree / path).is_file():
        pytest.skip(f"{path} not in the tree")
    ref = subprocess.run([*tree_kernel_doc(tree), *flags, path], cwd=tree, capture_output=True, text=True)
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(tree)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            status = command.main([*flags, path])
    finally:
        os.chdir(old)
    assert out.getvalue() == ref.stdout
    assert err.getvalue() == ref.stderr
    assert status == ref.returncode


@pytest.mark.parametrize("flags", FLAGS_612, ids=" ".join)
@pytest.mark.parametrize("path", FILES_612)
def test_same_as_perl_kernel_doc(kernel_tree_path, path, flags):
    compare(Path(kernel_tree_path), flags, path)


@pytest.mark.parametrize("flags", FLAGS_72, ids=" ".join)
@pytest.mark.parametrize("path", FILES_72)
def test_same_as_python_kernel_doc(kernel_tree_72, path, flags):
    compare(Path(kernel_tree_72), flags, path)


def test_7x_unit_suite_sources(kernel_tree_72, tmp_path):
    """The sources of the 7.2 tree's own kernel-doc unit suite
    (tools/unittests/kdoc-test.yaml, read here) through both tools: the
    same reST, ``var`` comments included."""
    yaml = pytest.importorskip("yaml")
    tree = Path(kernel_tree_72)
    suite = tree / "tools" / "unittests" / "kdoc-test.yaml"
    if not suite.is_file():
        pytest.skip("no unit suite in the 7.2 tree")
    checked, differing, variables = 0, [], 0
    for case in yaml.safe_load(suite.read_text())["tests"]:
        if not any("rst" in expected for expected in case.get("expected", [])):
            continue
        source = tmp_path / case["name"] / case["fname"]
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_text(case["source"])
        ref = subprocess.run([*tree_kernel_doc(tree), "-rst", case["fname"]], cwd=tmp_path / case["name"],
                             capture_output=True, text=True)
        out, err = io.StringIO(), io.StringIO()
        old = os.getcwd()
        os.chdir(tmp_path / case["name"])
        try:
            with redirect_stdout(out), redirect_stderr(err):
                command.main(["--kernel-version", "7.2", "-rst", case["fname"]])
        finally:
            os.chdir(old)
        checked += 1
        variables += "* var " in case["source"]
        if out.getvalue() != ref.stdout:
            differing.append(case["name"])
    print(f"7.2 unit suite: {checked - len(differing)}/{checked} sources give the same reST "
          f"({variables} with variables); differences: {differing}")
    assert checked >= 10 and variables >= 10
    assert not differing


@pytest.mark.parametrize("name", ["variables.c", "sections7.c"])
def test_7x_fixtures(kernel_tree_72, name):
    """Our 7.x fixtures (``var`` comments, empty sections) give the same
    output as the 7.2 tool's."""
    fixture = Path(__file__).resolve().parent / "fixtures" / "dropin" / name
    tree = Path(kernel_tree_72)
    for flags in (["-rst", "-enable-lineno"], ["-rst"], ["-rst", "-function", "widget_timeout"], ["-none", "-Wall"],
                  ["-rst", "-export"], ["-rst", "-internal", "-Wall"]):
        ref = subprocess.run([*tree_kernel_doc(tree), *flags, fixture.name], cwd=fixture.parent,
                             capture_output=True, text=True)
        out, err = io.StringIO(), io.StringIO()
        old = os.getcwd()
        os.chdir(fixture.parent)
        try:
            with redirect_stdout(out), redirect_stderr(err):
                command.main(["--kernel-version", "7.2", *flags, fixture.name])
        finally:
            os.chdir(old)
        assert "-none" in flags or "-function" in flags or "-export" in flags or ".. c:" in ref.stdout
        assert out.getvalue() == ref.stdout
        assert err.getvalue() == ref.stderr


MAN_FIXTURES = Path(__file__).parent / "fixtures" / "dropin_man"


@pytest.mark.parametrize("version", ["6.12", "7.2"])
def test_struct_fixture_rst_same_as_kernel_doc(kernel_tree_path, kernel_tree_72, version):
    """The struct fixture of the man tests (nested bodies, an anonymous enum
    member before its name, private members, macros) through -rst: the same
    definition block as the tree's kernel-doc (the man and reST writers
    share one member reader)."""
    tree = Path(kernel_tree_72 if version == "7.2" else kernel_tree_path)
    flags = ["-rst", "-enable-lineno", "types.c"]
    ref = subprocess.run([*tree_kernel_doc(tree), *flags], cwd=MAN_FIXTURES, capture_output=True, text=True)
    out = io.StringIO()
    old = os.getcwd()
    os.chdir(MAN_FIXTURES)
    try:
        with redirect_stdout(out), redirect_stderr(io.StringIO()):
            command.main(["-kernel-version", version, *flags])
    finally:
        os.chdir(old)
    assert out.getvalue() == ref.stdout
