"""The ``kernel-doc`` Sphinx directive: kdocgen's extension against the
kernel's own ``Documentation/sphinx/kerneldoc.py`` on the tree's own pages.

Both builds read the same pages of ``Documentation/`` (every page with a
``.. kernel-doc::`` directive, or ``--pages N`` of them), with the same
configuration but for the extension that provides the directive, in the
same run, one after the other::

    python bench/directive.py --srctree ~/linux -j 2 [--pages 40] [--json out.json]

It prints, per build: wall time, CPU time (this process's children: Sphinx,
its workers and every kernel-doc it runs) and the part of it spent inside
the ``kernel-doc`` directive (bench/directive_timer.py), warnings, and the C
entries of ``objects.inv``; then the CPU ratios kdocgen / kernel and the
entries each build has that the other lacks.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import KDOC_DIRECTIVE_RE, REPO, resolve_tree  # noqa: E402

CONF = """\
import os, sys
sys.path.insert(0, {sphinx_dir!r})
sys.path.insert(0, {repo!r})
project = "kernel-doc directive bench"
extensions = {extensions!r}
kerneldoc_srctree = {tree!r}
kerneldoc_bin = {kerneldoc!r}
kerneldoc_sphinx_version = None
include_patterns = ["index.rst"] + {pages!r}
suppress_warnings = ["toc.not_included", "toc.excluded"]
html_theme = "alabaster"
highlight_language = "none"
c_id_attributes = {attributes!r}
"""
OURS = ["kdocgen.sphinxext", "kernel_include", "kfigure", "bench.directive_timer"]
THEIRS = ["kerneldoc", "rstFlatTable", "kernel_include", "kfigure", "bench.directive_timer"]


def directive_pages(tree: Path) -> list[str]:
    """Pages of Documentation/ holding a ``kernel-doc`` directive."""
    pages = []
    for path in sorted((tree / "Documentation").rglob("*.rst")):
        if KDOC_DIRECTIVE_RE.search(path.read_text(encoding="utf-8", errors="replace")):
            pages.append(path.relative_to(tree / "Documentation").as_posix())
    return pages


def kernel_attributes(tree: Path) -> list[str]:
    """The ``c_id_attributes`` of the tree's own ``Documentation/conf.py``."""
    conf = (tree / "Documentation" / "conf.py").read_text(errors="replace")
    listed = re.search(r"c_id_attributes\s*=\s*\[(.*?)\]", conf, re.S)
    return re.findall(r'"([^"]+)"', listed.group(1)) if listed else []


def c_entries(inventory: Path) -> set[str]:
    """``domain:role name`` of every C entry in an ``objects.inv``."""
    if not inventory.is_file():
        return set()
    data = inventory.read_bytes()
    body = zlib.decompress(data.split(b"\n", 4)[4]).decode()
    found = set()
    for line in body.splitlines():
        match = re.match(r"(\S+)\s+(c:\w+)\s", line)
        if match:
            found.add(f"{match.group(2)} {match.group(1)}")
    return found


def build(tree: Path, pages: list[str], extensions: list[str], jobs: int, work: Path, name: str) -> dict:
    """One Sphinx build of ``pages``: its figures."""
    conf_dir = work / f"conf-{name}"
    conf_dir.mkdir(parents=True)
    kerneldoc = tree / "scripts" / "kernel-doc"
    conf_dir.joinpath("conf.py").write_text(CONF.format(
        sphinx_dir=str(tree / "Documentation" / "sphinx"), repo=str(REPO), extensions=extensions, tree=str(tree),
        kerneldoc=str(kerneldoc), pages=pages, attributes=kernel_attributes(tree)))
    out = work / f"html-{name}"
    warnings = work / f"warnings-{name}.txt"
    times = work / f"directive-times-{name}.txt"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-j", str(jobs), "-b", "html", "-c",
                           str(conf_dir), "-d", str(work / f"doctrees-{name}"), "-w", str(warnings),
                           str(tree / "Documentation"), str(out)],
                          env={**os.environ, "srctree": str(tree), "KDOCGEN_DIRECTIVE_TIMES": str(times)},
                          capture_output=True, text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    text = warnings.read_text(errors="replace") if warnings.exists() else ""
    directive_cpu = sum(float(x) for x in times.read_text().split()) if times.exists() else 0.0
    return {"status": proc.returncode, "wall": round(wall, 1),
            "cpu": round(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 1),
            "directive_cpu": round(directive_cpu, 1),
            "warnings": len(re.findall(r"(?:^|: )(?:WARNING|ERROR|CRITICAL):", text, re.M)),
            "entries": c_entries(out / "objects.inv"), "stderr": proc.stderr[-2000:]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--srctree", help="kernel tree (default: the cached linux-source-6.12)")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--pages", type=int, default=0, help="only the first N pages (default: all)")
    parser.add_argument("--only", action="append", default=[], metavar="TEXT",
                        help="only the pages whose path holds TEXT (repeatable)")
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--keep", metavar="DIR",
                        help="build in DIR and keep it (warnings-kernel.txt, warnings-kdocgen.txt, html-*)")
    args = parser.parse_args(argv)
    tree = resolve_tree(args.srctree)
    pages = [p for p in directive_pages(tree) if not args.only or any(o in p for o in args.only)]
    if args.pages:
        pages = pages[:args.pages]
    directives = sum(len(KDOC_DIRECTIVE_RE.findall((tree / "Documentation" / p).read_text(errors="replace")))
                     for p in pages)
    print(f"{len(pages)} pages with {directives} kernel-doc directives in {tree}", flush=True)
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=False)
    with (contextlib.nullcontext(args.keep) if args.keep
          else tempfile.TemporaryDirectory(prefix="kdocgen-directive-")) as tmp:
        theirs = build(tree, pages, THEIRS, args.jobs, Path(tmp), "kernel")
        print(f"kernel's extension: {theirs['wall']} s wall, {theirs['cpu']} s CPU "
              f"({theirs['directive_cpu']} s in the directive), "
              f"{theirs['warnings']} warnings, {len(theirs['entries'])} C entries", flush=True)
        ours = build(tree, pages, OURS, args.jobs, Path(tmp), "kdocgen")
        print(f"kdocgen's extension: {ours['wall']} s wall, {ours['cpu']} s CPU "
              f"({ours['directive_cpu']} s in the directive), "
              f"{ours['warnings']} warnings, {len(ours['entries'])} C entries", flush=True)
    for figures in (theirs, ours):
        if figures["status"]:
            print(f"sphinx-build failed:\n{figures['stderr']}", file=sys.stderr)
    ratio = ours["cpu"] / theirs["cpu"] if theirs["cpu"] else float("nan")
    directive_ratio = ours["directive_cpu"] / theirs["directive_cpu"] if theirs["directive_cpu"] else float("nan")
    missing, extra = theirs["entries"] - ours["entries"], ours["entries"] - theirs["entries"]
    common = len(theirs["entries"] & ours["entries"])
    print(f"CPU ratio kdocgen / kernel: whole build {ratio:.3f}, inside the directive {directive_ratio:.3f}")
    print(f"C entries: {common} in both, {len(missing)} only kernel's, {len(extra)} only kdocgen's")
    for label, names in (("only kernel's", missing), ("only kdocgen's", extra)):
        if names:
            print(f"  {label}: " + ", ".join(sorted(names)[:15]) + (" ..." if len(names) > 15 else ""))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps({
            "tree": str(tree), "pages": len(pages), "directives": directives, "cpu_ratio": round(ratio, 3),
            "directive_cpu_ratio": round(directive_ratio, 3),
            "kernel": {k: v for k, v in theirs.items() if k not in ("entries", "stderr")},
            "kdocgen": {k: v for k, v in ours.items() if k not in ("entries", "stderr")},
            "entries_common": common, "only_kernel": sorted(missing), "only_kdocgen": sorted(extra),
        }, indent=1) + "\n")
    return 0 if not (theirs["status"] or ours["status"]) else 1


if __name__ == "__main__":
    sys.exit(main())
