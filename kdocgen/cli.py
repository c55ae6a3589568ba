"""The ``kdocgen`` command line: argument handling only."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__


def _add_files(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--srctree", default=None,
                        help="kernel tree the FILEs are relative to (default: $KSRC, else the cached "
                             "Debian linux-source-6.12)")
    parser.add_argument("--files-from", metavar="LIST", help="read more FILEs from LIST (one per line)")
    parser.add_argument("-j", "--jobs", type=int, default=0,
                        help="worker processes (default: number of CPUs)")
    parser.add_argument("files", nargs="*", metavar="FILE", help="source files, relative to the tree")


def _files(args) -> list[str]:
    files = list(args.files)
    if args.files_from:
        try:
            files += [ln.strip() for ln in Path(args.files_from).read_text().splitlines() if ln.strip()]
        except OSError as err:
            raise SystemExit(f"kdocgen: {args.files_from}: {err.strerror}")
    return files


def _tree(args, files: list[str]) -> Path:
    """The kernel tree: --srctree, $KSRC, or the Debian cache (with FILEs extracted)."""
    if args.srctree:
        tree = Path(args.srctree)
        if not tree.is_dir():
            raise SystemExit(f"kdocgen: --srctree {args.srctree}: not a directory")
        return tree
    from .sources import SourcesError, kernel_tree
    try:
        return kernel_tree(os.environ.get("KSRC") or None, need=["MAINTAINERS", *files])
    except SourcesError as err:
        raise SystemExit(f"kdocgen: {err}")


def _relative(tree: Path, files: list[str]) -> list[str]:
    """FILE arguments relative to the tree (absolute paths inside it are accepted)."""
    result = []
    root = tree.resolve()
    for name in files:
        path = Path(name)
        if path.is_absolute():
            try:
                path = path.resolve().relative_to(root)
            except ValueError:
                pass
        result.append(path.as_posix())
    return result


def _sources(args, command: str):
    """The extracted FILEs of a command, in order (None when none given)."""
    from .extract import extract_many
    files = _files(args)
    if not files:
        print(f"kdocgen {command}: no FILE given", file=sys.stderr)
        return None
    tree = _tree(args, files)
    return extract_many(tree, _relative(tree, files), jobs=args.jobs or os.cpu_count() or 1)


def cmd_json(args) -> int:
    """kdocgen json: print the documented items of FILEs as one JSON object."""
    from .jsonout import write_json
    sources = _sources(args, "json")
    if sources is None:
        return 2
    errors = 0

    def counted():
        nonlocal errors
        for source in sources:
            for diag in source.diagnostics:
                if diag.severity == "error":
                    errors += 1
                    print(f"{diag.path}:{diag.line}: error: {diag.message}", file=sys.stderr)
            yield source
    write_json(counted(), sys.stdout, all_symbols=args.all)
    return 1 if errors else 0


def cmd_rst(args) -> int:
    """kdocgen rst: write one reST page per FILE into --out."""
    from .render.write import write_pages
    sources = _sources(args, "rst")
    if sources is None:
        return 2
    result = write_pages(sources, Path(args.out), other_symbols=not args.no_other)
    for path, message in result.errors:
        print(f"{path}: error: {message}", file=sys.stderr)
    if not args.quiet:
        print(f"kdocgen rst: {result.written} written, {result.unchanged} unchanged in {args.out}",
              file=sys.stderr)
    return 1 if result.errors else 0


def cmd_site(args) -> int:
    """kdocgen site: write the Sphinx source of a subsystem's site."""
    from .maintainers import need_for_entry, find_entry, read_maintainers
    from .site.build import DEFAULT_SUBSYSTEM, build_site_source, plan_site
    from .sources import SourcesError, kernel_tree
    files = args.files.split() if args.files else None
    try:
        if args.srctree:
            tree = Path(args.srctree)
        else:
            tree = kernel_tree(os.environ.get("KSRC") or None, need=["MAINTAINERS"])
            need = list(files or [])
            if not files:
                entry = find_entry(read_maintainers(tree), args.subsystem or DEFAULT_SUBSYSTEM)
                need += need_for_entry(entry)
            tree = kernel_tree(os.environ.get("KSRC") or None, need=["MAINTAINERS", "Documentation/", *need])
        plan = plan_site(tree, args.subsystem, files)
    except SourcesError as err:
        print(f"kdocgen site: {err}", file=sys.stderr)
        return 2
    if not plan.files:
        print(f"kdocgen site: no .c/.h files selected in {tree}", file=sys.stderr)
        return 2
    missing = [f for f in plan.files if not (plan.tree / f).is_file()]
    for name in missing:
        print(f"kdocgen site: {name}: no such file in {plan.tree}", file=sys.stderr)
    figures = build_site_source(plan, Path(args.out), jobs=args.jobs or os.cpu_count() or 1)
    print(f"kdocgen site: {figures['files']} files, {figures['symbols']} symbols, "
          f"{figures['documented']} documented -> {args.out}", file=sys.stderr)
    return 1 if missing else 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``kdocgen``."""
    parser = argparse.ArgumentParser(prog="kdocgen", description="Documentation generator for Linux kernel sources.")
    parser.add_argument("--version", action="version", version=f"kdocgen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    js = sub.add_parser("json", help="print the kernel-doc items of files as JSON")
    _add_files(js)
    js.add_argument("--all", action="store_true", help="list undocumented declarations too")
    js.set_defaults(func=cmd_json)
    rst = sub.add_parser("rst", help="write one reST page per source file")
    _add_files(rst)
    rst.add_argument("--out", required=True, metavar="DIR", help="where the pages go (DIR/<path>.rst)")
    rst.add_argument("--no-other", action="store_true",
                     help="leave out the 'Other symbols' part (undocumented declarations)")
    rst.add_argument("-q", "--quiet", action="store_true", help="no summary line")
    rst.set_defaults(func=cmd_rst)
    site = sub.add_parser("site", help="write the Sphinx source of a subsystem's site (make html)")
    site.add_argument("--srctree", default=None, help="kernel tree (default: $KSRC or the Debian cache)")
    site.add_argument("--subsystem", default=None, help="MAINTAINERS entry (default: Hyper-V)")
    site.add_argument("--files", default=None, help="explicit space-separated files instead of a subsystem")
    site.add_argument("--out", default="source", help="folder for the generated pages (default: source)")
    site.add_argument("-j", "--jobs", type=int, default=0, help="worker processes")
    site.set_defaults(func=cmd_site)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kdocgen`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("kdocgen: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
