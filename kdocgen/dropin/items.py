"""What kernel-doc outputs for each comment: the items of a file.

An :class:`Item` holds everything the writers need, taken from the comment
(:class:`~kdocgen.kerneldoc.doccomment.DocComment`) and from the
declaration text after it (:mod:`.proto`, :mod:`.definition`).  A comment
whose declaration kernel-doc cannot read, or which names another
declaration, gives no item (its warning comes from kdocgen's extraction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..kerneldoc.doccomment import DocComment
from .definition import find_body, read_record
from .proto import Param, parameters, split_prototype, strip_comments
from .reader import Entry
from .scan import perl_split
from .variable import prepared, read_variable

UNDESCRIBED = None


@dataclass
class Item:
    """One documented item of a file, ready to be written."""

    kind: str  # function, struct, union, enum, typedef, var, doc
    name: str
    doc: DocComment
    #: the line of the identifier (kernel-doc's declaration start)
    decl_line: int = 0
    #: the line after the comment (printed before a function)
    proto_line: int = 0
    purpose: str = ""
    params: list[Param] = field(default_factory=list)
    descs: dict[str, str] = field(default_factory=dict)
    desc_lines: dict[str, int] = field(default_factory=dict)
    sections: list[tuple[str, str, int]] = field(default_factory=list)
    return_type: str = ""
    object_macro: bool = False
    #: a function typedef (written as a macro with its syntax)
    typedef_function: bool = False
    definition: str = ""
    #: a variable's declaration as written (7.x ``var``) and initial value
    full_proto: str = ""
    default: str = ""


def make_item(entry: Entry, python: bool = False) -> Item | None:
    """The item kernel-doc writes for ``entry``, None when it writes none
    (``entry.failure`` then holds kernel-doc's error, if it gives one)."""
    if entry.doc.kind not in ("doc", "function") and not entry.end_line:
        return None  # the declaration never ends: kernel-doc never reads it
    item = _make_item(entry, python)
    if item is None and entry.end_line:
        entry.failure = _failure(entry)
    return item


def _failure(entry: Entry) -> str:
    """kernel-doc's error for a declaration it cannot parse ("" if none)."""
    kind = entry.doc.kind
    if kind in ("struct", "union"):
        found = find_body(entry.text)
        return "" if found and found[2] else "Cannot parse struct or union!"
    if kind == "enum":
        return "" if _enum_parts(entry.text) else "Cannot parse enum!"
    if kind == "typedef":
        return "" if _typedef_name(entry.text) else "Cannot parse typedef!"
    return ""


def _make_item(entry: Entry, python: bool) -> Item | None:
    doc = entry.doc
    purpose = doc.purpose if python else doc.raw_purpose or doc.purpose
    item = Item(doc.kind, doc.name, doc, doc.name_line, entry.first_line, purpose)
    item.sections = [(s.title, s.body, s.line) for s in doc.sections]
    item.descs = {name: p.raw for name, p in doc.params.items()}
    item.desc_lines = {name: p.line for name, p in doc.params.items()}
    if doc.kind == "doc":  # kernel-doc numbers a DOC block by its "DOC:" line
        item.sections = [(title, body, doc.name_line) for title, body, _ in item.sections]
        return item
    if doc.kind == "function":
        item.name = entry.name or item.name
        return _function(item, entry.text, python)
    if doc.kind in ("struct", "union"):
        return _record(item, entry.text, python)
    if doc.kind == "enum":
        return _enum(item, entry.text)
    if doc.kind == "typedef":
        return _typedef(item, entry.text)
    if doc.kind == "var" and python:
        return _variable(item, entry)
    return None


def _variable(item: Item, entry: Entry) -> Item | None:
    text = entry.text
    variable = read_variable(text)
    if variable is None:
        entry.warning = f"{prepared(text)}: can't parse variable"
        return None
    item.name, item.full_proto, item.default = variable.name, text, variable.default
    return item


def _function(item: Item, text: str, python: bool) -> Item | None:
    proto = split_prototype(text, python)
    if proto is None or proto.name != item.name:
        return None
    item.return_type, item.params, item.object_macro = proto.return_type, proto.params, proto.object_macro
    if "typedef" in proto.return_type:
        item.typedef_function = True
    _default_descs(item)
    return item


def _default_descs(item: Item) -> None:
    """``void`` and ``...`` parameters get kernel-doc's default descriptions."""
    for param in item.params:
        if param.typed:
            continue
        if param.name == "void":
            item.descs["void"] = "no arguments"
        elif param.variadic and not item.descs.get(param.name):
            item.descs[param.name] = "variable arguments"


def _record(item: Item, text: str, python: bool) -> Item | None:
    record = read_record(text, python)
    if record is None or record.name != item.name:
        return None
    item.kind, item.params, item.definition = record.kind, record.members, record.definition
    for param in record.members:
        if param.name.startswith("{unnamed_"):
            item.descs[param.name] = "anonymous\n"
    return item


_ENUM_TYPEDEF = re.compile(r"typedef\s+enum\s*[{](.*)[}]\s*(\w*)\s*;", re.S | re.A)
_ENUM = re.compile(r"enum\s+(\w*)\s*[{](.*)[}]", re.S | re.A)


def _enum(item: Item, text: str) -> Item | None:
    parts = _enum_parts(text)
    if parts is None:
        return None
    name, members = parts
    if name != item.name:
        return None
    item.name = name or "(anonymous)"
    members = re.sub(r"\([^;]*?\)", "", members.rstrip())
    names = [_first_word(arg) for arg in perl_split(members, ",")]
    item.params = [Param(n, n) for n in names]
    return item


def _first_word(text: str) -> str:
    """The word ``text`` starts with (after blanks); ``text`` if none."""
    rest = text.lstrip()
    end = 0
    while end < len(rest) and (rest[end].isalnum() or rest[end] == "_"):
        end += 1
    return rest[:end] if end else text


def _enum_parts(text: str) -> tuple[str, str] | None:
    """``(name, constants text)`` of an enum declaration, None if none."""
    text = re.sub(r"/\*\s*private:.*?/\*\s*public:.*?\*/", "", text, flags=re.S | re.I)
    text = re.sub(r"/\*\s*private:.*\}", "}", text, flags=re.S | re.I)
    text = strip_comments(text)
    text = re.sub(r"#\s*(?:(?:define|ifdef|if)\s+|endif)[^;]*;", "", text, flags=re.S)
    found = _ENUM_TYPEDEF.search(text)
    if found:
        members, name = found[1], found[2]
    else:
        found = _ENUM.search(text)
        if not found:
            return None
        name, members = found[1], found[2]
    return (name, members) if members else None


_TYPEDEF_FUNCTION = re.compile(
    r"typedef((?:\s+[\w*]+\b){1,8})\s*(?:\(\*?\s*(\w\S+)\s*\)|\*?\s*(\w\S+)\s*)\s*\((.*)\);", re.S | re.A)


def _typedef(item: Item, text: str) -> Item | None:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    function = _TYPEDEF_FUNCTION.search(text)
    if function:
        name = function[2] or function[3]
        if name != item.name:
            return None
        item.return_type = function[1].lstrip()
        item.params = parameters(function[4], ",")
        item.typedef_function = True
        item.kind = "function"
        _default_descs(item)
        return item
    name = _typedef_name(text)
    return item if name == item.name else None


def _typedef_name(text: str) -> str:
    """The name a plain typedef declares ("" if kernel-doc finds none)."""
    while True:
        shorter = re.sub(r"\(*.\)\s*;\Z", ";", text)
        shorter = re.sub(r"\[*.\]\s*;\Z", ";", shorter)
        if shorter == text:
            break
        text = shorter
    plain = re.search(r"typedef.*[\s](\w+)\s*;", text, re.S | re.A)
    return plain[1] if plain else ""
