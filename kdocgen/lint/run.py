"""Run the lint over files: per-file checks in worker processes, then the
cross-file check of references against the names known in a scope."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterable

from ..extract import read_and_extract
from ..kerneldoc.dialect import DEFAULT, Dialect
from ..userabi.parse import is_abi_file
from .checks import FileResult, check_file
from .finding import Finding
from .names import default_scope, names_in_scope
from .rules import rule
from .userabi import abi_findings

_BUILTINS = frozenset({"sizeof", "typeof", "offsetof", "container_of", "ARRAY_SIZE", "NULL",
                       "defined", "likely", "unlikely", "__builtin_expect"})


def expand_paths(tree: Path, paths: Iterable[str]) -> list[str]:
    """FILEs and DIRectories (relative to ``tree`` or absolute) as sorted
    relative .c/.h paths; a path that cannot be looked at (missing, a
    symlink loop) raises OSError naming it as given."""
    found: set[str] = set()
    root = tree.resolve()
    for name in paths:
        path = Path(name)
        full = path if path.is_absolute() else tree / path
        try:
            full.stat()
        except OSError as err:
            raise type(err)(err.errno, err.strerror, name) from None
        if full.is_dir():
            for dirpath, dirnames, filenames in os.walk(full):
                dirnames.sort()
                for filename in filenames:
                    if filename.endswith((".c", ".h")):
                        found.add(_relative(Path(dirpath) / filename, root))
        else:
            found.add(_relative(full, root))
    return sorted(found)


def _relative(path: Path, root: Path) -> str:
    rel = os.path.relpath(os.path.abspath(path), root)
    return path.as_posix() if rel.startswith("..") else rel.replace(os.sep, "/")


def _check_one(args: tuple[str, str, bool, Dialect]) -> FileResult:
    tree, relpath, full, dialect = args
    source, data = read_and_extract(tree, relpath, documented=not full, dialect=dialect)
    return check_file(source, data.decode("utf-8", "replace"))


def check_files(tree: Path, files: list[str], jobs: int = 1, full: bool = False,
                dialect: Dialect = DEFAULT) -> list[FileResult]:
    """Per-file results, in file order (in ``jobs`` processes when above 1);
    ``full`` parses whole files instead of the documented declarations."""
    items = [(str(tree), f, full, dialect) for f in files]
    if jobs <= 1 or len(items) < 8:
        return [_check_one(item) for item in items]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_check_one, items, chunksize=max(1, min(32, len(items) // (jobs * 8)))))


def reference_findings(results: list[FileResult], known: set[str]) -> list[Finding]:
    """Findings for references to names neither linted nor in scope."""
    defined = set(known)
    for result in results:
        defined.update(result.defined)
    found = []
    for result in results:
        for ref in result.references:
            if ref.name in defined or ref.name in _BUILTINS:
                continue
            found.append(Finding("unknown-reference", rule("unknown-reference").severity, result.path,
                                 ref.line, ref.column,
                                 f"'{ref.name}' in the comment of '{ref.symbol}' is not defined in the "
                                 "files checked or the reference scope", ref.symbol, ""))
    return found


def lint(tree: Path, files: list[str], jobs: int = 1, reference_scope: list[str] | None = None,
         dialect: Dialect = DEFAULT) -> list[Finding]:
    """Every finding for ``files`` (read with ``dialect``'s kernel-doc rules),
    sorted (``Documentation/ABI`` files among them are checked against the C
    files' attributes)."""
    return lint_results(tree, files, jobs, reference_scope, dialect=dialect)[0]


def lint_results(tree: Path, files: list[str], jobs: int = 1, reference_scope: list[str] | None = None,
                 scope_tree: Path | None = None, dialect: Dialect = DEFAULT) -> tuple[list[Finding], list[FileResult]]:
    """:func:`lint`, also returning the per-file results.  ``scope_tree``
    (default ``tree``) is where the reference scope is looked up, for a
    ``tree`` that holds only the linted files (one version of a change)."""
    abi_files = [f for f in files if is_abi_file(f)]
    files = [f for f in files if not is_abi_file(f)]
    results = check_files(tree, files, jobs, dialect=dialect)
    findings = [f for result in results for f in result.findings]
    scope = reference_scope if reference_scope is not None else default_scope(files)
    wanted = {ref.name for result in results for ref in result.references} - _BUILTINS
    wanted -= {name for result in results for name in result.defined}
    # only the documented declarations of the linted files were parsed: the rest is found by text
    known = names_in_scope(scope_tree or tree, scope, files, wanted, linted_root=tree) if wanted else set()
    findings += reference_findings(results, known)
    findings += abi_findings(tree, files, abi_files) if abi_files else []
    return sorted(findings, key=Finding.sort_key), results
