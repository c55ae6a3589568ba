"""Reference side: run the tree's own kernel-doc one file per process and
cache the raw results under ``bench/results/``.

The tree decides which kernel-doc that is: 6.x trees have the Perl
``scripts/kernel-doc``; 7.x trees the Python rewrite
(``tools/docs/kernel-doc``, also reachable as ``scripts/kernel-doc``).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

from bench.common import RESULTS, parallel
from bench.kdrst import Item, parse_rst
from bench.kdwarn import KdWarning, parse_stderr

CACHE_VERSION = 2
SPHINX = "3.4.3"
# -enable-lineno tells generated directives apart from directives that are
# written literally inside DOC blocks, and gives every item its comment line.
RST_ARGS = {"perl": ["-rst", "-sphinx-version", SPHINX, "-enable-lineno"],
            "python": ["-rst", "-enable-lineno"]}
WARN_ARGS = ["-Wall"]  # with the rst run: the same output, the warnings of -none -Wall
NO_ITEMS = ": warning: no structured comments found"


def kernel_doc(tree: Path) -> Path:
    """Path of the tree's kernel-doc script (the Python one when the tree has it)."""
    python = tree / "tools" / "docs" / "kernel-doc"
    return python if python.is_file() else tree / "scripts" / "kernel-doc"


def interpreter(script: Path) -> str:
    """``perl``, or this Python (no shim to start), from the script's ``#!`` line."""
    with open(script, "rb") as fh:
        first = fh.readline()
    return sys.executable if b"python" in first else "perl"


def cache_path(tree: Path, files: list[str]) -> Path:
    """Cache file keyed by tree path, file list and kernel-doc script identity."""
    st = kernel_doc(tree).stat()
    h = hashlib.sha256()
    h.update(f"{CACHE_VERSION}\n{tree}\n{st.st_size}:{int(st.st_mtime)}\n".encode())
    h.update("\n".join(files).encode())
    return RESULTS / f"kerneldoc-ref-{h.hexdigest()[:16]}.json"


def run_one(tree: Path, path: str) -> dict:
    """Run kernel-doc -rst -Wall on one file (its warnings are those of
    -none -Wall, its output that of -rst); raw outputs."""
    script = kernel_doc(tree)
    command = [interpreter(script), str(script)]
    flavour = "perl" if command[0] == "perl" else "python"
    run = subprocess.run([*command, *RST_ARGS[flavour], *WARN_ARGS, path], cwd=tree,
                         capture_output=True, text=True, errors="replace")
    # the one warning -none never prints: the Perl tool's for a file without items
    wall = "".join(line for line in run.stderr.splitlines(keepends=True)
                   if not line.endswith(f"{NO_ITEMS}\n"))
    return {"path": path, "rst": run.stdout, "rst_stderr": run.stderr,
            "rst_rc": run.returncode, "wall_stderr": wall}


def load_or_run(tree: Path, files: list[str], jobs: int, refresh: bool = False) -> dict:
    """Raw kernel-doc results for ``files``, from the cache when possible."""
    path = cache_path(tree, files)
    if path.is_file() and not refresh:
        print(f"kernel-doc reference: cached {path.relative_to(RESULTS.parent.parent)}",
              file=sys.stderr)
        return json.loads(path.read_text())
    print(f"kernel-doc reference: running on {len(files)} files with {jobs} jobs",
          file=sys.stderr)
    t0 = time.monotonic()
    raw = parallel(lambda f: run_one(tree, f), files, jobs, "kernel-doc")
    data = {"tree": str(tree), "files": files, "seconds": time.monotonic() - t0,
            "results": raw}
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return data


def reference(data: dict) -> tuple[dict[str, list[Item]], list[KdWarning]]:
    """Parsed items per file and all -Wall warnings from raw results."""
    items: dict[str, list[Item]] = {}
    warnings: list[KdWarning] = []
    for res in data["results"]:
        items[res["path"]] = parse_rst(res["rst"])
        warnings.extend(parse_stderr(res["wall_stderr"], res["path"]))
    return items, warnings
