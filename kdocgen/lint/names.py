"""Where referenced names are defined: the reference scope of the lint.

A comment's ``&struct foo`` or ``func()`` is fine when ``foo``/``func`` is
defined in the linted files or in the scope (by default the kernel's
``include/`` and the headers beside the linted files).  Only the names that
are wanted are looked for, file by file, and the search stops once all are
found: a file is scanned for a name's definition only when it mentions it.
"""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

LOCAL = "local:"  # scope entry: the headers of one directory, not below

_IDENT = re.compile(rb"[A-Za-z_]\w*")


def definition_pattern(name: bytes) -> re.Pattern[bytes]:
    """A pattern that, matched at the start of a line mentioning ``name``,
    tells whether the line defines it: a macro, a struct/union/enum body, a
    typedef (also of a function pointer), the end of a typedef'd body, or a
    function prototype or definition (also one whose return type is on the
    line above)."""
    n = re.escape(name)
    return re.compile(
        rb"[ \t]*#[ \t]*define[ \t]+" + n + rb"\b"
        rb"|[^\n]*?\b(?:struct|union|enum)\s+" + n + rb"\s*\{"
        rb"|typedef\b[^;\n]*?(?:\b" + n + rb"\s*(?:\[[^\]]*\])?\s*;|\(\s*\*\s*" + n + rb"\s*\))"
        rb"|\}[ \t]*" + n + rb"\s*(?:\[[^\]]*\])?\s*;"
        rb"|(?:[A-Za-z_][\w \t*]*?\b)?" + n + rb"\s*\(")


def definition_lines(data: bytes) -> bytes:
    """The lines of ``data`` that can start a definition: those beginning in
    column 0 with a name, ``#``, ``{`` or ``}`` (bodies are indented and
    comment lines start with ``/`` or `` *``); a seventh of a typical file."""
    return b"\n".join([line for line in data.split(b"\n") if line[:1] and line[0] in _DEFINITION_START])


_DEFINITION_START = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_#{}")


def defines(lines: bytes, name: bytes, pattern: re.Pattern[bytes]) -> bool:
    """Whether some line of ``lines`` (:func:`definition_lines`) where
    ``name`` occurs as a word defines it (``pattern`` is
    :func:`definition_pattern` of ``name``)."""
    pos = lines.find(name)
    size = len(name)
    while pos >= 0:
        before = lines[pos - 1:pos]
        after = lines[pos + size:pos + size + 1]
        if not (before.isalnum() or before == b"_") and not (after.isalnum() or after == b"_"):
            if pattern.match(lines, lines.rfind(b"\n", 0, pos) + 1):
                return True
        pos = lines.find(name, pos + size)
    return False


def defined_names(paths: list[str], wanted: set[str]) -> set[str]:
    """Which of the ``wanted`` names some file of ``paths`` defines (files
    read in order; unreadable ones are skipped)."""
    pending = {name.encode("ascii", "replace") for name in wanted}
    patterns: dict[bytes, re.Pattern[bytes]] = {}
    found: set[str] = set()
    for path in paths:
        if not pending:
            break
        try:
            with open(path, "rb") as handle:
                lines = definition_lines(handle.read())
        except OSError:
            continue
        if len(pending) <= 16:
            mentioned = {name for name in pending if name in lines}
        else:
            mentioned = pending.intersection(_IDENT.findall(lines))
        for name in mentioned:
            pattern = patterns.get(name) or patterns.setdefault(name, definition_pattern(name))
            if defines(lines, name, pattern):
                pending.discard(name)
                found.add(name.decode("ascii", "replace"))
    return found


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


def names_in_scope(tree: Path, patterns: list[str], linted: list[str], wanted: set[str],
                   linted_root: Path | None = None) -> set[str]:
    """Which of the ``wanted`` names are defined in the ``linted`` files (below
    ``linted_root``, default ``tree``) or the files of ``tree`` matching
    ``patterns``.  Headers of include/ are read first, then the other
    headers, then .c files: most names are found early, so the many
    mentions of common names in .c files cost nothing."""
    scope = scope_files(tree, patterns, set(linted)) if patterns else []
    roots = {rel: str(linted_root or tree) for rel in linted}
    paths = {rel: roots.get(rel, str(tree)) for rel in set(linted) | set(scope)}
    return defined_names([os.path.join(paths[rel], rel) for rel in sorted(paths, key=_search_order)], wanted)


def _search_order(rel: str) -> tuple[int, str]:
    return (0 if rel.startswith("include/") else 1 if rel.endswith(".h") else 2, rel)


def default_scope(files: list[str]) -> list[str]:
    """Where references are looked up by default: the kernel's include/ (all
    of it) and the headers in the linted files' own directories (``DIR/*.h``
    read as that directory only).  ``references`` in the settings widens it,
    e.g. ``["*.h"]`` for every header of the tree."""
    dirs = sorted({f.rsplit("/", 1)[0] for f in files if "/" in f})
    return ["include/*.h"] + [f"{LOCAL}{d}" for d in dirs if not d.startswith("include/")]
