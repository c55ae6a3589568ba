"""The clean-ups the Perl kernel-doc (6.x) applies to struct members before
listing and showing them (the Python tool's are in :mod:`.pytransforms`).

Each function takes the member text (between the struct's outer braces,
gathered on one line) and returns it with one kind of clutter removed or
rewritten, in the order the tool applies them.  Written as small scanners
from the tool's observed behaviour.
"""

from __future__ import annotations

from typing import Callable

from .scan import BLANKS, Finder, replace_all, skip, word_char


def _blanks_before(text: str, at: int, floor: int) -> int:
    """The start of the run of blanks that ends at ``at`` (not before ``floor``)."""
    while at > floor and text[at - 1] in BLANKS:
        at -= 1
    return at


# -- private members and comments -------------------------------------------

def _find_ci(text: str, needle: str, start: int) -> int:
    """``text.find(needle, start)`` ignoring case."""
    return text.lower().find(needle.lower(), start)


def _marker(text: str, start: int, word: str) -> tuple[int, int]:
    """The next ``/* word:`` (blanks allowed after ``/*``, any case) from
    ``start``: (its start, the end of ``word:``), or (-1, -1)."""
    low = text.lower()
    at = low.find("/*", start)
    while at >= 0:
        after = skip(low, at + 2)
        if low.startswith(word + ":", after):
            return at, after + len(word) + 1
        at = low.find("/*", at + 1)
    return -1, -1


def drop_private(members: str) -> str:
    """Members between ``/* private: */`` and ``/* public: */`` removed, and
    everything after a ``private:`` with no ``public:`` after it."""
    def find(text: str, pos: int) -> tuple[int, int, str] | None:
        start, after = _marker(text, pos, "private")
        if start < 0:
            return None
        _pub, pub_end = _marker(text, after, "public")
        if pub_end < 0:
            return None
        close = text.find("*/", pub_end)
        return (start, close + 2, "") if close >= 0 else None
    members = replace_all(members, find)
    start, _after = _marker(members, 0, "private")
    return members[:start] if start >= 0 else members


# -- attributes --------------------------------------------------------------

def _attribute_args_end(text: str, start: int) -> int:
    """After ``__attribute__`` + blanks + ``((`` at ``start``: the end of the
    last ``))`` inside the run of characters an attribute may hold, or -1."""
    end = start
    while end < len(text) and (text[end].isascii() and (text[end].isalnum() or text[end] in ",_*()")
                               or text[end] in BLANKS):
        end += 1
    close = text.rfind("))", start, end)
    return close + 2 if close >= 0 else -1


def _gnu_attribute(text: str, pos: int) -> tuple[int, int, str] | None:
    """``__attribute__((...))`` (any case) with the blanks before it."""
    low = text.lower()
    at = low.find("__attribute__", pos)
    while at >= 0:
        open_ = skip(text, at + len("__attribute__"))
        if text.startswith("((", open_):
            end = _attribute_args_end(text, open_ + 2)
            if end >= 0:
                return _blanks_before(text, at, pos), end, " "
        at = low.find("__attribute__", at + 1)
    return None


def _call_to_semicolon(name: str) -> Finder:
    """``name (...)`` with the blanks before it, up to the last ``)`` before
    the next ``;``."""
    def find(text: str, pos: int) -> tuple[int, int, str] | None:
        at = text.find(name, pos)
        while at >= 0:
            open_ = skip(text, at + len(name))
            if text.startswith("(", open_):
                semi = text.find(";", open_)
                close = text.rfind(")", open_ + 1, semi if semi >= 0 else len(text))
                if close >= 0:
                    return _blanks_before(text, at, pos), close + 1, " "
            at = text.find(name, at + 1)
        return None
    return find


def _word_with_blanks(name: str, after: bool) -> Finder:
    """``name`` with the blanks before it (and after it when ``after``)."""
    def find(text: str, pos: int) -> tuple[int, int, str] | None:
        at = text.find(name, pos)
        if at < 0:
            return None
        end = at + len(name)
        return _blanks_before(text, at, pos), skip(text, end) if after else end, " "
    return find


def drop_attributes(members: str) -> str:
    """GNU attributes, alignment, bounds and cache-line annotations replaced by a space."""
    for find in (_gnu_attribute, _call_to_semicolon("__aligned"), _call_to_semicolon("__counted_by"),
                 _call_to_semicolon("__counted_by_le"), _call_to_semicolon("__counted_by_be"),
                 _word_with_blanks("__packed", True), _word_with_blanks("CRYPTO_MINALIGN_ATTR", False),
                 _word_with_blanks("____cacheline_aligned_in_smp", False),
                 _word_with_blanks("____cacheline_aligned", False)):
        members = replace_all(members, find)
    return members


# -- struct_group() ----------------------------------------------------------

def _macro_call(name: str) -> Callable[[str, int], tuple[int, int] | None]:
    """The next ``name`` as a whole word (by its start) followed by blanks
    and ``(``: (start of the name, position after ``(``)."""
    def find(text: str, pos: int) -> tuple[int, int] | None:
        at = text.find(name, pos)
        while at >= 0:
            if at == 0 or not word_char(text[at - 1]):
                open_ = skip(text, at + len(name))
                if text.startswith("(", open_):
                    return at, open_ + 1
            at = text.find(name, at + 1)
        return None
    return find


def _group_head(name: str, commas: int, tagged: bool = False) -> Finder:
    """``name(`` and its first ``commas`` arguments made ``STRUCT_GROUP(``
    (for ``struct_group_tagged``, ``struct TAG NAME;`` goes first)."""
    call = _macro_call(name)

    def find(text: str, pos: int) -> tuple[int, int, str] | None:
        hit = call(text, pos)
        while hit is not None:
            start, after = hit
            cuts, at = [], after
            for _ in range(commas):
                comma = text.find(",", at)
                if comma < 0:
                    break
                cuts.append(text[at:comma])
                at = comma + 1
            if len(cuts) == commas:
                lead = f"struct {cuts[0]} {cuts[1]}; " if tagged else ""
                return start, at, lead + "STRUCT_GROUP("
            hit = call(text, start + 1)
        return None
    return find


def _group_body(text: str, pos: int) -> tuple[int, int, str] | None:
    """``STRUCT_GROUP(members)...;`` made ``members``."""
    call = _macro_call("STRUCT_GROUP")
    hit = call(text, pos)
    while hit is not None:
        start, after = hit
        depth, at = 1, after
        while at < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[at], 0)
            at += 1
        if depth == 0:
            semi = text.find(";", at)
            if semi >= 0:
                return start, semi + 1, text[after:at - 1]
        hit = call(text, start + 1)
    return None


def unwrap_groups(members: str) -> str:
    """``struct_group()`` and its variants replaced by the members they hold."""
    for find in (_group_head("struct_group", 1), _group_head("struct_group_attr", 2),
                 _group_head("struct_group_tagged", 2, tagged=True), _group_head("__struct_group", 3),
                 _group_body):
        members = replace_all(members, find)
    return members


# -- declaration macros ------------------------------------------------------

def _macro_args(text: str, after: int, count: int) -> tuple[list[str], int] | None:
    """``count`` arguments (no commas or parentheses inside) from ``after``,
    blanks after each comma skipped: (arguments, end after ``)``)."""
    args, at = [], after
    for k in range(count):
        if k:
            at = skip(text, at)
        end = at
        while end < len(text) and text[end] not in ",)":
            end += 1
        if end == at or end >= len(text):
            return None
        args.append(text[at:end])
        want = ")" if k == count - 1 else ","
        if text[end] != want:
            return None
        at = end + 1
    return args, at


def _rewrite(name: str, count: int, form: Callable[[list[str]], str], plain: bool = True) -> Finder:
    """``name(args)`` (name anywhere, blanks before ``(``) made ``form(args)``;
    with ``plain`` False, the one argument runs to the first ``)``."""
    def find(text: str, pos: int) -> tuple[int, int, str] | None:
        at = text.find(name, pos)
        while at >= 0:
            open_ = skip(text, at + len(name))
            if text.startswith("(", open_):
                if plain:
                    got = _macro_args(text, open_ + 1, count)
                else:
                    close = text.find(")", open_ + 2)
                    got = ([text[open_ + 1:close]], close + 1) if close >= 0 else None
                if got is not None:
                    return at, got[1], form(got[0])
            at = text.find(name, at + 1)
        return None
    return find


def _flex_array(text: str, pos: int) -> tuple[int, int, str] | None:
    """``DECLARE_FLEX_ARRAY(type, name)`` (or ``__DECLARE_FLEX_ARRAY``)."""
    hit = _rewrite("DECLARE_FLEX_ARRAY", 2, lambda a: f"{a[0]} {a[1]}[]")(text, pos)
    if hit is not None and text.startswith("__", hit[0] - 2) and hit[0] - 2 >= pos:
        return hit[0] - 2, hit[1], hit[2]
    return hit


def expand_member_macros(members: str) -> str:
    """Bitmap, hash table, kfifo, flexible array and DMA unmap declarations
    written out as the C they stand for."""
    for find in (
            _rewrite("__ETHTOOL_DECLARE_LINK_MODE_MASK", 1,
                     lambda a: f"DECLARE_BITMAP({a[0]}, __ETHTOOL_LINK_MODE_MASK_NBITS)", plain=False),
            _rewrite("DECLARE_PHY_INTERFACE_MASK", 1,
                     lambda a: f"DECLARE_BITMAP({a[0]}, PHY_INTERFACE_MODE_MAX)", plain=False),
            _rewrite("DECLARE_BITMAP", 2, lambda a: f"unsigned long {a[0]}[BITS_TO_LONGS({a[1]})]"),
            _rewrite("DECLARE_HASHTABLE", 2, lambda a: f"unsigned long {a[0]}[1 << (({a[1]}) - 1)]"),
            _rewrite("DECLARE_KFIFO", 3, lambda a: f"{a[1]} *{a[0]}"),
            _rewrite("DECLARE_KFIFO_PTR", 2, lambda a: f"{a[1]} *{a[0]}"),
            _flex_array,
            _rewrite("DEFINE_DMA_UNMAP_ADDR", 1, lambda a: f"dma_addr_t {a[0]}"),
            _rewrite("DEFINE_DMA_UNMAP_LEN", 1, lambda a: f"__u32 {a[0]}")):
        members = replace_all(members, find)
    return members
