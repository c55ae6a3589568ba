"""Parameters, struct/union members and enum constants of a declaration.

Names follow kernel-doc's conventions so that comments can be checked
against them: ``(void)`` is one parameter called ``void``, ``...`` is a
parameter called ``...``, members of named nested structs are
``outer.inner``, members of anonymous ones are flattened behind a
``{unnamed_struct}`` / ``{unnamed_union}`` placeholder.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ..model import Member
from .syntax import clean, declared_name, line_of, tidy_type

_PREPROC_CONTAINERS = frozenset({
    "preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif",
    "preproc_elifdef",
})
_RECORD_TYPES = frozenset({"struct_specifier", "union_specifier"})
_TRAILING_WORD = re.compile(r"(\w+)\s*$")
_TAGGED_GROUP = re.compile(r"^struct_group_tagged\s*\(\s*(\w+)\s*,?.*")
_PARAM_MACRO = re.compile(r"^([A-Z][A-Z0-9_]*)\s*\(\s*(\w+(?:\s*,\s*\w+)+)\s*\)$")
_MEMBER_MACRO = re.compile(r"^\s*(\w+)\s*\((.*)\)\s*;?\s*$", re.S)
#: Nesting (of #if blocks) below which enum constants and declarations are
#: not read, so that absurdly deep input cannot exhaust Python's recursion limit.
MAX_NESTING = 100
#: Nesting of records below which members are not read (and a note says
#: so): their ``outer.inner`` names alone grow with the square of the depth.
MEMBER_NESTING = 1000


def without(source: bytes, node: Node, hole: Node | None) -> str:
    """Text of ``node`` with the bytes of ``hole`` (a name) cut out."""
    if hole is None:
        return clean(source[node.start_byte:node.end_byte])
    return clean(source[node.start_byte:hole.start_byte] + b" " + source[hole.end_byte:node.end_byte])


def qualified_type(source: bytes, node: Node, type_node: Node) -> str:
    """Text of ``type_node`` with the ``const``/``volatile`` qualifiers that
    tree-sitter keeps beside it as children of the declaration ``node``."""
    words = [clean(source[c.start_byte:c.end_byte]) for c in node.children
             if c.type == "type_qualifier" or c == type_node]
    return " ".join(words)


def parameters(source: bytes, plist: Node | None) -> list[Member]:
    """The parameters of a ``parameter_list`` node, named as kernel-doc names them."""
    if plist is None:
        return []
    result: list[Member] = []
    for child in plist.named_children:
        if child.type == "variadic_parameter":
            result.append(Member("...", "...", line=line_of(child)))
        elif child.type == "parameter_declaration":
            result.extend(_parameter(source, child))
        elif child.type == "ERROR" and b"..." in source[child.start_byte:child.end_byte]:
            result.append(Member("...", "...", line=line_of(child)))
    return result


def _parameter(source: bytes, node: Node) -> list[Member]:
    name = declared_name(node.child_by_field_name("declarator"))
    if node.has_error or name is None:
        text = clean(source[node.start_byte:node.end_byte])
        spread = _PARAM_MACRO.match(text)
        if spread:  # DECL_BUCKET_PARAMS(size, b): a macro standing for parameters
            return [Member(arg.strip(), text, line=line_of(node)) for arg in spread.group(2).split(",")]
        if node.has_error and not text.endswith(("*", ")")):
            last = _TRAILING_WORD.search(text)
            if last:
                return [Member(last.group(1), tidy_type(text[:last.start()]), line=line_of(node))]
    if name is not None:
        text = source[name.start_byte:name.end_byte].decode("utf-8", "replace")
        return [Member(text, tidy_type(without(source, node, name)), line=line_of(node))]
    full = tidy_type(clean(source[node.start_byte:node.end_byte]))
    if full == "void":
        return [Member("void", "void", line=line_of(node))]
    if full.endswith("*") or full.endswith(")"):
        return [Member("", full, line=line_of(node))]
    match = _TRAILING_WORD.search(full)
    return [Member(match.group(1) if match else "", full, line=line_of(node))]


def macro_parameters(source: bytes, params: Node | None) -> list[Member]:
    """The parameters of a function-like macro (``args...`` is ``args``)."""
    if params is None:
        return []
    result: list[Member] = []
    for child in params.children:
        text = source[child.start_byte:child.end_byte].decode("utf-8", "replace")
        if child.type == "identifier":
            result.append(Member(text, line=line_of(child)))
        elif text.strip() == "...":
            if result and result[-1].name and _immediately_after(source, child):
                result[-1].type = "..."  # named variadic: "args..." is the parameter "args"
                continue
            result.append(Member("...", line=line_of(child)))
    return result


def _immediately_after(source: bytes, node: Node) -> bool:
    before = source[max(0, node.start_byte - 1):node.start_byte]
    return bool(re.match(rb"\w", before))


def enum_constants(source: bytes, body: Node | None, level: int = 0) -> list[Member]:
    """The constants of an ``enumerator_list``, preprocessor branches included."""
    result: list[Member] = []
    if body is None or level > MAX_NESTING:
        return result
    for child in body.named_children:
        if child.type == "enumerator":
            name = child.child_by_field_name("name")
            if name is not None:
                result.append(Member(source[name.start_byte:name.end_byte].decode("utf-8", "replace"),
                                     line=line_of(child)))
        elif child.type in _PREPROC_CONTAINERS:
            result.extend(enum_constants(source, child, level + 1))
    return result


def record_members(source: bytes, body: Node | None, prefix: str = "", depth: int = 0,
                   cut: list[int] | None = None) -> list[Member]:
    """The members of a struct/union ``field_declaration_list``, nested ones
    named ``outer.inner`` (a stack, not recursion); the lines of records
    nested deeper than :data:`MEMBER_NESTING`, whose members are not read,
    go to ``cut``."""
    result: list[Member] = []
    stack = [_body_members(source, body, prefix, depth)]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
        elif isinstance(item, Member):
            result.append(item)
        elif item[2] > MEMBER_NESTING:
            if cut is not None:
                cut.append(line_of(item[0]))
        else:  # a nested body: its members come next
            stack.append(_body_members(source, *item))
    return result


def _body_members(source: bytes, body: Node | None, prefix: str, depth: int):
    """The members of one body, in order: ``Member``s, and ``(body,
    prefix, depth)`` for a nested body (a record, an #if block)."""
    for child in body.named_children if body is not None else ():
        if child.type == "field_declaration":
            yield from _field(source, child, prefix, depth)
        elif child.type in _PREPROC_CONTAINERS:
            yield child, prefix, depth
        elif child.type in ("ERROR", "expression_statement", "declaration", "macro_type_specifier"):
            yield from _macro_members(source, child, prefix, depth)


def _field(source: bytes, node: Node, prefix: str, depth: int) -> list:
    type_node = node.child_by_field_name("type")
    declarators = node.children_by_field_name("declarator")
    if type_node is not None and type_node.type in _RECORD_TYPES and type_node.child_by_field_name("body"):
        return _nested_record(source, node, type_node, declarators, prefix, depth)
    if type_node is not None and type_node.type == "macro_type_specifier" or not declarators:
        macro = _macro_members(source, node, prefix, depth)
        if macro:
            return macro
    base = qualified_type(source, node, type_node) if type_node else ""
    base = _TAGGED_GROUP.sub(r"struct \1", base)
    if not declarators and type_node is not None and type_node.type == "type_identifier":
        return [Member(prefix + base, "", depth=depth, line=line_of(node))]  # a member-list macro
    if not declarators and type_node is not None and type_node.type in _RECORD_TYPES:
        tag = type_node.child_by_field_name("name")  # "struct HASH_ALG_COMMON;" names a member
        if tag is not None:
            tag_text = source[tag.start_byte:tag.end_byte].decode("utf-8", "replace")
            return [Member(prefix + tag_text, base, depth=depth, line=line_of(node))]
    return [Member(prefix + text, tidy_type(f"{base} {without(source, declarator, name)}"), depth=depth,
                   line=line_of(node))
            for declarator, name, text in _named(source, declarators)]


def _named(source: bytes, declarators: list[Node]):
    """``(declarator, name node, name text)`` for the declarators that name something."""
    for declarator in declarators:
        name = declared_name(declarator)
        if name is not None:
            yield declarator, name, source[name.start_byte:name.end_byte].decode("utf-8", "replace")


def _nested_record(source, node, type_node, declarators, prefix, depth) -> list:
    """A member of record type: the member, then its body's members (as a
    nested body for :func:`record_members`)."""
    keyword = type_node.type.split("_")[0]
    body = type_node.child_by_field_name("body")
    tag = type_node.child_by_field_name("name")
    tag_text = f" {source[tag.start_byte:tag.end_byte].decode()}" if tag else ""
    if not declarators:
        placeholder = Member(f"{{unnamed_{keyword}}}", f"{keyword}{tag_text}", depth=depth, line=line_of(node))
        return [placeholder, (body, prefix, depth + 1)]
    result: list = []
    for _, _, text in _named(source, declarators):
        result.append(Member(prefix + text, f"{keyword}{tag_text}", depth=depth, line=line_of(node)))
        result.append((body, f"{prefix}{text}.", depth + 1))
    return result


def _macro_members(source: bytes, node: Node, prefix: str, depth: int) -> list[Member]:
    """Members declared through kernel macros (DECLARE_BITMAP, struct_group, ...)."""
    text = source[node.start_byte:node.end_byte].decode("utf-8", "replace")
    match = _MEMBER_MACRO.match(text)
    if not match:
        return []
    macro, args = match.group(1), split_args(match.group(2))
    line = line_of(node)
    if macro in ("DECLARE_BITMAP", "DECLARE_HASHTABLE", "DECLARE_KFIFO", "DECLARE_KFIFO_PTR",
                 "DECLARE_FLEX_ARRAY", "__DECLARE_FLEX_ARRAY", "DECLARE_PHY_INTERFACE_MASK",
                 "__ETHTOOL_DECLARE_LINK_MODE_MASK",
                 "DEFINE_DMA_UNMAP_ADDR", "DEFINE_DMA_UNMAP_LEN"):
        pos = 1 if macro in ("DECLARE_FLEX_ARRAY", "__DECLARE_FLEX_ARRAY") else 0
        if len(args) > pos:
            return [Member(prefix + args[pos].strip(), macro, depth=depth, line=line)]
        return []
    return []


def split_args(text: str) -> list[str]:
    """Split a macro argument list on top-level commas."""
    parts: list[str] = []
    current: list[str] = []
    level = 0
    for char in text:
        if char in "([{":
            level += 1
        elif char in ")]}":
            level -= 1
        if char == "," and level == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts
