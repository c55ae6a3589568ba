#!/usr/bin/env python3
"""Doc-lint of a change (``kdocgen lint --diff HEAD``) on a real kernel tree,
against whole-file lint of the same files.

A scratch git repository (in a temporary folder, outside this repository)
gets a copy of the files needed (MAINTAINERS, Makefile, drivers/hv/ and
include/ for the reference scope) and two edits, each measured in turn:

- ``rename``: the parameter ``bufferlen`` of ``vmbus_sendpacket`` in
  drivers/hv/channel.c renamed to ``buflen`` in the prototype and body
  (the comment still says ``@bufferlen``);
- ``wide``: a line added at the end of every .c/.h file of drivers/hv.

For each: the findings ``--diff`` reports, how many whole-file lint reports
for the touched files, and the median wall and CPU time of ``--runs`` runs
of each command (ratio --diff / whole-file; both include interpreter
start-up).

    python bench/lintdiff.py --srctree /path/to/linux-6.12 [--runs 5] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import kdocgen_env

NEEDED = ["MAINTAINERS", "Makefile", "drivers/hv", "include"]


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def make_repo(tree: Path, work: Path) -> Path:
    """A git repository holding a copy of the needed files of ``tree``."""
    repo = work / "linux"
    for name in NEEDED:
        source, target = tree / name, repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, target)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=bench", "-c", "user.email=bench@example.org", "commit", "-q", "-m", "base")
    return repo


def rename_edit(repo: Path) -> list[str]:
    """Rename vmbus_sendpacket's ``bufferlen`` in its prototype and body."""
    path = repo / "drivers/hv/channel.c"
    text = path.read_text()
    match = re.search(r"^int vmbus_sendpacket\(.*?^}\n", text, re.M | re.S)
    if not match or "bufferlen" not in match.group(0):
        sys.exit("error: vmbus_sendpacket(..., u32 bufferlen, ...) not found in drivers/hv/channel.c")
    path.write_text(text[:match.start()] + match.group(0).replace("bufferlen", "buflen") + text[match.end():])
    return ["drivers/hv/channel.c"]


def wide_edit(repo: Path) -> list[str]:
    """Add a line at the end of every .c/.h file of drivers/hv."""
    files = sorted(p.relative_to(repo).as_posix() for p in (repo / "drivers/hv").rglob("*.[ch]"))
    for name in files:
        with open(repo / name, "a") as handle:
            handle.write("/* touched */\n")
    return files


def _timed(command: list[str], cwd: Path) -> tuple[float, float, str, int]:
    """Wall and CPU seconds, stdout and exit status of one run."""
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=kdocgen_env())
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    if done.returncode not in (0, 1):
        sys.exit(f"error: {' '.join(command)}: exit {done.returncode}\n{done.stderr}")
    return wall, cpu, done.stdout, done.returncode


def measure(repo: Path, files: list[str], runs: int) -> dict:
    """Findings and times of --diff HEAD and of whole-file lint of ``files``."""
    base = [sys.executable, "-m", "kdocgen", "lint", "--srctree", str(repo), "--format", "json", "-j", "2"]
    commands = {"diff": base + ["--diff", "HEAD"], "whole": base + files}
    figures: dict = {"files": len(files)}
    for name, command in commands.items():
        times = [_timed(command, repo) for _ in range(runs)]
        log = json.loads(times[0][2])
        figures[name] = {"findings": len(log["findings"]), "wall": statistics.median(t[0] for t in times),
                         "cpu": statistics.median(t[1] for t in times), "status": times[0][3]}
        if name == "diff":
            figures["introduced"] = [f"{f['path']}:{f['line']}:{f['column']}: {f['message']} [{f['rule']}]"
                                     for f in log["findings"]]
            figures["fixed"] = log["fixed"]
    figures["ratio_wall"] = figures["diff"]["wall"] / figures["whole"]["wall"]
    figures["ratio_cpu"] = figures["diff"]["cpu"] / figures["whole"]["cpu"]
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--srctree", default=os.environ.get("KSRC"), help="kernel tree (default: $KSRC)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    args = parser.parse_args()
    if not args.srctree or not (Path(args.srctree) / "drivers/hv/channel.c").is_file():
        parser.error("--srctree (or $KSRC) must name a kernel tree with drivers/hv/channel.c")
    results = {}
    with tempfile.TemporaryDirectory(prefix="kdocgen-lintdiff-") as work:
        for name, edit in (("rename", rename_edit), ("wide", wide_edit)):
            repo = make_repo(Path(args.srctree), Path(work) / name)
            results[name] = figures = measure(repo, edit(repo), args.runs)
            print(f"{name}: {figures['files']} files changed; --diff reports {figures['diff']['findings']} "
                  f"(fixed {figures['fixed']}), whole-file lint {figures['whole']['findings']}")
            for line in figures["introduced"]:
                print(f"  {line}")
            print(f"  median of {args.runs}: --diff {figures['diff']['wall']:.2f} s wall, "
                  f"{figures['diff']['cpu']:.2f} s CPU; whole-file {figures['whole']['wall']:.2f} s wall, "
                  f"{figures['whole']['cpu']:.2f} s CPU; ratio {figures['ratio_wall']:.2f} wall, "
                  f"{figures['ratio_cpu']:.2f} CPU")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
