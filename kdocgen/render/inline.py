"""Comment prose to reStructuredText, in time linear in the text.

Kernel-doc comments are mostly reST already, with kernel-doc's own
highlights on top: ``@param``, ``%CONST``, ``&struct foo`` (also ``&union``,
``&enum``, ``&typedef``, ``&struct foo->member``, bare ``&foo``), ``func()``
and ``$ENVVAR``.  :func:`text_to_rst` converts those, keeps the markup
authors clearly meant (inline literals, roles, ``**strong**``, ``*emphasis*``,
```text <target>`_`` links, lists, directives, literal blocks, tables) and
escapes the rest (stray ``*``, ``_``, ``|``, backquotes), so that comments
show as written.

Inline markup is only kept when docutils will read it the same way: a
start-string where docutils accepts one, with an end-string docutils accepts
further on the line.  Every unescaped start-string therefore has its end,
so docutils never scans to the end of a text block for one, and both this
conversion and docutils' parse of its output take time linear in the text.
Whether the markup kept is *allowed* in comment text is not decided here but
on the parsed nodes (:mod:`kdocgen.render.markup`).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from docutils.utils import urischemes

from .allow import DECLARATION_DIRECTIVES, LITERAL_DIRECTIVES, allows_directive

# --------------------------------------------------------------- inline

#: Where kept inline markup may start, by the end-string it needs: inline
#: literal, role, hyperlink, strong, emphasis, standalone URL.
_STARTS = (("``", r"``"), ("`", r":[\w.+-]+(?::[\w.+-]+)?:`"), ("`_", r"`"), ("**", r"\*\*"),
           ("*", r"\*"), ("url", r"\b(?:https?|ftp)://"),
           ("[", r"\[(?:#[A-Za-z0-9_.-]*|\*|\d+)\]_"))
_OPEN_PUNCT = "'\"([{<-/:"
_PAIRS = {"'": "'", '"': '"', "(": ")", "[": "]", "{": "}", "<": ">"}
_END_FOLLOW = r"""(?=[\s'")\]}>\-/:.,;!?\\\u2019\u201d\u00bb]|$)"""
#: End-strings, each preceded by a non-space that is not a backslash.
_ENDS = {
    "``": re.compile(r"(?<=[^\s\\])``" + _END_FOLLOW),
    "`": re.compile(r"(?<=[^\s\\])`" + _END_FOLLOW),
    "`_": re.compile(r"(?<=[^\s\\])`__?" + _END_FOLLOW),
    "**": re.compile(r"(?<=[^\s\\])\*\*" + _END_FOLLOW),
    "*": re.compile(r"(?<=[^\s\\*])\*" + _END_FOLLOW),
    "url": re.compile(r"[\s<>`]|$"),
    "[": re.compile(_END_FOLLOW),
}
_LINK_BODY = re.compile(r"[^`<>]*\S <[^<>`\s][^<>`]*>\Z")
_URL_TAIL = ".,;:!?)]'\""


class _NextMatch:
    """The next match of a pattern at or after a position, for queries that
    never go backwards: each search is remembered until passed, so all
    queries together scan the text about once."""

    def __init__(self, text: str, pattern: re.Pattern[str]):
        self.text, self.pattern = text, pattern
        self.asked, self.found = -1, -1  # last query and its answer (-1: none)

    def at_or_after(self, pos: int) -> int:
        """Index of the next match at or after ``pos`` (-1 when none)."""
        if self.asked >= 0 and self.asked <= pos and (self.found < 0 or pos <= self.found):
            return self.found
        match = self.pattern.search(self.text, pos)
        self.asked, self.found = pos, match.start() if match else -1
        return self.found


def _starts_markup(text: str, start: int, length: int) -> bool:
    """docutils' rule for an inline start-string at ``start``."""
    after = text[start + length:start + length + 1]
    if not after or after.isspace():
        return False
    if start == 0:
        return True
    before = text[start - 1]
    if before.isspace():
        return True
    if before in _PAIRS and after == _PAIRS[before]:
        return False
    return before in _OPEN_PUNCT or unicodedata.category(before) in ("Ps", "Pi", "Pf", "Pd", "Po")


def _kept_end(text: str, start: int, token: str, ends: dict[str, _NextMatch]) -> int:
    """End (exclusive) of the markup starting with ``token`` at ``start``,
    or -1 when docutils would not read it as markup that ends."""
    if token.startswith("http") or token.startswith("ftp"):
        stop = ends["url"].at_or_after(start)
        stop = len(text) if stop < 0 else stop
        while stop > start + len(token) and text[stop - 1] in _URL_TAIL:
            stop -= 1
        return stop if stop > start + len(token) else -1
    if token.startswith("["):  # a footnote reference, [#name]_ [#]_ [*]_ [1]_
        end = start + len(token)
        return end if _starts_markup(text, start, 1) and ends["["].at_or_after(end) == end else -1
    if token.startswith(":"):  # a role: its text starts after the backquote
        if not _starts_markup(text, start, 1) or not _starts_markup(text, start + len(token) - 1, 1):
            return -1
        found = ends["`"].at_or_after(start + len(token) + 1)
        return found + 1 if found >= 0 else -1
    if not _starts_markup(text, start, len(token)):
        return -1
    if token == "`":  # only `text <target>`_ links
        found = ends["`_"].at_or_after(start + 2)
        if found < 0 or not _LINK_BODY.match(text, start + 1, found):
            return -1
        return found + (3 if text.startswith("`__", found) else 2)
    found = ends[token].at_or_after(start + len(token) + 1)
    return found + len(token) if found >= 0 else -1


@functools.lru_cache(maxsize=64)
def _candidates(live: frozenset[str]) -> re.Pattern[str]:
    """The start-strings of the markup whose end-strings may still come."""
    return re.compile("|".join(pattern for kind, pattern in _STARTS if kind in live))


def kept_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) spans of inline markup kept as written.  Once no
    end-string of a kind is left in the text, its start-strings are no
    longer looked at."""
    ends = {key: _NextMatch(text, pattern) for key, pattern in _ENDS.items()}
    live = frozenset(kind for kind, _ in _STARTS)
    spans: list[tuple[int, int]] = []
    pos = 0
    while True:
        match = _candidates(live).search(text, pos)
        if match is None:
            return spans
        end = _kept_end(text, match.start(), match.group(), ends)
        if end >= 0:
            spans.append((match.start(), end))
            pos = end
            continue
        pos = match.start() + 1
        exhausted = frozenset(kind for kind in live if ends[kind].asked >= 0 and ends[kind].found < 0)
        if exhausted:
            live -= exhausted
            if not live:
                return spans


# kernel-doc highlights.
_HIGHLIGHT = re.compile(
    r"(?P<typeref>&(?P<tkind>struct|union|enum|typedef)\s+(?P<tname>\w+)(?P<member>(?:(?:\.|->)\w+)+)?)"
    r"|(?P<bareref>&(?P<bname>[A-Za-z_]\w*)(?P<bmember>(?:(?:\.|->)\w+)+)?)"
    r"|(?P<param>(?<![\w@])@(?P<pname>\w+(?:(?:\.|->)\w+)*|\.\.\.))"
    r"|(?P<const>(?<![\w%])%(?P<cname>[-_\w]+))"
    r"|(?P<env>(?<![\w$])\$(?P<ename>[A-Z_][A-Z0-9_]*))"
    r"|(?P<func>(?<![\w.>-])(?P<fname>[A-Za-z_]\w*)\(\))"
)
_SPECIALS = re.compile(r"[*`|\\]|_(?=\W|$)|(?<=\s)_(?=\w)|^_")
#: Schemes docutils makes links of in plain text, but for the safe ones.
_UNSAFE_URI = re.compile(
    r"\b(" + "|".join(sorted((re.escape(s) for s in urischemes.schemes
                               if s not in ("http", "https", "ftp", "mailto")), key=len, reverse=True))
    + r"):(?=\S)", re.I)
ROLE_OF_KIND = {"struct": "c:struct", "union": "c:union", "enum": "c:enum", "typedef": "c:type"}
#: C keywords: never a name to link (``%struct foo``, ``[un]register()``).
C_KEYWORDS = frozenset(
    "auto break case char const continue default do double else enum extern float for goto if "
    "inline int long register restrict return short signed sizeof static struct switch typedef "
    "union unsigned void volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic "
    "_Imaginary _Noreturn _Static_assert _Thread_local".split())


def escape(text: str) -> str:
    """Escape every reST-special character of plain text (and the colon of
    URI schemes other than http(s), ftp and mailto, so docutils does not
    make links of them)."""
    text = _SPECIALS.sub(lambda m: "\\" + m.group(), text)
    return _UNSAFE_URI.sub(lambda m: m.group(1) + "\\:", text)


def escape_all(text: str) -> str:
    """Escape text for use where nothing may be markup (titles, field types):
    ``*``, backquotes, ``|`` and backslashes everywhere, ``_`` where reST
    would read it (starting or ending a word), as in ``\\__vmbus_recvpacket``."""
    text = re.sub(r"([*`|\\])", r"\\\1", text)
    return re.sub(r"(?<![\w\\])_|_(?!\w)", r"\\_", text)


def _guarded(markup: str) -> str:
    """Inline markup that may stand anywhere: escaped spaces on both sides
    end and start words without showing (``\\ ``x``\\ ``)."""
    return f"\\ {markup}\\ "


def highlight_match(match: re.Match) -> str:
    """reST for one kernel-doc highlight."""
    if match.group("typeref"):
        name, member = match.group("tname"), match.group("member") or ""
        role = ROLE_OF_KIND[match.group("tkind")]
        if member:
            return _guarded(f":{role}:`{escape_all(name + member)} <{name}>`")
        return _guarded(f":{role}:`{name}`")
    if match.group("bareref"):
        name, member = match.group("bname"), match.group("bmember") or ""
        if member:
            return _guarded(f":c:type:`{escape_all(name + member)} <{name}>`")
        return _guarded(f":c:type:`{name}`")
    if match.group("param"):
        return _guarded(f"``{match.group('pname')}``")
    if match.group("const"):
        name = match.group("cname")
        if re.fullmatch(r"[A-Za-z_]\w*", name) and name not in C_KEYWORDS:  # a C name: link it
            return _guarded(f":c:macro:`{name}`")
        return _guarded(f"``{name}``")
    if match.group("env"):
        return _guarded(f":envvar:`{match.group('ename')}`")
    if match.group("fname") in C_KEYWORDS:
        return escape(match.group(0))
    return _guarded(f":c:func:`{match.group('fname')}`")


def inline_to_rst(text: str) -> str:
    """One line of prose: highlights converted, intended markup kept,
    stray markup escaped."""
    out: list[str] = []
    pos = 0
    for start, end in kept_spans(text):
        out.append(_plain(text[pos:start]))
        out.append(text[start:end])
        pos = end
    out.append(_plain(text[pos:]))
    return "".join(out)


def _plain(text: str) -> str:
    out: list[str] = []
    pos = 0
    for match in _HIGHLIGHT.finditer(text):
        out.append(escape(text[pos:match.start()]))
        out.append(highlight_match(match))
        pos = match.end()
    out.append(escape(text[pos:]))
    return "".join(out)


# ----------------------------------------------------------------- lines

_DIRECTIVE = re.compile(r"\s*\.\.\s+(?P<name>[\w][\w:.+-]*)::(?P<rest>.*)$")
_FOOTNOTE = re.compile(r"^(\s*\.\.\s+\[[^\]\s]+\]\s)(.*)$")
_EXPLICIT = re.compile(r"^\s*\.\.(?:\s|$)")
_OPTION = re.compile(r"^\s*:[\w-]+:(?:\s|$)")
_LITERAL_INTRO = re.compile(r"::\s*$")
_BULLET = re.compile(r"^(\s*)([-*+])(\s+)")
_ENUMERATED = re.compile(r"^(\s*)(\d+[.)]|#\.|\(\d+\))(\s+)")
_FIELD = re.compile(r"^(\s*):([\w .-]+):(\s|$)")
_TABLE_BORDER = re.compile(r"^\s*(?:[=+-]{3,}[ =+-]*|\+[-=+]+\+)\s*$")
_TABLE_ROW = re.compile(r"^\s*[|+].*[|+]\s*$")
SECTION_RULE = re.compile(r"^([=\-~^\"'`#*+<>:.])\1{2,}\s*$")
#: Lines kept as written although docutils reads inline markup in them
#: (table rows, directive options) must not be longer than this: docutils'
#: inline parse of one piece of text may take time quadratic in its length.
MAX_VERBATIM = 200
MAX_LINE = 4000  # docutils refuses lines over 10,000 characters


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _line_to_rst(line: str) -> str:
    """A prose line, keeping a leading list or field marker as markup."""
    for pattern in (_BULLET, _ENUMERATED, _FIELD):
        match = pattern.match(line)
        if match:
            return line[:match.end()] + inline_to_rst(line[match.end():])
    return inline_to_rst(line)


def _directive_at(line: str) -> re.Match | None:
    """A directive starting the line, or the first text of a list item."""
    found = _DIRECTIVE.match(line)
    if found is None:
        item = _BULLET.match(line) or _ENUMERATED.match(line)
        if item:
            found = _DIRECTIVE.match(line, item.end())
    return found


def _table_lines(lines: list[str]) -> list[bool]:
    """Which lines belong to a table: borders, and rows between borders
    (one pass each way)."""
    border = [bool(_TABLE_BORDER.match(line)) for line in lines]
    row = [bool(_TABLE_ROW.match(line)) for line in lines]
    near = [False] * len(lines)
    for order in (range(len(lines)), range(len(lines) - 1, -1, -1)):
        seen = False
        for index in order:
            seen = border[index] or (row[index] and seen)
            near[index] = near[index] or seen
    return [border[i] or (row[i] and near[i]) for i in range(len(lines))]


def _directive_line(match: re.Match) -> tuple[str, bool]:
    """A line with a directive as reST, and whether the directive's content
    is prose."""
    name, line = match.group("name").lower(), match.string
    if not allows_directive(name) or name in LITERAL_DIRECTIVES:
        return line, False
    if name in DECLARATION_DIRECTIVES:  # a C declaration: not inline text
        return line, True
    return line[:match.start("rest")] + inline_to_rst(match.group("rest")), True


def _column(match: re.Match) -> int:
    """Where the ``..`` of a directive stands (its content is indented more)."""
    return match.string.index("..", match.start())


def wrap_overlong(lines: list[str]) -> list[tuple[str, int]]:
    """Lines longer than MAX_LINE broken (at a space where there is one),
    each with the index of the line it came from."""
    if not lines or max(map(len, lines)) <= MAX_LINE:
        return list(zip(lines, range(len(lines))))
    out = []
    for index, line in enumerate(lines):
        indent = line[:_indent(line)]
        while len(line) > MAX_LINE:
            cut = line.rfind(" ", len(indent) + 1, MAX_LINE)
            cut = cut if cut > len(indent) else MAX_LINE
            out.append((line[:cut], index))
            line = indent + line[cut:].lstrip(" ")
        out.append((line, index))
    return out


def text_to_rst(body: str) -> list[str]:
    """A comment body (several lines) as reST lines (one per line of the
    body, lines over MAX_LINE broken)."""
    return [line for line, _ in comment_to_rst(body)]


@functools.lru_cache(maxsize=32)
def comment_to_rst(body: str) -> tuple[tuple[str, int], ...]:
    """A comment body as reST lines, each with the index of its body line.

    Literal blocks (after ``::``), the content of literal directives
    (``code-block`` ...) and of directives comment text may not use are kept
    as written; directive options and table lines too when short; section
    rules as they are; every other line is converted with
    :func:`inline_to_rst`.
    """
    wrapped = wrap_overlong(body.split("\n"))
    lines = [line for line, _ in wrapped]
    in_table = _table_lines(lines)
    result: list[tuple[str, int]] = []
    verbatim_above: int | None = None  # indentation that ends a verbatim block
    options_above: int | None = None  # directive options follow at more indentation
    for index, (line, origin) in enumerate(wrapped):
        if verbatim_above is not None:
            if not line.strip() or _indent(line) > verbatim_above:
                result.append((line, origin))
                continue
            verbatim_above = None
        if options_above is not None:
            if line.strip() and _indent(line) > options_above and _OPTION.match(line) \
                    and len(line) <= MAX_VERBATIM:
                result.append((line, origin))
                continue
            options_above = None
        result.append((_convert_line(line, index, lines, in_table), origin))
        directive = _directive_at(line)
        if directive:
            if _directive_line(directive)[1]:
                options_above = _column(directive)
            else:
                verbatim_above = _column(directive)
        elif _EXPLICIT.match(line) and not _FOOTNOTE.match(line):
            verbatim_above = _indent(line)  # comment, target, substitution: not prose
        elif line.strip() and _LITERAL_INTRO.search(line):
            verbatim_above = _indent(line)
    return tuple(result)


def _convert_line(line: str, index: int, lines: list[str], in_table: list[bool]) -> str:
    """One line outside verbatim blocks."""
    directive = _directive_at(line)
    if directive:
        return _directive_line(directive)[0]
    footnote = _FOOTNOTE.match(line)
    if footnote:
        return footnote.group(1) + inline_to_rst(footnote.group(2))
    if _EXPLICIT.match(line):
        return line
    if in_table[index] and len(line) <= MAX_VERBATIM:
        return line
    if SECTION_RULE.match(line) and index > 0 and lines[index - 1].strip():
        return line
    return _line_to_rst(line)
