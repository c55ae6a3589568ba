"""Small text scanning helpers shared by the declaration readers and writers."""

from __future__ import annotations

from typing import Callable

#: the characters Perl's and Python's ``\s`` match in ASCII text
BLANKS = " \t\n\r\f\v"
#: ``find(text, pos)``: ``(start, end, replacement)`` of the first match from ``pos``, or None
Finder = Callable[[str, int], "tuple[int, int, str] | None"]


def word_char(ch: str) -> bool:
    """An ASCII ``\\w`` character (a C identifier character)."""
    return ch == "_" or (ch.isascii() and ch.isalnum())


def skip(text: str, at: int) -> int:
    """The first position from ``at`` that is not one of :data:`BLANKS`."""
    while at < len(text) and text[at] in BLANKS:
        at += 1
    return at


def perl_split(text: str, sep: str) -> list[str]:
    """``text.split(sep)`` without the empty pieces at the end (as Perl's
    ``split`` does)."""
    parts = text.split(sep)
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def replace_all(text: str, find: Finder) -> str:
    """Replace every non-overlapping match, left to right: ``find(text, pos)``
    gives ``(start, end, replacement)`` of the first match from ``pos``."""
    out, pos = [], 0
    while pos <= len(text):
        hit = find(text, pos)
        if hit is None:
            break
        start, end, repl = hit
        out.append(text[pos:start])
        out.append(repl)
        if end == start:  # an empty match: step over one character
            if start < len(text):
                out.append(text[start])
            pos = start + 1
            continue
        pos = end
    out.append(text[pos:])
    return "".join(out)
