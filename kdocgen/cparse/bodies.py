"""Blank the inside of function bodies and initializers before a whole-file parse.

tree-sitter spends most of a file's parse in function bodies and tables,
which the declarations (without their calls) never look into: a variable
initialized with ``{ ... }`` shows no value.  :func:`blank_bodies`
overwrites the inside of each top-level body or initializer with spaces
(newlines kept, so every offset and line stays), where its extent is
certain: the ``{`` comes after a ``)`` or an ``=`` at the top level, the
braces balance, and no ``#`` stands inside (an ``#ifdef`` may hold half a
brace pair).
"""

from __future__ import annotations

from .marks import BRACES, STRUCTURE, next_mark

_SPACES_BUT_NEWLINE = bytes(0x0A if byte == 0x0A else 0x20 for byte in range(256))


def body_spans(text: bytes) -> list[tuple[int, int]]:
    """``(start, end)`` of the inside of each function body and initializer
    of ``text`` (comments already blanked) that can be blanked safely."""
    spans: list[tuple[int, int]] = []
    depth, head, open_at, pos = 0, 0, 0, 0
    while True:
        at = next_mark(text, pos, BRACES if depth else STRUCTURE)  # inside braces: no ';' needed
        if at < 0:
            return spans
        pos = at + 1
        mark = text[at]
        if mark == 0x7B:  # '{'
            if depth == 0:
                open_at = at
            depth += 1
        elif mark == 0x7D:  # '}'
            depth -= 1
            if depth < 0:
                return spans  # braces that do not balance: stop here
            if depth == 0:
                if text[head:open_at].rstrip().endswith((b")", b"=")) and text.find(b"#", open_at, at) < 0:
                    spans.append((open_at + 1, at))
                head = pos
        elif depth == 0:  # ';'
            head = pos


def blank_bodies(text: bytes) -> bytes:
    """``text`` with the inside of its function bodies and initializers
    (:func:`body_spans`) as spaces and newlines."""
    spans = body_spans(text)
    if not spans:
        return text
    out = bytearray(text)
    for start, end in spans:
        out[start:end] = text[start:end].translate(_SPACES_BUT_NEWLINE)
    return bytes(out)
