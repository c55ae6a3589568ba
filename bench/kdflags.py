"""The kernel-doc command lines of a tree: the fixed flag sets of the drop-in
bench and the one the kernel's Sphinx extension would run for every
``.. kernel-doc::`` directive under ``Documentation/``.

The directive-to-flags mapping follows the behaviour of the tree's
``Documentation/sphinx/kerneldoc.py`` (written here from its documented
behaviour, not copied): ``:export:`` > ``:internal:`` > ``:doc:`` >
``:identifiers:`` (``:functions:`` is its alias) decide the selection;
``:no-identifiers:`` adds ``-nosymbol``; the export patterns are globbed in
the tree and given as ``-export-file``.  The 7.x extension also drops a
trailing backslash from every word and skips the words left empty.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from pathlib import Path

SPHINX_VERSION = "3.4.3"
DIRECTIVE = "kernel-doc::"
OPTIONS = ("doc", "export", "internal", "identifiers", "no-identifiers", "functions")


@dataclass
class Directive:
    """One ``.. kernel-doc::`` directive: where it is, its file and options."""
    page: str
    line: int
    source: str
    options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Job:
    """One kernel-doc run: flag set name, source file and argument list
    (without the program; the source file is the last argument)."""
    flagset: str
    source: str
    args: tuple[str, ...]


def fixed_flagsets(perl: bool, sphinx_version: str = SPHINX_VERSION) -> dict[str, list[str]]:
    """The fixed flag sets, by name; the Perl tool gets a Sphinx version
    with ``-rst -enable-lineno`` as the 6.x Sphinx extension gives it."""
    lineno = ["-rst", "-enable-lineno"] + (["-sphinx-version", sphinx_version] if perl else [])
    return {"rst-lineno": lineno, "rst": ["-rst"], "man": ["-man"],
            "none-wall": ["-none", "-Wall"]}


def _indent(line: str) -> int:
    """Width of a line's leading blanks."""
    return len(line) - len(line.lstrip(" \t"))


def _directive_source(line: str) -> str | None:
    """The file argument if ``line`` opens a kernel-doc directive."""
    text = line.strip()
    if not text.startswith(".."):
        return None
    rest = text[2:].lstrip()
    if rest == text[2:] or not rest.startswith(DIRECTIVE):
        return None  # ``..kernel-doc::`` is not a directive
    words = rest[len(DIRECTIVE):].split()
    return words[0] if words else None


def _option(line: str) -> tuple[str, str] | None:
    """``(name, value)`` of a ``:name: value`` option line."""
    text = line.strip()
    if not text.startswith(":"):
        return None
    end = text.find(":", 1)
    if end <= 1:
        return None
    return text[1:end], text[end + 1:].strip()


def page_directives(text: str, page: str) -> list[Directive]:
    """The kernel-doc directives of one reST page with their options (an
    option's value goes on over more-indented continuation lines)."""
    lines = text.splitlines()
    found: list[Directive] = []
    i = 0
    while i < len(lines):
        source = _directive_source(lines[i])
        if source is None:
            i += 1
            continue
        directive = Directive(page, i + 1, source)
        base = _indent(lines[i])
        i += 1
        current = None
        while i < len(lines) and lines[i].strip() and _indent(lines[i]) > base:
            option = _option(lines[i])
            if option and option[0] in OPTIONS:
                current = option[0]
                directive.options[current] = option[1]
            elif option:
                current = None  # an option kerneldoc.py does not know
            elif current is not None:
                directive.options[current] = f"{directive.options[current]} {lines[i].strip()}".strip()
            i += 1
        found.append(directive)
    return found


def tree_directives(tree: Path) -> list[Directive]:
    """Every kernel-doc directive of the ``.rst``/``.txt`` pages of the
    tree's ``Documentation/``, in page order."""
    found: list[Directive] = []
    docs = tree / "Documentation"
    for root, dirs, files in os.walk(docs):
        dirs.sort()
        for name in sorted(files):
            if name.endswith((".rst", ".txt")):
                path = Path(root, name)
                text = path.read_text(encoding="utf-8", errors="replace")
                if DIRECTIVE in text:
                    found.extend(page_directives(text, path.relative_to(docs).as_posix()))
    return found


def _words(value: str, strip_backslash: bool) -> list[str]:
    """The words of an option value, as the tree's extension splits them."""
    words = value.split()
    if strip_backslash:
        words = [w.rstrip("\\").strip() for w in words]
        words = [w for w in words if w]
    return words


def directive_args(directive: Directive, tree: Path, perl: bool,
                   sphinx_version: str = SPHINX_VERSION) -> list[str]:
    """The kernel-doc arguments the tree's Sphinx extension would use for a
    directive (paths relative to the tree, which is the working directory)."""
    opts = dict(directive.options)
    strip = not perl
    args = ["-rst", "-enable-lineno"] + (["-sphinx-version", sphinx_version] if perl else [])
    if "functions" in opts:
        opts["identifiers"] = opts["functions"]
    patterns: list[str] = []
    if "export" in opts:
        args.append("-export")
        patterns = _words(opts["export"], strip)
    elif "internal" in opts:
        args.append("-internal")
        patterns = _words(opts["internal"], strip)
    elif "doc" in opts:
        args += ["-function", opts["doc"]]
    elif "identifiers" in opts:
        names = _words(opts["identifiers"], strip)
        for name in names:
            args += ["-function", name]
        if not names:
            args.append("-no-doc-sections")
    for name in _words(opts.get("no-identifiers", ""), strip):
        args += ["-nosymbol", name]
    for pattern in patterns:
        for match in sorted(glob.glob(str(tree / pattern))):
            args += ["-export-file", os.path.relpath(match, tree)]
    return args + [directive.source]


def directive_jobs(tree: Path, perl: bool, sphinx_version: str = SPHINX_VERSION,
                   only: set[str] | None = None) -> list[Job]:
    """One job per distinct directive command line whose file exists (and
    is in ``only`` when given), in page order."""
    jobs: dict[tuple[str, ...], Job] = {}
    for directive in tree_directives(tree):
        source = os.path.normpath(directive.source)
        if not (tree / directive.source).is_file() or (only is not None and source not in only):
            continue
        args = tuple(directive_args(directive, tree, perl, sphinx_version))
        jobs.setdefault(args, Job("directive", source, args))
    return list(jobs.values())


def fixed_jobs(files: list[str], perl: bool, sphinx_version: str = SPHINX_VERSION,
               flagsets: list[str] | None = None) -> list[Job]:
    """One job per file and fixed flag set (all of them, or ``flagsets``)."""
    sets = fixed_flagsets(perl, sphinx_version)
    names = flagsets if flagsets is not None else list(sets)
    return [Job(name, path, tuple(sets[name] + [path])) for name in names for path in files]
