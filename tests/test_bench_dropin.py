"""The drop-in benches: directive options to kernel-doc flags
(bench/kdflags.py), the byte comparison and its reference cache
(bench/kdcompat.py, bench/kdrun.py), the symlink farm of the kernel-build
bench (bench/kbuild.py); and, kernel-marked, bench/kdcompat.py with the
tree's own kernel-doc on both sides, which must agree 100%."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import kdcompat, kdflags, kdrun  # noqa: E402
from bench.common import doc_referenced_files, sample  # noqa: E402
from bench.kbuild import classify, differing, farm  # noqa: E402

PAGE = """\
Title
=====

.. kernel-doc:: drivers/foo/foo.c
   :export:

.. kernel-doc:: include/linux/foo.h
   :functions: foo_open foo_close\\
      foo_read

.. kernel-doc:: include/linux/foo.h
   :identifiers:

.. kernel-doc:: include/linux/foo.h
   :doc: Overview of foo
   :no-identifiers: foo_hidden

  .. kernel-doc:: drivers/foo/foo.c
     :internal: drivers/foo/*.c
     :tab-width: 4

..kernel-doc:: not/a/directive.c

.. kernel-doc:: missing/file.c
"""

#: A stand-in kernel-doc: prints its arguments, warns on stderr for -Wall,
#: exits 2 for -man.
FAKE_KERNEL_DOC = """#!/usr/bin/env python3
import sys
print("args:", " ".join(sys.argv[1:]))
if "-Wall" in sys.argv:
    print(sys.argv[-1] + ":1: warning: fake", file=sys.stderr)
sys.exit(2 if "-man" in sys.argv else 0)
"""


@pytest.fixture
def fake_tree(tmp_path: Path) -> Path:
    """A tiny tree: Documentation/ with one page, two sources, a stand-in
    kernel-doc as the 6.x tree has it (scripts/kernel-doc)."""
    tree = tmp_path / "linux"
    (tree / "Documentation" / "driver-api").mkdir(parents=True)
    (tree / "Documentation" / "driver-api" / "foo.rst").write_text(PAGE)
    (tree / "Documentation" / "index.rst").write_text("No directive here.\n")
    for name, text in (("drivers/foo/foo.c", "/**\n * foo_open() - open\n */\n"),
                       ("drivers/foo/bar.c", "int bar;\n"),
                       ("include/linux/foo.h", "/**\n * DOC: Overview of foo\n */\n")):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text(text)
    script = tree / "scripts" / "kernel-doc"
    script.parent.mkdir()
    script.write_text(FAKE_KERNEL_DOC)
    script.chmod(0o755)
    return tree


def test_page_directives_reads_options_and_continuations(fake_tree: Path) -> None:
    found = kdflags.tree_directives(fake_tree)
    assert [(d.page, d.line, d.source) for d in found] == [
        ("driver-api/foo.rst", 4, "drivers/foo/foo.c"),
        ("driver-api/foo.rst", 7, "include/linux/foo.h"),
        ("driver-api/foo.rst", 11, "include/linux/foo.h"),
        ("driver-api/foo.rst", 14, "include/linux/foo.h"),
        ("driver-api/foo.rst", 18, "drivers/foo/foo.c"),
        ("driver-api/foo.rst", 24, "missing/file.c")]
    assert found[0].options == {"export": ""}
    assert found[1].options == {"functions": "foo_open foo_close\\ foo_read"}
    assert found[3].options == {"doc": "Overview of foo", "no-identifiers": "foo_hidden"}
    assert found[4].options == {"internal": "drivers/foo/*.c"}  # :tab-width: is not passed on


def test_directive_args_per_dialect(fake_tree: Path) -> None:
    d = {(x.line): x for x in kdflags.tree_directives(fake_tree)}
    lineno_perl = ["-rst", "-enable-lineno", "-sphinx-version", "3.4.3"]
    assert kdflags.directive_args(d[4], fake_tree, perl=True) == \
        lineno_perl + ["-export", "drivers/foo/foo.c"]
    # 7.x drops the trailing backslash of a word, 6.x passes it on
    assert kdflags.directive_args(d[7], fake_tree, perl=False) == [
        "-rst", "-enable-lineno", "-function", "foo_open", "-function", "foo_close",
        "-function", "foo_read", "include/linux/foo.h"]
    assert "foo_close\\" in kdflags.directive_args(d[7], fake_tree, perl=True)
    assert kdflags.directive_args(d[11], fake_tree, perl=False)[-2:] == \
        ["-no-doc-sections", "include/linux/foo.h"]
    assert kdflags.directive_args(d[14], fake_tree, perl=False) == [
        "-rst", "-enable-lineno", "-function", "Overview of foo",
        "-nosymbol", "foo_hidden", "include/linux/foo.h"]
    assert kdflags.directive_args(d[18], fake_tree, perl=False) == [
        "-rst", "-enable-lineno", "-internal", "-export-file", "drivers/foo/bar.c",
        "-export-file", "drivers/foo/foo.c", "drivers/foo/foo.c"]


def test_selection_precedence_and_alias() -> None:
    tree = Path("/nonexistent")
    both = kdflags.Directive("p.rst", 1, "a.c", {"doc": "X", "export": "", "functions": "f"})
    assert kdflags.directive_args(both, tree, perl=False) == ["-rst", "-enable-lineno", "-export", "a.c"]
    alias = kdflags.Directive("p.rst", 1, "a.c", {"identifiers": "g", "functions": "f"})
    assert kdflags.directive_args(alias, tree, perl=False)[-3:] == ["-function", "f", "a.c"]


def test_directive_jobs_distinct_existing_and_filtered(fake_tree: Path) -> None:
    jobs = kdflags.directive_jobs(fake_tree, perl=False)
    assert len(jobs) == 5  # missing/file.c left out
    assert {j.flagset for j in jobs} == {"directive"}
    only = kdflags.directive_jobs(fake_tree, perl=False, only={"drivers/foo/foo.c"})
    assert [j.source for j in only] == ["drivers/foo/foo.c"] * 2


def test_fixed_jobs_flag_sets() -> None:
    jobs = kdflags.fixed_jobs(["a.c"], perl=True)
    assert [j.args for j in jobs] == [
        ("-rst", "-enable-lineno", "-sphinx-version", "3.4.3", "a.c"), ("-rst", "a.c"),
        ("-man", "a.c"), ("-none", "-Wall", "a.c")]
    assert kdflags.fixed_jobs(["a.c"], perl=False, flagsets=["rst-lineno"])[0].args == \
        ("-rst", "-enable-lineno", "a.c")


def test_self_comparison_is_identical_and_cached(fake_tree: Path, tmp_path: Path) -> None:
    files = ["drivers/foo/foo.c", "include/linux/foo.h"]
    jobs = kdcompat.build_jobs(fake_tree, files, kdcompat.ALL_FLAGSETS, False, "3.4.3")
    cache = kdcompat.ReferenceCache("x" * 64, tmp_path / "results")
    reference = kdcompat.candidate_command("ref", fake_tree)
    tallies, _ = kdcompat.compare(fake_tree, jobs, reference, cache, workers=2)
    assert {n: (t.runs, t.all_identical) for n, t in tallies.items()} == {
        "rst-lineno": (2, 2), "rst": (2, 2), "man": (2, 2), "none-wall": (2, 2), "directive": (5, 5)}
    assert cache.added == len(jobs)
    cache.save()
    again = kdcompat.ReferenceCache("x" * 64, tmp_path / "results")
    assert len(again.entries) == len(jobs)
    kdcompat.compare(fake_tree, jobs, reference, again, workers=1)
    assert again.added == 0  # every reference result came from the cache
    man = next(j for j in jobs if j.flagset == "man")
    assert again.get(kdcompat.job_key(again.identity, fake_tree, man)).status == 2


def test_candidate_differences_are_counted_and_shown(fake_tree: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-kernel-doc"
    other.write_text(FAKE_KERNEL_DOC.replace('print("args:"', 'print("ARGS:"')
                     .replace("2 if", "0 if"))
    files = ["drivers/foo/foo.c"]
    jobs = kdcompat.build_jobs(fake_tree, files, ["rst", "man", "none-wall"], True, "3.4.3")
    cache = kdcompat.ReferenceCache("y" * 64, tmp_path / "results")
    tallies, _ = kdcompat.compare(fake_tree, jobs, [sys.executable, str(other)], cache, 1)
    man = tallies["man"]
    assert (man.runs, man.stdout_identical, man.stderr_identical, man.status_identical) == (1, 0, 1, 0)
    assert man.differences[0]["status"] == [2, 0]
    assert "-args: -man drivers/foo/foo.c\n+ARGS: -man drivers/foo/foo.c\n" in man.differences[0]["stdout"]
    assert tallies["none-wall"].stderr_identical == 1
    assert kdcompat.total(tallies).runs == 3
    assert kdcompat.total(tallies).all_identical == 0


def test_main_json_report(fake_tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    status = kdcompat.main(["--srctree", str(fake_tree), "--candidate", "ref", "--results",
                            str(tmp_path / "res"), "--json", str(out), "--flagsets", "rst,directive"])
    data = json.loads(out.read_text())
    assert status == 0
    assert data["files"] == 2  # the directives' existing files
    assert data["total"]["runs"] == data["total"]["all_identical"] == 2 + 5


def test_run_inprocess_captures_and_restores(tmp_path: Path) -> None:
    def entry(argv: list[str]) -> int:
        print("out", *argv)
        sys.stdout.buffer.write(b"\xff\n")
        print("err", os.getcwd(), file=sys.stderr)
        raise SystemExit(3)
    here = os.getcwd()
    got = kdrun.run_inprocess(entry, ["-rst", "a.c"], tmp_path)
    assert (got.stdout, got.status) == (b"out -rst a.c\n\xff\n", 3)
    assert got.stderr == f"err {tmp_path}\n".encode()
    assert os.getcwd() == here
    assert kdrun.python_entry("no_such_module_kdocgen:main") is None


def test_run_process_reports_missing_program(tmp_path: Path) -> None:
    got = kdrun.run_process([str(tmp_path / "nope")], tmp_path)
    assert got.status == 127 and b"cannot run" in got.stderr


def test_farm_links_copies_and_replaces(fake_tree: Path, tmp_path: Path) -> None:
    dest = tmp_path / "farm"
    farm(fake_tree, dest, ["drivers/foo"], {"Documentation/driver-api/foo.rst": "replaced\n"})
    assert (dest / "include").is_symlink()
    assert not (dest / "drivers").is_symlink() and not (dest / "drivers" / "foo").is_symlink()
    assert (dest / "drivers" / "foo" / "bar.c").read_text() == "int bar;\n"
    assert not (dest / "drivers" / "foo" / "bar.c").is_symlink()
    assert (dest / "Documentation" / "index.rst").is_symlink()
    assert (dest / "Documentation" / "driver-api" / "foo.rst").read_text() == "replaced\n"
    assert (fake_tree / "Documentation" / "driver-api" / "foo.rst").read_text() == PAGE


def test_warning_classes_and_differences() -> None:
    stderr = ("/s/a.c:3: warning: Function parameter 'x' not described\n"
              "/s/Documentation/core-api/x.rst:5: WARNING: duplicate C declaration\n"
              "reading sources... [ 50%]\n"
              "Warning: block/blk-map.c:366 Excess function parameter 'op' description\n")
    sphinx, kdoc = classify(stderr)
    assert sphinx == ["/s/Documentation/core-api/x.rst:5: WARNING: duplicate C declaration"]
    assert kdoc == ["/s/a.c:3: warning: Function parameter 'x' not described",
                    "Warning: block/blk-map.c:366 Excess function parameter 'op' description"]
    assert differing(["/r/a.c:1: w", "/r/b.c:2: w"], ["/c/a.c:1: w"], "/r", "/c") == (["<src>/b.c:2: w"], [])


@pytest.mark.kernel
@pytest.mark.parametrize("fixture", ["kernel_tree_path", "kernel_tree_72"])
def test_reference_against_itself(fixture: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """A handful of the directives' files, every flag set: 100% identical."""
    tree = Path(request.getfixturevalue(fixture))
    present = [f for f in doc_referenced_files(tree)[0] if f.startswith("include/")]
    files = sample(present, 4)
    out = tmp_path / "kdcompat.json"
    status = kdcompat.main(["--srctree", str(tree), "--candidate", "ref", "--files", *files,
                            "--results", str(tmp_path), "--json", str(out), "-j", "2"])
    data = json.loads(out.read_text())
    assert status == 0
    assert set(data["flagsets"]) == set(kdcompat.ALL_FLAGSETS)
    for name, tally in data["flagsets"].items():
        assert tally["runs"] > 0, name
        assert tally["all_identical"] == tally["runs"], (name, tally["differences"])


def test_lineno_markers_become_offsets() -> None:
    from bench.kbuild_ext import source_lines
    text = ".. LINENO 10\n.. c:function:: int f(void)\n\n   doc\n.. LINENO 3\nnext\n"
    lines = source_lines(text, 8, "page.rst:1: f.c")
    assert list(lines) == [".. c:function:: int f(void)", "", "   doc", "next"]
    assert [lines.offset(i) for i in range(4)] == [9, 10, 11, 2]
    assert lines.source(0) == "page.rst:1: f.c"
