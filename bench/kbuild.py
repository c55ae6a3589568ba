"""Kernel-build bench of the kernel-doc drop-in: ``make htmldocs`` of a
kernel tree once with the tree's own kernel-doc and once with
``KERNELDOC=<candidate>``, in the same run; C entries of the two
``objects.inv``, Sphinx and kernel-doc warnings, time::

    python bench/kbuild.py --srctree ~/linux [--sphinxdirs core-api]
        [--candidate CMD | --candidate ref] [--scratch DIR] [--json out.json]

The tree is never written: each build runs in a symlink farm of it (real
directories only where the build writes into the source tree, e.g. 6.x's
generated netlink pages) with ``O=`` output in the scratch directory, and
the tree's directories are checked unchanged afterwards.  Sphinx comes from
this Python's environment (``SPHINXBUILD``/``PYTHON3`` point at it).

6.x trees hand ``$(KERNELDOC)`` to the Sphinx extension as ``kerneldoc_bin``.
7.x trees' extension runs the kernel-doc library in-process and ignores it,
so there both builds use bench/kbuild_ext.py in its place (running the
tree's kernel-doc, resp. the candidate, as a command).
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import REPO, resolve_tree, write_result  # noqa: E402
from bench.directive import c_entries  # noqa: E402
from bench.kdcompat import TIMESTAMP, candidate_command, reference_command  # noqa: E402

# where a build writes into the source tree (copied into the farm)
WRITTEN_DIRS = ["Documentation/networking/netlink_spec"]
EXTENSION = "Documentation/sphinx/kerneldoc.py"
SHIM = f"""import sys
sys.path.insert(0, {str(REPO)!r})
from bench.kbuild_ext import setup  # noqa: F401
"""


def farm(tree: Path, dest: Path, copied: list[str], replaced: dict[str, str]) -> None:
    """A symlink farm of ``tree`` in ``dest``: real directories on the way to
    the ``copied`` directories (copied whole) and ``replaced`` files (given
    text), a symlink for everything else."""
    opened = {"."}
    for rel in [*copied, *replaced]:
        parent = Path(rel).parent
        while str(parent) != ".":
            opened.add(str(parent))
            parent = parent.parent

    def fill(rel: str) -> None:
        (dest / rel).mkdir(parents=True, exist_ok=True)
        for entry in sorted(os.listdir(tree / rel)):
            sub = os.path.normpath(os.path.join(rel, entry))
            if sub in replaced:
                (dest / sub).write_text(replaced[sub])
            elif sub in copied:
                shutil.copytree(tree / sub, dest / sub, symlinks=True)
            elif sub in opened:
                fill(sub)
            else:
                os.symlink(tree / sub, dest / sub)

    fill(".")


def tree_state(tree: Path) -> dict[str, float]:
    """Modification time of every directory of the tree (an entry created
    or removed anywhere shows)."""
    state = {}
    for root, dirs, _files in os.walk(tree):
        dirs[:] = [d for d in dirs if d != ".git"]
        state[root] = os.stat(root).st_mtime
    return state


def classify(stderr: str) -> tuple[list[str], list[str]]:
    """(Sphinx warnings/errors, kernel-doc warnings) among stderr lines
    (6.x kernel-doc: ``file:line: warning: ...``, 7.x: ``Warning: file:line ...``)."""
    sphinx, kdoc = [], []
    for line in stderr.splitlines():
        if any(mark in line for mark in ("WARNING:", "ERROR:", "CRITICAL:")):
            sphinx.append(line)
        elif ": warning: " in line or ": error: " in line or line.startswith(("Warning: ", "Error: ")):
            kdoc.append(line)
    return sphinx, kdoc


def wrapper(command: list[str], where: Path) -> str:
    """A single executable running ``command`` (``$(KERNELDOC)`` must be one
    path): the command itself, or a shell script in ``where``."""
    if len(command) == 1 and os.access(command[0], os.X_OK):
        return str(Path(command[0]).resolve())
    script = where / "kernel-doc-candidate"
    script.write_text(f"#!/bin/sh\nexec {shlex.join(command)} \"$@\"\n")
    script.chmod(0o755)
    return str(script)


def build(tree: Path, work: Path, name: str, kerneldoc: str | None, sphinxdirs: str,
          jobs: int, shimmed: bool) -> dict:
    """One ``make htmldocs`` in a fresh farm: figures and C entries."""
    src, out = work / f"src-{name}", work / f"out-{name}"
    farm(tree, src, [d for d in WRITTEN_DIRS if (tree / d).is_dir()],
         {EXTENSION: SHIM} if shimmed else {})
    out.mkdir()
    bindir = Path(sys.executable).parent
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", KBUILD_BUILD_TIMESTAMP=TIMESTAMP,
               PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("KERNELDOC", None)
    make = ["make", "-s", f"-j{jobs}", "-C", str(src), f"O={out}", "htmldocs",
            f"SPHINXDIRS={sphinxdirs}", f"SPHINXBUILD={bindir / 'sphinx-build'}",
            f"PYTHON3={sys.executable}"]
    if kerneldoc:
        make.append(f"KERNELDOC={kerneldoc}")
        env["KERNELDOC"] = kerneldoc  # read by bench/kbuild_ext.py
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run(make, env=env, capture_output=True, text=True, errors="replace")
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    (work / f"stderr-{name}.txt").write_text(proc.stderr)
    sphinx, kdoc = classify(proc.stderr)
    inventories = sorted(out.rglob("objects.inv"))
    entries: set[str] = set()
    for inv in inventories:
        entries |= c_entries(inv)
    return {"status": proc.returncode, "wall": round(wall, 1),
            "cpu": round(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 1),
            "sphinx_warnings": sphinx, "kerneldoc_warnings": kdoc, "entries": entries,
            "inventories": [str(p.relative_to(out)) for p in inventories],
            "command": make, "stderr_tail": proc.stderr[-1500:]}


def differing(a: list[str], b: list[str], src_a: str, src_b: str) -> tuple[list[str], list[str]]:
    """Lines only in ``a`` / only in ``b`` once each farm's path is neutral."""
    na = {line.replace(src_a, "<src>") for line in a}
    nb = {line.replace(src_b, "<src>") for line in b}
    return sorted(na - nb), sorted(nb - na)


def report(ref: dict, cand: dict, work: Path, names: tuple[str, str] = ("ref", "cand")) -> dict:
    """Print the comparison of two builds (farms ``src-NAME``); the figures."""
    for label, fig in (("reference", ref), ("candidate", cand)):
        print(f"{label}: status {fig['status']}, {fig['wall']} s wall, {fig['cpu']} s CPU, "
              f"{len(fig['sphinx_warnings'])} Sphinx warnings, "
              f"{len(fig['kerneldoc_warnings'])} kernel-doc warnings, "
              f"{len(fig['entries'])} C entries")
        if fig["status"]:
            print(f"  make failed:\n{fig['stderr_tail']}")
    only_ref, only_cand = ref["entries"] - cand["entries"], cand["entries"] - ref["entries"]
    print(f"C entries: {len(ref['entries'] & cand['entries'])} in both, "
          f"{len(only_ref)} only reference, {len(only_cand)} only candidate")
    result: dict = {"only_reference": sorted(only_ref), "only_candidate": sorted(only_cand)}
    for kind in ("sphinx_warnings", "kerneldoc_warnings"):
        a, b = differing(ref[kind], cand[kind], str(work / f"src-{names[0]}"),
                         str(work / f"src-{names[1]}"))
        result[kind] = {"only_reference": a, "only_candidate": b}
        for label, lines in (("only reference", a), ("only candidate", b)):
            for line in lines[:10]:
                print(f"  {kind} {label}: {line}")
    for label, entries in (("only reference", only_ref), ("only candidate", only_cand)):
        if entries:
            print(f"  {label}: " + ", ".join(sorted(entries)[:15]) + (" ..." if len(entries) > 15 else ""))
    result["identical"] = not (only_ref or only_cand or any(
        v["only_reference"] or v["only_candidate"] for k, v in result.items()
        if k.endswith("_warnings")))
    print("builds identical" if result["identical"] else "builds differ")
    return result


def main(argv: list[str] | None = None) -> int:
    """Build twice and compare; 0 when the builds agree."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--srctree", help="kernel tree (default: kdocgen's cached linux-source)")
    ap.add_argument("--kernel-version", help="tree version to fetch without --srctree")
    ap.add_argument("--candidate", help="candidate command; 'ref' = the tree's kernel-doc")
    ap.add_argument("--sphinxdirs", default="core-api")
    ap.add_argument("--jobs", "-j", type=int, default=1, help="make -j (Sphinx's jobs)")
    ap.add_argument("--scratch", help="build here and keep it (default: a temporary directory)")
    ap.add_argument("--stock", action="store_true",
                    help="7.x: also build with the tree's own extension and compare it with "
                         "bench/kbuild_ext.py running the tree's kernel-doc")
    ap.add_argument("--json", help="write the figures to this file")
    args = ap.parse_args(argv)
    tree = resolve_tree(args.srctree, args.kernel_version)
    shimmed = (tree / "tools" / "docs" / "kernel-doc").is_file()
    candidate = candidate_command(args.candidate, tree)
    before = tree_state(tree)
    if args.scratch and Path(args.scratch).exists():
        sys.exit(f"error: {args.scratch} exists: give a new scratch directory")
    if args.scratch:
        Path(args.scratch).mkdir(parents=True)
    holder = tempfile.TemporaryDirectory(prefix="kdocgen-kbuild-") if not args.scratch else None
    work = Path(args.scratch or (holder.name if holder else "")).resolve()
    try:
        print(f"make htmldocs SPHINXDIRS={args.sphinxdirs} of {tree} in {work}"
              + (" (7.x: kernel-doc directive of bench/kbuild_ext.py)" if shimmed else ""), flush=True)
        ref_kd = wrapper(reference_command(tree), work) if shimmed else None
        ref = build(tree, work, "ref", ref_kd, args.sphinxdirs, args.jobs, shimmed)
        cand = build(tree, work, "cand", wrapper(candidate, work), args.sphinxdirs, args.jobs, shimmed)
        result = report(ref, cand, work)
        if args.stock and shimmed:
            print("\nthe tree's own extension (reference) against bench/kbuild_ext.py (candidate):")
            stock = build(tree, work, "stock", None, args.sphinxdirs, args.jobs, False)
            result["stock_against_shim"] = report(stock, ref, work, ("stock", "ref"))
    finally:
        if holder:
            holder.cleanup()
    changed = sorted(k for k, v in tree_state(tree).items() if before.get(k) != v)
    if changed:
        print(f"error: the tree changed during the builds: {changed[:5]}", file=sys.stderr)
    if args.json:
        strip = ("entries", "stderr_tail")
        write_result(args.json, {
            "tree": str(tree), "sphinxdirs": args.sphinxdirs, "candidate": candidate,
            "shimmed_extension": shimmed, "tree_changed": changed,
            "reference": {k: v for k, v in ref.items() if k not in strip} | {"entries": len(ref["entries"])},
            "candidate_build": {k: v for k, v in cand.items() if k not in strip}
            | {"entries": len(cand["entries"])}, **result})
    return 0 if result["identical"] and not changed and not (ref["status"] or cand["status"]) else 1


if __name__ == "__main__":
    sys.exit(main())
