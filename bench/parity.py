#!/usr/bin/env python3
"""Compare kdocgen's extraction with the tree's own kernel-doc.

The reference is the kernel-doc of the tree being read: the Perl
``scripts/kernel-doc`` of 6.x trees, the Python ``tools/docs/kernel-doc`` of
7.x trees (kdocgen picks the matching rules from the tree's Makefile).
Default file set: every file named by a ``.. kernel-doc::`` directive under
the tree's Documentation/ (``--all-files``: every .c/.h file with a
kernel-doc comment).  kernel-doc runs one file per process (it keeps state
across files); its results are cached in ``bench/results/``.

    python bench/parity.py --srctree /path/to/linux [--jobs N] [--show 30]
                           [--files-from LIST | --all-files] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common, compare, kdref, report  # noqa: E402
from bench.common import (comment_of, comment_starts, doc_referenced_files,  # noqa: E402
                          files_with_doc_comments, read_list, resolve_tree, run_kdocgen_json)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--srctree", help="kernel tree (default: kdocgen.sources.kernel_tree())")
    ap.add_argument("--kernel-version", metavar="X.Y",
                    help="without --srctree: Debian's linux-source-X.Y (default 6.12)")
    ap.add_argument("--files-from", "--subsystem-files", dest="files_from", metavar="LIST",
                    help="explicit file list (paths relative to the tree, one per line)")
    ap.add_argument("--all-files", action="store_true",
                    help="every .c/.h file of the tree with a kernel-doc comment")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--show", type=int, default=30, help="examples per mismatch class")
    ap.add_argument("--top", type=int, default=20, help="number of top differing files")
    ap.add_argument("--json", metavar="OUT", help="write figures and mismatch lists here")
    ap.add_argument("--refresh", action="store_true", help="ignore the kernel-doc cache")
    ap.add_argument("--kdocgen-json", metavar="FILE",
                    help="use this saved `kdocgen json` output instead of running kdocgen")
    ap.add_argument("--reference-only", action="store_true",
                    help="only run and summarize the kernel-doc side")
    return ap.parse_args(argv)


def file_set(args: argparse.Namespace, tree: Path) -> tuple[list[str], dict]:
    """The files to compare and facts about how they were chosen."""
    if args.files_from:
        names = read_list(args.files_from)
        files = [f for f in names if (tree / f).is_file()]
        missing = sorted(set(names) - set(files))
    elif args.all_files:
        files, missing = files_with_doc_comments(tree), []
    else:
        files, missing = doc_referenced_files(tree)
    info = {"source": args.files_from or ("files with kernel-doc comments" if args.all_files
                                          else "Documentation kernel-doc directives"),
            "n_files": len(files) + len(missing), "n_missing": len(missing),
            "missing": missing, "n_compared": len(files)}
    return files, info


def classify(tree: Path, ref_items, ref_warn, new_items, show_top: int) -> dict:
    """Match items, split difference classes and score them."""
    m = compare.match_items(ref_items, new_items)
    differs = compare.split_kind_differs(m)
    cache: dict = {}
    owner = lambda path, line: comment_of(comment_starts(tree, path, cache), line)  # noqa: E731
    gave_up, m.extra = compare.split_gave_up(m.extra, ref_warn, owner)
    lab = report.item_label
    classes = {
        "missing": [{"item": lab(p, it), **it.to_dict(), "path": p} for p, it in m.missing],
        "extra": [{"item": lab(p, it), **it.to_dict(), "path": p} for p, it in m.extra],
        "gave_up": [{"item": lab(p, it), **it.to_dict(), "path": p,
                     "warning": f"{w.path}:{w.line}: {w.message.splitlines()[0]}"}
                    for p, it, w in gave_up],
        "kind_differs": [{"ref": lab(p, a), "new": f"{b.kind} (line {b.line})", "path": p}
                         for p, a, b in differs],
        "params_differ": [{"item": lab(p, a), "path": p, "ref_params": a.params,
                           "new_params": b.params}
                          for p, a, b in m.pairs if a.params != b.params],
        "sections_differ": [{"item": lab(p, a), "path": p, "ref_sections": a.sections,
                             "new_sections": b.sections}
                            for p, a, b in m.pairs if a.kind != "doc" and a.sections != b.sections],
        "purpose_differs": [{"item": lab(p, a), "path": p, "ref_purpose": a.purpose,
                             "new_purpose": b.purpose}
                            for p, a, b in m.pairs if a.kind != "doc"
                            and compare.purpose_words(a.purpose) != compare.purpose_words(b.purpose)],
    }
    return {"item_scores": compare.item_scores(m, len(differs), len(gave_up)),
            "comment_scores": compare.comment_scores(m),
            "classes": classes,
            "top_files": compare.top_files(m, differs, show_top)}


def warnings_part(ref_warn, new_warn) -> dict:
    """Warning scores and the unmatched warnings of both sides."""
    only_ref, only_new = compare.warning_diffs(ref_warn, new_warn)
    return {"warning_scores": compare.warning_scores(ref_warn, new_warn),
            "warning_scores_strict": compare.warning_scores(ref_warn, new_warn, strict=True),
            "warnings_missing": [w.to_dict() for w in only_ref],
            "warnings_extra": [w.to_dict() for w in only_new]}


def load_kdocgen(args: argparse.Namespace, tree: Path, files: list[str]) -> dict:
    """kdocgen's JSON output for ``files`` (saved or freshly run)."""
    if args.kdocgen_json:
        return json.loads(Path(args.kdocgen_json).read_text())
    print(f"kdocgen: running on {len(files)} files with {args.jobs} jobs", file=sys.stderr)
    return run_kdocgen_json(tree, files, args.jobs)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    tree = resolve_tree(args.srctree, args.kernel_version)
    files, info = file_set(args, tree)
    raw = kdref.load_or_run(tree, files, args.jobs, args.refresh)
    ref_items, ref_warn = kdref.reference(raw)
    report.print_reference(info, ref_items, ref_warn)
    out = {"tree": str(tree), "kernel_doc": str(kdref.kernel_doc(tree).relative_to(tree)), "files": info,
           "reference": {"items": sum(map(len, ref_items.values())), "warnings": len(ref_warn),
                         "seconds": raw.get("seconds")}}
    if not args.reference_only:
        data = load_kdocgen(args, tree, files)
        new_items = compare.kdocgen_items(data, tree)
        new_warn = compare.kdocgen_warnings(data, tree)
        print(f"kdocgen: {report.kinds_line(new_items)}")
        print(f"kdocgen: {report.warn_line(new_warn)}")
        out.update(classify(tree, ref_items, ref_warn, new_items, args.top))
        out.update(warnings_part(ref_warn, new_warn))
        report.print_items(out, args.show)
        report.print_warnings(out, args.show)
    if args.json:
        common.write_result(args.json, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
