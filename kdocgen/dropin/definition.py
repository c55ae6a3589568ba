"""Struct and union declarations as kernel-doc reads and shows them.

From the collected declaration text (:mod:`.reader`), kernel-doc takes the
body between the braces, drops private members, comments and attributes,
writes the kernel's struct macros (``struct_group()``, ``DECLARE_BITMAP()``,
...) as plain members, and then (1) lists the members, nested ones named
``outer.inner``, and (2) shows the body one member a line, indented by
nesting, in the **Definition** block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .mandecl import lay_out
from .manpy import drop_tokens, struct_groups, trim_private
from .proto import Param, parameters

_I = re.IGNORECASE | re.DOTALL | re.ASCII
_S = re.DOTALL | re.ASCII

_PRIVATE_TO_PUBLIC = re.compile(r"/\*\s*private:.*?/\*\s*public:.*?\*/", _I)
_PRIVATE_TO_END = re.compile(r"/[*]\s*private:.*", _I)
_COMMENT = re.compile(r"/\*.*?\*/", _S)
_GCC_ATTRIBUTE = re.compile(r"\s*__attribute__\s*\(\([\w,*\s()]*\)\)", _I)
#: attributes written without arguments, removed with the blanks around
_BARE_ATTRIBUTES = ("CRYPTO_MINALIGN_ATTR", "____cacheline_aligned_in_smp", "____cacheline_aligned")
_CALL_ATTRIBUTES = re.compile(r"\s*(?:__aligned|__counted_by(?:_le|_be)?)\s*\([^;]*\)", _S)
_PACKED = re.compile(r"\s*__packed\s*", _S)
#: 7.x: lock annotations of members (``__guarded_by(&lock)``) are dropped too
_LOCK_ANNOTATIONS = re.compile(r"\s*__(?:pt_)?guarded_by\s*[(][^;)]*[)]", _S)
_ARG = r"([^,)]+)"
_QUALIFIER = (r"(?:__attribute__\s*\(\([\w,*\s()]*\)\)|__packed|__aligned|"
              r"____cacheline_aligned_in_smp|____cacheline_aligned)")
_TYPEDEF_RECORD = re.compile(r"typedef\s+(struct|union)\s*\{(.*)\}\s*" + _QUALIFIER + r"*\s*(\w+)\s*;", _I)


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
    if python and "private:" in body:  # 7.x hides private members up to the end of their brackets
        body = trim_private(body)
    body = _PRIVATE_TO_PUBLIC.sub("", body)
    body = _PRIVATE_TO_END.sub("", body)
    body = _COMMENT.sub("", body)
    body = _GCC_ATTRIBUTE.sub(" ", body)
    body = _CALL_ATTRIBUTES.sub(" ", body)
    if python:
        body = _LOCK_ANNOTATIONS.sub("", body)
        body = re.sub(r"\b__(?:rcu|private)\b\s*", "", body)
        body = re.sub(r"\s*__counted_by_ptr\s*[(][^;]*[)]", " ", body)
    body = _PACKED.sub(" ", body)
    for word in _BARE_ATTRIBUTES:
        body = re.sub(r"\s*" + word, " ", body)
    if python:
        for word in ("__cacheline_group_begin", "__cacheline_group_end"):
            body = drop_tokens(body, word)
        body = struct_groups(body).replace("};", "} ;").replace("} ;;", "} ;")
    else:
        body = _unwrap_groups(body)
    return _expand_macros(body, python)


def _unwrap_groups(body: str) -> str:
    """``struct_group(NAME, members)`` and its variants become ``members``
    (``struct_group_tagged(TAG, NAME, ...)`` also declares ``struct TAG NAME``)."""
    body = re.sub(r"\bstruct_group\s*\([^,]*,", "STRUCT_GROUP(", body)
    body = re.sub(r"\bstruct_group_attr\s*\((?:[^,]*,){2}", "STRUCT_GROUP(", body)
    body = re.sub(r"\bstruct_group_tagged\s*[(]([^,]*),([^,]*),", r"struct \1 \2; STRUCT_GROUP(", body)
    body = re.sub(r"\b__struct_group\s*\((?:[^,]*,){3}", "STRUCT_GROUP(", body)
    out, pos = [], 0
    while True:
        found = re.compile(r"\bSTRUCT_GROUP\(").search(body, pos)
        if not found:
            break
        depth, index = 0, found.end() - 1
        while index < len(body):
            depth += (body[index] == "(") - (body[index] == ")")
            if depth == 0:
                break
            index += 1
        semi = body.find(";", index) if depth == 0 else -1
        if semi < 0:
            out.append(body[pos:found.end()])
            pos = found.end()
            continue
        out.append(body[pos:found.start()] + body[found.end():index])
        pos = semi + 1
    out.append(body[pos:])
    return "".join(out)


def _expand_macros(body: str, python: bool) -> str:
    """``DECLARE_BITMAP()`` and friends written as the members they declare
    (7.x keeps the blanks before a bitmap's size)."""
    body = re.sub(r"__ETHTOOL_DECLARE_LINK_MODE_MASK\s*\(([^)]+)\)",
                  r"DECLARE_BITMAP(\1, __ETHTOOL_LINK_MODE_MASK_NBITS)", body)
    body = re.sub(r"DECLARE_PHY_INTERFACE_MASK\s*\(([^)]+)\)", r"DECLARE_BITMAP(\1, PHY_INTERFACE_MODE_MAX)", body)
    body = re.sub(r"DECLARE_BITMAP\s*[(]" + _ARG + (r"," if python else r",\s*") + _ARG + r"\)", r"unsigned long \1[BITS_TO_LONGS(\2)]", body)
    body = re.sub(r"DECLARE_HASHTABLE\s*[(]" + _ARG + (r"," if python else r",\s*") + _ARG + r"\)", r"unsigned long \1[1 << ((\2) - 1)]", body)
    body = re.sub(r"DECLARE_KFIFO\s*[(]" + _ARG + r",\s*" + _ARG + r",\s*" + _ARG + r"\)", r"\2 *\1", body)
    body = re.sub(r"DECLARE_KFIFO_PTR\s*[(]" + _ARG + r",\s*" + _ARG + r"\)", r"\2 *\1", body)
    body = re.sub(r"(?:__)?DECLARE_FLEX_ARRAY\s*[(]" + _ARG + r",\s*" + _ARG + r"\)", r"\1 \2[]", body)
    body = re.sub(r"DEFINE_DMA_UNMAP_ADDR\s*[(]" + _ARG + r"\)", r"dma_addr_t \1", body)
    return re.sub(r"DEFINE_DMA_UNMAP_LEN\s*[(]" + _ARG + r"\)", r"__u32 \1", body)


_NESTED = re.compile(r"(struct|union)([^{};]+)\{([^{}]*)\}([^{};]*);")


def flatten(members: str) -> str:
    """Nested structs and unions written as members of the outer one,
    ``outer.inner`` (just ``inner`` for anonymous ones)."""
    while True:
        nested = _NESTED.search(members)
        if not nested:
            break
        kind, content, ids = nested[1], nested[3], nested[4]
        written = []
        for id_ in ids.split(",") if ids else []:
            written.append(f"{kind} {id_}; ")
            id_ = re.split(r"[:\[]", id_, maxsplit=1)[0]
            id_ = re.sub(r"^\s*[*]*(\S+)\s*", r"\1", id_)
            for arg in content.split(";"):
                if arg.strip():
                    written.append(_nested_member(arg, id_))
        members = members[:nested.start()] + "".join(written) + members[nested.end():]
    return re.sub(r"\{[^{}]*\}", "", members)


def _nested_member(arg: str, id_: str) -> str:
    prefix = "" if not id_.strip() else id_ + "."
    pointer = re.match(r"([^(]+\(\*?\s*)([\w.]*)(\s*\).*)", arg, re.DOTALL)
    if pointer:
        if not pointer[2]:
            return ""
        return f"{pointer[1]}{prefix}{pointer[2]}{pointer[3]}; "
    arg = arg.strip()
    arg = re.sub(r":\s*[0-9]+\s*", "", arg)
    arg = re.sub(r"\[.*\]", "", arg, flags=re.DOTALL)
    arg = re.sub(r"\s*,\s*", ",", arg)
    split = re.match(r"(.*)\s+([\S,]+)", arg, re.DOTALL)
    if not split:
        return f"{arg}; "
    out = []
    for name in split[2].split(","):
        name = re.sub(r"^\s*[*]*(\S+)\s*", r"\1", name)
        if name.strip():
            out.append(f"{split[1]} {prefix}{name}; ")
    return "".join(out)


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
    shown = lay_out(members)
    if python:  # 7.x: no blank before a member's ";"
        shown = re.sub(r"^(\t+[^#\t][^\n]*?)[ \t]+;", r"\1;", shown, flags=re.M)
    return Record(kind, name, member_list(members), shown)
