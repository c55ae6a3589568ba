"""Small text scanning helpers shared by the declaration readers and writers."""

from __future__ import annotations

#: the characters Perl's and Python's ``\s`` match in ASCII text
BLANKS = " \t\n\r\f\v"


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
