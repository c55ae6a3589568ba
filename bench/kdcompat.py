"""Drop-in bench: the tree's own kernel-doc against a candidate command
(``kdocgen-kernel-doc`` by default) over every file a ``.. kernel-doc::``
directive of ``Documentation/`` names, byte for byte.

Flag sets: ``-rst -enable-lineno`` (with ``-sphinx-version 3.4.3`` for the
Perl tool), ``-rst``, ``-man``, ``-none -Wall``, and every distinct command
line the tree's Sphinx extension would run for its directives::

    python bench/kdcompat.py --srctree ~/linux [--candidate CMD | --candidate ref]
        [--jobs N] [--sample N] [--flagsets rst,man] [--inprocess] [--json out.json]

``--candidate ref`` puts the reference on both sides (must give 100%).
Reference results are cached in ``bench/results/`` keyed by the tree, its
kernel-doc, the arguments and the bytes of the files they name.  Reported
per flag set: the share of runs with identical stdout, stderr and exit
status, the CPU seconds of both sides (one process per run; optionally the
candidate's Python entry point in this process) and the first differences.
"""

from __future__ import annotations

import argparse
import difflib
import gzip
import hashlib
import json
import os
import shlex
import shutil
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import RESULTS, doc_referenced_files, parallel, resolve_tree, sample, write_result  # noqa: E402
from bench.kdflags import SPHINX_VERSION, Job, directive_jobs, fixed_flagsets, fixed_jobs  # noqa: E402
from bench.kdref import interpreter, kernel_doc  # noqa: E402
from bench.kdrun import Outcome, python_entry, run_inprocess, run_process  # noqa: E402

CACHE_VERSION = 1
DEFAULT_CANDIDATE = "kdocgen-kernel-doc"
DEFAULT_ENTRY = "kdocgen.dropin.command:main"
ALL_FLAGSETS = ["rst-lineno", "rst", "man", "none-wall", "directive"]
# a fixed date for the man pages' .TH line (both tools read it), so that a
# cached reference stays comparable on another day
TIMESTAMP = "2025-01-01"
CHUNK = 200


@dataclass
class Tally:
    """Per flag set: counts of identical results, CPU and first differences."""
    runs: int = 0
    stdout_identical: int = 0
    stderr_identical: int = 0
    status_identical: int = 0
    all_identical: int = 0
    cpu_reference: float = 0.0
    cpu_candidate: float = 0.0
    cpu_inprocess: float | None = None
    inprocess_identical: int | None = None
    differences: list[dict] = field(default_factory=list)


def reference_command(tree: Path) -> list[str]:
    """The tree's kernel-doc with its interpreter."""
    script = kernel_doc(tree)
    return [interpreter(script), str(script)]


def candidate_command(spec: str | None, tree: Path) -> list[str]:
    """The candidate's command: ``ref`` for the reference itself, a command
    line, or by default ``kdocgen-kernel-doc`` next to this Python or on PATH."""
    if spec == "ref":
        return reference_command(tree)
    if spec:
        return shlex.split(spec)
    local = Path(sys.executable).parent / DEFAULT_CANDIDATE
    found = str(local) if local.is_file() else shutil.which(DEFAULT_CANDIDATE)
    if not found:
        sys.exit(f"error: no {DEFAULT_CANDIDATE} in {local.parent} or on PATH "
                 "(install kdocgen, or give --candidate CMD; --candidate ref compares "
                 "the reference with itself)")
    return [found]


def job_inputs(job: Job) -> list[str]:
    """The files a job reads: its source and its ``-export-file`` files."""
    args = list(job.args)
    exports = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "-export-file"]
    return [job.source] + exports


def reference_identity(tree: Path) -> str:
    """Hash of the tree's path, its kernel-doc code (script and library)
    and what else the reference's output depends on."""
    # the Perl tool without -sphinx-version asks the sphinx-build on PATH
    sphinx = shutil.which("sphinx-build") or "no sphinx-build"
    h = hashlib.sha256(f"{CACHE_VERSION}\n{tree}\n{TIMESTAMP}\n{sphinx}\n".encode())
    script = kernel_doc(tree)
    h.update(script.read_bytes())
    lib = tree / "tools" / "lib" / "python" / "kdoc"
    for path in sorted(lib.glob("*.py")) if lib.is_dir() else []:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def job_key(identity: str, tree: Path, job: Job) -> str:
    """Cache key of a job: reference identity, arguments, input bytes."""
    h = hashlib.sha256(identity.encode())
    h.update("\0".join(job.args).encode())
    for path in job_inputs(job):
        try:
            h.update(b"\0" + (tree / path).read_bytes())
        except OSError:
            h.update(b"\0<missing>")
    return h.hexdigest()


class ReferenceCache:
    """Reference outcomes by job key, in one gzip'd JSON file per tree."""

    def __init__(self, identity: str, directory: Path = RESULTS) -> None:
        self.identity = identity
        self.path = directory / f"kdcompat-ref-{identity[:16]}.json.gz"
        self.entries: dict[str, dict] = {}
        if self.path.is_file():
            with gzip.open(self.path, "rt", encoding="utf-8") as fh:
                self.entries = json.load(fh)
        self.added = self.saved = 0
        self.lock = threading.Lock()

    def get(self, key: str) -> Outcome | None:
        """The cached outcome, if any."""
        e = self.entries.get(key)
        if e is None:
            return None
        return Outcome(e["out"].encode("latin-1"), e["err"].encode("latin-1"), e["status"], e["cpu"])

    def put(self, key: str, outcome: Outcome) -> None:
        """Remember an outcome (bytes kept losslessly as latin-1 text)."""
        entry = {"out": outcome.stdout.decode("latin-1"), "err": outcome.stderr.decode("latin-1"),
                 "status": outcome.status, "cpu": outcome.cpu}
        with self.lock:
            self.entries[key] = entry
            self.added += 1

    def save(self) -> None:
        """Write the cache back when something was added since the last save."""
        if self.added > self.saved:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            part = self.path.with_suffix(".part")
            with gzip.open(part, "wt", encoding="utf-8") as fh:
                json.dump(self.entries, fh)
            part.replace(self.path)
            self.saved = self.added


def first_diff(ref: bytes, cand: bytes, name: str, lines: int) -> str:
    """The first ``lines`` lines of a unified diff reference -> candidate."""
    a = ref.decode("utf-8", "replace").splitlines(keepends=True)
    b = cand.decode("utf-8", "replace").splitlines(keepends=True)
    diff = difflib.unified_diff(a, b, f"kernel-doc/{name}", f"candidate/{name}", n=1)
    out = []
    for line in diff:
        out.append(line if line.endswith("\n") else line + "\n")
        if len(out) >= lines:
            break
    return "".join(out)


def tally_job(tally: Tally, job: Job, ref: Outcome, cand: Outcome,
              max_diffs: int, diff_lines: int) -> None:
    """Count one job's comparison into its flag set's tally."""
    same_out, same_err = ref.stdout == cand.stdout, ref.stderr == cand.stderr
    same_status = ref.status == cand.status
    tally.runs += 1
    tally.stdout_identical += same_out
    tally.stderr_identical += same_err
    tally.status_identical += same_status
    tally.all_identical += same_out and same_err and same_status
    tally.cpu_reference += ref.cpu
    tally.cpu_candidate += cand.cpu
    if (same_out and same_err and same_status) or len(tally.differences) >= max_diffs:
        return
    entry: dict = {"source": job.source, "args": list(job.args)}
    if not same_status:
        entry["status"] = [ref.status, cand.status]
    if not same_out:
        entry["stdout"] = first_diff(ref.stdout, cand.stdout, "stdout", diff_lines)
    if not same_err:
        entry["stderr"] = first_diff(ref.stderr, cand.stderr, "stderr", diff_lines)
    tally.differences.append(entry)


def build_jobs(tree: Path, files: list[str], flagsets: list[str], perl: bool,
               sphinx_version: str) -> list[Job]:
    """The jobs of the chosen flag sets over ``files``."""
    fixed = [f for f in flagsets if f != "directive"]
    jobs = fixed_jobs(files, perl, sphinx_version, fixed)
    if "directive" in flagsets:
        jobs += directive_jobs(tree, perl, sphinx_version, only=set(files))
    return jobs


def run_environment(tree: Path) -> dict[str, str]:
    """This environment with the tree as ``srctree`` (as make exports it),
    the fixed build timestamp and no Python byte-code files."""
    return dict(os.environ, srctree=str(tree), KBUILD_BUILD_TIMESTAMP=TIMESTAMP,
                PYTHONDONTWRITEBYTECODE="1")  # nothing written into the tree


def compare(tree: Path, jobs: list[Job], candidate: list[str], cache: ReferenceCache,
            workers: int, max_diffs: int = 5, diff_lines: int = 12) -> tuple[dict[str, Tally], list]:
    """Run reference (unless cached) and candidate on every job; tallies
    per flag set and the (job, reference, candidate) triples."""
    reference = reference_command(tree)
    identity = cache.identity
    env = run_environment(tree)

    def one(job: Job) -> tuple[Job, Outcome, Outcome]:
        key = job_key(identity, tree, job)
        ref = cache.get(key)
        if ref is None:
            ref = run_process(reference + list(job.args), tree, env)
            cache.put(key, ref)
        return job, ref, run_process(candidate + list(job.args), tree, env)

    triples = []
    for start in range(0, len(jobs), CHUNK):  # the cache is saved as the runs go
        triples += parallel(one, jobs[start:start + CHUNK], workers)
        cache.save()
        print(f"  kdcompat: {len(triples)}/{len(jobs)}", file=sys.stderr, flush=True)
    tallies: dict[str, Tally] = {}
    for job, ref, cand in triples:
        tally_job(tallies.setdefault(job.flagset, Tally()), job, ref, cand, max_diffs, diff_lines)
    return tallies, triples


def compare_inprocess(tree: Path, triples: list, entry: Callable[[list[str]], int],
                      tallies: dict[str, Tally]) -> None:
    """Run the candidate's Python entry point on every job in this process;
    CPU and byte-identical (stdout, stderr, status) counts per flag set."""
    for tally in tallies.values():
        tally.cpu_inprocess, tally.inprocess_identical = 0.0, 0
    saved = dict(os.environ)
    os.environ.update(run_environment(tree))
    try:
        outcomes = [run_inprocess(entry, list(job.args), tree) for job, _ref, _cand in triples]
    finally:
        os.environ.clear()
        os.environ.update(saved)
    for (job, ref, _cand), got in zip(triples, outcomes):
        tally = tallies[job.flagset]
        tally.cpu_inprocess = (tally.cpu_inprocess or 0.0) + got.cpu
        same = (got.stdout, got.stderr, got.status) == (ref.stdout, ref.stderr, ref.status)
        tally.inprocess_identical = (tally.inprocess_identical or 0) + same


def total(tallies: dict[str, Tally]) -> Tally:
    """The sum of all flag sets' counts and CPU (no differences)."""
    out = Tally()
    for t in tallies.values():
        for name in ("runs", "stdout_identical", "stderr_identical", "status_identical",
                     "all_identical", "cpu_reference", "cpu_candidate"):
            setattr(out, name, getattr(out, name) + getattr(t, name))
        if t.cpu_inprocess is not None:
            out.cpu_inprocess = (out.cpu_inprocess or 0.0) + t.cpu_inprocess
            out.inprocess_identical = (out.inprocess_identical or 0) + (t.inprocess_identical or 0)
    return out


def share(part: int | None, whole: int) -> str:
    """``part/whole`` as a percentage with 2 decimals."""
    return "-" if part is None or not whole else f"{100.0 * part / whole:.2f}%"


def print_report(tree: Path, candidate: list[str], tallies: dict[str, Tally]) -> None:
    """The table per flag set, then the first differences."""
    print(f"tree: {tree}\nkernel-doc: {' '.join(reference_command(tree))}\n"
          f"candidate: {' '.join(candidate)}\n")
    head = f"{'flag set':<11} {'runs':>5} {'stdout':>8} {'stderr':>8} {'status':>8} {'all':>8}" \
           f" {'cpu ref':>8} {'cpu cand':>8} {'ratio':>6} {'in-proc':>8}"
    print(head)
    rows = dict(tallies)
    rows["total"] = total(tallies)
    for name, t in rows.items():
        ratio = f"{t.cpu_candidate / t.cpu_reference:.2f}" if t.cpu_reference else "-"
        inproc = "-" if t.cpu_inprocess is None else \
            f"{t.cpu_inprocess:.1f}s ({share(t.inprocess_identical, t.runs)} identical)"
        print(f"{name:<11} {t.runs:>5} {share(t.stdout_identical, t.runs):>8} "
              f"{share(t.stderr_identical, t.runs):>8} {share(t.status_identical, t.runs):>8} "
              f"{share(t.all_identical, t.runs):>8} {t.cpu_reference:>7.1f}s "
              f"{t.cpu_candidate:>7.1f}s {ratio:>6} {inproc:>8}")
    for name, t in tallies.items():
        for d in t.differences:
            print(f"\n--- {name}: {d['source']}  ({' '.join(d['args'][:-1])})")
            if "status" in d:
                print(f"exit status: kernel-doc {d['status'][0]}, candidate {d['status'][1]}")
            for stream in ("stdout", "stderr"):
                if stream in d:
                    print(d[stream], end="")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--srctree", help="kernel tree (default: kdocgen's cached linux-source)")
    ap.add_argument("--kernel-version", help="tree version to fetch without --srctree (6.12, 7.2)")
    ap.add_argument("--candidate", help="candidate command line; 'ref' = the tree's kernel-doc")
    ap.add_argument("--inprocess", nargs="?", const=DEFAULT_ENTRY, metavar="MODULE:FUNC",
                    help=f"also call the candidate's Python entry point (default {DEFAULT_ENTRY})")
    ap.add_argument("--import-path", metavar="DIR",
                    help="import the in-process entry point from DIR first (another checkout)")
    ap.add_argument("--flagsets", default=",".join(ALL_FLAGSETS),
                    help=f"comma-separated subset of {','.join(ALL_FLAGSETS)}")
    ap.add_argument("--sphinx-version", default=SPHINX_VERSION,
                    help="-sphinx-version given to the Perl kernel-doc")
    ap.add_argument("--sample", type=int, help="about N files, evenly spread")
    ap.add_argument("--files", nargs="+", help="these files (tree-relative) instead")
    ap.add_argument("--jobs", "-j", type=int, default=1)
    ap.add_argument("--diffs", type=int, default=5, help="differences shown per flag set")
    ap.add_argument("--diff-lines", type=int, default=12)
    ap.add_argument("--results", default=str(RESULTS), help="reference cache directory")
    ap.add_argument("--json", help="write the figures to this file")
    args = ap.parse_args(argv)
    unknown = set(args.flagsets.split(",")) - set(ALL_FLAGSETS)
    if unknown:
        ap.error(f"unknown flag set(s): {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the bench; 0 when every run was identical, 1 otherwise."""
    args = parse_args(argv)
    tree = resolve_tree(args.srctree, args.kernel_version)
    perl = reference_command(tree)[0] == "perl"
    files = args.files or sample(doc_referenced_files(tree)[0], args.sample)
    flagsets = [f for f in ALL_FLAGSETS if f in args.flagsets.split(",")]
    candidate = candidate_command(args.candidate, tree)
    jobs = build_jobs(tree, files, flagsets, perl, args.sphinx_version)
    cache = ReferenceCache(reference_identity(tree), Path(args.results))
    print(f"kdcompat: {len(files)} files, {len(jobs)} runs per side, {args.jobs} jobs",
          file=sys.stderr)
    t0 = time.monotonic()
    tallies, triples = compare(tree, jobs, candidate, cache, args.jobs, args.diffs, args.diff_lines)
    cache.save()
    if args.import_path:
        sys.path.insert(0, str(Path(args.import_path).resolve()))
    entry = python_entry(args.inprocess) if args.inprocess else None
    if args.inprocess and entry is None:
        print(f"kdcompat: no in-process entry point {args.inprocess}: skipped", file=sys.stderr)
    elif entry is not None:
        compare_inprocess(tree, triples, entry, tallies)
    print_report(tree, candidate, tallies)
    if args.json:
        write_result(args.json, {
            "tree": str(tree), "kernel_doc": reference_command(tree), "candidate": candidate,
            "files": len(files), "seconds": time.monotonic() - t0,
            "inprocess": args.inprocess if entry is not None else None,
            "flagsets": {name: asdict(t) for name, t in tallies.items()},
            "total": asdict(total(tallies))})
    return 0 if all(t.all_identical == t.runs for t in tallies.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
