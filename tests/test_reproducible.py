"""Same input, same output: a small site generated and built twice (separate
processes, different hash seeds, one and two jobs) is byte-identical, reST
and HTML alike."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FILES = "drivers/hv/channel.c drivers/hv/ring_buffer.c include/linux/hyperv.h"


def _run(args: list[str], cwd: Path, seed: int) -> None:
    env = dict(os.environ, PYTHONHASHSEED=str(seed))
    done = subprocess.run([sys.executable, "-m", *args], check=False, cwd=cwd, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]


def _build(tree: str, work: Path, name: str, seed: int, jobs: int) -> tuple[dict, dict]:
    """Generate the pages and build the site; (reST files, HTML files) as bytes."""
    shutil.rmtree(work / "source", ignore_errors=True)
    _run(["kdocgen", "site", "--srctree", tree, "--files", FILES, "--out", "source", "-j", str(jobs)],
         work, seed)
    out = work / "_build" / name
    _run(["sphinx", "-q", "-j", str(jobs), "-b", "html", "-d", str(work / "_build" / f"{name}.doctrees"),
          ".", str(out)], work, seed)
    return _files(work / "source"), _files(out)


def _files(top: Path) -> dict:
    return {p.relative_to(top).as_posix(): p.read_bytes() for p in sorted(top.rglob("*")) if p.is_file()}


def _differing(first: dict, second: dict) -> list[str]:
    return sorted(name for name in first.keys() | second.keys() if first.get(name) != second.get(name))


@pytest.mark.kernel
def test_two_builds_are_byte_identical(kernel_tree_path, tmp_path):
    for name in ("conf.py", "index.rst"):
        shutil.copy(ROOT / name, tmp_path / name)
    rst_a, html_a = _build(str(kernel_tree_path), tmp_path, "a", seed=1, jobs=1)
    rst_b, html_b = _build(str(kernel_tree_path), tmp_path, "b", seed=2, jobs=2)
    assert {"drivers/hv/channel.rst", "include/linux/hyperv.h.rst", "_landing.rst"} <= rst_a.keys()
    assert {"index.html", "searchindex.js", "objects.inv", ".buildinfo",
            "source/drivers/hv/channel.html"} <= html_a.keys()
    assert _differing(rst_a, rst_b) == []
    assert _differing(html_a, html_b) == []
