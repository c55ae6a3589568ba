"""Find braces and semicolons in C text, outside literals and preprocessor lines.

A scan looks for one of a few bytes (a character class, which the regular
expression engine skips to quickly) and reads a string or character
literal, or a preprocessor line, in full when one starts there.  Comments
are expected blanked already (:func:`.blanking.blank_comments`).
"""

from __future__ import annotations

import re

#: braces and semicolons: what delimits declarations
STRUCTURE = re.compile(rb"[{};\"'#]")
#: braces only: what a skipped block ends with
BRACES = re.compile(rb"[{}\"'#]")
_LITERAL = re.compile(rb'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'')
_REST_OF_DIRECTIVE = re.compile(rb"(?:[^\n]*\\\n)*[^\n]*")


def next_mark(text: bytes, pos: int, marks: re.Pattern) -> int:
    """Offset of the next of ``marks`` (:data:`STRUCTURE` or :data:`BRACES`)
    from ``pos`` that stands outside string and character literals and
    preprocessor lines (a ``#`` with only blanks before it on its line, from
    ``pos`` on); -1 when there is none."""
    while True:
        found = marks.search(text, pos)
        if found is None:
            return -1
        at = found.start()
        char = text[at]
        if char == 0x22 or char == 0x27:  # '"' or "'": skip the literal
            literal = _LITERAL.match(text, at)
            pos = literal.end() if literal else at + 1
        elif char == 0x23:  # '#'
            line_start = text.rfind(b"\n", 0, at) + 1
            if line_start >= pos and not text[line_start:at].strip(b" \t"):
                pos = _REST_OF_DIRECTIVE.match(text, at).end()  # type: ignore[union-attr]
            else:
                pos = at + 1
        else:
            return at
