"""Shared helpers for the benchmark scripts: tree location, file sets,
parallel subprocess execution and running kdocgen."""

from __future__ import annotations

import bisect
import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Iterable

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
TREE_NEEDS = ["*.c", "*.h", "Documentation/", "scripts/kernel-doc", "MAINTAINERS", "Makefile",
              "tools/docs/kernel-doc", "tools/lib/python/"]
KDOC_DIRECTIVE_RE = re.compile(r"^\s*\.\.\s+kernel-doc::[ \t]*(\S+)", re.M)
DOC_START_RE = re.compile(rb"^/\*\*[ \t\r\f\v]*$", re.M)


def resolve_tree(srctree: str | None, version: str | None = None) -> Path:
    """The kernel tree to use: ``--srctree``, or ``kdocgen.sources.kernel_tree``
    (Debian's linux-source-``version``, default 6.12)."""
    if srctree:
        tree = Path(srctree).resolve()
    else:
        from kdocgen.sources import SourcesError, kernel_tree
        try:
            tree = Path(kernel_tree(need=TREE_NEEDS, version=version)).resolve()
        except SourcesError as exc:
            sys.exit(f"error: cannot get a kernel tree: {exc}")
    if not any((tree / script).is_file() for script in ("tools/docs/kernel-doc", "scripts/kernel-doc")):
        sys.exit(f"error: {tree} has no kernel-doc (tools/docs/kernel-doc or scripts/kernel-doc)")
    return tree


def doc_referenced_files(tree: Path) -> tuple[list[str], list[str]]:
    """Files named by ``.. kernel-doc::`` under Documentation/: (present, missing)."""
    names: set[str] = set()
    for root, _dirs, files in os.walk(tree / "Documentation"):
        for fn in files:
            if fn.endswith((".rst", ".txt")):
                text = Path(root, fn).read_text(encoding="utf-8", errors="replace")
                names.update(os.path.normpath(m) for m in KDOC_DIRECTIVE_RE.findall(text))
    present = sorted(n for n in names if (tree / n).is_file())
    missing = sorted(names.difference(present))
    return present, missing


def files_with_doc_comments(tree: Path) -> list[str]:
    """Every .c/.h file (not symlink) of the tree with a line matching ``^/\\*\\*\\s*$``."""
    out = []
    for root, dirs, files in os.walk(tree):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        for fn in files:
            if fn.endswith((".c", ".h")):
                path = Path(root, fn)
                if path.is_symlink():
                    continue
                try:
                    data = path.read_bytes()
                except OSError:
                    continue
                if DOC_START_RE.search(data):
                    out.append(str(path.relative_to(tree)))
    return sorted(out)


def read_list(path: str) -> list[str]:
    """Read a file list (one path per line, ``#`` comments allowed)."""
    lines = Path(path).read_text().splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def sample(files: list[str], n: int | None) -> list[str]:
    """Deterministic sample: every k-th file so that about ``n`` remain."""
    if not n or n >= len(files):
        return files
    step = len(files) / n
    return [files[int(i * step)] for i in range(n)]


def parallel(func: Callable, items: Iterable, jobs: int, progress: str = "") -> list:
    """Map ``func`` over ``items`` with ``jobs`` threads (each runs subprocesses)."""
    items = list(items)
    out = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for i, res in enumerate(pool.map(func, items), 1):
            out.append(res)
            if progress and (i % 200 == 0 or i == len(items)):
                print(f"  {progress}: {i}/{len(items)}", file=sys.stderr, flush=True)
    return out


def comment_starts(tree: Path, path: str, cache: dict) -> list[int]:
    """Line numbers (1-based) of the ``/**`` lines of a source file."""
    if path not in cache:
        try:
            data = (tree / path).read_bytes()
        except OSError:
            data = b""
        lines = data.split(b"\n")
        cache[path] = [i + 1 for i, ln in enumerate(lines) if DOC_START_RE.match(ln)]
    return cache[path]


def comment_of(starts: list[int], line: int) -> int:
    """The ``/**`` line of the comment owning ``line`` (0 if none)."""
    i = bisect.bisect_right(starts, line)
    return starts[i - 1] if i else 0


def kdocgen_env() -> dict:
    """Environment that makes ``python -m kdocgen`` import this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def kdocgen_commands(tree: Path, files: list[str], jobs: int, sub: str = "json",
                     extra: list[str] | None = None) -> tuple[list[list[str]], list[str]]:
    """The command line that runs ``kdocgen SUB`` on ``files`` (listed in a
    temporary file given with ``--files-from``); (commands, temp files)."""
    base = [sys.executable, "-m", "kdocgen", sub, "--srctree", str(tree),
            "--jobs", str(jobs)] + (extra or [])
    fd, name = tempfile.mkstemp(prefix="kdocgen-files-", suffix=".txt")
    with os.fdopen(fd, "w") as fh:
        fh.write("\n".join(files) + "\n")
    return [base + ["--files-from", name]], [name]


def run_kdocgen_json(tree: Path, files: list[str], jobs: int) -> dict:
    """Run ``kdocgen json`` on ``files`` and merge the JSON outputs."""
    cmds, temps = kdocgen_commands(tree, files, jobs)
    merged: dict = {"files": [], "warnings": []}
    try:
        for cmd in cmds:
            res = subprocess.run(cmd, capture_output=True, text=True, env=kdocgen_env(), cwd=REPO)
            if res.returncode != 0 and not res.stdout.strip():
                sys.exit(f"error: kdocgen failed ({res.returncode}):\n{res.stderr[-2000:]}")
            data = json.loads(res.stdout)
            merged["files"].extend(data.get("files", []))
            merged["warnings"].extend(data.get("warnings", []))
    finally:
        for name in temps:
            os.unlink(name)
    return merged


def write_result(path: str, data: dict) -> None:
    """Write a benchmark's figures as JSON and say where."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(data, indent=1))
    print(f"\nwrote {path}")
