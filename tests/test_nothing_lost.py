"""Nothing lost: a failed ``make html`` leaves the previous site as it was;
generated pages whose source is gone are removed, hand-written pages never."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kdocgen.site.build import MANIFEST, build_site_source, clean_generated, plan_site

ROOT = Path(__file__).resolve().parents[1]
VENV = Path(sys.executable).parent.parent

A_C = b"/**\n * a_one() - First.\n * @x: An x.\n *\n * Return: 0.\n */\nint a_one(int x)\n{\n\treturn 0;\n}\n"
B_H = b"/**\n * struct b_thing - A thing.\n * @n: A count.\n */\nstruct b_thing {\n\tint n;\n};\n"


def _tree(root: Path) -> Path:
    tree = root / "linux"
    for rel, data in {"MAINTAINERS": b"", "Makefile": b"VERSION = 6\nPATCHLEVEL = 12\n",
                      "drivers/x/a.c": A_C, "include/linux/b.h": B_H}.items():
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_bytes(data)
    return tree


def _snapshot(top: Path) -> dict:
    return {p.relative_to(top).as_posix(): p.read_bytes() for p in sorted(top.rglob("*")) if p.is_file()}


def _make_html(work: Path, tree: Path, **variables) -> subprocess.CompletedProcess:
    """``make html`` of the repository's Makefile, run in ``work`` (no venv set-up)."""
    args = [f"{key}={value}" for key, value in {"VENV": VENV, "KSRC": tree, "FILES": "drivers/x/a.c",
                                                "SPHINXOPTS": "-q", **variables}.items()]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(["make", "-s", "-f", str(ROOT / "Makefile"), "-o", f"{VENV}/.installed", "html", *args],
                          cwd=work, env=env, capture_output=True, text=True, check=False)


@pytest.fixture
def site_work(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("no make")
    work = tmp_path / "work"
    work.mkdir()
    for name in ("conf.py", "index.rst"):
        shutil.copy(ROOT / name, work / name)
    return work, _tree(tmp_path)


@pytest.mark.parametrize("failure", ["bad option", "warning as error"])
def test_failed_make_html_keeps_the_previous_site(site_work, failure):
    work, tree = site_work
    first = _make_html(work, tree)
    assert first.returncode == 0, first.stderr
    before = _snapshot(work / "_build" / "html")
    assert "source/drivers/x/a.html" in before
    (tree / "drivers/x/a.c").write_bytes(A_C.replace(b"First.", b"Changed purpose."))
    if failure == "bad option":
        failed = _make_html(work, tree, SPHINXOPTS="--no-such-option")
    else:  # fails in the middle of the build, after the new page was read
        (work / "broken.rst").write_text("Broken\n======\n\n.. no-such-directive::\n")
        failed = _make_html(work, tree, SPHINXOPTS="-q -W")
    assert failed.returncode != 0
    assert "Changed purpose" in (work / "source/drivers/x/a.rst").read_text()
    assert _snapshot(work / "_build" / "html") == before
    (work / "broken.rst").unlink(missing_ok=True)
    again = _make_html(work, tree)  # the next good build catches up
    assert again.returncode == 0, again.stderr
    assert "Changed purpose" in (work / "_build/html/source/drivers/x/a.html").read_text()


def test_stale_generated_pages_go_hand_written_pages_stay(tmp_path):
    tree = _tree(tmp_path)
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
