"""Run the lint over files: per-file checks in worker processes, then the
cross-file check of references against the names known in a scope."""

from __future__ import annotations

import fnmatch
import os
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterable

from ..extract import extract_file
from .checks import FileResult, check_file
from .finding import Finding
from .rules import rule

# Names a C file defines, found cheaply by text (for files outside the lint).
_DEFINES = re.compile(
    rb"^\s*#\s*define\s+(\w+)"
    rb"|\b(?:struct|union|enum)\s+(\w+)\s*\{"
    rb"|^typedef\b[^;]*?\b(\w+)\s*(?:\[[^\]]*\])?\s*;"
    rb"|^[A-Za-z_][\w \t*]*?\b(\w+)\s*\([^;{]*\)\s*(?:\{|;|$)",
    re.M)
_IDENT = re.compile(rb"[A-Za-z_]\w*")
_BUILTINS = frozenset({"sizeof", "typeof", "offsetof", "container_of", "ARRAY_SIZE", "NULL",
                       "defined", "likely", "unlikely", "__builtin_expect"})


def expand_paths(tree: Path, paths: Iterable[str]) -> list[str]:
    """FILEs and DIRectories (relative to ``tree`` or absolute) as sorted
    relative .c/.h paths; a missing path raises FileNotFoundError."""
    found: set[str] = set()
    root = tree.resolve()
    for name in paths:
        path = Path(name)
        full = path if path.is_absolute() else tree / path
        if not full.exists():
            raise FileNotFoundError(name)
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


def _check_one(args: tuple[str, str, bool]) -> FileResult:
    tree, relpath, full = args
    source = extract_file(tree, relpath, documented=not full)
    try:
        data = (Path(tree) / relpath).read_bytes()
    except OSError:
        data = b""
    result = check_file(source, data.decode("utf-8", "replace"))
    if not full:  # only documented declarations were parsed: names by text
        names = {next(g for g in m.groups() if g).decode("ascii", "replace") for m in _DEFINES.finditer(data)}
        result.defined = sorted(names | set(result.defined))
    return result


def check_files(tree: Path, files: list[str], jobs: int = 1, full: bool = False) -> list[FileResult]:
    """Per-file results, in file order (in ``jobs`` processes when above 1);
    ``full`` parses whole files instead of the documented declarations."""
    items = [(str(tree), f, full) for f in files]
    if jobs <= 1 or len(items) < 8:
        return [_check_one(item) for item in items]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_check_one, items, chunksize=max(1, min(32, len(items) // (jobs * 8)))))


def scope_files(tree: Path, patterns: list[str], skip: set[str]) -> list[str]:
    """Relative paths of the files matching ``patterns`` (fnmatch globs, ``*``
    crossing ``/``), each directory walked once."""
    prefixes, globs, local = [], [], []
    for pattern in patterns:
        if pattern.startswith(LOCAL):
            local.append(pattern[len(LOCAL):])
            continue
        simple = re.fullmatch(r"([\w./+-]*?)/?\*\.h", pattern)
        (prefixes.append(simple.group(1)) if simple else globs.append(pattern))
    chosen: list[str] = []
    for prefix in sorted(set(prefixes)):
        if not any(prefix == c or prefix.startswith(c + "/") or c == "" for c in chosen):
            chosen.append(prefix)
    root = str(tree)
    found: set[str] = set()
    for prefix in chosen:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, prefix) if prefix else root):
            dirnames.sort()
            rel_dir = dirpath[len(root):].lstrip(os.sep).replace(os.sep, "/")
            found.update(f"{rel_dir}/{name}" if rel_dir else name for name in filenames if name.endswith(".h"))
    for directory in local:
        try:
            names = os.listdir(os.path.join(root, directory))
        except OSError:
            continue
        found.update(f"{directory}/{name}" for name in names if name.endswith(".h"))
    for pattern in globs:
        base = os.path.join(root, pattern.split("*", 1)[0].rsplit("/", 1)[0]) if "/" in pattern else root
        for dirpath, dirnames, filenames in os.walk(base):
            rel_dir = dirpath[len(root):].lstrip(os.sep).replace(os.sep, "/")
            for name in filenames:
                rel = f"{rel_dir}/{name}" if rel_dir else name
                if fnmatch.fnmatch(rel, pattern):
                    found.add(rel)
    return sorted(found - skip)


def names_in_scope(tree: Path, patterns: list[str], skip: set[str], wanted: set[str]) -> set[str]:
    """Which of the ``wanted`` names are defined in the files matching
    ``patterns``.  Only files that mention a wanted name are scanned for
    definitions; the scan stops when all are found."""
    pending = {name.encode() for name in wanted}
    found: set[str] = set()
    for rel in scope_files(tree, patterns, skip):
        if not pending:
            break
        try:
            with open(os.path.join(str(tree), rel), "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        if len(pending) <= 16:
            if not any(name in data for name in pending):
                continue
        elif pending.isdisjoint(_IDENT.findall(data)):
            continue
        for match in _DEFINES.finditer(data):
            name = next(g for g in match.groups() if g)
            if name in pending:
                pending.discard(name)
                found.add(name.decode("ascii", "replace"))
    return found


def default_scope(files: list[str]) -> list[str]:
    """Where references are looked up by default: the kernel's include/ (all
    of it) and the headers in the linted files' own directories (``DIR/*.h``
    read as that directory only).  ``references`` in the settings widens it,
    e.g. ``["*.h"]`` for every header of the tree."""
    dirs = sorted({f.rsplit("/", 1)[0] for f in files if "/" in f})
    return ["include/*.h"] + [f"{LOCAL}{d}" for d in dirs if not d.startswith("include/")]


LOCAL = "local:"  # scope entry: the headers of one directory, not below


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


def lint(tree: Path, files: list[str], jobs: int = 1, reference_scope: list[str] | None = None) -> list[Finding]:
    """Every finding for ``files``, sorted."""
    results = check_files(tree, files, jobs)
    findings = [f for result in results for f in result.findings]
    scope = reference_scope if reference_scope is not None else default_scope(files)
    local = {name for result in results for name in result.defined}
    wanted = {ref.name for result in results for ref in result.references} - local - _BUILTINS
    known = names_in_scope(tree, scope, set(files), wanted) if scope and wanted else set()
    findings += reference_findings(results, known)
    return sorted(findings, key=Finding.sort_key)

