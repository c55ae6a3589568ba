"""The command line of kernel-doc, per dialect.

The Perl kernel-doc (6.x) reads ``-flag`` or ``--flag`` options up to the
first file; the Python one (7.x) takes the same single-dash spellings plus
short and long forms (``-s``/``--symbol`` for ``-function``, ``-n`` for
``-nosymbol``, ``-D``, ``-N``, ``-m``, ``-r``, ...), anywhere on the line.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from typing import NoReturn

ALL, INCLUDE, EXPORTED, INTERNAL = "all", "include", "exported", "internal"


class UsageError(Exception):
    """A bad command line: the message for stderr and the exit status."""

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status


@dataclass
class Options:
    """What the command line asks for."""

    mode: str = "rst"  # rst, man, none
    selection: str = ALL
    symbols: list[str] = field(default_factory=list)  # -function NAME
    nosymbols: list[str] = field(default_factory=list)
    export_files: list[str] = field(default_factory=list)
    no_doc_sections: bool = False
    lineno: bool = False
    sphinx_version: str | None = None
    modulename: str = "Kernel API"
    verbose: bool = False
    werror: bool = False
    wreturn: bool = False
    wshort_desc: bool = False
    wcontents: bool = False
    kernel_version: str | None = None  # kdocgen's own: the dialect to use
    files: list[str] = field(default_factory=list)


PERL_USAGE = """Usage:
    kernel-doc [-h] [-v] [-Werror] [-Wall] [-Wreturn] [-Wshort-desc[ription]]
      [-Wcontents-before-sections]
      [ -man |
        -rst [-sphinx-version VERSION] [-enable-lineno] |
        -none
      ]
      [
        -export |
        -internal |
        [-function NAME] ... |
        [-nosymbol NAME] ...
      ]
      [-no-doc-sections]
      [-export-file FILE] ...
      FILE ...

"""

_PERL_VALUED = {"module", "modulename", "function", "nosymbol", "export-file", "sphinx-version",
                "kernel-version"}


def _environment(options: Options) -> None:
    """The settings kernel-doc also takes from the environment."""
    if os.environ.get("KBUILD_VERBOSE", "").find("1") >= 0:
        options.verbose = True
    if "-Werror" in os.environ.get("KCFLAGS", "").split():
        options.werror = True
    werror = os.environ.get("KDOC_WERROR")
    if werror is not None:
        options.werror = werror not in ("", "0")


def parse_perl(argv: list[str]) -> Options:
    """The 6.x command line (raises :class:`UsageError`)."""
    options = Options()
    _environment(options)
    args = list(argv)
    if not args:
        raise UsageError("No arguments!\n" + PERL_USAGE)
    while args and args[0].startswith("-") and len(args[0]) > 1:
        flag = args.pop(0).lstrip("-") if not args[0].startswith("---") else args.pop(0)[2:]
        value = None
        if flag in _PERL_VALUED:
            if not args:
                raise UsageError("FILE argument missing\n" + PERL_USAGE)
            value = args.pop(0)
        _perl_flag(options, flag, value)
        if not args:
            raise UsageError("FILE argument missing\n" + PERL_USAGE)
    options.files = args
    return options


def _perl_flag(options: Options, flag: str, value: str | None) -> None:
    if flag in ("man", "rst", "none"):
        options.mode = flag
    elif flag in ("module", "modulename"):
        options.modulename = value or ""
    elif flag == "function":
        options.selection = INCLUDE
        options.symbols.append(value or "")
    elif flag == "nosymbol":
        options.nosymbols.append(value or "")
    elif flag in ("export", "internal"):
        options.selection = EXPORTED if flag == "export" else INTERNAL
        options.symbols = []
    elif flag == "export-file":
        options.export_files.append(value or "")
    elif flag == "kernel-version":
        options.kernel_version = value
    elif flag == "sphinx-version":
        if not (value and value[0].isdigit()):
            raise UsageError("Sphinx version should either major.minor or major.minor.patch format\n", 255)
        options.sphinx_version = value
    elif not _perl_switch(options, flag):
        raise UsageError("Argument unknown!\n" + PERL_USAGE)


def _perl_switch(options: Options, flag: str) -> bool:
    """Flags without a value; False when ``flag`` is none of them."""
    if flag == "v":
        options.verbose = True
    elif flag == "Werror":
        options.werror = True
    elif flag == "Wreturn":
        options.wreturn = True
    elif flag in ("Wshort-desc", "Wshort-description"):
        options.wshort_desc = True
    elif flag == "Wcontents-before-sections":
        options.wcontents = True
    elif flag == "Wall":
        options.wreturn = options.wshort_desc = options.wcontents = True
    elif flag in ("h", "help"):
        raise UsageError(PERL_USAGE, 0)
    elif flag == "no-doc-sections":
        options.no_doc_sections = True
    elif flag == "enable-lineno":
        options.lineno = True
    elif flag != "show-not-found":
        return False
    return True


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.format_usage()}{self.prog}: error: {message}\n", 2)


def python_parser() -> argparse.ArgumentParser:
    """The 7.x command line."""
    parser = _Parser(prog="kernel-doc", add_help=True)
    add = parser.add_argument
    add("-v", "-verbose", "--verbose", action="store_true")
    add("-d", "-debug", "--debug", action="store_true")
    add("-M", "-modulename", "--modulename", default="Kernel API")
    add("-l", "-enable-lineno", "--enable_lineno", action="store_true")
    add("-Wreturn", "--wreturn", action="store_true")
    add("-Wshort-desc", "-Wshort-description", "--wshort-desc", action="store_true")
    add("-Wcontents-before-sections", "--wcontents-before-sections", action="store_true")
    add("-Wall", "--wall", action="store_true")
    add("-Werror", "--werror", action="store_true")
    add("-export-file", "--export-file", action="append", default=[])
    add("-m", "-man", "--man", action="store_true")
    add("-r", "-rst", "--rst", action="store_true")
    add("-N", "-none", "--none", action="store_true")
    add("-y", "--yaml-file", "--yaml")
    add("-k", "--kdoc-item", "--kdoc", action="store_true")
    add("-sphinx-version", "--sphinx-version")
    add("--kernel-version", "-kernel-version")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-e", "-export", "--export", action="store_true")
    group.add_argument("-i", "-internal", "--internal", action="store_true")
    group.add_argument("-s", "-function", "--symbol", action="append", default=[])
    add("-n", "-nosymbol", "--nosymbol", action="append", default=[])
    add("-D", "-no-doc-sections", "--no-doc-sections", action="store_true")
    add("files", metavar="FILE", nargs="+")
    return parser


def parse_python(argv: list[str]) -> Options:
    """The 7.x command line (raises :class:`UsageError`)."""
    ns = python_parser().parse_args(argv)
    if sum((ns.man, ns.none, ns.rst)) > 1:
        raise UsageError("Those arguments are muttually exclusive: --man, --rst, --none, "
                         "except when generating a YAML file.\n", 2)
    options = Options(mode="man" if ns.man else "none" if ns.none else "rst",
                      symbols=list(ns.symbol), nosymbols=list(ns.nosymbol),
                      export_files=list(ns.export_file), no_doc_sections=ns.no_doc_sections,
                      lineno=ns.enable_lineno, sphinx_version=ns.sphinx_version,
                      modulename=ns.modulename, verbose=ns.verbose, werror=ns.werror,
                      wreturn=ns.wreturn or ns.wall, wshort_desc=ns.wshort_desc or ns.wall,
                      wcontents=ns.wcontents_before_sections or ns.wall,
                      kernel_version=ns.kernel_version, files=list(ns.files))
    options.selection = EXPORTED if ns.export else INTERNAL if ns.internal else INCLUDE if ns.symbol else ALL
    return options


def kernel_version_flag(argv: list[str]) -> str | None:
    """The value of kdocgen's own ``--kernel-version`` flag, if given."""
    for index, arg in enumerate(argv):
        if arg.lstrip("-") == "kernel-version" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--kernel-version="):
            return arg.split("=", 1)[1]
    return None
