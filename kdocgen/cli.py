"""The ``kdocgen`` command line: argument handling only."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .abi.cli import add_parser as add_abi_parser


def _add_files(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--srctree", default=None,
                        help="kernel tree the FILEs are relative to (default: $KSRC, else the cached "
                             "Debian linux-source-6.12, or of --kernel-version)")
    parser.add_argument("--files-from", metavar="LIST", help="read more FILEs from LIST (one per line)")
    parser.add_argument("-j", "--jobs", type=int, default=0,
                        help="worker processes (default: number of CPUs)")
    _add_kernel_version(parser, fetch="without --srctree or KSRC")
    parser.add_argument("files", nargs="*", metavar="FILE", help="source files, relative to the tree")


def _add_kernel_version(parser: argparse.ArgumentParser, fetch: str = "") -> None:
    parser.add_argument("--kernel-version", metavar="X.Y", default=None,
                        help="read with the kernel-doc rules of this kernel version (6.x: the Perl "
                             "kernel-doc's, 7.x: the Python one's; default: the tree's Makefile)"
                        + (f"; {fetch}, also the Debian linux-source-X.Y to read" if fetch else ""))


def _dialect(args, tree: Path):
    """The kernel-doc rules of ``--kernel-version``, else of the tree."""
    from .extract import dialect_of
    try:
        return dialect_of(tree, args.kernel_version)
    except ValueError as err:
        raise SystemExit(f"kdocgen: --kernel-version: {err}")


def _files(args) -> list[str]:
    """FILE arguments followed by those of --files-from."""
    return list(args.files) + _listed(args.files_from)


def _listed(list_file: str | None) -> list[str]:
    """The non-empty lines of a --files-from LIST (none without one)."""
    if not list_file:
        return []
    try:
        return [ln.strip() for ln in Path(list_file).read_text().splitlines() if ln.strip()]
    except OSError as err:
        raise SystemExit(f"kdocgen: {list_file}: {err.strerror}")


def _tree(args, files: list[str]) -> Path:
    """The kernel tree: --srctree, $KSRC, or the Debian cache (with FILEs extracted)."""
    if args.srctree:
        tree = Path(args.srctree)
        if not tree.is_dir():
            raise SystemExit(f"kdocgen: --srctree {args.srctree}: not a directory")
        return tree
    from .sources import SourcesError, kernel_tree
    try:
        return kernel_tree(need=["MAINTAINERS", "Makefile", *files], version=args.kernel_version)
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


def _bad_out(out: str, command: str) -> bool:
    """Whether ``--out`` cannot be a folder (said on stderr)."""
    from .site.pipeline import output_folder_problem
    problem = output_folder_problem(Path(out))
    if problem:
        print(f"kdocgen {command}: --out {problem}", file=sys.stderr)
    return problem is not None


def _sources(args, command: str, undocumented: bool = True):
    """The extracted FILEs of a command, in order (None when none given);
    without ``undocumented``, their documented symbols only."""
    from .extract import extract_many
    files = _files(args)
    if not files:
        print(f"kdocgen {command}: no FILE given", file=sys.stderr)
        return None
    tree = _tree(args, files)
    return extract_many(tree, _relative(tree, files), jobs=args.jobs or os.cpu_count() or 1,
                        dialect=_dialect(args, tree), undocumented=undocumented)


def cmd_json(args) -> int:
    """kdocgen json: print the documented items of FILEs as one JSON object."""
    from .jsonout import write_json
    sources = _sources(args, "json", undocumented=args.all)
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
    from .render.write import write_files
    files = _files(args)
    if not files:
        print("kdocgen rst: no FILE given", file=sys.stderr)
        return 2
    if _bad_out(args.out, "rst"):
        return 2
    tree = _tree(args, files)
    result = write_files(tree, _relative(tree, files), Path(args.out), other_symbols=not args.no_other,
                         jobs=args.jobs or os.cpu_count() or 1, dialect=_dialect(args, tree))
    for path, message in result.errors:
        print(f"{path}: error: {message}", file=sys.stderr)
    for path, message in result.warnings:
        print(f"{path}: warning: {message}", file=sys.stderr)
    if not args.quiet:
        failed = f", {result.failed} failed" if result.failed else ""
        print(f"kdocgen rst: {result.written} written, {result.unchanged} unchanged{failed} in {args.out}",
              file=sys.stderr)
    return 1 if result.errors else 0


def _site_options(args, cache: str | None):
    from .site.pipeline import SiteOptions, default_jobs
    return SiteOptions(Path(args.out), args.srctree, args.subsystem, args.files.split() if args.files else None,
                       default_jobs(args.jobs), list(args.abi or []), args.abi_scan, Path(cache) if cache else None,
                       args.kernel_version)


def cmd_site(args) -> int:
    """kdocgen site: write the Sphinx source of a subsystem's site."""
    from .site.pipeline import write_site_source
    return write_site_source(_site_options(args, args.cache), lambda m: print(f"kdocgen site: {m}", file=sys.stderr, flush=True))


def cmd_html(args) -> int:
    """kdocgen html: the site's pages, Sphinx, and the published folder."""
    import shlex
    from .site.pipeline import HtmlOptions, build_html
    srcdir = Path(args.srcdir)
    args.out = str(srcdir / args.pages)
    options = HtmlOptions(_site_options(args, str(Path(args.build_dir) / "cache")), srcdir, Path(args.build_dir),
                          shlex.split(args.sphinx_options))
    return build_html(options, lambda m: print(f"kdocgen html: {m}", file=sys.stderr, flush=True))


def _lint_tree(args) -> Path:
    """The tree lint paths are relative to: --srctree; else the kernel tree
    holding the first absolute path (a path belongs to the tree that holds
    it, whatever $KSRC says); else $KSRC; else the kernel tree holding the
    first path, or the current directory."""
    if args.srctree:
        return Path(args.srctree)
    absolute = [name for name in args.paths if Path(name).is_absolute()]
    found = _tree_holding(absolute)
    if found is None and os.environ.get("KSRC"):
        return Path(os.environ["KSRC"])
    return found or _tree_holding(args.paths) or Path.cwd()


def _tree_holding(names: list[str]) -> Path | None:
    """The kernel tree (MAINTAINERS and Makefile) above the first of ``names``."""
    for name in names[:1]:
        path = Path(name).resolve()
        for parent in [path, *path.parents]:
            if (parent / "MAINTAINERS").is_file() and (parent / "Makefile").is_file():
                return parent
    return None


def _changed_files(args, tree: Path, wanted):
    """The FileChanges of --diff REV (git) or --diff-from FILE (a patch)."""
    from .lint.versions import git_changes, patch_changes
    if args.diff:
        return git_changes(tree, args.diff, staged=args.staged, wanted=wanted)
    if args.diff_from == "-":
        text, source = sys.stdin.buffer.read(), "<stdin>"
    else:
        try:
            text, source = Path(args.diff_from).read_bytes(), args.diff_from
        except OSError as err:
            raise ValueError(f"{args.diff_from}: cannot read: {err.strerror or err}") from None
    return patch_changes(tree, text.decode("utf-8", "surrogateescape"), source, wanted=wanted)


def _diff_usage(args) -> str | None:
    """What is wrong with the --diff options given, if anything."""
    if args.diff and args.diff_from:
        return "give --diff REV or --diff-from PATCH, not both"
    if (args.diff or args.diff_from) and (args.subsystem or args.write_baseline or args.files_from):
        return "--diff and --diff-from take PATHs, not --subsystem, --files-from or --write-baseline"
    if args.staged and not args.diff:
        return "--staged goes with --diff REV"
    return None


def _lint_change(args, tree: Path, config, scope: list[str] | None):
    """The findings a change introduced in the touched .c/.h files (within
    PATHs, not excluded), with a summary on stderr."""
    from .lint.change import lint_change
    from .lint.config import apply, path_matcher
    excluded = path_matcher(config.exclude)
    within = [p.rstrip("/") for p in _relative(tree, args.paths)] if args.paths else None

    def wanted(path: str) -> bool:
        return path.endswith((".c", ".h")) and not excluded(path) and (
            within is None or any(path == p or path.startswith(p + "/") or p == "." for p in within))
    report = lint_change(tree, _changed_files(args, tree, wanted), jobs=args.jobs or os.cpu_count() or 1,
                         reference_scope=scope, keep=lambda findings: apply(config, findings),
                         dialect=_dialect(args, tree))
    print(f"kdocgen lint: {len(report.introduced)} findings introduced, {len(report.fixed)} fixed in "
          f"{report.files} changed file{'' if report.files == 1 else 's'}", file=sys.stderr)
    return report


def cmd_lint(args) -> int:
    """kdocgen lint: kernel-doc checks and more; exit 1 on findings."""
    from .lint.baseline import BaselineError, load_baseline, new_findings, write_baseline
    from .lint.config import ConfigError, apply, fails, find_config, load_config, merge, path_matcher
    from .lint.output import render
    from .lint.patch import PatchError
    from .lint.run import expand_paths, lint
    from .lint.versions import ChangeError
    counts = None
    problem = _diff_usage(args)
    if problem:
        print(f"kdocgen lint: {problem}", file=sys.stderr)
        return 2
    try:
        if args.diff or args.diff_from:
            tree = _lint_tree(args)
            files = []
        elif args.subsystem:
            from .maintainers import entry_files, find_entry, read_maintainers, subsystem_tree
            from .userabi.site import abi_files_of
            from .sources import SourcesError
            try:
                if args.srctree:
                    tree = Path(args.srctree)
                    entry = find_entry(read_maintainers(tree), args.subsystem)
                else:
                    tree, entry = subsystem_tree(args.subsystem, ["include/", "Makefile"],
                                                 version=args.kernel_version)
                files = entry_files(tree, entry) + abi_files_of(tree, entry)
            except SourcesError as err:
                print(f"kdocgen lint: {err}", file=sys.stderr)
                return 2
        elif args.paths or args.files_from:
            if args.files_from:
                args.paths = list(args.paths) + _listed(args.files_from)
            tree = _lint_tree(args)
            files = expand_paths(tree, args.paths)
        else:
            print("kdocgen lint: give PATHs or --subsystem", file=sys.stderr)
            return 2
        config_path = Path(args.config) if args.config else find_config(tree)
        config = merge(load_config(config_path), select=args.select, ignore=args.ignore,
                       severity=args.severity, fail_on=args.fail_on, baseline=args.baseline)
        scope = list(config.references) if config.references is not None else None
        if args.diff or args.diff_from:
            report = _lint_change(args, tree, config, scope)
            findings, counts = report.introduced, report.counts()
        elif config.exclude:
            excluded = path_matcher(config.exclude)
            files = [f for f in files if not excluded(f)]
        if counts is None:
            findings = apply(config, lint(tree, files, jobs=args.jobs or os.cpu_count() or 1,
                                          reference_scope=scope, dialect=_dialect(args, tree)))
        if args.write_baseline:
            write_baseline(Path(args.write_baseline), findings)
            print(f"kdocgen lint: {len(findings)} findings recorded in {args.write_baseline}", file=sys.stderr)
            return 0
        if config.baseline:
            findings = new_findings(findings, load_baseline(Path(config.baseline)))
    except OSError as err:
        reason = err.strerror or str(err)
        where = f"{err.filename}: " if err.filename else ""
        print(f"kdocgen lint: {where}{reason[:1].lower()}{reason[1:]}", file=sys.stderr)
        return 2
    except (ConfigError, BaselineError, ChangeError, PatchError, ValueError) as err:
        print(f"kdocgen lint: {err}", file=sys.stderr)
        return 2
    text = render(findings, args.format, tool_version=__version__, root=str(tree.resolve()), counts=counts)
    sys.stdout.write(text)
    return 1 if fails(config, findings) else 0


def cmd_man(args) -> int:
    """kdocgen man: one section-9 page per documented symbol of FILEs."""
    from .render.man import write_man_pages
    if _bad_out(args.out, "man"):
        return 2
    sources = _sources(args, "man")
    if sources is None:
        return 2
    errors = []

    def checked():
        for source in sources:
            errors.extend(d for d in source.diagnostics if d.severity == "error")
            yield source
    pages = write_man_pages(checked(), Path(args.out), args.version)
    for diag in errors:
        print(f"{diag.path}:{diag.line}: error: {diag.message}", file=sys.stderr)
    print(f"kdocgen man: {len(pages)} pages in {args.out}", file=sys.stderr)
    return 1 if errors else 0


def _add_site(parser: argparse.ArgumentParser) -> None:
    """The options that choose a site's files (kdocgen site, kdocgen html)."""
    parser.add_argument("--srctree", default=None, help="kernel tree (default: $KSRC or the Debian cache)")
    parser.add_argument("--subsystem", default=None, help="MAINTAINERS entry (default: Hyper-V)")
    parser.add_argument("--files", default=None, help="explicit space-separated files instead of a subsystem")
    parser.add_argument("-j", "--jobs", type=int, default=0, help="worker processes")
    parser.add_argument("--abi", action="append", metavar="PATH",
                        help="ABI data: JSON file or DepSurf folder/page (repeatable)")
    parser.add_argument("--abi-scan", action="store_true",
                        help="also read Documentation/ABI files naming the code's sysfs/debugfs roots")
    _add_kernel_version(parser, fetch="without --srctree or KSRC")


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
    _add_site(site)
    site.add_argument("--out", default="source", help="folder for the generated pages (default: source)")
    site.add_argument("--cache", default=None, metavar="DIR",
                      help="keep parsed files and a record of the run in DIR: files whose bytes did not "
                           "change are not parsed again, and nothing is done when no input changed")
    site.set_defaults(func=cmd_site)
    html = sub.add_parser("html", help="build a subsystem's site with Sphinx (make html): pages, "
                                       "Sphinx, then the published folder BUILD/html")
    _add_site(html)
    html.add_argument("--srcdir", default=".", help="the Sphinx source folder, with conf.py (default: .)")
    html.add_argument("--pages", default="source", help="folder of the generated pages in SRCDIR (default: source)")
    html.add_argument("--build-dir", default="_build", metavar="BUILD",
                      help="where Sphinx works (BUILD/sphinx) and the site is published (BUILD/html)")
    html.add_argument("--sphinx-options", default="", metavar="OPTIONS",
                      help="more sphinx-build options, one string (e.g. \"-j auto -W\")")
    html.set_defaults(func=cmd_html)
    man = sub.add_parser("man", help="write section-9 manual pages (<symbol>.9.gz)")
    _add_files(man)
    man.add_argument("--out", required=True, metavar="DIR")
    man.add_argument("--version", default="", help='footer text, e.g. "Linux 6.12"')
    man.set_defaults(func=cmd_man)
    lint = sub.add_parser("lint", help="check kernel-doc comments (doc-lint for CI)")
    lint.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (relative to the tree)")
    lint.add_argument("--srctree", default=None, help="the kernel tree PATHs are relative to")
    lint.add_argument("--files-from", metavar="LIST", help="read more PATHs from LIST (one per line)")
    lint.add_argument("--subsystem", default=None, help="lint the files of this MAINTAINERS entry")
    lint.add_argument("--format", default="gcc", choices=["gcc", "json", "sarif", "github"])
    lint.add_argument("--select", action="append", default=None, metavar="RULE",
                      help="only these rules (ids, or kernel-doc / kdocgen / all); repeatable")
    lint.add_argument("--ignore", action="append", default=None, metavar="RULE", help="leave these rules out")
    lint.add_argument("--severity", action="append", default=None, metavar="RULE=LEVEL",
                      help="override a rule's severity (error, warning, note, off)")
    lint.add_argument("--fail-on", default=None, choices=["error", "warning", "note"],
                      help="lowest severity that makes the exit status 1 (default: warning)")
    lint.add_argument("--baseline", default=None, metavar="FILE", help="report only findings not in FILE")
    lint.add_argument("--write-baseline", default=None, metavar="FILE", help="record the current findings")
    lint.add_argument("--diff", default=None, metavar="REV",
                      help="report only what the change from REV to the working tree introduced in the "
                           "files it touches (REV..REV2 and REV...REV2 for commits)")
    lint.add_argument("--staged", action="store_true", help="with --diff: the change from REV to the index")
    lint.add_argument("--diff-from", default=None, metavar="PATCH",
                      help="like --diff, for a unified diff or mailed patch in PATCH ('-': stdin), "
                           "applied to the tree or already applied")
    lint.add_argument("--config", default=None, metavar="FILE",
                      help="settings file (default: nearest .kdocgen.toml or pyproject.toml [tool.kdocgen])")
    lint.add_argument("-j", "--jobs", type=int, default=0, help="worker processes")
    _add_kernel_version(lint, fetch="with --subsystem and without --srctree or KSRC")
    lint.set_defaults(func=cmd_lint)
    add_abi_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kdocgen`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["kernel-doc"]:  # kernel-doc's own flags (-rst, -function NAME, ...), not argparse's
        from .dropin.command import main as kernel_doc
        return kernel_doc(argv[1:])
    parser = build_parser()
    parser.epilog = ((parser.epilog or "") + "\n  kernel-doc FLAGS FILE...  run like the kernel tree's "
                     "scripts/kernel-doc (same flags and output)").strip()
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
