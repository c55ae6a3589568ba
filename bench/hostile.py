"""Time of hostile comment text: it must grow linearly with the text.

Each pattern is repeated on one comment line (and, for the multi-line
patterns, over many lines) to 16 KB, 64 KB, 256 KB and 1 MB; ``kdocgen rst``
writes the file's page (parse, conversion, one docutils check) and a Sphinx
build with kdocgen's extension reads it through the ``kernel-doc``
directive (conversion and parse inside Sphinx)::

    python bench/hostile.py [--sizes 16,64,256,1024] [--sphinx] [--json out.json]

Printed per pattern and size: seconds of CPU, and the growth of the work
(CPU less the start-up of an empty case) between the two largest sizes
against the growth of the text (1.0 = linear).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

#: name -> (text of one repeat, whether repeats are separate comment lines)
PATTERNS = {
    "roles without end (:x:`y )": (":x:`y ", False),
    "literals without end (``a``b )": ("``a``b ", False),
    "emphasis starts (*a )": ("*a ", False),
    "strong starts (**a )": ("**a ", False),
    "link starts (`a <b )": ("`a <b ", False),
    "URL tails (http://x.)": ("http://x.http://", False),
    "references (a_ [1]_ |s| )": ("a_ [1]_ |s| ", False),
    "highlights (@a %B &c d() )": ("@a %B &c d() $E ", False),
    "lines of markup (- *a `b)": ("- *a `b :c:`d\n", True),
    "indentation steps": ("x\n  y\n", True),
}


def c_source(repeat: str, multi_line: bool, size: int) -> bytes:
    """A file with one function whose comment holds ``size`` bytes of ``repeat``."""
    count = max(1, size // len(repeat))
    if multi_line:
        body = "".join(" * " + line + "\n" for line in (repeat * count).splitlines())
    else:
        body = " * " + repeat * count + "\n"
    return ("/**\n * f() - A hostile comment.\n *\n" + body + " */\nvoid f(void);\n").encode()


def cpu_of(command: list[str], cwd: Path) -> float:
    """CPU seconds of a command (user + system of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{proc.stderr[-2000:]}")
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def time_rst(work: Path, data: bytes) -> float:
    (work / "drivers").mkdir(parents=True, exist_ok=True)
    (work / "drivers" / "evil.c").write_bytes(data)
    return cpu_of([sys.executable, "-m", "kdocgen", "rst", "--srctree", str(work), "--out",
                   str(work / "out"), "-q", "drivers/evil.c"], work)


def time_sphinx(work: Path, data: bytes) -> float:
    (work / "drivers").mkdir(parents=True, exist_ok=True)
    (work / "drivers" / "evil.c").write_bytes(data)
    src = work / "doc"
    src.mkdir(exist_ok=True)
    (src / "conf.py").write_text(f"extensions = ['kdocgen.sphinxext']\nkerneldoc_srctree = {str(work)!r}\n"
                                 "project = 'hostile'\nsuppress_warnings = ['kdocgen']\n")
    (src / "index.rst").write_text("Hostile\n=======\n\n.. kernel-doc:: drivers/evil.c\n")
    return cpu_of([sys.executable, "-m", "sphinx", "-q", "-E", "-b", "html", str(src), str(work / "html")], work)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="16,64,256,1024", help="sizes in KB (default: 16,64,256,1024)")
    parser.add_argument("--sphinx", action="store_true", help="also time a Sphinx build of each case")
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--only", metavar="TEXT", help="only the patterns whose name contains TEXT")
    args = parser.parse_args(argv)
    sizes = [int(s) * 1024 for s in args.sizes.split(",")]
    routes = {"kdocgen rst": time_rst} | ({"sphinx kernel-doc": time_sphinx} if args.sphinx else {})
    results = []
    with tempfile.TemporaryDirectory(prefix="kdocgen-hostile-") as tmp:
        baseline = {name: time(Path(tmp, "empty", name), c_source("x ", False, 16)) for name, time in routes.items()}
        for pattern, (repeat, multi_line) in PATTERNS.items():
            if args.only and args.only not in pattern:
                continue
            for route, time in routes.items():
                row = {"pattern": pattern, "route": route, "cpu": {}}
                for size in sizes:
                    cpu = time(Path(tmp, f"{len(results)}-{size}"), c_source(repeat, multi_line, size))
                    row["cpu"][size // 1024] = round(cpu, 2)
                prev, last = sizes[-2] // 1024, sizes[-1] // 1024
                work_prev = max(row["cpu"][prev] - baseline[route], 0.01)
                growth = (row["cpu"][last] - baseline[route]) / work_prev
                row["growth_vs_linear"] = round(growth / (last / prev), 2)
                results.append(row)
                cells = "  ".join(f"{kb} KB {cpu:6.2f} s" for kb, cpu in row["cpu"].items())
                print(f"{route:18} {pattern:34} {cells}  growth/linear {row['growth_vs_linear']}", flush=True)
    print(f"(start-up of an empty case, subtracted for the growth: "
          + ", ".join(f"{r} {c:.2f} s" for r, c in baseline.items()) + ")")
    if args.json:
        Path(args.json).write_text(json.dumps({"baseline": baseline, "results": results}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
