"""Sites built the way ``make html`` builds them, on a small kernel-like
tree written for the tests (shared by the tests of builds and rebuilds)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENV = Path(sys.executable).parent.parent

A_C = b"/**\n * a_one() - First.\n * @x: An x.\n *\n * Return: 0.\n */\nint a_one(int x)\n{\n\treturn 0;\n}\n"
B_H = b"/**\n * struct b_thing - A thing.\n * @n: A count.\n */\nstruct b_thing {\n\tint n;\n};\n"


def make_tree(root: Path) -> Path:
    tree = root / "linux"
    for rel, data in {"MAINTAINERS": b"", "Makefile": b"VERSION = 6\nPATCHLEVEL = 12\n",
                      "drivers/x/a.c": A_C, "include/linux/b.h": B_H}.items():
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_bytes(data)
    return tree


def snapshot(top: Path) -> dict:
    return {p.relative_to(top).as_posix(): p.read_bytes() for p in sorted(top.rglob("*")) if p.is_file()}


def start_make_html(work: Path, tree: Path, **variables) -> subprocess.Popen:
    """``make html`` of the repository's Makefile, started in ``work`` (no venv set-up)."""
    args = [f"{key}={value}" for key, value in {"VENV": VENV, "KSRC": tree, "FILES": "drivers/x/a.c",
                                                "SPHINXOPTS": "-q", **variables}.items()]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.Popen(["make", "-s", "-f", str(ROOT / "Makefile"), "-o", f"{VENV}/.installed", "html",
                             *args], cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def make_html(work: Path, tree: Path, **variables) -> subprocess.CompletedProcess:
    """``make html`` run to its end."""
    process = start_make_html(work, tree, **variables)
    out, err = process.communicate()
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def new_site_work(tmp_path: Path) -> tuple[Path, Path]:
    """A Sphinx source folder (the repository's conf.py and index.rst) and a tree."""
    if shutil.which("make") is None:
        pytest.skip("no make")
    work = tmp_path / "work"
    work.mkdir()
    for name in ("conf.py", "index.rst"):
        shutil.copy(ROOT / name, work / name)
    return work, make_tree(tmp_path)
