"""A source file as the drop-in reads it, and the files already read.

One command line reads each file once; a Sphinx build runs a command line
per ``.. kernel-doc::`` directive, and several directives often name the
same file, so :class:`Readings` keeps the last files read for the next
directives (keyed by path, size and modification time, so an edited file is
read again).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from ..extract import extract_documented, one_line_end
from ..kerneldoc.dialect import Dialect
from ..model import SourceFile
from .items import Item, make_item
from .reader import Entry, read_entries


@dataclass
class Reading:
    """One file: its text and lines, kdocgen's model (for the warnings), its
    kernel-doc comments with their declarations, and (once asked for) the
    item kernel-doc writes for each."""

    text: str
    lines: list[str]
    model: SourceFile
    entries: list[Entry]
    _items: dict[bool, list[Item | None]] = field(default_factory=dict)

    def items(self, python: bool) -> list[Item | None]:
        """The item of each entry (None: kernel-doc writes none), made once."""
        if python not in self._items:
            self._items[python] = [make_item(entry, python) for entry in self.entries]
        return self._items[python]


def source_path(path: str) -> str:
    """Where ``path`` is read from (below ``$SRCTREE`` when that is set)."""
    return os.path.join(os.environ["SRCTREE"], path) if "SRCTREE" in os.environ else path


def read_text(path: str) -> str | None:
    """The text of ``path`` (bad bytes replaced, one kind of line end), or
    None when it cannot be read."""
    try:
        data = Path(source_path(path)).read_bytes()
    except OSError:
        return None
    return one_line_end(data.decode("utf-8", "replace"))


def read_file(path: str, dialect: Dialect) -> Reading | None:
    """Read ``path`` with ``dialect``'s rules; None when it cannot be read."""
    text = read_text(path)
    if text is None:
        return None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    model = extract_documented(path, text.encode("utf-8"), dialect=dialect)
    return Reading(text, lines, model, read_entries(lines, dialect))


class Readings:
    """The last ``keep`` files read, for runs in the same process.  With
    ``warn_once`` a file is said to be read before (:meth:`read_before`)
    once a run read it with the 7.x rules: the 7.x kernel's extension parses
    each file once per process, so the warnings of reading it are shown
    once, those about the items it outputs each time."""

    def __init__(self, keep: int = 32, warn_once: bool = False) -> None:
        self.keep = keep
        self.warn_once = warn_once
        self._files: OrderedDict[tuple, Reading] = OrderedDict()
        self._read: set[tuple[str, str | None, Dialect]] = set()

    def read_before(self, path: str, dialect: Dialect) -> bool:
        """Whether an earlier run read ``path`` (7.x rules and ``warn_once``
        only); this run counts as having read it."""
        if not (self.warn_once and dialect.python):
            return False
        key = (path, os.environ.get("SRCTREE"), dialect)
        known = key in self._read
        self._read.add(key)
        return known

    def read(self, path: str, dialect: Dialect) -> Reading | None:
        """``path`` read with ``dialect``'s rules, again only if it changed."""
        try:
            stat = os.stat(source_path(path))
        except OSError:
            return None
        key = (path, os.environ.get("SRCTREE"), dialect, stat.st_size, stat.st_mtime_ns)
        known = self._files.get(key)
        if known is not None:
            self._files.move_to_end(key)
            return known
        reading = read_file(path, dialect)
        if reading is not None:
            self._files[key] = reading
            while len(self._files) > self.keep:
                self._files.popitem(last=False)
        return reading
