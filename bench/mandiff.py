"""Byte comparison of ``kernel-doc -man`` with kdocgen's man writer
(:mod:`kdocgen.dropin.man`) on the files named by the tree's Documentation.

The reference outputs are cached under ``bench/results/``; both sides use
the same fixed ``KBUILD_BUILD_TIMESTAMP`` so that the dates agree.

    python -m bench.mandiff --srctree /work/trees/linux-6.12 --jobs 1
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.common import RESULTS, doc_referenced_files, parallel  # noqa: E402
from bench.kdref import interpreter, kernel_doc  # noqa: E402
from kdocgen.extract import extract_source  # noqa: E402
from kdocgen.kerneldoc.dialect import PERL, PYTHON  # noqa: E402

TIMESTAMP = "2024-01-01"


def reference(tree: Path, path: str) -> str:
    """The stdout of the tree's ``kernel-doc -man path``."""
    script = kernel_doc(tree)
    env = dict(os.environ, KBUILD_BUILD_TIMESTAMP=TIMESTAMP)
    run = subprocess.run([interpreter(script), str(script), "-man", path], cwd=tree, env=env,
                         capture_output=True, text=True, errors="surrogateescape")
    return run.stdout


def load_reference(tree: Path, files: list[str], jobs: int, refresh: bool) -> dict[str, str]:
    """Reference outputs by file, cached per tree and kernel-doc script."""
    st = kernel_doc(tree).stat()
    key = hashlib.sha256(f"{tree}\n{st.st_size}:{int(st.st_mtime)}\n{TIMESTAMP}\n".encode()
                         + "\n".join(files).encode()).hexdigest()[:16]
    cache = RESULTS / f"man-ref-{key}.json"
    if cache.is_file() and not refresh:
        return json.loads(cache.read_text(errors="surrogateescape"))
    outs = parallel(lambda f: reference(tree, f), files, jobs, "kernel-doc -man")
    data = dict(zip(files, outs))
    RESULTS.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(data), errors="surrogateescape")
    return data


def ours(tree: Path, path: str) -> str:
    """kdocgen's man output for ``path``."""
    from kdocgen.dropin.man import ManOptions, man_date_from, write_man
    python = (tree / "tools" / "docs" / "kernel-doc").is_file()
    dialect = PYTHON if python else PERL
    data = (tree / path).read_bytes()
    source = extract_source(path, data, dialect=dialect)
    options = ManOptions(path=path, date=man_date_from(TIMESTAMP, dialect),
                         text=data.decode("utf-8", errors="replace"))
    return write_man(source, source.documented, dialect, options)


def main(argv: list[str] | None = None) -> int:
    """Compare, print the share of identical files and the first diffs."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--srctree", required=True)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--refresh", action="store_true")
    ap.add_argument("--show", type=int, default=3, help="diffs to print")
    ap.add_argument("--file", action="append", help="only these files")
    ap.add_argument("--list", metavar="OUT", help="write the differing files here")
    args = ap.parse_args(argv)
    tree = Path(args.srctree).resolve()
    files, _missing = doc_referenced_files(tree)
    ref = load_reference(tree, files, args.jobs, args.refresh)
    chosen = args.file or files
    bad = []
    for path in chosen:
        want = ref[path] if path in ref else reference(tree, path)
        try:
            got = ours(tree, path)
        except Exception as exc:  # noqa: BLE001 - a bench reports every failure
            got = f"EXCEPTION {type(exc).__name__}: {exc}\n"
        if got != want:
            bad.append(path)
            if len(bad) <= args.show:
                print(f"=== {path}")
                diff = difflib.unified_diff(want.splitlines(), got.splitlines(), "kernel-doc", "kdocgen",
                                            lineterm="", n=2)
                print("\n".join(list(diff)[:60]))
    same = len(chosen) - len(bad)
    print(f"byte-identical: {same}/{len(chosen)} = {same / max(1, len(chosen)):.4f}")
    if args.list:
        Path(args.list).write_text("".join(f"{b}\n" for b in bad))
    return 0


if __name__ == "__main__":
    sys.exit(main())
