"""``kdocgen abi scan``: scan kernel builds and write ABI data (see :mod:`kdocgen.abi.store`)."""

from __future__ import annotations

import argparse
import os
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
    try:
        wanted, modules = _wanted(args, say)
    except _InputError as err:
        say(str(err))
        return 2
    root = Path(args.cache) if args.cache else default_root()
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
    data = assemble(indexes, wanted, modules,
                    sources=[f"kdocgen abi scan: {what}, {len(indexes)} builds"])
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


def _wanted(args, say):
    """The wanted symbols and the file -> module map (None: every function)."""
    from ...sources import SourcesError
    from .subsystem import FileModules, read_kbuild, subsystem_wanted, wanted_from_list

    if args.all:
        return None, FileModules()
    if args.symbols_from:
        try:
            wanted = wanted_from_list(Path(args.symbols_from))
        except (OSError, UnicodeDecodeError) as err:
            raise _InputError(f"{args.symbols_from}: cannot read: {getattr(err, 'strerror', None) or err}") from None
        tree = _tree(args, say) if args.srctree or os.environ.get("KSRC") else None
        files = sorted({w.file for w in wanted if w.file})
        return wanted, read_kbuild(tree, files) if tree else FileModules()
    tree, entry = _subsystem_tree(args, say, args.subsystem or DEFAULT_SUBSYSTEM)
    try:
        return subsystem_wanted(tree, entry, jobs=args.jobs)
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


def _subsystem_tree(args, say, name: str):
    """The tree holding MAINTAINERS entry ``name``'s files and the Makefiles
    of their directories (file -> module map), and the entry."""
    from ...maintainers import find_entry, need_for_entry, read_maintainers, subsystem_tree
    from ...sources import SourcesError, kernel_tree

    try:
        if args.srctree:
            tree = Path(args.srctree)
            return tree, find_entry(read_maintainers(tree), name)
        tree, entry = subsystem_tree(name, progress=say)
        dirs = sorted({p.rsplit("/", 1)[0] + "/Makefile" for p in need_for_entry(entry)
                       if p.endswith(("/", ".c*")) and "include/" not in p})
        return kernel_tree(need=["MAINTAINERS", *need_for_entry(entry), *dirs], progress=say), entry
    except (SourcesError, LookupError, ValueError) as err:
        raise _InputError(str(err)) from None
