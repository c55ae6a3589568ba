"""``kdocgen abi ...``: produce ABI data files (see :mod:`kdocgen.abi.store`)."""

from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``kdocgen abi`` and its subcommands."""
    abi = sub.add_parser("abi", help="ABI status data: import DepSurf pages, scan kernel builds")
    abisub = abi.add_subparsers(dest="abi_command", required=True)
    _ = abisub  # subcommands: import-depsurf (depsurf.py), scan (scan/)
