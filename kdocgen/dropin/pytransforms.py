"""How the Python kernel-doc (7.x) rewrites declaration text, where it
differs from the Perl tool: annotations are removed as whole C tokens (a word with the blanks after it, or a call with its
arguments), macro arguments keep their blanks, ``struct_group()`` becomes an
anonymous struct, and blanks before a ``;`` are dropped.
"""

from __future__ import annotations

from typing import Callable, Iterator

from ..cparse.members import split_args
from .scan import BLANKS


#: words and calls the tool removes from function prototypes, in its order
FUNCTION_WORDS = ("static", "extern", "asmlinkage", "inline", "__inline__", "__inline", "__always_inline",
                  "noinline", "__FORTIFY_INLINE", "__init", "__init_or_module", "__exit", "__deprecated",
                  "__flatten", "__meminit", "__must_check", "__weak", "__sched", "__always_unused",
                  "__maybe_unused", "__printf", "__alloc_size", "__realloc_size", "__diagnose_as")
FUNCTION_WORDS_AFTER = ("__cond_acquires", "__cond_releases", "__acquires", "__releases", "__must_hold",
                        "__must_not_hold", "__must_hold_shared", "__cond_acquires_shared", "__acquires_shared",
                        "__releases_shared", "__no_context_analysis", "__attribute_const__", "__attribute__",
                        "STATIC_IFN_KUNIT", "INLINE_IFN_KUNIT")
#: words and calls it removes from struct members
STRUCT_WORDS = ("__attribute__", "__aligned", "__counted_by", "__counted_by_le", "__counted_by_be",
                "__counted_by_ptr", "__guarded_by", "__pt_guarded_by", "__packed", "CRYPTO_MINALIGN_ATTR",
                "__private", "__rcu", "____cacheline_aligned_in_smp", "____cacheline_aligned",
                "__cacheline_group_begin", "__cacheline_group_end")


def ident_char(ch: str) -> bool:
    """A C identifier character."""
    return ch == "_" or ch.isalnum()


def call_end(text: str, open_: int) -> int:
    """The position after the ``)`` that closes the ``(`` at ``open_``, or -1."""
    depth = 0
    for k in range(open_, len(text)):
        if text[k] in "([{":
            depth += 1
        elif text[k] in ")]}":
            depth -= 1
            if depth == 0:
                return k + 1
    return -1


def _tokens_of(text: str, word: str) -> Iterator[int]:
    """Where ``word`` occurs as a whole identifier."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not ident_char(text[at - 1])) and (end >= len(text) or not ident_char(text[end])):
            yield at
        at = text.find(word, at + 1)


def drop_tokens(text: str, word: str, form: Callable[[list[str]], str] | None = None) -> str:
    """Every ``word`` token removed with the blanks after it, or, when a
    parenthesis follows, the call with its arguments (replaced by
    ``form(arguments)`` when given)."""
    out, pos = [], 0
    for at in _tokens_of(text, word):
        if at < pos:
            continue
        k = at + len(word)
        while k < len(text) and text[k] in BLANKS:
            k += 1
        if k < len(text) and text[k] == "(":
            end = call_end(text, k)
            if end < 0:
                continue
            out.append(text[pos:at])
            out.append(form(split_args(text[k + 1:end - 1])) if form else "")
            pos = end
        elif form is None:
            out.append(text[pos:at])
            pos = k
    out.append(text[pos:])
    return "".join(out)


def _arg(args: list[str], i: int) -> str:
    """Argument ``i`` (1-based, as in a back-reference), "" when absent."""
    return args[i - 1] if i <= len(args) else ""


def _rest(args: list[str], i: int) -> str:
    """Arguments ``i`` and after, joined again with commas."""
    return ",".join(args[i - 1:])


def struct_transforms(members: str) -> str:
    """The tool's rewriting of struct members (annotations, declaration
    macros, struct groups), then its clean-up before ``;``."""
    for word in STRUCT_WORDS:
        members = drop_tokens(members, word)
    macros: list[tuple[str, Callable[[list[str]], str]]] = [
        ("__ETHTOOL_DECLARE_LINK_MODE_MASK", lambda a: f"DECLARE_BITMAP({_arg(a, 1)}, __ETHTOOL_LINK_MODE_MASK_NBITS)"),
        ("DECLARE_PHY_INTERFACE_MASK", lambda a: f"DECLARE_BITMAP({_arg(a, 1)}, PHY_INTERFACE_MODE_MAX)"),
        ("DECLARE_BITMAP", lambda a: f"unsigned long {_arg(a, 1)}[BITS_TO_LONGS({_arg(a, 2)})]"),
        ("DECLARE_HASHTABLE", lambda a: f"unsigned long {_arg(a, 1)}[1 << (({_arg(a, 2)}) - 1)]"),
        ("DECLARE_KFIFO", lambda a: f"{_arg(a, 2)} *{_arg(a, 1)}"),
        ("DECLARE_KFIFO_PTR", lambda a: f"{_arg(a, 2)} *{_arg(a, 1)}"),
        ("DECLARE_FLEX_ARRAY", lambda a: f"{_arg(a, 1)} {_arg(a, 2)}[]"),
        ("__DECLARE_FLEX_ARRAY", lambda a: f"{_arg(a, 1)} {_arg(a, 2)}[]"),
        ("DEFINE_DMA_UNMAP_ADDR", lambda a: f"dma_addr_t {_arg(a, 1)}"),
        ("DEFINE_DMA_UNMAP_LEN", lambda a: f"__u32 {_arg(a, 1)}"),
    ]
    members = drop_tokens(members, "__attribute__")
    for name, form in macros:
        members = drop_tokens(members, name, form)
    return statement_ends(struct_groups(members), keep_directives=True)


def struct_groups(members: str) -> str:
    """``struct_group()`` and its variants written as anonymous structs,
    the macros that declare unions as those unions."""
    groups: list[tuple[str, Callable[[list[str]], str]]] = [
        ("VIRTIO_DECLARE_FEATURES", lambda a: f"union {{ u64 {_arg(a, 1)}; u64 {_arg(a, 1)}_array[VIRTIO_FEATURES_U64S]; }}"),
        ("__SYSFS_FUNCTION_ALTERNATIVE", lambda a: f"union {{ {_rest(a, 1)} }}"),
        ("struct_group", lambda a: f"struct {{ {_rest(a, 2)} }};"),
        ("struct_group_attr", lambda a: f"struct {{ {_rest(a, 3)} }};"),
        ("struct_group_tagged", lambda a: f"struct {{ {_rest(a, 3)} }};"),
        ("__struct_group", lambda a: f"struct {{ {_rest(a, 4)} }};"),
    ]
    for name, form in groups:
        members = drop_tokens(members, name, form)
    return members


def function_transforms(prototype: str) -> str:
    """The tool's removal of storage words and annotations from a prototype."""
    for word in FUNCTION_WORDS:
        prototype = drop_tokens(prototype, word)
    prototype = drop_tokens(prototype, "DECL_BUCKET_PARAMS", lambda a: f"{_arg(a, 1)}, {_arg(a, 2)}")
    for word in FUNCTION_WORDS_AFTER:
        prototype = drop_tokens(prototype, word)
    return statement_ends(prototype.replace("_noprof", ""))


def trim_private(text: str) -> str:
    """The tool's reading of a declaration as C tokens: comments dropped,
    everything from a ``private:`` comment to a ``public:`` one (or to the
    end of the enclosing brackets, whose closing one stays) hidden, blanks right
    before a ``;`` dropped and a ``;`` right before another one dropped."""
    out: list[str] = []
    shown = [True]
    i = 0
    while i < len(text):
        ch = text[i]
        if text.startswith("/*", i):
            close = text.find("*/", i + 2)
            end = len(text) if close < 0 else close + 2
            body = text[i + 2:end].lstrip(BLANKS)
            if body.startswith("private:"):
                shown[-1] = False
            elif body.startswith("public:"):
                shown[-1] = True
            i = end
            continue
        if ch in "([{":
            shown.append(shown[-1])
        elif ch in ")]}":
            hidden = not shown[-1]
            if len(shown) > 1:
                shown.pop()
            if hidden and shown[-1]:
                out.append("\t" * (len(shown) - 1) + ch)
                i += 1
                continue
        if ch in BLANKS:
            j = i
            while j < len(text) and text[j] in BLANKS:
                j += 1
            if shown[-1] and not (j < len(text) and text[j] == ";"):
                out.append(text[i:j])
            i = j
            continue
        if shown[-1] and not (ch == ";" and text.startswith(";", i + 1)):
            out.append(ch)
        i += 1
    return "".join(out)


def statement_ends(text: str, keep_directives: bool = False) -> str:
    """Blanks right before a ``;`` dropped, and a ``;`` right after another
    (with ``keep_directives``, not in ``#...;`` preprocessor lines)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if keep_directives and ch == "#":
            end = text.find(";", i)
            end = len(text) if end < 0 else end + 1
            out.append(text[i:end])
            i = end
            continue
        if ch in BLANKS:
            j = i
            while j < len(text) and text[j] in BLANKS:
                j += 1
            if j < len(text) and text[j] == ";":
                i = j
                continue
            out.append(text[i:j])
            i = j
            continue
        if ch == ";" and i > 0 and text[i - 1] == ";":
            i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)
