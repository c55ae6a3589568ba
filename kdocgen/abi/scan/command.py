"""``kdocgen abi scan``: scan kernel builds and write ABI data (see :mod:`kdocgen.abi.store`)."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

DEFAULT_SUBSYSTEM = "Hyper-V/Azure CORE AND DRIVERS"


def add_arguments(cmd: argparse.ArgumentParser) -> None:
    """The options of ``kdocgen abi scan``."""
    cmd.add_argument("builds", nargs="*", metavar="BUILD",
                     help="a Debian package name (linux-image-6.1.0-56-cloud-amd64[=VERSION][:ARCH]), "
                          "a .deb, a kernel build directory or unpacked package, or installed:RELEASE")
    cmd.add_argument("--builds-from", metavar="FILE", help="more BUILDs, one a line (# comments)")
    cmd.add_argument("-o", "--output", required=True, metavar="FILE.json[.gz]", help="ABI data file to write")
    what = cmd.add_mutually_exclusive_group()
    what.add_argument("--subsystem", default=None, metavar="NAME",
                      help=f"restrict to the functions of this MAINTAINERS entry (default: {DEFAULT_SUBSYSTEM})")
    what.add_argument("--symbols-from", metavar="FILE", help="restrict to these names (one a line, optional file)")
    what.add_argument("--all", action="store_true", help="every function of every build")
    cmd.add_argument("--srctree", metavar="DIR", help="kernel tree for --subsystem (default: KSRC or the cached linux-source)")
    cmd.add_argument("--dbg", action="store_true", help="also read the -dbg packages (DWARF inline status; large)")
    cmd.add_argument("--headers", action="store_true", help="also read linux-headers (Module.symvers)")
    cmd.add_argument("--cache", metavar="DIR", help="cache directory (default: ~/.cache/kdocgen/abi)")
    cmd.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="processes for source extraction")
    cmd.add_argument("--build-jobs", type=int, default=1, metavar="N", help="builds scanned at the same time")


def run(args: argparse.Namespace) -> int:
    """Scan the builds; exit 1 when some build failed (the others are written
    unless that loses builds the output had), 2 on bad input."""
    from ..store import write_result
    from .cache import IndexCache, default_root
    from .dataset import all_functions, assemble
    from ...debian import Apt, FetchError
    from .run import CuFilter, Scanner, parse_spec

    def say(message: str) -> None:
        print(f"kdocgen abi scan: {message}", file=sys.stderr, flush=True)

    specs = [parse_spec(b) for b in args.builds]
    if args.builds_from:
        try:
            lines = Path(args.builds_from).read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            say(f"{args.builds_from}: cannot read: {getattr(err, 'strerror', None) or err}")
            return 2
        specs += [parse_spec(ln.split("#", 1)[0].strip()) for ln in lines if ln.split("#", 1)[0].strip()]
    if not specs:
        say("no builds given")
        return 2
    specs = [s.__class__(s.kind, s.ref, args.dbg or s.dbg, args.headers or s.headers) if s.kind == "apt" else s
             for s in specs]
    root = Path(args.cache) if args.cache else default_root()
    try:
        wanted, modules, versions = _wanted(args, say, specs, root)
    except _InputError as err:
        say(str(err))
        return 2
    apt = None
    if any(s.kind == "apt" for s in specs):
        apt = Apt(root / "apt")
        try:
            apt.update()
        except FetchError as err:
            say(f"{err}; packages cannot be fetched")
    dwarf_modules = set(modules.modules.values()) if wanted is not None else None
    files = {w.file for w in wanted or [] if w.file}
    scanner = Scanner(IndexCache(root), apt, progress=say, dwarf_modules=dwarf_modules,
                      dwarf_cu=CuFilter(tuple(sorted(files))))
    outcomes = scanner.scan(specs, jobs=args.build_jobs)
    failed = [o for o in outcomes if o.error]
    indexes = [o.index for o in outcomes if o.index is not None]
    for outcome in outcomes:
        for warning in outcome.warnings[:20]:
            say(f"{outcome.spec.ref}: warning: {warning}")
    if wanted is None:
        wanted = all_functions(indexes)
    what = "all functions" if args.all else (f"functions of {args.symbols_from}" if args.symbols_from
                                              else f"functions of MAINTAINERS entry {args.subsystem or DEFAULT_SUBSYSTEM!r}")
    sources = [f"kdocgen abi scan: {what}, {len(indexes)} builds"]
    if versions:
        sources.append("each build's functions and files from its version's linux-source "
                       f"({', '.join(sorted(versions, key=_series_key))})")
    data = assemble(indexes, wanted, modules, sources=sources, versions=versions)
    try:
        refused = write_result(data, Path(args.output), len(failed))
    except OSError as err:
        say(f"cannot write {args.output}: {err.strerror or err}")
        return 1
    if refused:
        say(f"{len(failed)} build(s) failed; nothing written: {refused}")
        return 1
    say(f"{len(data.symbols)} symbols over {len(data.builds)} builds written to {args.output}; "
        f"{len(failed)} build(s) failed")
    return 1 if failed else 0


class _InputError(Exception):
    pass


def _wanted(args, say, specs, root: Path):
    """The wanted symbols, the file -> module map (None: every function) and,
    for a subsystem, each build version's source facts."""
    from ...sources import SourcesError
    from .subsystem import FileModules, read_kbuild, wanted_from_list

    if args.all:
        return None, FileModules(), {}
    if args.symbols_from:
        try:
            wanted = wanted_from_list(Path(args.symbols_from))
        except (OSError, UnicodeDecodeError) as err:
            raise _InputError(f"{args.symbols_from}: cannot read: {getattr(err, 'strerror', None) or err}") from None
        tree = _tree(args, say) if args.srctree or os.environ.get("KSRC") else None
        files = sorted({w.file for w in wanted if w.file})
        return wanted, read_kbuild(tree, files) if tree else FileModules(), {}
    try:
        return _subsystem_versions(args, say, args.subsystem or DEFAULT_SUBSYSTEM, specs, root)
    except (SourcesError, LookupError, ValueError) as err:
        raise _InputError(f"MAINTAINERS: {err}") from None


def _tree(args, say) -> Path:
    """The kernel tree: --srctree, KSRC, or the cached linux-source."""
    from ...sources import SourcesError, kernel_tree

    if args.srctree:
        return Path(args.srctree)
    try:
        return kernel_tree(need=["MAINTAINERS"], progress=say)
    except SourcesError as err:
        raise _InputError(str(err)) from None


_SERIES = re.compile(r"(?:^|/)linux-(?:image|binary|modules)-(\d+\.\d+)[.-]")


def _series_key(version: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", version)]


def build_series(specs) -> list[str]:
    """The kernel versions (``6.1``) of Debian package specs, in version order."""
    found = {m.group(1) for s in specs for m in [_SERIES.search(s.ref)] if m}
    return sorted(found, key=_series_key)


def _entry(tree: Path, name: str, entries: dict, say):
    """Entry ``name`` of the tree's MAINTAINERS; when that file cannot be read
    (older trees have lines today's parser rejects), the entry of the closest newer tree read."""
    from ...maintainers import find_entry, read_maintainers
    from ...sources import SourcesError

    if str(tree) not in entries:
        try:
            entries[str(tree)] = find_entry(read_maintainers(tree), name)
        except SourcesError as err:
            if not entries:
                raise
            say(f"{err}; using the file patterns of the newer tree's entry")
            entries[str(tree)] = list(entries.values())[-1]
    return entries[str(tree)]


def _subsystem_versions(args, say, name: str, specs, root: Path):
    """Per build version: its tree (``--srctree``/KSRC for its own version, else
    ``linux-source-X.Y``), the entry's functions there and the source facts;
    the wanted symbols are their union."""
    from ...extract import extract_many
    from ...maintainers import entry_files, need_for_entry
    from ...sources import kernel_tree, tree_version
    from .subsystem import FileModules
    from .versions import union_wanted, version_source

    given = Path(args.srctree) if args.srctree else None
    trees: dict[str, Path] = {}
    if given is not None:
        trees[tree_version(given) or "given"] = given
    entries: dict[str, object] = {}
    series: list[str | None] = [*sorted(build_series(specs), key=_series_key, reverse=True)]
    for version in series or ([] if trees else [None]):
        if version in trees:
            continue
        tree = kernel_tree(need=["MAINTAINERS"], progress=say, version=version)
        entry = _entry(tree, name, entries, say)
        tree = kernel_tree(need=["MAINTAINERS", *need_for_entry(entry), "Makefile", "*/Makefile", "*/Kbuild", "*.c"],
                           progress=say, version=version)
        found = tree_version(tree) or version or "given"
        if version and found != version:
            say(f"KSRC is a {found} tree: the {version} builds are classified with it")
        trees[version or found] = tree
    versions, modules = {}, FileModules()
    for version, tree in sorted(trees.items(), key=lambda item: _series_key(item[0])):
        files = entry_files(tree, _entry(tree, name, entries, say))
        sources = list(extract_many(tree, files, jobs=args.jobs))
        versions[version] = version_source(tree, sources, version, cache=root / "sources")
        ours = {f for _n, f in versions[version].defined}
        modules.modules.update({f: m for f, m in versions[version].kbuild.module_map().items() if f in ours})
        say(f"linux-source {version}: {len(files)} files, {len(versions[version].defined)} functions")
    return union_wanted(list(versions.values())), modules, versions
