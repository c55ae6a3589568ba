"""The ``kernel-doc`` directive on kernel-doc's own reST (the kernel tree's
Documentation/ route, kdocgen/sphinxext/kdocout.py): the command line it
asks for, the placing of lines, the build, and (kernel-marked) the same C
entries as the tree's own extension running the tree's own kernel-doc."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx.cmd.build import build_main
from sphinx.util.inventory import InventoryFile

from kdocgen.kerneldoc.dialect import PERL, PYTHON
from kdocgen.sphinxext.kdocout import invocation, placed_lines

FIXTURE = Path(__file__).parent / "fixtures" / "c"


def test_export_with_more_files_to_look_in(tmp_path):
    (tmp_path / "a").mkdir()
    for name in ("x.c", "y.c"):
        (tmp_path / "a" / name).write_text("")
    call = invocation({"export": "a/*.c"}, str(tmp_path), "a/x.h", PERL)
    assert call.argv[:3] == ["-rst", "-enable-lineno", "-sphinx-version"]
    assert call.argv[4] == "-export"
    files = [call.argv[i + 1] for i, a in enumerate(call.argv) if a == "-export-file"]
    assert sorted(files) == [f"{tmp_path}/a/x.c", f"{tmp_path}/a/y.c"]
    assert call.argv[-1] == f"{tmp_path}/a/x.h" and call.depends[0] == call.argv[-1]
    assert sorted(call.depends[1:]) == sorted(files)


def test_python_rules_take_no_sphinx_version_and_drop_backslashes():
    call = invocation({"identifiers": "foo\\ bar", "no-identifiers": "baz\\"}, "/k", "f.c", PYTHON)
    assert call.argv == ["-rst", "-enable-lineno", "-function", "foo", "-function", "bar",
                         "-nosymbol", "baz", "/k/f.c"]


@pytest.mark.parametrize("options, expected", [
    ({"doc": "Some title"}, ["-function", "Some title"]),
    ({"functions": "a b"}, ["-function", "a", "-function", "b"]),
    ({"identifiers": ""}, ["-no-doc-sections"]),
    ({"internal": ""}, ["-internal"]),
    ({"export": "", "doc": "T"}, ["-export"]),
    ({}, []),
])
def test_options_to_flags(options, expected):
    call = invocation(options, "/k", "f.c", PYTHON)
    assert call.argv == ["-rst", "-enable-lineno", *expected, "/k/f.c"]


def test_lineno_lines_place_what_follows():
    content = placed_lines(".. LINENO 10\nA\nB\n.. LINENO 3\nC\n.. LINENO x\n", "doc: f.c", 8)
    assert list(content) == ["A", "B", "C", ".. LINENO x"]
    assert [content.info(i)[1] for i in range(4)] == [9, 10, 2, 3]
    assert content.info(0)[0] == "doc: f.c"


def _build(src: Path, out: Path) -> str:
    warnings = out.parent / (out.name + "-warnings.txt")
    assert build_main(["-q", "-b", "html", "-w", str(warnings), str(src), str(out)]) == 0
    return warnings.read_text()


def _c_entries(out: Path) -> set[tuple[str, str]]:
    with open(out / "objects.inv", "rb") as stream:
        inventory = InventoryFile.load(stream, "", lambda *parts: "/".join(parts))
    found = set()
    for kind, entries in inventory.items() if isinstance(inventory, dict) else inventory.data.items():
        if kind.startswith("c:"):
            found |= {(kind, name) for name in entries}
    return found


def test_build_with_kernel_doc_output(tmp_path):
    tree = tmp_path / "tree"
    (tree / "drivers").mkdir(parents=True)
    shutil.copy(FIXTURE / "kerneldoc_markup.c", tree / "drivers" / "markup.c")
    src = tmp_path / "doc"
    src.mkdir()
    (src / "conf.py").write_text(f"extensions = ['kdocgen.sphinxext']\nkerneldoc_srctree = {str(tree)!r}\n"
                                 "kerneldoc_output = 'kernel-doc'\nkerneldoc_version = '6.12'\n")
    (src / "index.rst").write_text("Markup\n======\n\n.. kernel-doc:: drivers/markup.c\n\n"
                                   ".. kernel-doc:: drivers/missing.c\n")
    warnings = _build(src, tmp_path / "html")
    assert "kernel-doc 'kernel-doc -rst" in warnings and "failed with return code" in warnings
    entries = _c_entries(tmp_path / "html")
    assert entries and all(kind.startswith("c:") for kind, _ in entries)
    html = (tmp_path / "html" / "index.html").read_text()
    assert "kernel-doc missing" in html


# ------------------------------------------------------------ kernel trees

KERNEL_PAGE = """Page
====

.. kernel-doc:: drivers/hv/channel.c
   :export:

.. kernel-doc:: include/linux/hyperv.h
   :internal:

.. kernel-doc:: mm/memblock.c
   :doc: memblock overview

.. kernel-doc:: mm/memblock.c
   :functions:

.. kernel-doc:: include/linux/xarray.h

.. kernel-doc:: lib/xarray.c
   :export:

.. kernel-doc:: include/linux/list.h
   :no-identifiers: list_del
"""


def _kernel_build(tree: Path, work: Path, kdocgen: bool) -> tuple[set, str]:
    src = work / ("kdocgen" if kdocgen else "kernel")
    src.mkdir(parents=True)
    # the tree's extensions, and its Python library in 7.x (as its conf.py sets them up)
    paths = [str(tree / "Documentation" / "sphinx"), str(tree / "tools" / "lib" / "python")]
    conf = f"import sys\nsys.path[:0] = {paths!r}\nkerneldoc_srctree = {str(tree)!r}\n"
    if kdocgen:
        conf += "extensions = ['kdocgen.sphinxext', 'automarkup']\n"
    else:
        conf += ("extensions = ['kerneldoc', 'automarkup']\n"
                 f"kerneldoc_bin = {str(tree / 'scripts' / 'kernel-doc')!r}\n")
    (src / "conf.py").write_text(conf)
    (src / "index.rst").write_text(KERNEL_PAGE)
    # a process of its own: each tree's extensions are modules of the same names
    out = work / (src.name + "-html")
    warnings = work / (src.name + "-warnings.txt")
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", "-w", str(warnings),
                           str(src), str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return _c_entries(out), warnings.read_text()


@pytest.mark.kernel
@pytest.mark.parametrize("fixture", ["kernel_tree_path", "kernel_tree_72"])
def test_same_entries_as_the_kernels_extension(fixture, request, tmp_path, monkeypatch):
    """The tree's pages built with kdocgen's extension and with the tree's
    own (running the tree's kernel-doc): the same C entries, no more warnings."""
    tree = Path(request.getfixturevalue(fixture))
    monkeypatch.setenv("srctree", str(tree))  # as the kernel's Makefile exports it
    ours, our_warnings = _kernel_build(tree, tmp_path, kdocgen=True)
    theirs, their_warnings = _kernel_build(tree, tmp_path, kdocgen=False)
    assert len(theirs) > 100
    assert ours == theirs
    assert our_warnings.count("WARNING") <= their_warnings.count("WARNING")


def test_python_rules_warn_about_reading_a_file_once(tmp_path):
    """The 7.x extension parses a file once per build process: the warnings
    of reading it come with the first directive naming it, those about an
    item each time the item is output."""
    tree = tmp_path / "tree"
    (tree / "drivers").mkdir(parents=True)
    (tree / "drivers" / "ring.c").write_text(
        "/**\n * ring_start() - Start a ring\n * @ring: the ring\n */\n"
        "int ring_start(struct ring *ring, int flags);\n\n"
        "/**\n * ring_stop() - Stop a ring\n * @ring: the ring\n */\n"
        "void ring_stop(struct ring *ring);\n")
    src = tmp_path / "doc"
    src.mkdir()
    (src / "conf.py").write_text(f"extensions = ['kdocgen.sphinxext']\nkerneldoc_srctree = {str(tree)!r}\n"
                                 "kerneldoc_output = 'kernel-doc'\nkerneldoc_version = '7.2'\n")
    (src / "index.rst").write_text("Ring\n====\n\n" + "".join(
        f".. kernel-doc:: drivers/ring.c\n   :{option}\n\n"
        for option in ("identifiers: ring_start", "identifiers: ring_stop", "identifiers: ring_start",
                       "internal:", "internal:")))
    warnings = _build(src, tmp_path / "html")
    undescribed = [line for line in warnings.splitlines() if "'flags' not described in 'ring_start'" in line]
    # as the 7.2 tree's extension gives: once as the file is read, then again
    # each time the item is output by a directive that is not a selection by
    # name (the two :internal:), none for the second :identifiers: ring_start
    assert len(undescribed) == 3, warnings
    assert undescribed[0].split(": WARNING")[0].endswith("index.rst:4")
