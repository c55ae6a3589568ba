"""``kdocgen kernel-doc``: run like the kernel's own kernel-doc.

Same flags (of the dialect of the tree the files are in, or of
``--kernel-version``), same stdout bytes, same warnings on stderr and the
same exit status.  ``-man`` is written by :mod:`kdocgen.dropin.man` when
that module is present.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..extract import dialect_of
from ..kerneldoc.dialect import Dialect, dialect_for
from .flags import INCLUDE, Options, UsageError, kernel_version_flag, parse_perl, parse_python
from .highlight import PERL_RULES
from .readings import Reading, Readings, read_file, read_text
from .rst import RstStyle, RstWriter
from .rst7 import PythonRstWriter, python_rules
from .select import Selection, exported_symbols
from .warnings import warnings_of


@dataclass
class Result:
    """What a run printed and how it ends."""

    stdout: str = ""
    stderr: list[str] = field(default_factory=list)
    status: int = 0
    warnings: int = 0
    errors: int = 0


def find_tree(files: list[str]) -> str | None:
    """The kernel tree the files are in: ``$srctree``, else the first
    directory up from a file (or the working directory) holding a
    kernel-doc, else None."""
    starts = [Path(f).resolve().parent for f in files[:1]] + [Path.cwd()]
    for start in starts:
        for folder in (start, *start.parents):
            if (folder / "scripts" / "kernel-doc").exists() or (folder / "tools" / "docs" / "kernel-doc").exists():
                return str(folder)
    tree = os.environ.get("srctree")
    return tree if tree and os.path.isdir(tree) else None


def choose_dialect(argv: list[str]) -> Dialect:
    version = kernel_version_flag(argv)
    if version:
        return dialect_for(version)
    return dialect_of(find_tree([a for a in argv if not a.startswith("-") and os.path.isfile(a)]))


def run(options: Options, dialect: Dialect, readings: Readings | None = None) -> Result:
    """Process the files of ``options``; everything printed is returned.
    Files are read through ``readings`` when given (kept for later runs)."""
    result = Result()
    exported: set[str] = set()
    if options.selection in ("exported", "internal"):
        texts = []
        for path in [*options.export_files, *options.files]:
            text = read_text(path)
            if text is None:
                result.stderr.append(f"Error: Cannot open file {path}\n")
                result.errors += 1
            else:
                texts.append(text)
        exported = exported_symbols(texts, set(options.nosymbols), dialect.python)
    selection = Selection(options, exported)
    sphinx = options.sphinx_version
    if sphinx is None and options.mode == "rst" and not dialect.python:
        sphinx = installed_sphinx(result.stderr)
    style = RstStyle(lineno=options.lineno, sphinx_major=_sphinx_major(sphinx),
                     **({"rules": python_rules(PERL_RULES)} if dialect.python else {}),
                     content_only=options.selection == INCLUDE)
    out: list[str] = []
    desc_lines: dict[str, int] = {}
    for path in options.files:
        reading = readings.read(path, dialect) if readings is not None else read_file(path, dialect)
        if reading is None:
            result.stderr.append(f"Error: Cannot open file {path}\n")
            result.errors += 1
            continue
        again = readings is not None and readings.read_before(path, dialect)
        _one_file(path, reading, options, dialect, selection, style, out, result, desc_lines, again)
    result.status = _status(options, result, dialect, out)
    result.stdout = "".join(out)
    return result


def installed_sphinx(stderr: list[str]) -> str | None:
    """The version of the ``sphinx-build`` on ``PATH``, as the Perl
    kernel-doc finds it when no ``-sphinx-version`` is given; without one,
    a warning and version 1.2.0."""
    if not (shutil.which("sphinx-build") or shutil.which("sphinx-build3")):
        stderr.append("Warning: Sphinx version not found. Using default (Sphinx version 1.2.0)\n")
        return "1.2.0"
    try:
        run = subprocess.run(["sphinx-build", "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return "0"
    for line in (run.stdout + run.stderr).splitlines():
        words = line.split()
        if len(words) == 2 and words[0] == "sphinx-build" and words[1][:1].isdigit():
            return words[1]
    return "0"  # not understood: kernel-doc writes for Sphinx before 3


def _sphinx_major(version: str | None) -> int:
    if not version:
        return 3
    digits = ""
    for char in version:
        if not char.isdigit():
            break
        digits += char
    return int(digits or 3)


def _one_file(path: str, reading: Reading, options: Options, dialect: Dialect, selection: Selection,
              style: RstStyle, out: list[str], result: Result, desc_lines: dict[str, int],
              again: bool = False) -> None:
    """Process one file; ``desc_lines`` are the lines of the parameter
    descriptions read so far in the run (kernel-doc never forgets one: a
    parameter without a description gets the line of the last description
    of a parameter of that name).  With ``again`` (the file was read by an
    earlier run of this process, as the 7.x extension reads each file once)
    only the warnings about the items output are shown."""
    text, lines, model, entries = reading.text, reading.lines, reading.model, reading.entries
    writer = PythonRstWriter(style) if dialect.python else RstWriter(style)
    if isinstance(writer, PythonRstWriter):
        writer.nosymbols = frozenset(options.nosymbols)
    written = 0
    repeated: set[int] = set()
    for index, (entry, item) in enumerate(zip(entries, reading.items(dialect.python))):
        desc_lines.update({name: doc.line for name, doc in entry.doc.params.items()})
        if item is not None:
            item.desc_lines = dict(desc_lines)
            entry.param_names = [p.name for p in item.params]
            entry.return_type = item.return_type if item.kind == "function" else ""
        if entry.doc.kind == "function" and options.lineno and entry.end_line and not dialect.python:
            writer.lineno(entry.first_line)
        if item is None:
            continue
        if item.kind == "doc":
            if not selection.doc_block(item.name):
                continue
        elif not selection.declaration(item.name, "function" if item.kind == "function" else item.kind):
            continue
        written += 1
        if options.selection not in ("include", "exported"):
            repeated.add(index)
        if options.mode == "rst":
            writer.write(item)
    shown = warnings_of(model, options, selection, dialect, entries, lines,
                        repeated if dialect.python else None)
    if again:
        result.stderr.extend(shown.again)
        result.warnings += len(shown.again)
    else:
        result.stderr.extend(shown.lines + shown.again)
        result.warnings += shown.count + len(shown.again)
        result.errors += shown.errors
    if options.mode == "man":
        man = _man_writer()
        if man is not None:
            out.append(_man_pages(man, path, text, model, options, dialect, selection))
    elif options.mode == "rst":
        text = writer.text()
        out.append(text + "\n" if dialect.python and text else text)
    elif options.lineno:
        out.append("".join(line for line in writer.out if line.startswith(".. LINENO")))
    if not written and options.mode != "none" and not dialect.python:
        if options.selection == INCLUDE:
            for name in options.symbols:
                result.stderr.append(f"{path}:1: warning: '{name}' not found\n")
                result.warnings += 1
        else:
            result.stderr.append(f"{path}:1: warning: no structured comments found\n")
            result.warnings += 1


def _status(options: Options, result: Result, dialect: Dialect, out: list[str]) -> int:
    """The exit status; the Perl tool counts warnings with -Werror (else
    errors, 0 with -none), the Python one says so on stdout and exits 3."""
    count = result.warnings + result.errors
    if dialect.python:
        if count and options.werror:
            out.append(f"{count} warnings as errors\n")
            return 3
        if count and options.verbose:
            out.append(f"{count} errors\n")
        return 0
    if options.werror and result.warnings:
        result.stderr.append(f"{result.warnings} warnings as Errors\n")
        return result.warnings & 0xFF
    return 0 if options.mode == "none" else result.errors & 0xFF


def _man_writer():
    """kdocgen.dropin.man (written separately), None when not installed."""
    try:
        return importlib.import_module("kdocgen.dropin.man")
    except ImportError:
        return None


def _man_pages(man, path: str, text: str, model, options: Options, dialect: Dialect,
               selection: Selection) -> str:
    """The ``-man`` output of one file, by :func:`kdocgen.dropin.man.write_man`."""
    chosen = [s for s in model.documented
              if (selection.doc_block(s.name) if s.kind == "doc"
                  else selection.declaration(s.name, "function" if s.kind in ("function", "macro") else s.kind))]
    date = man.man_date_from(os.environ.get("KBUILD_BUILD_TIMESTAMP"), dialect)
    modulename = options.modulename if options.modulename != "Kernel API" else None
    return man.write_man(model, chosen, dialect, man.ManOptions(path, date, modulename, text=text))


def main(argv: list[str] | None = None, readings: Readings | None = None) -> int:
    """Console entry point (``kdocgen-kernel-doc``); ``readings``: files
    already read by earlier runs in this process."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        dialect = choose_dialect(argv)
        options = parse_python(argv) if dialect.python else parse_perl(_without_version(argv))
    except UsageError as err:
        stream = sys.stdout if err.status == 0 else sys.stderr
        stream.write(str(err))
        return err.status
    except ValueError as err:
        sys.stderr.write(f"kdocgen kernel-doc: {err}\n")
        return 1
    if options.mode == "man" and _man_writer() is None:
        sys.stderr.write("kdocgen kernel-doc: -man output is not available in this version\n")
        return 1
    result = run(options, dialect, readings)
    sys.stdout.write(result.stdout)
    sys.stdout.flush()
    sys.stderr.write("".join(result.stderr))
    return result.status


def _without_version(argv: list[str]) -> list[str]:
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg.lstrip("-") == "kernel-version":
            skip = True
        elif not arg.startswith("--kernel-version="):
            out.append(arg)
    return out


if __name__ == "__main__":
    sys.exit(main())
