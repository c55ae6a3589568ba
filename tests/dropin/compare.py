"""Compare ``kdocgen kernel-doc`` with a tree's kernel-doc, file by file.

Usage: python -m tests.dropin.compare TREE [--flags "-rst -enable-lineno"] [--shared]
[--directives] [--limit N] [--show N]

With --directives, each ``.. kernel-doc::`` directive under Documentation/
gives one run with the flags the kernel's Sphinx extension would pass
(``-export``, ``-internal``, ``-function``, ``-nosymbol``,
``-no-doc-sections``); otherwise each directive file is run once with
--flags.  kernel-doc's outputs are cached under /tmp.  Prints the share of
byte-identical stdout and stderr, and the CPU time of both sides.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import io
import json
import os
import subprocess
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from kdocgen.dropin import command
from kdocgen.dropin.readings import Readings

CACHE = Path("/tmp/kdocgen-dropin-ref")


def directives(tree: Path) -> list[tuple[str, list[str]]]:
    """(file, flags) of every kernel-doc directive of the tree's documentation."""
    runs = []
    for rst in sorted((tree / "Documentation").rglob("*.rst")):
        lines = rst.read_text(errors="replace").split("\n")
        for index, line in enumerate(lines):
            stripped = line.strip()
            if not stripped.startswith(".. kernel-doc::"):
                continue
            path = stripped.split("::", 1)[1].strip()
            options: dict[str, str] = {}
            for follow in lines[index + 1:]:
                opt = follow.strip()
                if not opt.startswith(":") or not follow.startswith((" ", "\t")):
                    break
                name, _, value = opt[1:].partition(":")
                options[name] = value.strip()
            runs.append((path, _flags(tree, options)))
    return runs


def _flags(tree: Path, options: dict[str, str]) -> list[str]:
    flags: list[str] = []
    patterns: list[str] = []
    if "functions" in options:
        options["identifiers"] = options["functions"]
    if "export" in options:
        flags.append("-export")
        patterns = options["export"].split()
    elif "internal" in options:
        flags.append("-internal")
        patterns = options["internal"].split()
    elif "doc" in options:
        flags += ["-function", options["doc"]]
    elif "identifiers" in options:
        names = options["identifiers"].split()
        flags += [x for n in names for x in ("-function", n)] if names else ["-no-doc-sections"]
    for name in options.get("no-identifiers", "").split():
        flags += ["-nosymbol", name]
    for pattern in patterns:
        for found in sorted(glob.glob(str(tree / pattern))):
            flags += ["-export-file", os.path.relpath(found, tree)]
    return flags


def kernel_doc(tree: Path) -> list[str]:
    python = tree / "tools" / "docs" / "kernel-doc"
    return [sys.executable, str(python)] if python.is_file() else ["perl", str(tree / "scripts" / "kernel-doc")]


def reference(tree: Path, argv: list[str]) -> dict:
    key = hashlib.sha256(json.dumps([str(tree), argv]).encode()).hexdigest()[:24]
    cached = CACHE / f"{key}.json"
    if cached.is_file():
        return json.loads(cached.read_text())
    start = time.process_time()
    t0 = os.times()
    run = subprocess.run([*kernel_doc(tree), *argv], cwd=tree, capture_output=True)
    t1 = os.times()
    data = {"stdout": run.stdout.decode("utf-8", "replace"), "stderr": run.stderr.decode("utf-8", "replace"),
            "status": run.returncode, "cpu": (t1.children_user - t0.children_user) + (t1.children_system - t0.children_system)}
    del start
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(data))
    return data


def ours(argv: list[str], readings: Readings | None = None) -> dict:
    out, err = io.StringIO(), io.StringIO()
    start = time.process_time()
    with redirect_stdout(out), redirect_stderr(err):
        status = command.main(argv, readings)
    return {"stdout": out.getvalue(), "stderr": err.getvalue(), "status": status,
            "cpu": time.process_time() - start}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("tree")
    parser.add_argument("--flags", default="-rst -sphinx-version 3.4.3 -enable-lineno")
    parser.add_argument("--directives", action="store_true")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--show", type=int, default=0)
    parser.add_argument("--only", default="")
    parser.add_argument("--list", action="store_true", help="print the differing runs")
    parser.add_argument("--shared", action="store_true",
                        help="keep files read across runs, as the Sphinx directive does")
    args = parser.parse_args()
    readings = Readings() if args.shared else None
    tree = Path(args.tree).resolve()
    os.chdir(tree)
    runs = directives(tree)
    base = args.flags.split()
    if args.directives:
        todo = [[*base, *flags, path] for path, flags in runs]
    else:
        todo = [[*base, path] for path in sorted({p for p, _ in runs})]
    todo = [t for t in todo if os.path.isfile(t[-1]) and args.only in t[-1]]
    if args.limit:
        todo = todo[:args.limit]
    same_out = same_err = same_status = 0
    cpu_ref = cpu_ours = 0.0
    shown = 0
    for argv in todo:
        ref, got = reference(tree, argv), ours(argv, readings)
        cpu_ref += ref["cpu"]
        cpu_ours += got["cpu"]
        ok_out, ok_err = ref["stdout"] == got["stdout"], ref["stderr"] == got["stderr"]
        same_out += ok_out
        same_err += ok_err
        same_status += ref["status"] == got["status"]
        if args.list and not (ok_out and ok_err):
            print(("" if ok_out else "OUT ") + ("" if ok_err else "ERR ") + " ".join(argv))
        if (not ok_out or not ok_err) and shown < args.show:
            shown += 1
            _diff(argv, ref, got, ok_out)
    total = len(todo) or 1
    print(f"{len(todo)} runs: stdout identical {same_out} ({same_out / total:.1%}), "
          f"stderr identical {same_err} ({same_err / total:.1%}), status {same_status}; "
          f"CPU kernel-doc {cpu_ref:.1f}s, kdocgen {cpu_ours:.1f}s")
    return 0


def _diff(argv: list[str], ref: dict, got: dict, ok_out: bool) -> None:
    import difflib
    print("=" * 20, " ".join(argv))
    a, b = (ref["stdout"], got["stdout"]) if not ok_out else (ref["stderr"], got["stderr"])
    for line in list(difflib.unified_diff(a.splitlines(), b.splitlines(), "kernel-doc", "kdocgen", lineterm="", n=2))[:40]:
        print(line)


if __name__ == "__main__":
    sys.exit(main())
