"""Comment prose to reStructuredText.

Kernel-doc comments are mostly reST already, with kernel-doc's own
highlights on top: ``@param``, ``%CONST``, ``&struct foo`` (also ``&union``,
``&enum``, ``&typedef``, ``&struct foo->member``, bare ``&foo``), ``func()``
and ``$ENVVAR``.  :func:`text_to_rst` converts those, keeps the markup
authors clearly meant (``literal``, ``**strong**``, ``*emphasis*``, roles,
hyperlinks, lists, directives, literal blocks) and escapes the rest
(stray ``*``, ``_``, ``|``, backquotes), so that every comment renders
cleanly and shows as written.
"""

from __future__ import annotations

import re

# Inline constructs that pass through untouched (checked in this order).
_KEEP = re.compile(
    r"(?P<literal>``.+?``)"
    r"|(?P<role>:[\w.+-]+(?::[\w.+-]+)?:`[^`]+`)"
    r"|(?P<link>`[^`<>]+ <(?:https?|ftp|mailto)[^>`]+>`__?)"
    r"|(?P<url>\b(?:https?|ftp)://[^\s<>`]+[^\s<>`.,;:!?)\]'\"])"
    r"|(?P<strong>(?<![\w*\\])\*\*(?=\S)[^*]+?(?<=\S)\*\*(?![\w*]))"
    r"|(?P<emph>(?<![\w*\\])\*(?=[^\s*])[^*]+?(?<=[^\s*\\])\*(?![\w*]))"
)

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
_DIRECTIVE = re.compile(r"^(\s*)\.\.\s+(?:(?P<name>[\w:-]+)::|(?P<target>_)|\[|(?P<subst>\|))")
_TARGET_URL = re.compile(r"^\s*\.\.\s+_[^:]*:\s*(?P<url>\S*)")

#: Directives a comment may use: they only format the comment's own text.
#: Anything else (raw, include, literalinclude, image, figure, csv-table with
#: :file:, kernel-doc, toctree, substitution definitions ...) is shown as text, so comment
#: text can never inject HTML or pull files from the build machine.
SAFE_DIRECTIVES = frozenset({
    "code-block", "code", "sourcecode", "highlight", "note", "warning", "important", "tip",
    "hint", "attention", "caution", "danger", "error", "admonition", "seealso", "rubric",
    "versionadded", "versionchanged", "deprecated", "list-table", "table", "math",
    "container", "topic", "sidebar", "epigraph", "highlights", "pull-quote", "compound",
    "line-block", "parsed-literal", "centered", "hlist", "glossary", "productionlist",
    "c:function", "c:macro", "c:struct", "c:union", "c:enum", "c:enumerator", "c:type",
    "c:var", "c:member",
})
#: Roles that would copy build-machine files into the site or emit raw output.
UNSAFE_ROLES = frozenset({"download", "raw"})
_ROLE_NAME = re.compile(r":(?:[\w.+-]+:)?([\w.+-]+):`")
_SAFE_SCHEMES = ("http://", "https://", "ftp://", "mailto:", "#")
_UNSAFE_URI = re.compile(r"\b(javascript|vbscript|data|file):", re.I)
_LITERAL_INTRO = re.compile(r"::\s*$")
_BULLET = re.compile(r"^(\s*)([-*+])(\s+)")
_ENUMERATED = re.compile(r"^(\s*)(\d+[.)]|#\.|\(\d+\))(\s+)")
_FIELD = re.compile(r"^(\s*):([\w .-]+):(\s|$)")
_TABLE_BORDER = re.compile(r"^\s*(?:[=+-]{3,}[ =+-]*|\+[-=+]+\+)\s*$")
_TABLE_ROW = re.compile(r"^\s*[|+].*[|+]\s*$")
SECTION_RULE = re.compile(r"^([=\-~^\"'`#*+<>:.])\1{2,}\s*$")

ROLE_OF_KIND = {"struct": "c:struct", "union": "c:union", "enum": "c:enum", "typedef": "c:type"}


def escape(text: str) -> str:
    """Escape every reST-special character of plain text (and the colon of
    script-like URI schemes, so docutils does not make them links)."""
    text = _SPECIALS.sub(lambda m: "\\" + m.group(), text)
    return _UNSAFE_URI.sub(lambda m: m.group(1) + "\\:", text)


def safe_directive(line: str) -> bool:
    """Whether a ``..`` line from a comment may stay markup."""
    match = _DIRECTIVE.match(line)
    if match is None:
        return False
    if match.group("subst"):
        return False
    if match.group("target"):
        url = _TARGET_URL.match(line)
        target = url.group("url") if url else ""
        return not target or target.endswith("_") or target.startswith(_SAFE_SCHEMES)
    name = match.group("name")
    return name is None or name in SAFE_DIRECTIVES


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
        if re.fullmatch(r"[A-Za-z_]\w*", name):  # a C name: link it (macro, enumerator...)
            return _guarded(f":c:macro:`{name}`")
        return _guarded(f"``{name}``")
    if match.group("env"):
        return _guarded(f":envvar:`{match.group('ename')}`")
    return _guarded(f":c:func:`{match.group('fname')}`")


def inline_to_rst(text: str) -> str:
    """One line of prose: highlights converted, intended markup kept,
    stray markup escaped."""
    out: list[str] = []
    pos = 0
    for keep in _KEEP.finditer(text):
        out.append(_plain(text[pos:keep.start()]))
        role = keep.group("role") and _ROLE_NAME.match(keep.group("role"))
        out.append(_plain(keep.group()) if role and role.group(1) in UNSAFE_ROLES else keep.group())
        pos = keep.end()
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


def _line_to_rst(line: str) -> str:
    """A prose line, keeping a leading list or field marker as markup."""
    for pattern in (_BULLET, _ENUMERATED, _FIELD):
        match = pattern.match(line)
        if match:
            return line[:match.end()] + inline_to_rst(line[match.end():])
    return inline_to_rst(line)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def text_to_rst(body: str) -> list[str]:
    """A comment body (several lines) as reST lines.

    Literal blocks (after ``::``) and the content of directives such as
    ``.. code-block::`` pass through unchanged; other lines are converted
    with :func:`inline_to_rst`.  Tables and section rules are kept as is.
    """
    lines = body.split("\n")
    result: list[str] = []
    verbatim_above: int | None = None  # indentation that ends a verbatim block
    for index, line in enumerate(lines):
        if verbatim_above is not None:
            if not line.strip() or _indent(line) > verbatim_above:
                result.append(line)
                continue
            verbatim_above = None
        stripped = line.strip()
        directive = _DIRECTIVE.match(line)
        if directive and safe_directive(line):
            result.append(line)
            verbatim_above = _indent(line)
            continue
        if directive:  # not allowed from comment text: shown as text
            lead = directive.group(1)
            result.append(f"{lead}\\.. {inline_to_rst(line[len(lead) + 2:].lstrip())}")
            continue
        if _TABLE_BORDER.match(line) or _TABLE_ROW.match(line) and _in_table(lines, index):
            result.append(line)
            continue
        if SECTION_RULE.match(line) and index > 0 and lines[index - 1].strip():
            result.append(line)
            continue
        converted = _line_to_rst(line)
        result.append(converted)
        if stripped and _LITERAL_INTRO.search(stripped) and not stripped.startswith(".."):
            verbatim_above = _indent(line)
    return result


def _in_table(lines: list[str], index: int) -> bool:
    """Whether line ``index`` belongs to a grid table (a border nearby)."""
    for step in (-1, 1):
        probe = index + step
        while 0 <= probe < len(lines) and _TABLE_ROW.match(lines[probe]):
            probe += step
        if 0 <= probe < len(lines) and _TABLE_BORDER.match(lines[probe]):
            return True
    return False
