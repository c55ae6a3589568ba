"""Find annotation macros by where they stand, not by name.

Kernel declarations carry macros tree-sitter cannot know: lock annotations
after a prototype (``int f(void) __acquires(x) __no_context_analysis {``),
attributes after a declarator (``void **p __pt_guarded_by(&l);``,
``u8 *a __counted_by_ptr(n);``), prefixes before a declaration
(``__guarded_by(&l) LIST_HEAD(name);``, ``VISIBLE_IF_KUNIT int f(void);``)
and macros wrapping struct members (``__SYSFS_FUNCTION_ALTERNATIVE(
int (*show)(void); );``).  :func:`annotation_spans` walks the declarations
of a file (top level and struct/union bodies; function bodies and
initializers are skipped) and returns the byte ranges of such macros, so
that they can be blanked like the known ones of :mod:`.attributes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .marks import BRACES, STRUCTURE, next_mark

_TOKEN = re.compile(rb'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|^[ \t]*#(?:[^\n]*\\\n)*[^\n]*'
                    rb"|[A-Za-z_]\w*|[{}();,=\[\]*:]", re.M)
_TYPE_WORDS = frozenset(b"void char short int long float double signed unsigned bool _Bool "
                        b"_Complex struct union enum const volatile restrict".split())
_STORAGE_WORDS = frozenset(b"static extern inline register auto typedef _Noreturn __inline __inline__".split())
_NOT_NAMES = frozenset(b"if else for while do switch case default return goto break continue sizeof "
                       b"typeof __typeof __typeof__ typeof_unqual __typeof_unqual__ _Alignof alignof "
                       b"_Alignas alignas _Static_assert static_assert asm __asm __asm__ _Generic "
                       b"__auto_type".split()) | _TYPE_WORDS | _STORAGE_WORDS
_PREFIX_WORD = re.compile(rb"[A-Z][A-Z0-9]*_[A-Z0-9_]*")
# Declarations that may hold an annotation: a "__" word, a word after a ")",
# a word in capitals at the start, a macro call holding members.
_WORD_AFTER_PAREN = re.compile(rb"\)\s*[A-Za-z_]")
_CAPS_AT_LINE_START = re.compile(rb"\n[ \t]*[A-Z][A-Z0-9]*_")
_CAPS_FIRST = re.compile(rb"[ \t]*[A-Z][A-Z0-9]*_")
_SKIPPED_BLOCK = re.compile(rb"(?:if|else|for|while|do|switch|case|default|return)\b")


@dataclass
class _Token:
    text: bytes
    start: int
    end: int


def annotation_spans(text: bytes) -> list[tuple[int, int]]:
    """Byte ranges of the annotation macros of ``text`` (comments already blanked)."""
    spans: list[tuple[int, int]] = []
    stack: list[str] = []  # per open brace: "decl" (struct body) or "skip"
    start = pos = 0  # where the declaration being read starts; where to look on
    while True:
        skipping = bool(stack) and stack[-1] == "skip"
        at = next_mark(text, pos, BRACES if skipping else STRUCTURE)
        if at < 0:
            return spans
        pos = at + 1
        mark = text[at:pos]
        if mark == b"{":
            if not skipping:
                found = _statement_spans(text, _tokens(text, start, at)) if _maybe(text, start, at) else []
                spans += found
                stack.append(_brace_kind(text, start, at, found))
                start = pos
            else:
                stack.append("skip")
        elif mark == b"}":
            closed = stack.pop() if stack else "skip"
            # after a struct body the declaration goes on ("} name;"); after
            # a function body or an initializer a new one starts
            start = at if closed == "decl" else pos
        elif _maybe(text, start, at):
            tokens = _tokens(text, start, at)
            if stack and _depth(tokens) > 0:
                inner = _wrapper(text, tokens, spans)
                if inner is None:
                    continue  # a ";" inside parentheses: the declaration goes on
                tokens = inner
            spans += _statement_spans(text, tokens)
            start = pos
        else:
            start = pos


def _maybe(text: bytes, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` may hold an annotation at all (a cheap
    test; parentheses left open: maybe a macro wrapping members)."""
    if text.find(b"__", start, end) >= 0 or _WORD_AFTER_PAREN.search(text, start, end):
        return True
    if (start == 0 or text[start - 1] == 0x0A) and _CAPS_FIRST.match(text, start, end):
        return True  # a word in capitals on the line the declaration starts
    if _CAPS_AT_LINE_START.search(text, start, end):
        return True
    return text.count(b"(", start, end) > text.count(b")", start, end)


def _brace_kind(text: bytes, start: int, end: int, found: list[tuple[int, int]]) -> str:
    """What the ``{`` at ``end`` opens: "decl" for struct/union bodies (their
    members are declarations), "skip" for function bodies, initializers and
    enums (``found``: the annotations just found before it)."""
    head = text[start:end]
    for first, last in found:
        head = head[:first - start] + b" " * (last - first) + head[last - start:]
    head = head.strip()
    if not head or head.endswith(b")") or b"=" in head or _SKIPPED_BLOCK.match(head) \
            or re.search(rb"\benum\b", head):
        return "skip"
    return "decl"


def _tokens(text: bytes, start: int, end: int) -> list[_Token]:
    """The tokens of ``text[start:end]`` (literals and preprocessor lines left out)."""
    return [_Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)
            if m.group()[:1] not in b" \t#\"'"]


def _wrapper(text: bytes, tokens: list[_Token], spans: list[tuple[int, int]]) -> list[_Token] | None:
    """For ``WRAPPER( int a; ... );`` in a struct body (``tokens``: up to the
    first inner ``;``): the spans of ``WRAPPER(`` and its ``)`` (with a ``;``
    after it), and the tokens of the first member; None for anything else."""
    if len(tokens) < 2 or not _is_word(tokens[0]) or tokens[1].text != b"(" \
            or not _wraps_members(text, tokens[1].start):
        return None
    close = paren_end(text, tokens[1].start) - 1
    spans.append((tokens[0].start, tokens[1].end))
    spans.append((close, close + 1 + (text[close + 1:close + 2] == b";")))
    return tokens[2:]


def _depth(tokens: list[_Token]) -> int:
    depth = 0
    for token in tokens:
        depth += token.text == b"("
        depth -= token.text == b")"
    return depth


def paren_end(text: bytes, pos: int) -> int:
    """Offset just past the parenthesis group opening at ``pos`` (or -1)."""
    depth = 0
    for index in range(pos, min(len(text), pos + 20_000)):
        char = text[index]
        if char == 0x28:
            depth += 1
        elif char == 0x29:
            depth -= 1
            if depth == 0:
                return index + 1
    return -1


def _wraps_members(text: bytes, open_at: int) -> bool:
    """Whether the macro call opening at ``open_at`` holds declarations
    (a ``;`` inside its parentheses): ``WRAPPER( int a; int b; );``."""
    close = paren_end(text, open_at)
    return close > 0 and b";" in text[open_at:close] and b"{" not in text[open_at:close]


def _group_end(tokens: list[_Token], index: int) -> int:
    """Index just past the parenthesis group opening at ``index``."""
    depth = 0
    for position in range(index, len(tokens)):
        depth += tokens[position].text == b"("
        depth -= tokens[position].text == b")"
        if depth == 0:
            return position + 1
    return len(tokens)


def _is_word(token: _Token) -> bool:
    return token.text[:1].isalpha() or token.text[:1] == b"_"


def _is_name(tokens: list[_Token], index: int) -> bool:
    """Whether ``tokens[index]`` is a declarator's name: a word with a type
    before it (not a struct tag, not the type itself)."""
    token = tokens[index]
    if not _is_word(token) or token.text in _NOT_NAMES or index == 0:
        return False
    before = tokens[index - 1]
    if before.text in (b"struct", b"union", b"enum"):
        return False  # a tag
    if before.text in (b"*", b"}"):
        return True
    if before.text in _STORAGE_WORDS or not _is_word(before):
        return False
    return True


def _statement_spans(text: bytes, tokens: list[_Token]) -> list[tuple[int, int]]:
    """The annotations of one declaration (without its ``;`` or ``{``)."""
    if not tokens or tokens[0].text in _NOT_NAMES - _TYPE_WORDS - _STORAGE_WORDS:
        return []
    spans: list[tuple[int, int]] = []
    index = _leading(tokens, spans)
    depth = 0
    while index < len(tokens):
        token = tokens[index]
        if token.text == b"(":
            if depth == 0 and index and (tokens[index - 1].text == b")" or _is_name(tokens, index - 1)):
                end = _group_end(tokens, index)
                if end < len(tokens) and _trailing(text, tokens, end, tokens[end - 1], spans):
                    return spans
                index = end
                continue
            depth += 1
        elif token.text == b")":
            depth -= 1
        elif depth == 0 and token.text.startswith(b"__") and index and (
                _is_name(tokens, index - 1) or tokens[index - 1].text == b"]"):
            run_end = _run_end(tokens, index)
            if run_end is not None:
                spans.append((token.start, tokens[run_end - 1].end))
                index = run_end
                continue
        index += 1
    return spans


def _leading(tokens: list[_Token], spans: list[tuple[int, int]]) -> int:
    """Blank prefixes of a declaration: ``__x(...)`` calls and ALL_CAPS
    words before a type keyword; return the index where the rest starts."""
    index = 0
    while index < len(tokens) - 1:
        token, following = tokens[index], tokens[index + 1]
        if token.text.startswith(b"__") and token.text not in _NOT_NAMES and following.text == b"(":
            end = _group_end(tokens, index + 1)
            if end < len(tokens) and _is_word(tokens[end]):
                spans.append((token.start, tokens[end - 1].end))
                index = end
                continue
        if _PREFIX_WORD.fullmatch(token.text) and (following.text in _TYPE_WORDS or following.text in _STORAGE_WORDS):
            spans.append((token.start, token.end))
            index += 1
            continue
        break
    return index


def _run_end(tokens: list[_Token], index: int) -> int | None:
    """End of a run of annotations (``WORD`` or ``WORD(...)``, arguments
    that are expressions, not parameters) from ``index`` that reaches the
    end of the declaration, a ``,`` or an ``=``."""
    while index < len(tokens):
        token = tokens[index]
        if token.text in (b",", b"=", b":"):
            return index
        if not _is_word(token) or token.text in _NOT_NAMES:
            return None
        index += 1
        if index < len(tokens) and tokens[index].text == b"(":
            end = _group_end(tokens, index)
            if _parameters(tokens[index + 1:end - 1]):
                return None
            index = end
    return index


def _parameters(tokens: list[_Token]) -> bool:
    """Whether the inside of a group reads as parameters (``void``, or a
    type and a name: two words, or a word and a ``*``), not as arguments."""
    if len(tokens) == 1 and tokens[0].text == b"void":
        return True
    return any(_is_word(a) and (_is_word(b) or b.text == b"*") and a.text not in (b"sizeof", b"typeof")
               for a, b in zip(tokens, tokens[1:]))


def _trailing(text: bytes, tokens: list[_Token], index: int, close: _Token,
              spans: list[tuple[int, int]]) -> bool:
    """Annotations after a parameter list's ``)`` (on its line or on an
    indented line below): add their span and say so."""
    first = tokens[index]
    if not _is_word(first) or first.text in _NOT_NAMES:
        return False
    line_start = text.rfind(b"\n", close.end, first.start) + 1
    if line_start and (line_start == first.start or text[line_start:first.start].strip()):
        return False  # on a line of its own at column 0: another declaration
    end = _run_end(tokens, index)
    if end is None:
        return False
    spans.append((first.start, tokens[end - 1].end))
    return True
