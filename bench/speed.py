#!/usr/bin/env python3
"""Time kdocgen against the tree's own kernel-doc (Perl in 6.x, Python in 7.x) on one machine.

File set: every .c/.h file of the tree with a line matching ``^/\\*\\*\\s*$``.
Phases, each measured for CPU (user+sys of child processes, from
``resource.getrusage(RUSAGE_CHILDREN)`` deltas), wall time and peak RSS of
the largest single process (from ``os.wait4``):

  (a) kdocgen json --jobs N on all files, output discarded
  (b) kernel-doc -none, one file per process (the faithful way), N workers
  (c) kernel-doc -none, 200 files per process (interpreter start-up removed), N workers
  with --lint also: kdocgen lint vs kernel-doc -none -Wall (one file per process)

    python bench/speed.py --srctree /path/to/linux [--sample N] [--jobs 2] [--lint]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common, kdref  # noqa: E402
from bench.common import (files_with_doc_comments, kdocgen_commands,  # noqa: E402
                          kdocgen_env, parallel, resolve_tree, sample, REPO)

BATCH = 200
TIME = Path("/usr/bin/time")


def run_measured(cmd: list[str], cwd: Path, env: dict | None = None,
                 rss: bool = False) -> tuple[int, float | None]:
    """Run ``cmd`` with output discarded; (exit status, peak RSS in KiB or None).

    The peak RSS comes from ``/usr/bin/time -f %M`` (``rss=True``): a child
    spawned directly from this Python process would report the parent's
    RSS as its own high-water mark.
    """
    out = None
    if rss and TIME.exists():
        fd, out = tempfile.mkstemp(prefix="bench-rss-")
        os.close(fd)
        cmd = [str(TIME), "-f", "%M", "-o", out, *cmd]
    try:
        rc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL).returncode
        kib = float(Path(out).read_text().split()[-1]) if out else None
    except (OSError, ValueError, IndexError):
        kib = None
    finally:
        if out:
            os.unlink(out)
    return rc, kib


def phase(label: str, cmds: list[list[str]], cwd: Path, jobs: int,
          env: dict | None = None, rss: bool = False) -> dict:
    """Run ``cmds`` with ``jobs`` workers and measure the whole phase."""
    print(f"{label}: {len(cmds)} process(es) ...", file=sys.stderr, flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    res = parallel(lambda c: run_measured(c, cwd, env, rss), cmds, jobs)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    user = after.ru_utime - before.ru_utime
    sys_ = after.ru_stime - before.ru_stime
    failed = sum(1 for rc, _ in res if rc != 0)
    peaks = [k for _, k in res if k is not None]
    return {"label": label, "processes": len(cmds), "failed": failed, "user": user,
            "sys": sys_, "cpu": user + sys_, "wall": wall,
            "peak_rss_mib": max(peaks) / 1024 if peaks else None}


def rss_probe(res: dict, tree: Path, files: list[str], extra: list[str], n: int = 20) -> None:
    """Peak RSS of a one-file-per-process phase, from its ``n`` largest files.

    Run outside the timed phase, so the wrapper does not add to its CPU time.
    """
    big = sorted(files, key=lambda f: (tree / f).stat().st_size, reverse=True)[:n]
    probe = phase(f"  peak-RSS probe ({len(big)} largest files)",
                  kerneldoc_cmds(tree, big, 1, extra), tree, 1, rss=True)
    res["peak_rss_mib"] = probe["peak_rss_mib"]
    res["rss_note"] = f"{len(big)} largest files"


def kerneldoc_cmds(tree: Path, files: list[str], batch: int, extra: list[str]) -> list[list[str]]:
    """kernel-doc command lines, ``batch`` files per process."""
    script = kdref.kernel_doc(tree)
    command = [kdref.interpreter(script), str(script)]
    return [[*command, *extra, *files[i:i + batch]] for i in range(0, len(files), batch)]


def kdocgen_phase(label: str, sub: str, tree: Path, files: list[str], jobs: int) -> dict:
    """Measure ``kdocgen SUB`` on ``files`` (sequential chunks, each --jobs N)."""
    cmds, temps = kdocgen_commands(tree, files, jobs, sub)
    try:
        res = phase(label, cmds, REPO, 1, kdocgen_env(), rss=True)
    finally:
        for name in temps:
            os.unlink(name)
    if res["failed"]:
        print(f"{label}: warning: {res['failed']} run(s) exited non-zero", file=sys.stderr)
    return res


def fmt_row(r: dict) -> str:
    """One result line."""
    rss = "n/a" if r["peak_rss_mib"] is None else f"{r['peak_rss_mib']:.1f} MiB"
    note = f", RSS from {r['rss_note']}" if r.get("rss_note") else ""
    fail = f", {r['failed']} FAILED" if r["failed"] else ""
    return (f"  {r['label']:<40} cpu {r['cpu']:8.1f}s (user {r['user']:7.1f}, sys "
            f"{r['sys']:6.1f})  wall {r['wall']:7.1f}s  peak RSS {rss:>10}"
            f"  [{r['processes']} proc{note}{fail}]")


def ratio(a: dict | None, b: dict | None) -> str:
    """CPU-time ratio a/b as text."""
    if not a or not b or not b["cpu"]:
        return "n/a"
    return f"{a['cpu'] / b['cpu']:.3f}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--srctree", help="kernel tree (default: kdocgen.sources.kernel_tree())")
    ap.add_argument("--jobs", type=int, default=2, help="workers per phase (default 2)")
    ap.add_argument("--sample", type=int, metavar="N", help="deterministic sample of N files")
    ap.add_argument("--lint", action="store_true", help="also time kdocgen lint vs -Wall")
    ap.add_argument("--skip-kdocgen", action="store_true", help="only time kernel-doc")
    ap.add_argument("--json", metavar="OUT", help="write the figures here")
    return ap.parse_args(argv)


def run_phases(args: argparse.Namespace, tree: Path, files: list[str]) -> dict:
    """Run every requested phase; results by key."""
    r: dict = {}
    if not args.skip_kdocgen:
        r["kdocgen"] = kdocgen_phase(f"(a) kdocgen json --jobs {args.jobs}", "json",
                                     tree, files, args.jobs)
    r["per_file"] = phase("(b) kernel-doc -none, 1 file/process", kerneldoc_cmds(
        tree, files, 1, ["-none"]), tree, args.jobs)
    rss_probe(r["per_file"], tree, files, ["-none"])
    r["batched"] = phase(f"(c) kernel-doc -none, {BATCH} files/process", kerneldoc_cmds(
        tree, files, BATCH, ["-none"]), tree, args.jobs, rss=True)
    if args.lint:
        r["kdocgen_lint"] = kdocgen_phase(f"kdocgen lint --jobs {args.jobs}", "lint",
                                          tree, files, args.jobs)
        r["wall_per_file"] = phase("kernel-doc -none -Wall, 1 file/process", kerneldoc_cmds(
            tree, files, 1, ["-none", "-Wall"]), tree, args.jobs)
        rss_probe(r["wall_per_file"], tree, files, ["-none", "-Wall"])
    return r


def report(r: dict, n_files: int) -> dict:
    """Print the results and return the ratios."""
    print(f"\nFiles: {n_files} (.c/.h with a '/**' line)")
    for res in r.values():
        if res:
            print(fmt_row(res))
    ratios = {"kdocgen/per_file": ratio(r.get("kdocgen"), r["per_file"]),
              "kdocgen/batched": ratio(r.get("kdocgen"), r["batched"])}
    if "kdocgen_lint" in r:
        ratios["lint/wall_per_file"] = ratio(r["kdocgen_lint"], r["wall_per_file"])
    print("\nCPU-time ratios (lower is better for kdocgen):")
    for k, v in ratios.items():
        print(f"  {k:<24} {v}")
    return ratios


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    tree = resolve_tree(args.srctree)
    t0 = time.monotonic()
    all_files = files_with_doc_comments(tree)
    files = sample(all_files, args.sample)
    print(f"file set: {len(all_files)} files ({time.monotonic() - t0:.1f}s to find); "
          f"using {len(files)}", file=sys.stderr)
    results = run_phases(args, tree, files)
    ratios = report(results, len(files))
    if args.json:
        out = {"tree": str(tree), "files": len(files), "files_total": len(all_files),
               "jobs": args.jobs, "cpu_count": os.cpu_count(), "results": results,
               "ratios": ratios}
        common.write_result(args.json, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
