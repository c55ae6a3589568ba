#!/usr/bin/env python3
"""How fast ``make html`` (``kdocgen html``) rebuilds a site, and how its cost
grows with the site: for each MAINTAINERS entry, in one run,

  cold       no _build/, no generated pages
  no-change  the same build again
  touch-one  one .c file touched (same bytes)
  edit-one   the purpose of one documented function in that file changed

each with wall time, CPU (user+sys of the build and its children), peak
RSS (``/usr/bin/time -f %M``: the largest process), and what it redid:
files parsed, pages written by kdocgen site, pages Sphinx read again
(doctrees rewritten) and HTML files it wrote.  The per-file cost (cold CPU
/ files) of each entry is compared with the first one's.

The tree is never modified: the entry's files (and MAINTAINERS, its
Documentation pages and the files their kernel-doc directives name) are
copied to a work folder, and the copy is touched and edited.

    python bench/site_speed.py --srctree /work/trees/linux-6.12 \\
        [--entry "Hyper-V/Azure CORE AND DRIVERS=drivers/hv/channel.c"] \\
        [--entry "MELLANOX MLX5 core VPI driver"] [--json bench/results/site_speed.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import KDOC_DIRECTIVE_RE, REPO  # noqa: E402
from kdocgen.maintainers import entry_docs, entry_files, find_entry, read_maintainers  # noqa: E402

HYPERV = "Hyper-V/Azure CORE AND DRIVERS"
DEFAULT_ENTRIES = [f"{HYPERV}=drivers/hv/channel.c", "MELLANOX MLX5 core VPI driver"]
ABI_DATA = {HYPERV: REPO / "data" / "abi" / "hyperv-debian.json.gz"}
STEPS = ("cold", "no-change", "touch-one", "edit-one")
_PURPOSE = re.compile(rb"^ \* (\w+)\(\) - ", re.M)


def copy_entry(tree: Path, name: str, dest: Path) -> tuple[list[str], list[str]]:
    """Copy what the site of entry ``name`` reads into ``dest``; its (files, docs)."""
    entry = find_entry(read_maintainers(tree), name)
    files, docs = entry_files(tree, entry), entry_docs(tree, entry)
    named = set()
    for doc in docs:
        text = (tree / doc).read_text(encoding="utf-8", errors="replace")
        named.update(os.path.normpath(m) for m in KDOC_DIRECTIVE_RE.findall(text))
    for rel in ["MAINTAINERS", "Makefile", *files, *docs, *sorted(named)]:
        if (tree / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(tree / rel, dest / rel)
    return files, docs


def file_to_edit(tree: Path, files: list[str], wanted: str | None) -> str:
    """The given file, else the entry's .c file with the most documented functions."""
    if wanted:
        return wanted
    counts = {f: len(_PURPOSE.findall((tree / f).read_bytes())) for f in files if f.endswith(".c")}
    return max(sorted(counts), key=lambda f: counts[f])


def edit(path: Path) -> str:
    """Change the purpose of the first documented function; its name."""
    data = path.read_bytes()
    match = _PURPOSE.search(data)
    if match is None:
        sys.exit(f"error: {path}: no documented function to edit")
    path.write_bytes(data[:match.end()] + b"Edited: " + data[match.end():])
    return match.group(1).decode()


def mtimes(folder: Path, pattern: str) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob(pattern) if p.is_file()} if folder.is_dir() else {}


def changed(before: dict[str, int], after: dict[str, int]) -> int:
    return sum(1 for path, stamp in after.items() if before.get(path) != stamp)


def measured(command: list[str], cwd: Path, env: dict) -> dict:
    """Run ``command``; wall, CPU and peak RSS (of the largest process)."""
    with tempfile.NamedTemporaryFile("r", prefix="site-speed-") as report:
        timer = ["/usr/bin/time", "-f", "%e %U %S %M", "-o", report.name] if Path("/usr/bin/time").exists() else []
        start = time.perf_counter()
        done = subprocess.run(timer + command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, check=False)
        wall = time.perf_counter() - start
        fields = report.read().split()[-4:] if timer else []
    if done.returncode:
        sys.exit(f"error: {' '.join(command)} failed:\n{done.stderr[-3000:]}")
    if len(fields) == 4:
        return {"wall": wall, "cpu": float(fields[1]) + float(fields[2]), "rss_mb": int(fields[3]) / 1024}
    return {"wall": wall, "cpu": None, "rss_mb": None}


def run_entry(tree: Path, spec: str, work: Path, jobs: str) -> dict:
    """The four steps for one entry (``NAME`` or ``NAME=FILE``)."""
    name, _, wanted = spec.partition("=")
    folder = work / re.sub(r"\W+", "-", name).strip("-").lower()
    shutil.rmtree(folder, ignore_errors=True)
    copy, site = folder / "linux", folder / "site"
    site.mkdir(parents=True)
    for conf in ("conf.py", "index.rst"):
        shutil.copy(REPO / conf, site / conf)
    files, docs = copy_entry(tree, name, copy)
    target = file_to_edit(copy, files, wanted or None)
    command = [sys.executable, "-m", "kdocgen", "html", "--srctree", str(copy), "--subsystem", name,
               f"--sphinx-options=-q -j {jobs}"]
    if name in ABI_DATA and ABI_DATA[name].is_file():
        command += ["--abi", str(ABI_DATA[name])]
    env = {k: v for k, v in os.environ.items() if k not in ("KSRC", "SITE_URL")}
    build = site / "_build"
    steps = {}
    for step in STEPS:
        if step == "touch-one":
            os.utime(copy / target)
        elif step == "edit-one":
            edited = edit(copy / target)
        before = {kind: mtimes(top, pattern) for kind, (top, pattern) in _watched(site, build).items()}
        steps[step] = measured(command, site, env)
        after = {kind: mtimes(top, pattern) for kind, (top, pattern) in _watched(site, build).items()}
        steps[step] |= {kind: changed(before[kind], after[kind]) for kind in before}
        print(f"  {name}: {step}: {steps[step]['wall']:.1f} s", file=sys.stderr, flush=True)
    return {"entry": name, "files": len(files), "docs": len(docs), "edited": f"{target}: {edited}()",
            "steps": steps, "per_file_cpu": steps["cold"]["cpu"] / len(files) if steps["cold"]["cpu"] else None}


def _watched(site: Path, build: Path) -> dict[str, tuple[Path, str]]:
    return {"parsed": (build / "cache" / "parsed", "*.pickle"), "pages_written": (site / "source", "*.rst"),
            "sphinx_read": (build / "sphinx" / "doctrees", "*.doctree"),
            "html_written": (build / "sphinx" / "html", "*.html")}


def report(results: list[dict]) -> str:
    lines = []
    base = results[0]
    for result in results:
        cold = result["steps"]["cold"]
        lines.append(f"{result['entry']}: {result['files']} files, {result['docs']} docs; edited {result['edited']}")
        lines.append(f"  {'step':10} {'wall s':>7} {'CPU s':>7} {'of cold':>8} {'RSS MB':>7} {'parsed':>7} "
                     f"{'.rst':>5} {'read':>5} {'.html':>6}")
        for step in STEPS:
            s = result["steps"][step]
            share = f"{100 * s['cpu'] / cold['cpu']:.1f}%" if s["cpu"] is not None and cold["cpu"] else "-"
            lines.append(f"  {step:10} {s['wall']:7.1f} {s['cpu'] or 0:7.1f} {share:>8} {s['rss_mb'] or 0:7.0f} "
                         f"{s['parsed']:7d} {s['pages_written']:5d} {s['sphinx_read']:5d} {s['html_written']:6d}")
        if result["per_file_cpu"] and base["per_file_cpu"]:
            lines.append(f"  per-file CPU (cold): {result['per_file_cpu']:.2f} s, "
                         f"{result['per_file_cpu'] / base['per_file_cpu']:.2f}x {base['entry']}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--srctree", default=os.environ.get("KSRC"), help="kernel tree (default: $KSRC)")
    parser.add_argument("--entry", action="append", metavar="NAME[=FILE]",
                        help="MAINTAINERS entry, and the file to touch and edit (repeatable)")
    parser.add_argument("--work", default=None, help="work folder (default: a temporary one, removed)")
    parser.add_argument("--jobs", default="auto", help="sphinx-build -j (default: auto)")
    parser.add_argument("--json", default=None, help="also write the results as JSON")
    args = parser.parse_args()
    if not args.srctree or not (Path(args.srctree) / "MAINTAINERS").is_file():
        parser.error("give --srctree (or KSRC): a kernel tree with MAINTAINERS")
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="site-speed-"))
    try:
        results = [run_entry(Path(args.srctree), spec, work, args.jobs) for spec in args.entry or DEFAULT_ENTRIES]
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print(report(results))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
