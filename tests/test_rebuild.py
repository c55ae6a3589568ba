"""Rebuilds do only what changed: nothing when no input changed (Sphinx not
started), a touched file costs nothing, an edited file is parsed, rendered,
read and written again alone (its page and its source view), the output is
a clean build's, and a page's navigation lists folders, not every file."""

import re
from pathlib import Path

import pytest

from kdocgen.cli import main
from sitework import A_C, make_html, new_site_work, snapshot

C_C = b"/**\n * c_three() - Third.\n * @p: A p.\n */\nvoid c_three(int p)\n{\n\ta_one(p);\n}\n"
FILES = "drivers/x/a.c drivers/x/c.c include/linux/b.h"


@pytest.fixture
def site_work(tmp_path):
    work, tree = new_site_work(tmp_path)
    (tree / "drivers/x/c.c").write_bytes(C_C)
    return work, tree


def _times(top: Path, pattern: str) -> dict[str, int]:
    return {p.relative_to(top).as_posix(): p.stat().st_mtime_ns for p in top.rglob(pattern) if p.is_file()}


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(name for name in after if before.get(name) != after[name])


def test_site_step_redoes_only_what_changed(site_work, parsed, capsys):
    work, tree = site_work
    args = ["site", "--srctree", str(tree), "--files", FILES, "--out", str(work / "source"),
            "--cache", str(work / "cache"), "-j", "1"]
    assert main(args) == 0
    assert sorted(parsed) == ["drivers/x/a.c", "drivers/x/c.c", "include/linux/b.h"]
    pages = _times(work / "source", "*")
    parsed.clear()
    (tree / "drivers/x/a.c").touch()
    assert main(args) == 0
    assert parsed == [] and _times(work / "source", "*") == pages
    assert "(nothing changed)" in capsys.readouterr().err
    (tree / "drivers/x/a.c").write_bytes(A_C.replace(b"First.", b"First, edited."))
    assert main(args) == 0
    assert parsed == ["drivers/x/a.c"]
    assert _changed(pages, _times(work / "source", "*")) == ["_pagedata/drivers/x/a.c.txt", "drivers/x/a.rst"]
    (work / "source/drivers/x/c.rst").write_text("changed by hand\n")  # an output not as left: redone
    assert main(args) == 0
    assert "c_three" in (work / "source/drivers/x/c.rst").read_text()


def test_rebuilds_do_only_what_changed(site_work):
    work, tree = site_work
    assert make_html(work, tree, FILES=FILES).returncode == 0
    site = snapshot(work / "_build/html")
    doctrees = _times(work / "_build/sphinx/doctrees", "*.doctree")
    html = _times(work / "_build/sphinx/html", "*.html")
    for step in ("again", "touched"):
        if step == "touched":
            (tree / "drivers/x/a.c").touch()
        done = make_html(work, tree, FILES=FILES)
        assert done.returncode == 0
        assert "nothing changed since the last build" in done.stderr, step
        assert snapshot(work / "_build/html") == site
    (tree / "drivers/x/c.c").write_bytes(C_C.replace(b"Third.", b"Third, edited."))
    done = make_html(work, tree, FILES=FILES)
    assert done.returncode == 0, done.stderr
    assert _changed(doctrees, _times(work / "_build/sphinx/doctrees", "*.doctree")) == ["source/drivers/x/c.doctree"]
    rewritten = _changed(html, _times(work / "_build/sphinx/html", "*.html"))
    # the folder's page lists c.c by title only: the same HTML, not written
    assert [p for p in rewritten if p.startswith(("source/", "src/"))] == [
        "source/drivers/x/c.html", "src/drivers/x/c.c.html"]
    assert "Third, edited." in (work / "_build/html/source/drivers/x/c.html").read_text()


def test_navigation_lists_folders_and_the_own_folders_files(site_work):
    work, tree = site_work
    assert make_html(work, tree, FILES=FILES).returncode == 0
    page = (work / "_build/html/source/drivers/x/a.html").read_text()
    nav = page[page.index('class="sidebar-tree"'):page.index('class="main"')]
    links = re.findall(r'href="([^"#]+)"', nav)
    assert "../../dirs/include/linux.html" in links and "c.html" in links  # a folder; a file of its folder
    assert not [link for link in links if link.endswith("b.h.html")]  # not another folder's files
    landing = (work / "_build/html/index.html").read_text()
    assert 'href="source/include/linux/b.h.html"' in landing  # the landing page lists every file


def _mtime(path: Path) -> int:
    return path.stat().st_mtime_ns


def test_edits_give_a_clean_builds_bytes(site_work, tmp_path):
    """With ``-j 2`` (an edit is read and written serially): an edit that
    changes no index entry keeps genindex.html, one that adds an entry
    writes it again; each time the site is the one a clean build makes."""
    work, tree = site_work
    options = {"FILES": FILES, "SPHINXOPTS": "-q -j 2"}
    genindex = work / "_build/sphinx/html/genindex.html"

    def same_as_clean(name: str) -> None:
        fresh = tmp_path / name
        fresh.mkdir()
        for conf in ("conf.py", "index.rst"):
            (fresh / conf).write_bytes((work / conf).read_bytes())
        assert make_html(fresh, tree, **options).returncode == 0
        assert snapshot(work / "_build/html") == snapshot(fresh / "_build/html")

    assert make_html(work, tree, **options).returncode == 0
    before = _mtime(genindex)
    (tree / "drivers/x/c.c").write_bytes(C_C.replace(b"Third.", b"Third, edited."))
    assert make_html(work, tree, **options).returncode == 0
    assert _mtime(genindex) == before
    same_as_clean("fresh1")
    added = b"\n/**\n * c_four() - Fourth.\n */\nvoid c_four(void)\n{\n}\n"
    (tree / "drivers/x/c.c").write_bytes(C_C + added)
    assert make_html(work, tree, **options).returncode == 0
    assert _mtime(genindex) != before and "c_four" in genindex.read_text()
    same_as_clean("fresh2")
