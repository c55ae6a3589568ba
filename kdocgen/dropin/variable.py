"""How the Python kernel-doc (7.x) reads the declaration after a
``var NAME`` comment: the name it declares and its initial value.

The name is the argument of a ``DEFINE_*(name)`` call when there is one;
otherwise annotations are removed and the name is the last identifier of
the leading run of words (after optional ``*``), the value what follows an
``=`` right after it (and any array brackets).
"""

from __future__ import annotations

from dataclasses import dataclass

from .pytransforms import drop_tokens, ident_char
from .scan import BLANKS


@dataclass
class Variable:
    """A variable declaration as the tool reads it."""

    name: str
    #: the initial value ("" when none)
    default: str


def read_variable(prototype: str) -> Variable | None:
    """The variable ``prototype`` (its gathered text) declares, None when
    the tool cannot parse it."""
    defined = _defined_name(prototype)
    found = _name_and_value(prepared(prototype))
    if found is None:
        return Variable(defined, "") if defined else None
    name, value = found
    return Variable(defined or name, value.lstrip("=").strip())


def prepared(prototype: str) -> str:
    """The text the tool reads the name and value from (and quotes when it
    cannot): annotations removed unless a ``DEFINE_*(name)`` names it."""
    return (prototype if _defined_name(prototype) else _without_annotations(prototype)).rstrip()


def _defined_name(text: str) -> str:
    """``name`` of the first ``DEFINE_<word>(name)`` call ("" if none)."""
    at = text.find("DEFINE_")
    while at >= 0:
        k = at + len("DEFINE_")
        start = k
        while k < len(text) and ident_char(text[k]):
            k += 1
        if k > start:
            while k < len(text) and text[k] in BLANKS:
                k += 1
            if text.startswith("(", k):
                end = text.find(")", k)
                inner = text[k + 1:end] if end > 0 else ""
                if inner and all(ident_char(ch) for ch in inner):
                    return inner
        at = text.find("DEFINE_", at + 1)
    return ""


def _without_annotations(text: str) -> str:
    """The tool's rewriting of a variable declaration: annotations dropped,
    ``LIST_HEAD(x)`` and ``DECLARE_PER_CPU(t, x)`` spelled out, comments and
    the final ``;`` removed."""
    for word in ("__read_mostly", "__ro_after_init", "__guarded_by", "__pt_guarded_by"):
        text = drop_tokens(text, word)
    text = drop_tokens(text, "LIST_HEAD", lambda args: "struct list_head " + args[0])
    text = drop_tokens(text, "DECLARE_PER_CPU",
                       lambda args: f"{args[0]} {args[1] if len(args) > 1 else ''}[PER_CPU]; }}")
    line_comment = text.find("//")
    if line_comment >= 0:
        text = text[:line_comment]
    opened = text.find("/*")
    closed = text.rfind("*/")
    if opened >= 0 and closed >= opened + 2:
        text = text[:opened] + text[closed + 2:]
    return text[:-1] if text.endswith(";") else text


def _name_and_value(text: str) -> tuple[str, str] | None:
    """``(name, "= value" or "")``: the identifier after the last blank of
    the leading run of words and blanks that is followed by (``*`` and) an
    identifier."""
    run = 0
    while run < len(text) and (ident_char(text[run]) or text[run] in BLANKS):
        run += 1
    for blank in range(run - 1, -1, -1):
        if text[blank] not in BLANKS:
            continue
        k = blank
        while k < len(text) and text[k] in BLANKS:
            k += 1
        while k < len(text) and text[k] == "*":
            k += 1
        start = k
        while k < len(text) and ident_char(text[k]):
            k += 1
        if k == start:
            continue
        return text[start:k], _value(text, k)
    return None


def _value(text: str, at: int) -> str:
    """What follows a name: ``= ...`` after blanks and array brackets."""
    while at < len(text) and text[at] in BLANKS:
        at += 1
    while at < len(text) and (text[at].isdigit() or text[at] in "[]"):
        at += 1
    while at < len(text) and text[at] in BLANKS:
        at += 1
    return text[at:] if text.startswith("=", at) else ""

