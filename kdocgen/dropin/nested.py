"""Nested structs and unions written flat, as kernel-doc lists members.

kernel-doc flattens nested structs and unions: ``struct { int a; } x;``
becomes the member ``x`` followed by ``x.a``; an anonymous one becomes
``{unnamed_struct}`` (described as "anonymous") followed by its members.
Other nested bodies (enums) are dropped; the text is then split at ``;``
into members (:func:`.definition.member_list`).
"""

from __future__ import annotations

from .scan import BLANKS, perl_split, replace_all, word_char


def _nested(text: str) -> tuple[int, int, str, str, str] | None:
    """The first ``struct|union HEAD { BODY } IDS;`` without braces inside:
    (start, end, kind, body, ids)."""
    best = None
    for kind in ("struct", "union"):
        at = text.find(kind)
        while at >= 0 and (best is None or at < best[0]):
            hit = _nested_at(text, at, kind)
            if hit is not None:
                best = hit
                break
            at = text.find(kind, at + 1)
    return best


def _nested_at(text: str, at: int, kind: str) -> tuple[int, int, str, str, str] | None:
    """The nested body starting with ``kind`` at ``at``, if the text there is one."""
    i = at + len(kind)
    head = i
    while i < len(text) and text[i] not in "{};":
        i += 1
    if i == head or i >= len(text) or text[i] != "{":
        return None
    close = i + 1
    while close < len(text) and text[close] not in "{}":
        close += 1
    if close >= len(text) or text[close] != "}":
        return None
    semi = close + 1
    while semi < len(text) and text[semi] not in "{};":
        semi += 1
    if semi >= len(text) or text[semi] != ";":
        return None
    return at, semi + 1, kind, text[i + 1:close], text[close + 1:semi]


def _first_word(text: str) -> str:
    """Leading blanks and stars dropped, and the blanks after the first word."""
    i = 0
    while i < len(text) and text[i] in BLANKS:
        i += 1
    while i < len(text) and text[i] == "*":
        i += 1
    j = i
    while j < len(text) and text[j] not in BLANKS:
        j += 1
    if j == i:
        return text
    k = j
    while k < len(text) and text[k] in BLANKS:
        k += 1
    return text[i:j] + text[k:]


def _pointer_member(arg: str, extra: str = ".") -> tuple[str, str, str] | None:
    """``type (*name) (args)``: (text through ``(*`` and blanks, name, rest)."""
    open_ = arg.find("(")
    if open_ < 1:
        return None
    i = open_ + 1
    if i < len(arg) and arg[i] == "*":
        i += 1
    while i < len(arg) and arg[i] in BLANKS:
        i += 1
    j = i
    while j < len(arg) and (word_char(arg[j]) or arg[j] in extra):
        j += 1
    k = j
    while k < len(arg) and arg[k] in BLANKS:
        k += 1
    if k >= len(arg) or arg[k] != ")":
        return None
    return arg[:i], arg[i:j], arg[j:]


def _drop_bitfields_and_arrays(arg: str) -> str:
    """``: WIDTH`` bit-field widths and ``[...]`` array sizes removed."""
    out, i = [], 0
    while i < len(arg):
        j = i
        while j < len(arg) and arg[j] in BLANKS:
            j += 1
        if j < len(arg) and arg[j] == ":":
            k = j + 1
            while k < len(arg) and arg[k] in BLANKS:
                k += 1
            d = k
            while d < len(arg) and arg[d].isdigit():
                d += 1
            if d > k:
                while d < len(arg) and arg[d] in BLANKS:
                    d += 1
                i = d
                continue
        out.append(arg[i])
        i += 1
    arg = "".join(out)
    first, last = arg.find("["), arg.rfind("]")
    if first >= 0 and last > first:
        arg = arg[:first] + arg[last + 1:]
    return arg


def _tight_commas(arg: str) -> str:
    """Blanks around commas removed."""
    return ",".join(part.strip(BLANKS) if 0 < i < arg.count(",") else
                    (part.rstrip(BLANKS) if i == 0 else part.lstrip(BLANKS))
                    for i, part in enumerate(arg.split(",")))


def _flatten_one(kind: str, body: str, ids: str) -> str:
    """The declarations that replace one nested struct/union."""
    out = []
    for ident in perl_split(ids, ",") or [ids]:
        out.append(f"{kind} {ident}; ")
        for mark in (":", "["):
            if mark in ident:
                ident = ident[:ident.index(mark)]
        ident = _first_word(ident)
        anonymous = not ident.strip(BLANKS)
        for arg in perl_split(body, ";"):
            if not arg.strip(BLANKS):
                continue
            pointer = _pointer_member(arg)
            if pointer is not None:
                ctype, name, extra = pointer
                if name:
                    out.append(f"{ctype}{name}{extra}; " if anonymous else f"{ctype}{ident}.{name}{extra}; ")
                continue
            arg = _tight_commas(_drop_bitfields_and_arrays(arg.strip(BLANKS)))
            cut = max(arg.rfind(ch) for ch in BLANKS)
            if cut < 0 or cut == len(arg) - 1:
                out.append(f"{arg}; ")
                continue
            start = cut
            ctype = arg[:start]
            for name in perl_split(arg[cut + 1:], ","):
                name = _first_word(name)
                if not name.strip(BLANKS):
                    continue
                out.append(f"{ctype} {name}; " if anonymous else f"{ctype} {ident}.{name}; ")
    return "".join(out)


def _drop_bodies(text: str) -> str:
    """Every remaining ``{ ... }`` without braces inside removed."""
    def find(text: str, pos: int) -> tuple[int, int, str] | None:
        at = text.find("{", pos)
        while at >= 0:
            close = at + 1
            while close < len(text) and text[close] not in "{}":
                close += 1
            if close < len(text) and text[close] == "}":
                return at, close + 1, ""
            at = text.find("{", at + 1)
        return None
    return replace_all(text, find)


def flatten(members: str) -> str:
    """Nested structs and unions written out as flat declarations."""
    while True:
        hit = _nested(members)
        if hit is None:
            break
        start, end, kind, body, ids = hit
        members = members[:start] + _flatten_one(kind, body, ids) + members[end:]
    return _drop_bodies(members)
