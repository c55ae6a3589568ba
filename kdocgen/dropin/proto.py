"""Function prototypes as kernel-doc prints them.

kernel-doc gathers the text after a comment up to the ``{``, ``;`` or
``#define`` that ends the prototype, drops the decorations kernel code puts
in front of functions (``static``, ``inline``, ``__must_check``, ...), then
splits return type, name and arguments.  Each argument is printed as it is
written (comments dropped, runs of blanks made one space).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .pytransforms import function_transforms

#: Words dropped when they start the prototype (each followed by spaces).
LEADING_WORDS = ("static", "extern", "asmlinkage", "inline", "__inline__", "__inline",
                 "__always_inline", "noinline", "__FORTIFY_INLINE")
#: Words dropped wherever they are (their first occurrence, with the spaces after).
ANYWHERE_WORDS = ("__init", "__init_or_module", "__deprecated", "__flatten", "__meminit",
                  "__must_check", "__weak", "__sched")
#: Macros with arguments dropped (first occurrence, with the spaces after).
ANYWHERE_CALLS = ("__printf", "__alloc_size", "__realloc_size", "__diagnose_as")
NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_~:")
WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


@dataclass
class Param:
    """One parameter: its name (to find its description) and printed text."""

    name: str
    text: str
    #: False when kernel-doc found no type (``void``, ``...``, ``#if``)
    typed: bool = True
    #: ``...`` or ``name...``: described as "variable arguments" by default
    variadic: bool = False


@dataclass
class Prototype:
    """A function (or macro, or function typedef) prototype, split."""

    return_type: str
    name: str
    params: list[Param] = field(default_factory=list)
    object_macro: bool = False


def strip_comments(text: str) -> str:
    """``text`` without ``/* ... */`` comments (shortest matches)."""
    out, pos = [], 0
    while True:
        start = text.find("/*", pos)
        if start < 0:
            break
        end = text.find("*/", start + 2)
        if end < 0:
            break
        out.append(text[pos:start])
        pos = end + 2
    out.append(text[pos:])
    return "".join(out)


def skip_blanks(text: str, pos: int) -> int:
    """The first position from ``pos`` on that is not a blank."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _drop_word(text: str, word: str, anywhere: bool) -> str:
    """``text`` without ``word`` followed by one or more spaces (at the
    start, or at its first such occurrence)."""
    pos = 0 if not anywhere else text.find(word + " ")
    if pos < 0 or not text.startswith(word + " ", pos):
        return text
    end = pos + len(word)
    while end < len(text) and text[end] == " ":
        end += 1
    return text[:pos] + text[end:]


def _drop_call(text: str, word: str, keep_blanks: bool = False) -> str:
    """``text`` without the first ``word(...)`` followed by spaces, when
    its parentheses hold no other parentheses (with ``keep_blanks``, as
    7.x does, the spaces stay)."""
    pos = text.find(word)
    while pos >= 0:
        after = skip_blanks(text, pos + len(word))
        if after < len(text) and text[after] == "(":
            close = text.find(")", after)
            if close > 0 and "(" not in text[after + 1:close]:
                end = close + 1
                if end < len(text) and text[end] == " ":
                    while end < len(text) and text[end] == " " and not keep_blanks:
                        end += 1
                    return text[:pos] + text[end:]
        pos = text.find(word, pos + 1)
    return text


def _drop_attribute(text: str) -> str:
    """``text`` without its first ``__attribute__((...))`` and the blanks after."""
    pos = text.find("__attribute__")
    if pos < 0:
        return text
    start = skip_blanks(text, pos + len("__attribute__"))
    if not text.startswith("((", start):
        return text
    depth, index = 0, start
    while index < len(text):
        depth += (text[index] == "(") - (text[index] == ")")
        index += 1
        if depth == 0:
            break
    if depth or index >= len(text) or not text[index].isspace():
        return text
    return text[:pos] + text[skip_blanks(text, index):]


def undecorate(text: str, python: bool = False) -> tuple[str, bool]:
    """The prototype without kernel decorations, and whether it was a ``#define``."""
    for word in LEADING_WORDS:
        text = _drop_word(text, word, anywhere=False)
    for word in ANYWHERE_WORDS:
        text = _drop_word(text, word, anywhere=True)
    text = text.replace("_noprof", "", 1)
    for word in ANYWHERE_CALLS:
        text = _drop_call(text, word, python)
    text = _bucket_params(text)
    define = False
    stripped = text
    if stripped.startswith("#"):
        rest = skip_blanks(stripped, 1)
        if stripped.startswith("define", rest) and rest + 6 < len(stripped) and stripped[rest + 6].isspace():
            text, define = stripped[skip_blanks(stripped, rest + 6):], True
    text = _drop_word(text, "__attribute_const__", anywhere=True)
    return _drop_attribute(text), define


def _bucket_params(text: str) -> str:
    """``DECL_BUCKET_PARAMS(a, b)`` is written ``a, b``."""
    pos = text.find("DECL_BUCKET_PARAMS")
    if pos < 0:
        return text
    open_ = skip_blanks(text, pos + len("DECL_BUCKET_PARAMS"))
    close = text.find(")", open_)
    if open_ >= len(text) or text[open_] != "(" or close < 0:
        return text
    parts = [p.strip() for p in text[open_ + 1:close].split(",")]
    if len(parts) != 2 or not all(parts) or any(" " in p for p in parts):
        return text
    return text[:pos] + f"{parts[0]}, {parts[1]}" + text[close + 1:]


_LOCK_CONTEXT = re.compile(r"\s*\b__(?:cond_)?(?:acquires|releases|must_hold)\w*\s*[(][^()]*[)]")


def split_prototype(text: str, python: bool = False) -> Prototype | None:
    """Return type, name and parameters of an undecorated prototype (see
    :func:`undecorate`), or None when kernel-doc cannot understand it
    (7.x also drops lock context annotations such as ``__acquires(x)``)."""
    if python and not text.startswith("#"):  # the tool's rewriting of prototypes (not of macros)
        text = function_transforms(text)
        text = _LOCK_CONTEXT.sub("", text) if "__" in text else text
        text = _drop_word(text, "STATIC_IFN_KUNIT", anywhere=False).replace("__always_unused ", "").replace("__maybe_unused ", "")
        text = _drop_word(text, "__exit", anywhere=True).replace("[at_least ", "[static ")
    text, define = undecorate(text, python)
    if define:
        end = 0
        while end < len(text) and text[end] in NAME_CHARS:
            end += 1
        if end and end < len(text) and text[end].isspace():
            return Prototype("", text[:end], object_macro=True)
    paren = text.find("(")
    if paren < 0:
        return None
    head = text[:paren].rstrip()
    name_start = len(head)
    while name_start and head[name_start - 1] in NAME_CHARS:
        name_start -= 1
    name = head[name_start:]
    if not name:
        return None
    return_type = _return_type(head[:name_start])
    if return_type is None:
        return None
    args = _arguments(text, paren)
    if args is None:
        return None
    return Prototype(return_type, name, parameters(args, ","))


def _return_type(head: str) -> str | None:
    """The return type before the name (kernel-doc's reading), None if the
    text before the name is not a type."""
    if not head:
        return ""
    if all(c in WORD_CHARS or c.isspace() for c in head):
        if len(head) >= 2 and head[-1].isspace() and not head[:-1].isspace():
            return head[:-1]
        return None
    body = head.rstrip()
    if not body.endswith("*") or body[0] == "*":
        return None
    if any(not (c in WORD_CHARS or c.isspace() or c == "*") for c in body):
        return None
    return body


def _arguments(text: str, paren: int) -> str | None:
    """The text between the name's ``(`` and its ``)``: up to the last ``)``
    before any other ``(``, else up to the last ``)``."""
    rest = text[paren + 1:]
    nested = rest.find("(")
    first = rest[:nested] if nested >= 0 else rest
    close = first.rfind(")")
    if close >= 0:
        return first[:close]
    close = rest.rfind(")")
    return rest[:close] if close >= 0 else None


def _protect_commas(args: str) -> str:
    """Commas inside an open parenthesis become ``#`` (function pointers)."""
    out, inside = [], False
    for char in args:
        if char == "(":
            inside = True
        elif char == ")":
            inside = False
        elif char == "," and inside:
            char = "#"
        out.append(char)
    return "".join(out)


def squeeze_first(text: str) -> str:
    """``text`` with its first run of blanks made one space."""
    for index, char in enumerate(text):
        if char.isspace():
            end = index
            while end < len(text) and text[end].isspace():
                end += 1
            return text[:index] + " " + text[end:]
    return text


def squeeze_runs(text: str) -> str:
    """``text`` with every run of two or more blanks made one space."""
    out, index = [], 0
    while index < len(text):
        end = index
        while end < len(text) and text[end].isspace():
            end += 1
        if end - index >= 2:
            out.append(" ")
            index = end
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


def parameters(args: str, splitter: str) -> list[Param]:
    """The parameters of an argument list (``splitter``: ``,`` for
    functions, ``;`` for struct members)."""
    params: list[Param] = []
    for arg in _protect_commas(args).split(splitter):
        start = arg.find("/*")
        end = arg.rfind("*/")
        if start >= 0 and end > start:
            arg = arg[:start] + arg[end + 2:]
        arg = _drop_pos(arg)
        arg = squeeze_first(arg.strip())
        if arg.startswith("#"):
            params.append(Param(_clean_name(arg), "", typed=False))
        elif _pointer_to_function(arg):
            text = arg.replace("#", ",")
            params.append(Param(_clean_name(_pointer_name(text)), squeeze_runs(text)))
        elif arg:
            params.extend(_plain(arg))
    return [p for p in params if "__cacheline_group" not in p.name]


def _drop_pos(arg: str) -> str:
    for word in (" POS ", " POS0 ", "\tPOS ", " POS\t"):
        pos = arg.find(word)
        if pos >= 0:
            return arg[:pos] + " " + arg[pos + len(word):]
    return arg


def _pointer_to_function(arg: str) -> bool:
    """``type (*name)(args)`` or ``type (*name)[n]``."""
    open_ = arg.find("(")
    if open_ < 0:
        return False
    close = arg.rfind(")")
    while close > open_ + 1:
        after = arg[close + 1:].lstrip()
        if after.startswith(("(", "[")):
            return True
        close = arg.rfind(")", 0, close)
    return False


def _pointer_name(arg: str) -> str:
    """The name inside the first ``(*name)`` of a function pointer."""
    open_ = arg.find("(")
    pos = open_ + 1
    if pos < len(arg) and arg[pos] == "*":
        pos += 1
    pos = skip_blanks(arg, pos)
    end = pos
    while end < len(arg) and (arg[end] in WORD_CHARS or arg[end] in "[]."):
        end += 1
    return arg[pos:end]


def _plain(arg: str) -> list[Param]:
    """A parameter without parentheses: ``type name``, ``type *name``,
    ``type name[4]``, bit fields; struct members may list several names."""
    arg = _tight(arg)
    original = squeeze_runs(arg)
    names = [n for n in _split_commas(arg)]
    first = names[0]
    if "*" in first:
        star = first.find("*")
        stars = star
        while stars < len(first) and first[stars] == "*":
            stars += 1
        rest = stars
        while rest < len(first) and first[rest].isspace():
            rest += 1
        first = first[:star] + " " + first[star:stars] + first[rest:]
    words = _words_with_array(first)
    names[0] = words.pop() if words else ""
    type_ = " ".join(words)
    out = []
    for name in names:
        if name.startswith("*"):
            stars = len(name) - len(name.lstrip("*"))
            out.append(Param(_clean_name(name[stars:].lstrip()), original))
        elif ":" in name and _bit_field(name):
            if type_:
                out.append(Param(_clean_name(name.split(":", 1)[0]), original))
        else:
            out.append(_untyped(_clean_name(name), original) if not type_ else Param(_clean_name(name), original))
    return out


def _untyped(name: str, original: str) -> Param:
    """A parameter without a type: ``void``, ``...``, ``name...``."""
    variadic = name.endswith("...")
    if variadic and name != "..." and name[-4] in WORD_CHARS:
        name = name[:-3]
    elif name == "":
        name = "void"
    return Param(name, original, typed=False, variadic=variadic)


def _bit_field(name: str) -> bool:
    head, _, tail = name.partition(":")
    return bool(tail) and (tail[0] in WORD_CHARS)


def _tight(arg: str) -> str:
    """No blanks around ``:`` nor before ``[``."""
    out: list[str] = []
    for char in arg:
        if char in ":[":
            while out and out[-1].isspace():
                out.pop()
        if out and out[-1] == ":" and char.isspace():
            continue
        out.append(char)
    return "".join(out)


def _split_commas(arg: str) -> list[str]:
    return [part.strip() if i else part.rstrip() for i, part in enumerate(arg.split(","))] if "," in arg else [arg]


def _words_with_array(first: str) -> list[str]:
    """The words of the first declarator; ``type name[a + b]`` keeps the
    array part (from the last blank before a ``[...]``) as one word."""
    bracket = first.find("[")
    if bracket >= 0 and "]" in first[bracket:]:
        blank = max((i for i in range(bracket) if first[i].isspace()), default=-1)
        if blank >= 0:
            head = first[:blank + 1]
            return _split_blanks(head) + [first[blank + 1:]]
    return _split_blanks(first)


def _split_blanks(text: str) -> list[str]:
    """Split at runs of blanks; a leading run gives an empty first word
    (trailing ones give none)."""
    parts = text.split()
    if text and text[0].isspace():
        parts.insert(0, "")
    return parts


def _clean_name(name: str) -> str:
    """A parameter's name up to a ``[`` or ``)``; ``x...`` is ``x``, ``...`` stays."""
    for index, char in enumerate(name):
        if char in "[)":
            name = name[:index]
            break
    return name
