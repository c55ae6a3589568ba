#!/usr/bin/env python3
"""Scale check: ``kdocgen json``, ``kdocgen rst`` and ``kdocgen lint`` over
every file of a kernel tree that has a kernel-doc comment (a ``/**`` line).

Each command runs once over the whole set (``--files-from``, ``--jobs N``).
Reported per command: exit status, wall and CPU time, the peak RSS of the
largest single process (``ru_maxrss`` of the command's process tree, from
``os.wait4``), the peak of the summed RSS of the whole process tree (sampled
from ``/proc``), and whether stderr holds a Python traceback.

    python bench/scale.py --srctree /path/to/linux [--jobs 2] [--sample N] [--json OUT]

Exit status 1 when any command printed a traceback or was killed by a signal.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO, files_with_doc_comments, kdocgen_env, sample

COMMANDS = ("json", "rst", "lint")
SAMPLE_PERIOD = 0.5  # seconds between RSS samples of the process tree


@dataclass
class Run:
    """The figures of one command over the file set."""

    command: str
    status: int
    wall: float
    cpu: float
    max_rss_mib: float
    tree_rss_mib: float
    traceback: bool
    stderr_tail: str


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (from /proc, Linux)."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(word) for word in text.split()]


def _tree_rss_kib(pid: int) -> int:
    """Summed resident memory of ``pid`` and all its descendants, in KiB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
        except (OSError, ValueError, IndexError):
            continue
        todo += _children(current)
    return total


class TreeRssSampler(threading.Thread):
    """Samples the summed RSS of a process tree until stopped."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_kib = pid, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_PERIOD):
            self.peak_kib = max(self.peak_kib, _tree_rss_kib(self.pid))


def command_line(command: str, tree: Path, list_file: str, jobs: int, out: Path) -> list[str]:
    """The kdocgen command line of one phase."""
    base = [sys.executable, "-m", "kdocgen", command, "--srctree", str(tree),
            "--files-from", list_file, "--jobs", str(jobs)]
    if command == "rst":
        return base + ["--out", str(out), "--quiet"]
    if command == "lint":
        return base + ["--format", "json"]
    return base


def measure(command: str, argv: list[str]) -> Run:
    """Run ``argv`` (stdout discarded) and measure it."""
    print(f"kdocgen {command} ...", file=sys.stderr, flush=True)
    with tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(argv, cwd=REPO, env=kdocgen_env(), stdout=subprocess.DEVNULL, stderr=err)
        sampler = TreeRssSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        sampler.done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return Run(command, proc.returncode, round(wall, 1), round(usage.ru_utime + usage.ru_stime, 1),
               round(usage.ru_maxrss / 1024, 1), round(sampler.peak_kib / 1024, 1),
               "Traceback (most recent call last)" in text, text[-1500:])


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--srctree", required=True, help="the kernel tree")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes per command (default 2)")
    ap.add_argument("--sample", type=int, metavar="N", help="deterministic sample of N files")
    ap.add_argument("--commands", default=",".join(COMMANDS), help="comma-separated (default: all)")
    ap.add_argument("--json", metavar="OUT", help="also write the figures here")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the phases and print one line per command."""
    args = parse_args(argv)
    tree = Path(args.srctree).resolve()
    files = sample(files_with_doc_comments(tree), args.sample)
    print(f"{len(files)} files with a kernel-doc comment in {tree}", file=sys.stderr, flush=True)
    runs = []
    with tempfile.TemporaryDirectory(prefix="kdocgen-scale-") as tmp:
        list_file = Path(tmp, "files.txt")
        list_file.write_text("\n".join(files) + "\n")
        for command in args.commands.split(","):
            argv_ = command_line(command, tree, str(list_file), args.jobs, Path(tmp, "rst"))
            runs.append(measure(command, argv_))
    print(f"\nFiles: {len(files)}, --jobs {args.jobs}")
    for run in runs:
        print(f"  kdocgen {run.command:<5} exit {run.status:>3}  wall {run.wall:7.1f}s  cpu {run.cpu:7.1f}s  "
              f"max RSS/process {run.max_rss_mib:7.1f} MiB  process tree {run.tree_rss_mib:7.1f} MiB  "
              f"traceback: {'YES' if run.traceback else 'no'}")
        if run.traceback or run.status < 0:
            print(run.stderr_tail, file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps({"files": len(files), "jobs": args.jobs,
                                               "runs": [asdict(r) for r in runs]}, indent=1) + "\n")
    return 1 if any(r.traceback or r.status < 0 for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
