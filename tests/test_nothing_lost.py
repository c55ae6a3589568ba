"""Nothing lost: a failed ``make html`` leaves the previous site as it was;
two at once run one after the other and the site is never missing; the
published site holds exactly the current build's pages and equals a fresh
build byte for byte; generated pages whose source is gone are removed,
hand-written pages never; failed runs of kdocgen rst, site and abi never
replace good output with less."""

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from kdocgen.abi.store import read
from kdocgen.site.build import MANIFEST, build_site_source, clean_generated, plan_site
from sitework import A_C, ROOT, make_html, make_tree, new_site_work, snapshot, start_make_html

@pytest.fixture
def site_work(tmp_path):
    return new_site_work(tmp_path)


@pytest.mark.parametrize("failure", ["bad option", "warning as error"])
def test_failed_make_html_keeps_the_previous_site(site_work, failure):
    work, tree = site_work
    first = make_html(work, tree)
    assert first.returncode == 0, first.stderr
    before = snapshot(work / "_build" / "html")
    assert "source/drivers/x/a.html" in before
    (tree / "drivers/x/a.c").write_bytes(A_C.replace(b"First.", b"Changed purpose."))
    if failure == "bad option":
        failed = make_html(work, tree, SPHINXOPTS="--no-such-option")
    else:  # fails in the middle of the build, after the new page was read
        (work / "broken.rst").write_text("Broken\n======\n\n.. no-such-directive::\n")
        failed = make_html(work, tree, SPHINXOPTS="-q -W")
    assert failed.returncode != 0
    assert "Changed purpose" in (work / "source/drivers/x/a.rst").read_text()
    assert snapshot(work / "_build" / "html") == before
    (work / "broken.rst").unlink(missing_ok=True)
    again = make_html(work, tree)  # the next good build catches up
    assert again.returncode == 0, again.stderr
    assert "Changed purpose" in (work / "_build/html/source/drivers/x/a.html").read_text()


def test_stale_generated_pages_go_hand_written_pages_stay(tmp_path):
    tree = make_tree(tmp_path)
    out = tmp_path / "source"
    (out / "drivers" / "x").mkdir(parents=True)
    hand = {"notes.rst": "Notes\n=====\n", "drivers/x/guide.rst": "Guide\n=====\n"}
    for rel, text in hand.items():
        (out / rel).write_text(text)
    quiet = {"jobs": 1, "progress": lambda message: None}
    build_site_source(plan_site(tree, files=["drivers/x/a.c", "include/linux/b.h"]), out, **quiet)
    assert (out / "drivers/x/a.rst").is_file() and (out / "include/linux/b.h.rst").is_file()
    (tree / "include/linux/b.h").unlink()
    build_site_source(plan_site(tree, files=["drivers/x/a.c"]), out, **quiet)
    assert not (out / "include").exists()  # the page and its emptied folders
    assert (out / "drivers/x/a.rst").is_file()
    assert {rel: (out / rel).read_text() for rel in hand} == hand
    assert MANIFEST in os.listdir(out)
    clean_generated(out)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted(hand)


def test_two_builds_at_once_run_one_after_the_other(site_work):
    work, tree = site_work
    assert make_html(work, tree).returncode == 0
    (tree / "drivers/x/a.c").write_bytes(A_C.replace(b"First.", b"Changed purpose."))
    builds = [start_make_html(work, tree) for _ in range(2)]
    missing = 0
    while any(b.poll() is None for b in builds):
        missing += not (work / "_build/html/index.html").is_file()
        time.sleep(0.002)
    errors = [b.communicate()[1] for b in builds]
    assert [b.returncode for b in builds] == [0, 0], errors
    assert missing == 0  # the published site was there all along
    assert sum("another build of this checkout is running" in e and "waiting" in e for e in errors) == 1
    assert "Changed purpose" in (work / "_build/html/source/drivers/x/a.html").read_text()
    assert sorted(p.name for p in (work / "_build").iterdir()) == [".lock", "cache", "html", "sphinx"]


def _site_files(html: Path) -> list[str]:
    return sorted(p.relative_to(html).as_posix() for p in html.rglob("*") if p.is_file())


def test_published_site_holds_only_this_builds_pages(site_work, tmp_path):
    work, tree = site_work
    assert make_html(work, tree, FILES="drivers/x/a.c include/linux/b.h").returncode == 0
    first = _site_files(work / "_build/html")
    assert {"source/drivers/x/a.html", "src/drivers/x/a.c.html", "_kdocgen/xrefs/source/drivers/x/a.json",
            "source/include/linux/b.h.html", "src/include/linux/b.h.html"} <= set(first)
    assert make_html(work, tree, FILES="include/linux/b.h", SITE_URL="").returncode == 0
    second = _site_files(work / "_build/html")
    assert not [p for p in second if "drivers/x/a" in p]
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    for name in ("conf.py", "index.rst"):
        shutil.copy(ROOT / name, fresh / name)
    assert make_html(fresh, tree, FILES="include/linux/b.h").returncode == 0
    assert second == _site_files(fresh / "_build/html")


def test_site_url_set_then_unset_leaves_no_sitemap(site_work):
    work, tree = site_work
    assert make_html(work, tree, SITE_URL="https://example.org/x").returncode == 0
    assert (work / "_build/html/sitemap.xml").is_file()
    assert make_html(work, tree, SITE_URL="").returncode == 0
    assert not (work / "_build/html/sitemap.xml").exists()


C_FILE = b"/**\n * c_three() - Third; see a_one().\n * @p: A p.\n */\nvoid c_three(int p)\n{\n\ta_one(p);\n}\n"


def test_incremental_builds_equal_a_fresh_build(site_work, tmp_path):
    """Nothing changed, then one file edited: each incremental site is the
    fresh build of the same input, byte for byte (search index included)."""
    work, tree = site_work
    (tree / "drivers/x/c.c").write_bytes(C_FILE)
    files = {"FILES": "drivers/x/a.c drivers/x/c.c include/linux/b.h"}

    def fresh_site(name: str) -> dict:
        folder = tmp_path / name
        folder.mkdir()
        for conf in ("conf.py", "index.rst"):
            shutil.copy(ROOT / conf, folder / conf)
        assert make_html(folder, tree, **files).returncode == 0
        return snapshot(folder / "_build/html")

    for step in ("first", "again", "edited"):
        if step == "edited":
            (tree / "drivers/x/a.c").write_bytes(A_C.replace(b"First.", b"First, edited."))
        done = make_html(work, tree, **files)
        assert done.returncode == 0, done.stderr
        site = snapshot(work / "_build/html")
        expected = fresh_site(step)
        assert sorted(site) == sorted(expected)
        assert [name for name in sorted(site) if site[name] != expected[name]] == [], step
    index = site["searchindex.js"].decode()
    entries = json.loads(index[index.index("(") + 1:index.rindex(")")])["indexentries"]
    assert {"a_one (c function)", "b_thing (c struct)", "c_three (c function)"} <= set(entries)
    assert b"First, edited." in site["source/drivers/x/a.html"]


def test_missing_file_writes_nothing(site_work):
    work, tree = site_work
    assert make_html(work, tree).returncode == 0
    pages, site = snapshot(work / "source"), snapshot(work / "_build/html")
    failed = make_html(work, tree, FILES="does/not/exist.c")
    assert failed.returncode != 0
    assert "does/not/exist.c: no such file" in failed.stderr and "Traceback" not in failed.stderr
    assert snapshot(work / "source") == pages and snapshot(work / "_build/html") == site


def test_unreadable_file_keeps_the_previous_page(tmp_path, capsys):
    from kdocgen.cli import main
    tree = make_tree(tmp_path)
    out = tmp_path / "out"
    assert main(["rst", "--srctree", str(tree), "--out", str(out), "-j", "1", "drivers/x/a.c"]) == 0
    good = (out / "drivers/x/a.rst").read_bytes()
    (tree / "drivers/x/a.c").unlink()
    (tree / "drivers/x/a.c").mkdir()  # cannot be read
    capsys.readouterr()
    assert main(["rst", "--srctree", str(tree), "--out", str(out), "-j", "1", "drivers/x/a.c"]) == 1
    err = capsys.readouterr().err
    assert "drivers/x/a.c:0: error: cannot read file: Is a directory" in err
    assert "kdocgen rst: 0 written, 0 unchanged, 1 failed in" in err
    assert (out / "drivers/x/a.rst").read_bytes() == good


def test_site_with_an_unreadable_file_writes_nothing(tmp_path, capsys):
    from kdocgen.cli import main
    tree = make_tree(tmp_path)
    out = tmp_path / "source"
    args = ["site", "--srctree", str(tree), "--files", "drivers/x/a.c include/linux/b.h", "--out", str(out), "-j", "1"]
    assert main(args) == 0
    before = snapshot(out)
    (tree / "include/linux/b.h").write_bytes(b"\x7fELF\0\0\0")
    assert main(args) == 1
    assert "include/linux/b.h: binary file (NUL bytes), not read; nothing written to" in capsys.readouterr().err
    assert snapshot(out) == before


DEPSURF = ROOT / "tests" / "fixtures" / "depsurf"


def test_failed_depsurf_import_keeps_good_data(tmp_path, capsys):
    from kdocgen.cli import main
    good = tmp_path / "good.json.gz"
    assert main(["abi", "import-depsurf", str(DEPSURF), "-o", str(good)]) == 0
    data = good.read_bytes()
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "x.md").write_text("# Function: <code>x</code>\n\n## Status\n", "utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    for source in (broken, empty, tmp_path / "missing"):
        capsys.readouterr()
        assert main(["abi", "import-depsurf", str(source), "-o", str(good)]) == 1
        assert "nothing written" in capsys.readouterr().err
        assert good.read_bytes() == data
    # a failed page among good ones: written, as nothing the file had is lost
    assert main(["abi", "import-depsurf", str(DEPSURF / "current"), str(broken), "-o", str(good)]) == 1
    assert [s.name for s in read(good).symbols] == ["demo_send_msg"]
    other = tmp_path / "other"
    other.mkdir()
    page = (DEPSURF / "current" / "demo_send_msg.md").read_text("utf-8")
    (other / "o.md").write_text(page.replace("demo_send_msg", "demo_other"), "utf-8")
    before = good.read_bytes()
    assert main(["abi", "import-depsurf", str(other), str(broken), "-o", str(good)]) == 1
    assert "has 0 build(s) and 1 symbol(s) this failed run lacks" in capsys.readouterr().err
    assert good.read_bytes() == before


def test_failed_scan_keeps_good_data(tmp_path, capsys):
    from kdocgen.cli import main
    good = tmp_path / "h.json.gz"
    assert main(["abi", "import-depsurf", str(DEPSURF), "-o", str(good)]) == 0
    data = good.read_bytes()
    (tmp_path / "x.deb").write_bytes(b"not a package\n")
    capsys.readouterr()
    assert main(["abi", "scan", str(tmp_path / "x.deb"), "--all", "-o", str(good),
                 "--cache", str(tmp_path / "cache")]) == 1
    err = capsys.readouterr().err
    assert "x.deb: not a Debian package" in err and "nothing written" in err
    assert good.read_bytes() == data
