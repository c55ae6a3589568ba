"""The member list kernel-doc builds for a struct or union, in its order.

kernel-doc flattens nested structs and unions: ``struct { int a; } x;``
becomes the member ``x`` followed by ``x.a``; an anonymous one becomes
``{unnamed_struct}`` (described as "anonymous") followed by its members.
Other nested bodies (enums) are dropped, then the text is split at ``;``
and each declaration gives one or more names.  :func:`member_names` returns
those names from the cleaned member text (:func:`.mandecl.struct_members_text`).
"""

from __future__ import annotations

from .proto import squeeze_first, squeeze_runs as squeeze

_BLANKS = " \t\n\r\f\v"


def _ident(ch: str) -> bool:
    """A ``\\w`` character."""
    return ch == "_" or (ch.isascii() and ch.isalnum())


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
    while i < len(text) and text[i] in _BLANKS:
        i += 1
    while i < len(text) and text[i] == "*":
        i += 1
    j = i
    while j < len(text) and text[j] not in _BLANKS:
        j += 1
    if j == i:
        return text
    k = j
    while k < len(text) and text[k] in _BLANKS:
        k += 1
    return text[i:j] + text[k:]


def _split_kept(text: str, sep: str) -> list[str]:
    """``text.split(sep)`` without the empty pieces at the end (as Perl splits)."""
    parts = text.split(sep)
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def _pointer_member(arg: str, extra: str = ".") -> tuple[str, str, str] | None:
    """``type (*name) (args)``: (text through ``(*`` and blanks, name, rest)."""
    open_ = arg.find("(")
    if open_ < 1:
        return None
    i = open_ + 1
    if i < len(arg) and arg[i] == "*":
        i += 1
    while i < len(arg) and arg[i] in _BLANKS:
        i += 1
    j = i
    while j < len(arg) and (_ident(arg[j]) or arg[j] in extra):
        j += 1
    k = j
    while k < len(arg) and arg[k] in _BLANKS:
        k += 1
    if k >= len(arg) or arg[k] != ")":
        return None
    return arg[:i], arg[i:j], arg[j:]


def _drop_bitfields_and_arrays(arg: str) -> str:
    """``: WIDTH`` bit-field widths and ``[...]`` array sizes removed."""
    out, i = [], 0
    while i < len(arg):
        j = i
        while j < len(arg) and arg[j] in _BLANKS:
            j += 1
        if j < len(arg) and arg[j] == ":":
            k = j + 1
            while k < len(arg) and arg[k] in _BLANKS:
                k += 1
            d = k
            while d < len(arg) and arg[d].isdigit():
                d += 1
            if d > k:
                while d < len(arg) and arg[d] in _BLANKS:
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
    return ",".join(part.strip(_BLANKS) if 0 < i < arg.count(",") else
                    (part.rstrip(_BLANKS) if i == 0 else part.lstrip(_BLANKS))
                    for i, part in enumerate(arg.split(",")))


def _flatten_one(kind: str, body: str, ids: str) -> str:
    """The declarations that replace one nested struct/union."""
    out = []
    for ident in _split_kept(ids, ",") or [ids]:
        out.append(f"{kind} {ident}; ")
        for mark in (":", "["):
            if mark in ident:
                ident = ident[:ident.index(mark)]
        ident = _first_word(ident)
        anonymous = not ident.strip(_BLANKS)
        for arg in _split_kept(body, ";"):
            if not arg.strip(_BLANKS):
                continue
            pointer = _pointer_member(arg)
            if pointer is not None:
                ctype, name, extra = pointer
                if name:
                    out.append(f"{ctype}{name}{extra}; " if anonymous else f"{ctype}{ident}.{name}{extra}; ")
                continue
            arg = _tight_commas(_drop_bitfields_and_arrays(arg.strip(_BLANKS)))
            cut = max(arg.rfind(ch) for ch in _BLANKS)
            if cut < 0 or cut == len(arg) - 1:
                out.append(f"{arg}; ")
                continue
            start = cut
            ctype = arg[:start]
            for name in _split_kept(arg[cut + 1:], ","):
                name = _first_word(name)
                if not name.strip(_BLANKS):
                    continue
                out.append(f"{ctype} {name}; " if anonymous else f"{ctype} {ident}.{name}; ")
    return "".join(out)


def _drop_bodies(text: str) -> str:
    """Every remaining ``{ ... }`` without braces inside removed."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "{":
            close = i + 1
            while close < len(text) and text[close] not in "{}":
                close += 1
            if close < len(text) and text[close] == "}":
                i = close + 1
                continue
        out.append(text[i])
        i += 1
    return "".join(out)


def flatten(members: str) -> str:
    """Nested structs and unions written out as flat declarations."""
    while True:
        hit = _nested(members)
        if hit is None:
            break
        start, end, kind, body, ids = hit
        members = members[:start] + _flatten_one(kind, body, ids) + members[end:]
    return _drop_bodies(members)


def _hide_paren_commas(text: str) -> str:
    """Commas after an open parenthesis (before any ``)``) made ``#``."""
    chars = list(text)
    for p, ch in enumerate(chars):
        if ch != "(":
            continue
        q = p + 1
        while q < len(chars) and chars[q] not in "),":
            q += 1
        while q < len(chars) and chars[q] == "," and q > p + 1:
            chars[q] = "#"
            q += 1
            while q < len(chars) and chars[q] not in "),":
                q += 1
    return "".join(chars)


def member_names(members: str) -> list[str]:
    """The names kernel-doc lists for a struct, in order ("#..." lines and
    ``{unnamed_struct}``/``{unnamed_union}`` included)."""
    return [name for name, _arg in parameters(flatten(members), ";")]


def parameters(text: str, splitter: str, python: bool = False) -> list[tuple[str, str]]:
    """kernel-doc's parameter list of ``text`` (function arguments split at
    ``,``, struct members at ``;``): (name, declaration as printed) pairs.
    The Python tool (``python``) shows ``[at_least N]`` as ``[static N]``."""
    out: list[tuple[str, str]] = []
    for arg in _hide_paren_commas(text).split(splitter):
        out.extend(_arg_names(arg.replace("[at_least ", "[static ") if python else arg))
    return out


def _drop_pos(arg: str) -> str:
    """The first `` POS `` or `` POS0 `` argument attribute made one space."""
    for i in range(len(arg)):
        if arg[i] in _BLANKS and arg.startswith("POS", i + 1):
            j = i + 4 + (1 if arg.startswith("0", i + 4) else 0)
            if j < len(arg) and arg[j] in _BLANKS:
                return arg[:i] + " " + arg[j + 1:]
    return arg


def _arg_names(arg: str) -> list[tuple[str, str]]:
    """The names one declaration gives, each with the declaration as printed."""
    first, last = arg.find("/*"), arg.rfind("*/")
    if first >= 0 and last > first:
        arg = arg[:first] + arg[last + 2:]
    arg = squeeze_first(_drop_pos(arg).strip(_BLANKS))
    if not arg:
        return []
    if arg.startswith("#"):
        return [(_param(arg, ""), squeeze(arg))]
    paren = _paren_then(arg)
    if paren:
        arg = arg.replace("#", ",")
        pointer = _pointer_member(arg, "[].") if paren == "(" else None
        name = pointer[1] if pointer else (_array_of_pointers_name(arg) if paren == "[" else "")
        return [(_param(name, "x"), squeeze(arg))]
    arg = _tighten(arg)
    return [(name, squeeze(arg)) for name in _plain_names(arg)]


def _paren_then(arg: str) -> str:
    """``(`` or ``[`` when a parenthesised part is followed (after blanks) by
    one, else ""."""
    open_ = arg.find("(")
    if open_ < 0:
        return ""
    close = arg.rfind(")")
    found = ""
    for q in range(open_ + 2, len(arg)):
        if arg[q] == ")":
            rest = arg[q + 1:].lstrip(_BLANKS)
            if rest.startswith("("):
                return "("
            if rest.startswith("[") and not found:
                found = "["
    return found if close > open_ else ""


def _array_of_pointers_name(arg: str) -> str:
    """The name in ``type (*name[N])``."""
    open_ = arg.find("(")
    i = open_ + 1
    while i < len(arg) and arg[i] in _BLANKS:
        i += 1
    if i < len(arg) and arg[i] == "*":
        i += 1
    while i < len(arg) and arg[i] in _BLANKS:
        i += 1
    j = i
    while j < len(arg) and (_ident(arg[j]) or arg[j] in "[]."):
        j += 1
    return arg[i:j]


def _plain_names(arg: str) -> list[str]:
    """``type a, *b, c:3`` style declarations."""
    args = [a for a in _split_around_commas(arg)]
    head = args[0]
    if "*" in head:
        star = head.index("*")
        end = star
        while end < len(head) and head[end] == "*":
            end += 1
        stop = end
        while stop < len(head) and head[stop] in _BLANKS:
            stop += 1
        head = head[:star] + " " + head[star:end] + head[stop:]
    words = _words(head)
    if not words:
        words = [""]
    ctype = " ".join(words[:-1])
    names = []
    for param in [words[-1]] + args[1:]:
        if param.startswith("*"):
            names.append(_param(param.lstrip("*").lstrip(_BLANKS), ctype + " *"))
        elif ":" in param and _ident(param[param.index(":") + 1:][:1] or " "):
            if ctype:
                names.append(_param(param[:param.index(":")], ctype))
        else:
            names.append(_param(param, ctype))
    return [n for n in names if n is not None]


def _words(head: str) -> list[str]:
    """The blank-separated words of a declaration; an array declarator
    (``name[N - 1]``) stays one word with whatever follows it."""
    split_at = -1
    last_open = -1
    for k, ch in enumerate(head):
        if ch == "[" and "]" in head[k:]:
            last_open = k
    if last_open >= 0:
        split_at = max((k for k in range(last_open) if head[k] in _BLANKS), default=-1)
    prefix, last = (head[:split_at + 1], [head[split_at + 1:]]) if split_at >= 0 else (head, [])
    words = prefix.split()
    return ([""] if prefix[:1] in _BLANKS else []) + words + last


def _tighten(arg: str) -> str:
    """No blanks around ``:`` nor before ``[``."""
    out = []
    for i, ch in enumerate(arg):
        if ch in _BLANKS:
            j = i
            while j < len(arg) and arg[j] in _BLANKS:
                j += 1
            if j < len(arg) and arg[j] in ":[":
                continue
            k = i
            while k > 0 and arg[k - 1] in _BLANKS:
                k -= 1
            if k > 0 and arg[k - 1] == ":":
                continue
        out.append(ch)
    return "".join(out)


def _split_around_commas(arg: str) -> list[str]:
    """``arg`` split at commas, blanks around them dropped."""
    parts = arg.split(",")
    return [p.strip(_BLANKS) if 0 < i < len(parts) - 1 else
            (p.rstrip(_BLANKS) if i == 0 and len(parts) > 1 else (p.lstrip(_BLANKS) if i else p))
            for i, p in enumerate(parts)]


def _param(name: str, ctype: str) -> str:
    """A name as kernel-doc lists it (what follows ``[`` or ``)`` dropped;
    ``struct``/``union`` alone are anonymous members)."""
    for mark in ("[", ")"):
        if mark in name:
            name = name[:name.index(mark)]
    if not ctype and name in ("struct", "union"):
        return "{unnamed_" + name + "}"
    if not ctype and name.endswith("...") and name != "...":
        return name[:-3]
    if not ctype and name == "":
        return "void"
    return name
