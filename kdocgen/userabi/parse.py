"""Read ``Documentation/ABI`` files into entries, with line numbers.

The format, as the kernel's ``Documentation/ABI/README`` describes it: an
entry is a run of ``Tag: value`` fields starting at column 0 (``What``,
``Date``, ``KernelVersion``, ``Contact``, ``Description``, ``Users``); a field
goes on over the indented lines after it; consecutive ``What:`` lines (or
indented lines under one) give one entry several paths; a ``What:`` after
other fields starts the next entry.  The stability level is the folder
(``stable``, ``testing``, ``obsolete``, ``removed``).  Descriptions are reST.

Problems never raise: each becomes a :class:`~kdocgen.model.Diagnostic`
(rule ``abi-malformed``) with the file and line, and the rest is read.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..extract import one_line_end
from ..kinds import Severity
from ..model import Diagnostic

ABI_DIR = "Documentation/ABI"
LEVELS = ("stable", "testing", "obsolete", "removed")
RULE = "abi-malformed"

#: field tag -> AbiEntry attribute (``User:`` is a common misspelling of ``Users:``)
FIELDS = {"What": "what", "Date": "date", "KernelVersion": "kernel_version",
          "Contact": "contact", "Description": "description", "Users": "users", "User": "users"}

_TAG = re.compile(r"^([A-Z][A-Za-z]*):(.*)$")
_BROKEN_TAG = re.compile(r"^(What|Date|KernelVersion|Contact|Description|Users?)(?:[\s;,.=]+(.*)|$)")
_ANY_CASE_TAG = re.compile(r"^([A-Za-z]+):(.*)$")
_BY_LOWER = {tag.lower(): tag for tag in FIELDS}
_IGNORED = "-"  # the field being skipped (a duplicate)


@dataclass
class WhatPath:
    """One path of an entry and the line it is on."""

    path: str
    line: int


@dataclass
class AbiEntry:
    """One documented interface (one or more paths)."""

    file: str
    level: str
    line: int
    what: list[WhatPath] = field(default_factory=list)
    date: str = ""
    kernel_version: str = ""
    contact: str = ""
    description: str = ""
    users: str = ""

    @property
    def paths(self) -> list[str]:
        """The documented paths, in file order."""
        return [w.path for w in self.what]


@dataclass
class AbiFile:
    """The entries of one ABI file and the problems met reading it."""

    path: str
    level: str
    entries: list[AbiEntry] = field(default_factory=list)
    messages: list[Diagnostic] = field(default_factory=list)
    lines: list[str] = field(default_factory=list, repr=False)  # the text, line N at [N - 1]


def level_of(path: str) -> str:
    """The stability level of an ABI file from its folder ("" outside them)."""
    parts = Path(path).parts
    for index, part in enumerate(parts[:-1]):
        if part in LEVELS and index >= 1 and parts[index - 1] == "ABI":
            return part
    return ""


def is_abi_file(path: str) -> bool:
    """Whether ``path`` (tree-relative) is an entry file of ``Documentation/ABI``."""
    return path.startswith(ABI_DIR + "/") and bool(level_of(path))


@dataclass
class _Reader:
    """The state of reading one file."""

    result: AbiFile
    entry: AbiEntry | None = None
    tag: str | None = None
    lines: list[tuple[int, str]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def message(self, line: int, text: str, severity: Severity = "error") -> None:
        self.result.messages.append(Diagnostic(self.result.path, line, RULE, text, severity))

    def close_field(self) -> None:
        if self.entry is None or self.tag is None or self.tag == _IGNORED:
            self.tag = None
            return
        attr = FIELDS[self.tag]
        if attr == "what":
            for number, path in self.lines:
                if path.strip():
                    self.entry.what.append(WhatPath(path.strip(), number))
        elif attr == "description":
            self.entry.description = _block_text([text for _, text in self.lines])
        else:
            setattr(self.entry, attr, "\n".join(s for s in (t.strip() for _, t in self.lines) if s))
        self.tag = None

    def close_entry(self) -> None:
        self.close_field()
        entry, self.entry = self.entry, None
        if entry is None:
            return
        if not entry.what:
            self.message(entry.line, "'What:' without a path; entry left out")
            return
        if not entry.description:
            self.message(entry.line, f"'{entry.what[0].path}' has no 'Description:'", "warning")
        self.result.entries.append(entry)

    def start_field(self, tag: str, value: str, number: int) -> None:
        if tag == "What":
            self.close_entry()
            self.entry = AbiEntry(self.result.path, self.result.level, number)
            self.seen = set()
        skipping = self.tag == _IGNORED
        self.close_field()
        if self.entry is None:
            if not skipping:
                self.message(number, f"'{tag}:' without a 'What:' before it; ignored up to the next 'What:'")
            self.tag = _IGNORED
            return
        attr = FIELDS[tag]
        if attr in self.seen:
            self.message(number, f"second '{tag}:' in the entry of line {self.entry.line}; ignored",
                         "warning")
            self.tag = _IGNORED
            return
        self.seen.add(attr)
        self.tag, self.lines = tag, [(number, value)]


def parse_abi_text(text: str, path: str) -> AbiFile:
    """The entries of the ABI file ``path`` whose text is ``text``."""
    reader = _Reader(AbiFile(path, level_of(path)))
    # lines end at "\n" only (as line numbers count them); other line-end
    # characters (form feed, lone CR, ...) become spaces
    reader.result.lines = one_line_end(text).split("\n")
    for number, line in enumerate(reader.result.lines, 1):
        line = line.rstrip()
        tag = _TAG.match(line)
        if tag and tag.group(1) in FIELDS:
            if reader.tag == "What" and tag.group(1) == "What":
                reader.lines.append((number, tag.group(2)))
            else:
                reader.start_field(tag.group(1), tag.group(2), number)
        elif not line:
            if reader.tag is not None and reader.tag != _IGNORED:
                reader.lines.append((number, ""))
        elif _recovered(reader, line, number):
            continue
        elif line[0] in " \t" or reader.tag == "Description":
            if reader.tag not in (None, _IGNORED):
                reader.lines.append((number, line))
            elif reader.entry is not None:
                reader.message(number, "indented text after the entry's fields; ignored", "warning")
        elif reader.entry is not None or reader.tag is not None:
            reader.message(number, f"text at column 0 that is not a field ({line[:40]!r}); ignored",
                           "warning")
        # else: the file's preamble (text before the first entry)
    reader.close_entry()
    return reader.result


def _recovered(reader: _Reader, line: str, number: int) -> bool:
    """A field name without its colon (``KernelVersion  v2.6``): reported
    and read as the field.  Inside a description only when unmistakable."""
    broken = _BROKEN_TAG.match(line)
    cased = _ANY_CASE_TAG.match(line)
    if broken is not None:
        tag, value = broken.group(1), broken.group(2) or ""
        problem = f"'{tag}' is not followed by ':'"
    elif cased is not None and cased.group(1).lower() in _BY_LOWER:
        tag, value = _BY_LOWER[cased.group(1).lower()], cased.group(2)
        problem = f"'{cased.group(1)}:' is spelt '{tag}:'"
    else:
        return False
    if reader.tag == "Description" and not (tag in ("Date", "KernelVersion", "Contact")
                                            or tag == "What" and value.strip().startswith("/")):
        return False
    reader.message(number, f"{problem}; read as '{tag}:'", "warning")
    reader.start_field(tag, value, number)
    return True


def _block_text(lines: list[str]) -> str:
    """A multi-line field as text: the first line as written, the indented
    lines after it without their common indentation (tabs expanded)."""
    first, rest = lines[0].strip(), [ln.expandtabs(8) for ln in lines[1:]]
    indents = [len(ln) - len(ln.lstrip()) for ln in rest if ln.strip()]
    cut = min(indents, default=0)
    body = [first] + [ln[cut:] if ln.strip() else "" for ln in rest]
    while body and not body[0].strip():
        body.pop(0)
    while body and not body[-1].strip():
        body.pop()
    return "\n".join(body)


def read_abi_file(tree: Path, path: str) -> AbiFile:
    """The parsed ABI file ``path`` of ``tree`` (a message when unreadable)."""
    try:
        data = (Path(tree) / path).read_bytes()
    except OSError as err:
        result = AbiFile(path, level_of(path))
        result.messages.append(Diagnostic(path, 0, RULE, f"cannot read ({err.strerror})", "error"))
        return result
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        result = parse_abi_text(data.decode("utf-8", "replace"), path)
        result.messages.insert(0, Diagnostic(path, line, RULE, "not valid UTF-8", "warning"))
        return result
    return parse_abi_text(text, path)


def abi_files_under_roots(tree: Path, roots: list[str]) -> list[str]:
    """ABI files of ``tree`` with a ``What:`` path below one of ``roots``
    (e.g. ``/sys/bus/vmbus``), sorted."""
    if not roots:
        return []
    alternatives = "|".join(re.escape(r.rstrip("/")) for r in roots)
    pattern = re.compile(rf"^What:\s*(?:{alternatives})(?:/|\s|$)", re.MULTILINE)
    found = []
    for level in LEVELS:
        base = Path(tree) / ABI_DIR / level
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames):
                full = Path(dirpath) / name
                try:
                    text = full.read_text(encoding="utf-8", errors="replace")
                except OSError:
                    continue
                if pattern.search(text):
                    found.append(full.relative_to(tree).as_posix())
    return sorted(found)
