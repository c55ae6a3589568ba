"""Small helpers over tree-sitter nodes and source bytes.

All text is cut from the *original* source by byte offset; tree-sitter parses
the blanked copy (see :mod:`kdocgen.cparse.blanking`), whose offsets are
identical.
"""

from __future__ import annotations

import functools
import re

import tree_sitter_c
from tree_sitter import Language, Node, Parser

_SPACES = re.compile(r"\s+")
_BLOCK_COMMENT = re.compile(rb"/\*.*?\*/", re.S)
_LINE_COMMENT = re.compile(rb"//[^\n]*")
_CONTINUATION = re.compile(rb"\\\r?\n")

DECLARATOR_WRAPPERS = frozenset({
    "pointer_declarator", "parenthesized_declarator", "attributed_declarator",
    "array_declarator", "function_declarator", "init_declarator",
    "abstract_pointer_declarator", "abstract_array_declarator",
    "abstract_function_declarator", "abstract_parenthesized_declarator",
    "bitfield_clause",
})
NAME_TYPES = frozenset({"identifier", "field_identifier", "type_identifier"})


@functools.lru_cache(maxsize=None)
def c_language() -> Language:
    """The tree-sitter C language object (created once per process)."""
    return Language(tree_sitter_c.language())


def new_parser() -> Parser:
    """A fresh tree-sitter parser for C."""
    return Parser(c_language())


def clean(raw: bytes) -> str:
    """Source bytes as one line of text: comments, continuations and runs of
    white space removed or folded."""
    if b"\\" in raw:
        raw = _CONTINUATION.sub(b" ", raw)
    if b"/*" in raw:
        raw = _BLOCK_COMMENT.sub(b" ", raw)
    if b"//" in raw:
        raw = _LINE_COMMENT.sub(b" ", raw)
    return " ".join(raw.decode("utf-8", "replace").split())


_STAR = re.compile(r"\s*\*\s*")
_STARS = re.compile(r"\*\s+(?=\*)")
_INNER_SPACE = re.compile(r"(?<=\()\s+|\s+(?=[)\[,])")


def tidy_type(text: str) -> str:
    """Normalise spacing in a C type: ``struct foo*`` -> ``struct foo *``."""
    text = " ".join(text.split())
    if "*" in text:
        text = _STARS.sub("*", _STAR.sub(" *", text))
    if "(" in text or "[" in text or "," in text:
        text = _INNER_SPACE.sub("", text)
    return text.strip()


def line_of(node: Node) -> int:
    """1-based first line of ``node``."""
    return node.start_point[0] + 1


def end_line_of(node: Node) -> int:
    """1-based last line of ``node`` (a node ending at column 0 ends on the
    previous line, as preprocessor nodes do)."""
    row, col = node.end_point
    if col == 0 and row > node.start_point[0]:
        return row
    return row + 1


def declared_name(node: Node | None) -> Node | None:
    """The identifier a declarator declares, looking through pointers,
    parentheses, arrays, function declarators and initialisers."""
    while node is not None:
        if node.type in NAME_TYPES:
            return node
        if node.type not in DECLARATOR_WRAPPERS:
            return None
        inner = node.child_by_field_name("declarator")
        if inner is None:
            inner = next((c for c in node.named_children if c.type in NAME_TYPES
                          or c.type in DECLARATOR_WRAPPERS), None)
        node = inner
    return None


def function_parts(declarator: Node | None) -> tuple[Node | None, Node | None]:
    """For a declarator, return ``(name, parameter_list)`` when it declares a
    function, ``(name, None)`` when it declares anything else (including a
    pointer to a function)."""
    chain: list[Node] = []
    node = declarator
    while node is not None and node.type not in NAME_TYPES:
        if node.type not in DECLARATOR_WRAPPERS:
            return None, None
        chain.append(node)
        inner = node.child_by_field_name("declarator")
        if inner is None:
            inner = next((c for c in node.named_children if c.type in NAME_TYPES
                          or c.type in DECLARATOR_WRAPPERS), None)
        node = inner
    if node is None:
        return None, None
    # Walk back up from the name: the first function_declarator met, with no
    # pointer between it and the name, makes this a function.
    for wrapper in reversed(chain):
        if wrapper.type == "function_declarator":
            return node, wrapper.child_by_field_name("parameters")
        if wrapper.type == "pointer_declarator":
            return node, None
    return node, None
