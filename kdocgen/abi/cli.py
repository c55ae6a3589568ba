"""``kdocgen abi ...``: produce ABI data files (see :mod:`kdocgen.abi.store`)."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``kdocgen abi`` and its subcommands."""
    abi = sub.add_parser("abi", help="ABI status data: import DepSurf pages, scan kernel builds")
    abisub = abi.add_subparsers(dest="abi_command", required=True)
    _add_import_depsurf(abisub)
    _add_scan(abisub)


def _add_import_depsurf(abisub: argparse._SubParsersAction) -> None:
    cmd = abisub.add_parser("import-depsurf", help="read DepSurf pages into an ABI data file")
    cmd.add_argument("paths", nargs="+", metavar="DIR_OR_FILE", help="DepSurf page files or folders of pages")
    cmd.add_argument("-o", "--output", required=True, metavar="FILE.json[.gz]", help="ABI data file to write")
    cmd.set_defaults(func=cmd_import_depsurf)


def cmd_import_depsurf(args: argparse.Namespace) -> int:
    """Import DepSurf pages; exit 1 when some page failed (then the output is
    written only if it loses nothing it had)."""
    import sys
    from pathlib import Path

    from .depsurf import read_depsurf
    from .store import write_result

    def say(message: str) -> None:
        print(f"kdocgen abi import-depsurf: {message}", file=sys.stderr)

    data, errors = read_depsurf([Path(p) for p in args.paths], progress=say)
    for error in errors:
        print(error, file=sys.stderr)
    try:
        refused = write_result(data, Path(args.output), len(errors))
    except OSError as err:
        say(f"cannot write {args.output}: {err.strerror or err}")
        return 1
    kinds: dict[str, int] = {}
    for symbol in data.symbols:
        kinds[symbol.kind] = kinds.get(symbol.kind, 0) + 1
    counts = ", ".join(f"{n} {kind}s" for kind, n in sorted(kinds.items())) or "no symbols"
    failed = f"; {len(errors)} page(s) failed" if errors else ""
    if refused:
        say(f"{counts} read{failed}; nothing written: {refused}")
        return 1
    say(f"{counts} over {len(data.builds)} builds written to {args.output}{failed}")
    return 1 if errors else 0


def _add_scan(abisub: argparse._SubParsersAction) -> None:
    from .scan.command import add_arguments, run

    cmd = abisub.add_parser("scan", help="compute ABI status from kernel builds (Debian packages, build dirs)")
    add_arguments(cmd)
    cmd.set_defaults(func=run)
