"""Select the files of a subsystem from the kernel's MAINTAINERS file.

The format is described in the header of MAINTAINERS itself: after the
header, each entry is a title line followed by ``X:<tab>value`` lines,
and entries are separated by blank lines.  F: and X: patterns follow
``scripts/get_maintainer.pl``:

* ``drivers/net/`` (trailing slash): everything in and below the
  directory; wildcards in such patterns may cross ``/``;
* ``drivers/net/*``: files in ``drivers/net`` only; ``*``, ``?`` and
  ``[...]`` do not cross ``/``;
* ``drivers/net`` (no wildcard, no slash): when it is a directory,
  everything in and below it;
* otherwise a pattern matches a prefix of names at the same depth, as
  ``get_maintainer.pl`` does: ``include/drm/drm`` covers
  ``include/drm/drm_atomic.h``.

X: patterns use the same rules and override F:.  N: patterns are
regular expressions searched in the file path.
"""

from __future__ import annotations

import difflib
import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from kdocgen.sources import SourcesError, kernel_tree

_FIELD = re.compile(r"([A-Z]):[ \t]*(.*?)\s*\Z")
_WILD = re.compile(r"[*?\[]")


@dataclass
class Entry:
    """One MAINTAINERS entry."""

    name: str
    files: list[str] = field(default_factory=list)      # F: patterns
    excludes: list[str] = field(default_factory=list)   # X: patterns
    fields: dict[str, list[str]] = field(default_factory=dict)  # M:, L:, S:, N: ...
    line: int = 0                                         # line of the title


# ------------------------------------------------------------------ parsing


def parse_maintainers(text: str, path: str = "MAINTAINERS") -> dict[str, Entry]:
    """Parse MAINTAINERS text into entries keyed by their title.

    Blocks before the first entry (the header) are skipped; after it,
    every block must be a title followed by field lines.
    """
    entries: dict[str, Entry] = {}
    started = False
    for start, lines in _blocks(text, _entries_start(text)):
        if not started and not _is_entry(lines):
            continue
        started = True
        entry = _parse_entry(lines, start, path)
        if entry.name in entries:
            first = entries[entry.name].line
            raise SourcesError(f"{path}:{start}: duplicate entry {entry.name!r} "
                               f"(first at line {first})")
        entries[entry.name] = entry
    return entries


def _entries_start(text: str) -> int:
    """Index of the first line after the 'Maintainers List' heading, else 0."""
    lines = text.splitlines()
    for i, line in enumerate(lines[:-1]):
        if line.strip() == "Maintainers List" and set(lines[i + 1].strip()) == {"-"}:
            return i + 2
    return 0


def _blocks(text: str, first: int) -> Iterator[tuple[int, list[str]]]:
    """Yield (1-based line number, lines) of blank-line separated blocks."""
    block: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines()[first:], first + 1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def _is_entry(lines: list[str]) -> bool:
    """Tell whether a block looks like an entry: a title, then fields."""
    return (len(lines) > 1 and not _FIELD.match(lines[0])
            and not lines[0][:1].isspace()
            and all(_FIELD.match(line) for line in lines[1:]))


def _parse_entry(lines: list[str], start: int, path: str) -> Entry:
    """Parse one entry block, raising SourcesError on a malformed line."""
    title = lines[0].strip()
    if _FIELD.match(lines[0]) or lines[0][:1].isspace():
        raise SourcesError(f"{path}:{start}: expected an entry title, "
                           f"got {lines[0].strip()!r}")
    entry = Entry(name=title, line=start)
    if len(lines) == 1:
        raise SourcesError(f"{path}:{start}: entry {title!r} has no fields")
    for number, line in enumerate(lines[1:], start + 1):
        match = _FIELD.match(line)
        if not match:
            raise SourcesError(f"{path}:{number}: expected a field line like "
                               f"'F:\\tpattern' in entry {title!r}, got {line.strip()!r}")
        key, value = match.groups()
        if key in "FX" and not value:
            raise SourcesError(f"{path}:{number}: empty {key}: pattern in entry {title!r}")
        if key == "F":
            entry.files.append(value)
        elif key == "X":
            entry.excludes.append(value)
        else:
            entry.fields.setdefault(key, []).append(value)
    return entry


def read_maintainers(tree: Path) -> dict[str, Entry]:
    """Read and parse ``tree/MAINTAINERS``."""
    path = Path(tree) / "MAINTAINERS"
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise SourcesError(f"{path}: cannot read: {exc.strerror}") from None
    return parse_maintainers(text, str(path))


def find_entry(entries: dict[str, Entry], name: str) -> Entry:
    """Return the entry called ``name`` (exact, then case-insensitive)."""
    if name in entries:
        return entries[name]
    folded = [key for key in entries if key.casefold() == name.casefold()]
    if len(folded) == 1:
        return entries[folded[0]]
    if folded:
        raise SourcesError(f"MAINTAINERS entry {name!r} is ambiguous: "
                           + ", ".join(repr(k) for k in sorted(folded)))
    close = _suggestions(entries, name)
    hint = ("; close matches: " + ", ".join(repr(c) for c in close)) if close else ""
    raise SourcesError(f"no MAINTAINERS entry named {name!r}{hint}")


def _suggestions(entries: Iterable[str], name: str, limit: int = 6) -> list[str]:
    """Entry names resembling ``name``, best first.

    Candidates are difflib's close matches and the names containing every
    word of ``name`` (ignoring case and punctuation, so 'hyperv core'
    finds 'Hyper-V/Azure CORE AND DRIVERS'); names where the words match
    whole words rank first, then by similarity.
    """
    by_fold = {key.casefold(): key for key in entries}
    wanted = name.casefold()
    words = [w for w in (_squash(w) for w in wanted.split()) if w]
    found = set(difflib.get_close_matches(wanted, list(by_fold), n=limit, cutoff=0.6))
    found.update(k for k in by_fold if words and all(w in _squash(k) for w in words))

    def rank(key: str) -> tuple[int, float]:
        spans = _word_spans(key)
        misses = sum(1 for w in words if w not in spans)
        return misses, -difflib.SequenceMatcher(None, wanted, key).ratio()
    return [by_fold[k] for k in sorted(found, key=rank)[:limit]]


def _squash(text: str) -> str:
    """Lower-case letters and digits of ``text`` only."""
    return re.sub(r"[\W_]+", "", text.casefold())


def _word_spans(text: str) -> set[str]:
    """Every run of consecutive words of ``text``, squashed ('hyper-v' -> 'hyperv')."""
    words = re.findall(r"[^\W_]+", text.casefold())
    return {"".join(words[i:j]) for i in range(len(words))
            for j in range(i + 1, min(len(words), i + 4) + 1)}


# ----------------------------------------------------------------- patterns


def pattern_regex(pattern: str, is_dir: bool = False) -> re.Pattern[str]:
    """Compile an F:/X: pattern into a regex matching relative paths.

    ``is_dir`` tells that the pattern, without wildcards, names a
    directory of the tree: it then means that directory only.
    """
    if is_dir and not pattern.endswith("/") and not _WILD.search(pattern):
        pattern += "/"
    crossing = pattern.endswith("/")
    star, one = (".*", ".") if crossing else ("[^/]*", "[^/]")
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        end = pattern.find("]", i + 2) if char == "[" else -1
        if char == "*":
            out.append(star)
        elif char == "?":
            out.append(one)
        elif end > 0:
            body = pattern[i + 1:end]
            body = "^" + body[1:] if body.startswith("!") else body
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    regex = "".join(out)
    if crossing:
        return re.compile(regex)
    # get_maintainer.pl matches a prefix at the same depth (F: include/drm/drm
    # covers include/drm/drm_*.h); a plain name may still be a directory.
    tail = r"[^/]*\Z" if _WILD.search(pattern) or is_dir else r"(?:/|[^/]*\Z)"
    return re.compile(regex + tail)


def entry_matcher(entry: Entry, use_regex: bool = False,
                  tree: Path | None = None) -> Callable[[str], bool]:
    """Return a predicate on relative paths: covered by F: (or N:), not by X:.

    With ``tree``, plain names of its directories mean just the directory
    (get_maintainer.pl's rule); without, they also match as prefixes.
    """
    def compile_(pattern: str) -> re.Pattern[str]:
        return pattern_regex(pattern, tree is not None and (Path(tree) / pattern).is_dir())
    include = [compile_(p) for p in entry.files]
    exclude = [compile_(p) for p in entry.excludes]
    regexes = [_n_regex(entry, v) for v in entry.fields.get("N", [])] if use_regex else []

    def matches(rel: str) -> bool:
        if any(rx.match(rel) for rx in exclude):
            return False
        return (any(rx.match(rel) for rx in include)
                or any(rx.search(rel) for rx in regexes))
    return matches


def _n_regex(entry: Entry, value: str) -> re.Pattern[str]:
    """Compile an N: regex (perl /x flavour)."""
    try:
        return re.compile(value, re.VERBOSE)
    except re.error as exc:
        raise SourcesError(f"MAINTAINERS entry {entry.name!r} (line {entry.line}): "
                           f"bad N: regex {value!r}: {exc}") from None


def need_for_entry(entry: Entry) -> list[str]:
    """Convert the entry's F: patterns into :func:`kernel_tree` need patterns.

    ``dir/`` stays as is; any other pattern gets a trailing ``*`` (which
    crosses ``/`` in need patterns), covering a file, a directory of that
    name and get_maintainer's prefix matches.  N: regexes cannot be
    converted.
    """
    return sorted({p if p.endswith(("/", "*")) else p + "*" for p in entry.files})


def subsystem_tree(name: str, extra: Iterable[str] = (), progress=None,
                   version: str | None = None) -> tuple[Path, Entry]:
    """The kernel tree ($KSRC, or the Debian cache of linux-source-``version``
    completed as needed) holding MAINTAINERS entry ``name``'s files and the
    ``extra`` need patterns, and the entry itself (LookupError when there is none)."""
    tree = kernel_tree(need=["MAINTAINERS"], progress=progress, version=version)
    entry = find_entry(read_maintainers(tree), name)
    return kernel_tree(need=["MAINTAINERS", *need_for_entry(entry), *extra], progress=progress,
                       version=version), entry


# ------------------------------------------------------------- tree walking


def _candidates(tree: Path, pattern: str) -> Iterator[str]:
    """Yield files below the part of ``tree`` that ``pattern`` can reach."""
    segments = [s for s in pattern.rstrip("/").split("/") if s]
    literal: list[str] = []
    for seg in segments:
        if _WILD.search(seg):
            break
        literal.append(seg)
    base = tree.joinpath(*literal)
    if pattern.endswith("/") or (literal == segments and base.is_dir()):
        yield from _walk(tree, base, None)
        return
    if literal == segments:  # a file, or a prefix of names in its directory
        literal = literal[:-1]
    yield from _walk(tree, tree.joinpath(*literal), len(segments) - len(literal))


def _walk(tree: Path, base: Path, depth: int | None) -> Iterator[str]:
    """Relative POSIX paths of files below ``base``, down to ``depth`` levels."""
    if not base.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(base):
        below = os.path.relpath(dirpath, base)
        level = 1 if below == "." else below.count(os.sep) + 2  # of the files here
        if depth is not None and level >= depth:
            dirnames.clear()
        rel_dir = os.path.relpath(dirpath, tree).replace(os.sep, "/")
        for name in filenames:
            yield name if rel_dir == "." else f"{rel_dir}/{name}"


def _select(tree: Path, entry: Entry, keep: Callable[[str], bool],
            patterns: Iterable[str], use_regex: bool = False) -> list[str]:
    """Sorted files of ``entry`` reachable from ``patterns`` that pass ``keep``."""
    tree = Path(tree)
    matches = entry_matcher(entry, use_regex, tree)
    found: set[str] = set()
    for pattern in patterns:
        found.update(rel for rel in _candidates(tree, pattern)
                     if keep(rel) and matches(rel))
    return sorted(found)


def entry_files(tree: Path, entry: Entry, suffixes: Iterable[str] | None = (".c", ".h"),
                *, use_regex: bool = False) -> list[str]:
    """Sorted relative paths of the entry's files having one of ``suffixes``.

    ``suffixes=None`` keeps every file.  With ``use_regex``, N: patterns
    count too (this walks the whole tree).
    """
    ends = tuple(suffixes) if suffixes is not None else ("",)
    patterns = list(entry.files)
    if use_regex and entry.fields.get("N"):
        patterns = ["*/"]  # N: regexes can match anywhere
    return _select(tree, entry, lambda rel: rel.endswith(ends), patterns, use_regex)


def entry_docs(tree: Path, entry: Entry) -> list[str]:
    """Sorted F: files of the entry under ``Documentation/`` (any suffix)."""
    patterns = [p for p in entry.files
                if fnmatch.fnmatchcase("Documentation", p.split("/", 1)[0])]
    return _select(tree, entry, lambda rel: rel.startswith("Documentation/"), patterns)
