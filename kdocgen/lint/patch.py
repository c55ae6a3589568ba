"""Unified diffs: read them (``git diff``, ``diff -u``, a mailed patch) and
apply them to one side of a file to get the other.

A patch is a list of :class:`FilePatch`, one per file it changes, each with
its hunks.  Text around the diffs (mail headers, the commit message, a
diffstat, a signature) is skipped: a file starts only at a ``diff --git``
line or at a ``---`` line directly followed by ``+++``.  Mistakes raise
:class:`PatchError` naming the patch and its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DEV_NULL = "/dev/null"
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_GIT_HEADER = re.compile(r"^diff --git (\S+|\"(?:[^\"\\]|\\.)*\") (\S+|\"(?:[^\"\\]|\\.)*\")$")
_ESCAPES = {"a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


class PatchError(Exception):
    """A patch that cannot be read or applied; the message says where."""


@dataclass
class Hunk:
    """One ``@@`` block: where it starts on each side and its lines, each
    beginning with ``' '``, ``'-'`` or ``'+'``."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    lines: list[str] = field(default_factory=list)
    at: int = 0  # line of the @@ header in the patch

    def old_lines(self) -> list[str]:
        return [line[1:] for line in self.lines if line[0] in " -"]

    def new_lines(self) -> list[str]:
        return [line[1:] for line in self.lines if line[0] in " +"]


@dataclass
class FilePatch:
    """The changes of one file; ``old_path`` is None for an added file,
    ``new_path`` None for a deleted one."""

    old_path: str | None
    new_path: str | None
    hunks: list[Hunk] = field(default_factory=list)
    binary: bool = False
    at: int = 0  # first line of this file's part of the patch

    @property
    def path(self) -> str:
        """The path the change leaves (the old one for a deleted file)."""
        return self.new_path or self.old_path or ""

    def added_lines(self) -> set[int]:
        """New-side numbers of the lines the patch adds (or rewrites)."""
        added = set()
        for hunk in self.hunks:
            number = hunk.new_start
            for line in hunk.lines:
                if line[0] == "+":
                    added.add(number)
                if line[0] in " +":
                    number += 1
        return added

    def removal_points(self) -> set[int]:
        """New-side numbers of the lines after which the patch removed lines
        (0: at the top of the file)."""
        points = set()
        for hunk in self.hunks:
            number = hunk.new_start if hunk.new_count else hunk.new_start + 1
            for line in hunk.lines:
                if line[0] == "-":
                    points.add(number - 1)
                elif line[0] in " +":
                    number += 1
        return points


def _unquote(name: str) -> str:
    """A path as git writes it, C-quoted when it holds unusual characters."""
    if not (len(name) >= 2 and name[0] == name[-1] == '"'):
        return name
    raw, data, i = name[1:-1], bytearray(), 0
    while i < len(raw):
        octal = re.match(r"\\([0-7]{3})", raw[i:i + 4])
        if octal:
            data.append(int(octal.group(1), 8))
            i += 4
        elif raw[i] == "\\" and i + 1 < len(raw):
            data += _ESCAPES.get(raw[i + 1], raw[i + 1]).encode()
            i += 2
        else:
            data += raw[i].encode()
            i += 1
    return data.decode("utf-8", "replace")


def _strip_prefix(name: str) -> str | None:
    """The path of a ``---``/``+++`` name: unquoted, without its ``a/`` or
    ``b/`` prefix and any tab-separated time stamp; None for /dev/null."""
    name = name.split("\t", 1)[0] if not name.startswith('"') else name
    name = _unquote(name.rstrip())
    if name == DEV_NULL:
        return None
    if name[:2] in ("a/", "b/"):
        name = name[2:]
    return name.removeprefix("./")


def _read_hunk(lines: list[str], index: int, source: str) -> tuple[Hunk, int]:
    """The hunk whose header is ``lines[index]``, and the index after it."""
    match = _HUNK.match(lines[index])
    assert match is not None, "called on a hunk header"
    old_start, old_count, new_start, new_count = (int(g) if g is not None else 1 for g in match.groups())
    hunk = Hunk(old_start, old_count, new_start, new_count, at=index + 1)
    old_left, new_left = old_count, new_count
    index += 1
    while old_left > 0 or new_left > 0:
        if index >= len(lines):
            raise PatchError(f"{source}:{hunk.at}: hunk ends early (the patch is cut off or was edited: "
                             f"{old_left} old and {new_left} new lines missing)")
        line = lines[index]
        kind = line[:1] or " "  # an empty line: context whose blank was stripped (mailers do)
        if kind == "\\":
            index += 1
            continue
        if kind not in " -+":
            raise PatchError(f"{source}:{index + 1}: line in a hunk does not start with ' ', '-' or '+'")
        if kind in " -":
            old_left -= 1
        if kind in " +":
            new_left -= 1
        if old_left < 0 or new_left < 0:
            raise PatchError(f"{source}:{hunk.at}: hunk holds more lines than its header says")
        hunk.lines.append(kind + line[1:])
        index += 1
    while index < len(lines) and lines[index].startswith("\\"):  # "\ No newline at end of file"
        index += 1
    return hunk, index


def parse_patch(text: str, source: str = "<patch>") -> list[FilePatch]:
    """The file patches of a unified diff, in the order of the patch."""
    lines = text.replace("\r\n", "\n").split("\n")
    patches: list[FilePatch] = []
    current: FilePatch | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        git = _GIT_HEADER.match(line)
        if git:
            current = FilePatch(_strip_prefix(git.group(1)), _strip_prefix(git.group(2)), at=index + 1)
            patches.append(current)
        elif current is not None and not current.hunks and _git_extended(line, current):
            pass
        elif line.startswith("--- ") and index + 1 < len(lines) and lines[index + 1].startswith("+++ "):
            old, new = _strip_prefix(line[4:]), _strip_prefix(lines[index + 1][4:])
            if current is None or current.hunks or not _same_file(current, old, new):
                current = FilePatch(old, new, at=index + 1)
                patches.append(current)
            current.old_path, current.new_path = old, new
            index += 1
        elif _HUNK.match(line):
            if current is None:
                raise PatchError(f"{source}:{index + 1}: hunk before any file header ('--- a/...', '+++ b/...')")
            hunk, index = _read_hunk(lines, index, source)
            current.hunks.append(hunk)
            continue
        index += 1
    if not patches:
        raise PatchError(f"{source}: no unified diff found (expected '--- a/FILE', '+++ b/FILE' and '@@' hunks)")
    return patches


def _same_file(current: FilePatch, old: str | None, new: str | None) -> bool:
    """Whether ``---``/``+++`` names belong to the ``diff --git`` header just read."""
    return current.at > 0 and not current.hunks and {old, new} - {None} <= {current.old_path, current.new_path}


def _git_extended(line: str, current: FilePatch) -> bool:
    """Read a git extended header line (new/deleted file, rename, binary)."""
    if line.startswith("new file mode"):
        current.old_path = None
    elif line.startswith("deleted file mode"):
        current.new_path = None
    elif line.startswith("rename from "):
        current.old_path = _unquote(line[len("rename from "):])
    elif line.startswith("rename to "):
        current.new_path = _unquote(line[len("rename to "):])
    elif line.startswith(("Binary files ", "GIT binary patch")):
        current.binary = True
    else:
        return line.startswith(("old mode", "new mode", "similarity index", "dissimilarity index",
                                "index ", "copy from ", "copy to "))
    return True


def _find(lines: list[str], wanted: list[str], near: int, start: int) -> int:
    """Where ``wanted`` occurs in ``lines`` at or after ``start``, nearest to
    ``near`` (0-based); -1 when nowhere."""
    if not wanted:
        return max(near, start)
    size = len(wanted)
    for at in sorted(range(start, len(lines) - size + 1), key=lambda a: (abs(a - near), a)):
        if lines[at] == wanted[0] and lines[at:at + size] == wanted:
            return at
    return -1


def apply(text: str, patch: FilePatch, reverse: bool = False) -> str | None:
    """``text`` with the hunks of ``patch`` applied (undone with ``reverse``),
    each where its lines are found nearest to its stated place; None when a
    hunk's lines are not there."""
    lines = text.split("\n")
    done: list[str] = []
    position = 0
    for hunk in patch.hunks:
        before, after = (hunk.new_lines(), hunk.old_lines()) if reverse else (hunk.old_lines(), hunk.new_lines())
        stated = (hunk.new_start if reverse else hunk.old_start) - (1 if before else 0)
        at = _find(lines, before, max(stated, 0), position)
        if at < 0:
            return None
        done += lines[position:at] + after
        position = at + len(before)
    return "\n".join(done + lines[position:])
