"""Struct and union declarations as kernel-doc reads and shows them.

From the collected declaration text (:mod:`.reader`), kernel-doc takes the
body between the braces, drops private members, comments and attributes,
writes the kernel's struct macros (``struct_group()``, ``DECLARE_BITMAP()``,
...) as plain members (:mod:`.cleanup` for the Perl tool,
:mod:`.pytransforms` for the Python one), and then (1) lists the members, nested ones named
``outer.inner`` (:mod:`.nested`), and (2) shows the body one member a line,
indented by nesting (:func:`lay_out`), in the reST **Definition** block and
the man page's SYNOPSIS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .cleanup import drop_attributes, drop_private, expand_member_macros, unwrap_groups
from .pytransforms import struct_transforms, trim_private
from .nested import flatten
from .proto import Param, parameters, squeeze_first, strip_comments
from .scan import BLANKS, replace_all, skip

_QUALIFIER = (r"(?:__attribute__\s*\(\([\w,*\s()]*\)\)|__packed|__aligned|"
              r"____cacheline_aligned_in_smp|____cacheline_aligned)")
_TYPEDEF_RECORD = re.compile(r"typedef\s+(struct|union)\s*\{(.*)\}\s*" + _QUALIFIER + r"*\s*(\w+)\s*;", re.I | re.S | re.A)


@dataclass
class Record:
    """A struct or union: its kind, name, members and shown body."""

    kind: str
    name: str
    members: list[Param] = field(default_factory=list)
    definition: str = ""


def find_body(text: str) -> tuple[str, str, str] | None:
    """``(kind, name, body)`` of ``struct NAME { body }`` or ``typedef
    struct { body } NAME;``, None when the text is neither."""
    for match in re.finditer(r"(struct|union)\s+(\w+)\s*\{", text, re.ASCII):
        close = text.rfind("}")
        if close > match.end() - 1:
            return match[1], match[2], text[match.end():close]
    typedef = _TYPEDEF_RECORD.search(text)
    if typedef:
        return typedef[1], typedef[3], typedef[2]
    return None


def clean_members(body: str, python: bool = False) -> str:
    """The body without private members, comments and attributes, with the
    kernel's struct macros written as plain members."""
    if python:
        return struct_transforms(trim_private(body))
    body = drop_private(body)
    body = strip_comments(body)
    body = drop_attributes(body)
    body = unwrap_groups(body)
    return expand_member_macros(body)


def member_list(members: str) -> list[Param]:
    """The members kernel-doc lists, in order (``#`` lines included,
    anonymous structs and unions named ``{unnamed_struct}``)."""
    out: list[Param] = []
    after_unnamed = False
    for param in parameters(flatten(members), ";"):
        if after_unnamed and not param.typed and param.name == "}":
            continue
        after_unnamed = False
        if not param.typed and param.name in ("struct", "union"):
            param = Param("{unnamed_" + param.name + "}", param.text, typed=True)
            after_unnamed = True
        out.append(param)
    return out


def read_record(text: str, python: bool = False) -> Record | None:
    """The record declared by ``text``, None when kernel-doc cannot parse it."""
    found = find_body(text)
    if found is None or not found[2]:
        return None
    kind, name, body = found
    members = clean_members(body, python)
    return Record(kind, name, member_list(members), lay_out(members))


def lay_out(members: str) -> str:
    """Members one per line, indented by nesting level."""
    text = "".join(ch + "\n" if ch in "{;" else ch for ch in members)
    text = _close_braces(text)
    text = _split_anonymous_enums(text)
    out = []
    level = 1
    for clause in text.split("\n"):
        clause = squeeze_first(clause.strip(BLANKS))
        if not clause:
            continue
        if "}" in clause and level > 1:
            level -= 1
        if not clause.startswith("#"):
            out.append("\t" * level)
        out.append("\t" + clause + "\n")
        if "{" in clause and "}" not in clause:
            level += 1
    return "".join(out)


def _close_braces(text: str) -> str:
    """``}`` then blanks then ``;`` made ``};``."""
    def find(text: str, pos: int) -> tuple[int, int, str] | None:
        at = text.find("}", pos)
        while at >= 0:
            semi = skip(text, at + 1)
            if semi > at + 1 and text.startswith(";", semi):
                return at, semi + 1, "};"
            at = text.find("}", at + 1)
        return None
    return replace_all(text, find)


def _split_anonymous_enums(text: str) -> str:
    """In ``enum {`` bodies, a line break after every comma not followed by one."""
    def find(text: str, pos: int) -> tuple[int, int, str] | None:
        at = text.find("enum", pos)
        while at >= 0:
            brace = skip(text, at + 4)
            if brace > at + 4 and text.startswith("{", brace):
                end = text.find("}", brace)
                end = len(text) if end < 0 else end + 1
                return at, end, text[at:brace] + _break_commas(text[brace:end])
            at = text.find("enum", at + 1)
        return None
    return replace_all(text, find)


def _break_commas(body: str) -> str:
    """A newline after each comma that is not the last character nor before one."""
    out = []
    for k, ch in enumerate(body):
        out.append(ch)
        if ch == "," and k + 1 < len(body) and body[k + 1] != "\n":
            out.append("\n")
    return "".join(out)
