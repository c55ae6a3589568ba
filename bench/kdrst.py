"""Parse the reStructuredText that ``scripts/kernel-doc -rst`` prints.

The output is produced with ``-sphinx-version 3.4.3`` by the Perl kernel-doc of 6.x trees, or by
the Python kernel-doc of 7.x trees (optionally with ``-enable-lineno``).
Each documented item starts with a column-0 C-domain directive (a variable
is a ``c:macro`` followed by its indented ````declaration````); DOC blocks
start with a ``.. _Title:`` label followed by a ``**Title**`` line.
Parameters, members and enum constants are the double-backquoted entries of
the ``**Parameters**``, ``**Members**`` and ``**Constants**`` blocks; the
comment's sections are the ``**Title**`` lines followed by a ``.. LINENO``
line, and the purpose is the text right after the item's first line number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DIRECTIVE_RE = re.compile(r"^\.\. c:(function|macro|struct|union|enum|type)::\s*(.*?)\s*$")
LINENO_RE = re.compile(r"^\.\. LINENO (\d+)\s*$")
LABEL_RE = re.compile(r"^\.\. _(.*):\s*$")
BLOCK_RE = re.compile(r"^( *)\*\*(Parameters|Members|Constants)\*\*\s*$")
SECTION_RE = re.compile(r"^ *\*\*(?P<title>[^*]+)\*\*\s*$")
TYPEDEF_PURPOSE = re.compile(r"^\s*\*\*Typedef\*\*:\s*")
TYPEDEF_MARK = "**Typedef**:"
PLACEHOLDERS = ("{unnamed_struct}", "{unnamed_union}")

DIRECTIVE_KIND = {
    "function": "function",
    "macro": "macro",
    "struct": "struct",
    "union": "union",
    "enum": "enum",
    "type": "typedef",
}


@dataclass
class Item:
    """One documented item as kernel-doc rendered it."""

    kind: str
    name: str
    line: int = 0
    params: list[str] = field(default_factory=list)
    entries: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    purpose: str = ""

    def to_dict(self) -> dict:
        """Plain-dict form used in JSON reports."""
        return {"kind": self.kind, "name": self.name, "line": self.line,
                "params": list(self.params), "sections": list(self.sections),
                "purpose": self.purpose}


def function_name(signature: str) -> str:
    """Name of a ``.. c:function::`` from its signature ``TYPE NAME (ARGS)``."""
    head = signature.split(" (", 1)[0].split("(", 1)[0]
    parts = re.split(r"[\s*]+", head.strip())
    return parts[-1] if parts else head


def _split_name(arg: str) -> str:
    """Declarator name of a plain (non function-pointer) argument."""
    arg = re.sub(r"\s*:\s*", ":", arg)
    arg = re.sub(r"\s*\[", "[", arg)
    if "*" in arg:
        arg = re.sub(r"(\*+)\s*", r" \1", arg, count=1)
    bracketed = _last_bracketed_word(arg)
    words = [bracketed] if bracketed else arg.split()
    last = words[-1] if words else ""
    bit = re.match(r"^(.*?):(\w+)", last)
    if bit:
        last = bit.group(1)
    return last.lstrip("*").strip()


def param_name(entry: str) -> str:
    """Parameter name from a rendered ``type name`` entry, as kernel-doc names it.

    Handles function pointers ``(*name)(...)``, arrays of pointers,
    array suffixes, ``...`` and ``name...`` varargs and bare ``void``.
    """
    arg = entry.strip()
    if _group_then(arg, "("):
        m = re.search(r"[^(]+\(\*?\s*([\w\[\]\.]*)\s*\)", arg)
        name = m.group(1) if m else arg
    elif _group_then(arg, "["):
        m = re.search(r"[^(]+\(\s*\*\s*([\w\[\]\.]*?)\s*(\s*\[\s*\w+\s*\]\s*)*\)", arg)
        name = m.group(1) if m else arg
    else:
        name = _split_name(arg)
    name = re.sub(r"[\[\)].*", "", name)
    if name.endswith("...") and " " not in arg:
        name = name[:-3] if re.search(r"\w\.\.\.$", name) else "..."
    return name


def _doc_title(lines: list[str], i: int) -> str | None:
    """Title if ``lines[i]`` starts a DOC block (label, blank, bold title)."""
    m = LABEL_RE.match(lines[i])
    if not m or i + 2 >= len(lines):
        return None
    title = m.group(1)
    if lines[i + 1].strip() or lines[i + 2].rstrip() != f"**{title}**".rstrip():
        return None
    return title.strip()


def _confirmed(lines: list[str], j: int, macro: bool) -> bool:
    """True if a ``.. LINENO`` follows at ``j`` (after blanks, and for
    object/function-like macros one column-0 ````signature```` line).

    With ``-enable-lineno`` every generated item is followed by its line
    number; directives written by hand inside DOC blocks are not.
    """
    n = len(lines)
    while j < n and not lines[j].strip():
        j += 1
    if macro and j < n and lines[j].lstrip().startswith("``"):
        j += 1
        while j < n and not lines[j].strip():
            j += 1
    return j < n and LINENO_RE.match(lines[j]) is not None


def _typedef_follows(lines: list[str], j: int) -> bool:
    """Whether the first non-blank line from ``j`` is a ``**Typedef**:`` purpose."""
    while j < len(lines) and not lines[j].strip():
        j += 1
    return j < len(lines) and lines[j].strip().startswith(TYPEDEF_MARK)


def _variable(lines: list[str], j: int) -> bool:
    """Whether the ``c:macro`` ending before ``j`` is a variable: its
    declaration follows indented (a macro's signature is at column 0)."""
    while j < len(lines) and not lines[j].strip():
        j += 1
    return j < len(lines) and lines[j].startswith(" ") and lines[j].lstrip().startswith("``")


class _Parser:
    """Line-oriented state machine over one file's rst output."""

    def __init__(self) -> None:
        self.items: list[Item] = []
        self.cur: Item | None = None
        self.block: int | None = None
        self.want_line = False
        self.in_purpose = False

    def start(self, kind: str, name: str) -> None:
        """Begin a new item."""
        self.cur = Item(kind, name)
        self.items.append(self.cur)
        self.block = None
        self.want_line = True

    def directive(self, what: str, arg: str, variable: bool = False) -> None:
        """Handle a ``.. c:WHAT:: ARG`` line (a variable's is a ``c:macro``)."""
        kind = "var" if variable else DIRECTIVE_KIND[what]
        name = function_name(arg) if kind == "function" else arg.split()[0] if arg else ""
        self.start(kind, name)

    def purpose_line(self, line: str) -> None:
        """Collect the purpose: the lines after the item's first line number."""
        if not line.strip() or line.startswith(".. "):
            self.in_purpose = False
            return
        if self.cur.kind == "macro" and line.strip().startswith(TYPEDEF_MARK):
            self.cur.kind = "typedef"
        text = TYPEDEF_PURPOSE.sub("", line).strip()
        self.cur.purpose = f"{self.cur.purpose} {text}".strip()

    def body_line(self, line: str) -> None:
        """Handle a line inside the current item."""
        cur = self.cur
        if self.block is None:
            m = BLOCK_RE.match(line)
            if m:
                self.block = len(m.group(1))
            elif cur.kind == "macro" and line.strip().startswith(TYPEDEF_MARK):
                cur.kind = "typedef"
                cur.purpose = cur.purpose or TYPEDEF_PURPOSE.sub("", line).strip()
            return
        if not line.strip():
            return
        m = re.match(r"^ {%d}``(.*)``\s*$" % self.block, line)
        if m:
            self.entry(m.group(1))
        elif len(line) - len(line.lstrip(" ")) < self.block + 2:
            self.block = None
            self.body_line(line)

    def entry(self, text: str) -> None:
        """Record one parameter/member/constant entry."""
        cur = self.cur
        cur.entries.append(text)
        if text.startswith("#") or text in PLACEHOLDERS:
            return
        if cur.kind in ("struct", "union", "enum"):
            cur.params.append(text)
        else:
            cur.params.append(param_name(text))

    def feed(self, lines: list[str]) -> list[Item]:
        """Parse all lines and return the items."""
        check = any(LINENO_RE.match(x) for x in lines)
        for i, line in enumerate(lines):
            m = LINENO_RE.match(line)
            if m:
                if self.want_line and self.cur is not None:
                    self.cur.line = int(m.group(1))
                    self.want_line = False
                    self.in_purpose = self.cur.kind != "doc"  # a DOC block has no purpose
                continue
            if self.in_purpose:
                self.purpose_line(line)
                if self.in_purpose:
                    continue
            m = DIRECTIVE_RE.match(line)
            if m and not check or m and _confirmed(lines, i + 1, m.group(1) == "macro"):
                self.directive(m.group(1), m.group(2), m.group(1) == "macro" and _variable(lines, i + 1))
                continue
            before = LINENO_RE.match(lines[i - 1]) if m and i else None
            if before and _typedef_follows(lines, i + 1):
                # The Python kernel-doc's function typedef: a c:macro with its
                # line number before it and "**Typedef**: purpose" after it.
                self.directive(m.group(1), m.group(2))
                self.cur.line, self.want_line = int(before.group(1)), False
                continue
            title = _doc_title(lines, i) if line.startswith(".. _") else None
            if title is not None and (not check or _confirmed(lines, i + 3, False)):
                self.start("doc", title)
                continue
            if self.cur is not None and self.cur.kind != "doc":
                section = SECTION_RE.match(line)
                if section and check and not BLOCK_RE.match(line) and _confirmed(lines, i + 1, False):
                    self.cur.sections.append(section.group("title"))
                    self.block = None
                    continue
                self.body_line(line)
        return self.items


def parse_rst(text: str) -> list[Item]:
    """Parse kernel-doc ``-rst`` output of one file into items."""
    return _Parser().feed(text.splitlines())


def _last_bracketed_word(arg: str) -> str:
    """The text after the last blank of ``arg`` that still holds a ``[...]``
    (an array declarator such as ``*name[4]``), or ``""``."""
    for at in range(len(arg) - 1, 0, -1):
        if arg[at - 1].isspace() and not arg[at].isspace():
            tail = arg[at:]
            if "[" in tail and tail.rfind("]") > tail.find("["):
                return tail
    return ""


def _group_then(arg: str, opener: str) -> bool:
    """Whether a non-empty parenthesised group of ``arg`` is followed
    (blanks aside) by ``opener``: ``(*fn)(`` or ``(*table)[``."""
    first = arg.find("(")
    if first < 0:
        return False
    close = arg.find(")", first + 2)
    while close >= 0:
        if arg[close + 1:].lstrip().startswith(opener):
            return True
        close = arg.find(")", close + 1)
    return False
