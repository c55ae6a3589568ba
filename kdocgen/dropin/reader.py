"""The declarations after kernel-doc comments, as kernel-doc collects them.

kernel-doc reads the lines after a comment's ``*/`` until the declaration
ends: for a function at the line holding ``{``, ``;`` or ``#define``; for
a type at the ``;`` outside braces.  Inline member comments met on the way
are not part of the text.  The collected text is what kernel-doc later
splits (:mod:`.proto`, :mod:`.definition`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..kerneldoc.comment import find_comments
from ..kerneldoc.dialect import Dialect
from ..kerneldoc.doccomment import DocComment
from .proto import skip_blanks, strip_comments
from .special import is_tracepoint, syscall, tracepoint


@dataclass
class Entry:
    """A kernel-doc comment and the declaration text after it."""

    doc: DocComment
    text: str = ""
    #: the 1-based line after the comment's ``*/`` (kernel-doc's first
    #: prototype line)
    first_line: int = 0
    #: the 1-based line where the declaration was found complete (0: never)
    end_line: int = 0
    #: the declaration's parameters or members, in order (set by the items)
    param_names: list[str] = field(default_factory=list)
    #: kernel-doc's error when it cannot parse the declaration
    failure: str = ""
    #: kernel-doc's warning about the declaration (other than kdocgen's)
    warning: str = ""
    #: the name the declaration must have ("": the comment's)
    name: str = ""
    #: a system call or tracepoint, rewritten before it was read
    text_rewritten: bool = False
    #: a function's return type (set by the items)
    return_type: str = ""


def read_entries(lines: list[str], dialect: Dialect) -> list[Entry]:
    """Every kernel-doc comment of a file with its declaration text."""
    comments, _ = find_comments(lines, dialect)
    entries = []
    for doc in comments:
        entry = Entry(doc, first_line=doc.end + 1)
        if doc.kind == "function":
            _collect_function(entry, lines, doc.end, dialect.python)
        elif doc.kind != "doc":
            _collect_type(entry, lines, doc.end, dialect.python)
        entries.append(entry)
    return entries


def _is_inline_start(line: str) -> bool:
    return line.strip() == "/**"


def _is_inline_end(line: str) -> bool:
    return line.strip() == "*/"


def _logical_lines(lines: list[str], index: int, python: bool = False):
    """``(line, next index, 1-based number of its last line)`` from
    ``index`` on: tabs expanded (7.x: in each line before joining), lines
    ending in a backslash joined with the next (unless they start with
    `` *``)."""
    total = len(lines)

    def physical(at: int) -> str:
        return lines[at].expandtabs(8) + "\n" if python else lines[at] + "\n"

    while index < total:
        line = physical(index)
        index += 1
        first = index
        while not line.startswith(" *"):
            trimmed = line.rstrip()
            if not trimmed.endswith("\\") or index > total:
                break
            line = trimmed[:-1]
            if index < total:
                line += physical(index)
            index += 1
        yield line.expandtabs(8), index, first if python else index  # 7.x: a joined line's first


class _Inline:
    """The inline member comments met in a declaration (kernel-doc's
    inline state): their descriptions go to the entry's comment.  Their
    line numbers follow kernel-doc: a one-line comment gets the line
    after the main comment if nothing was stored before it, else 0."""

    def __init__(self, entry: Entry, python: bool = False):
        self.entry = entry
        self.python = python
        self.open = False
        self.title = ""
        self.contents = ""
        self.start = entry.first_line
        self.state = ""  # name, text, error

    def skipped(self, line: str, number: int) -> bool:
        """Whether ``line`` belongs to an inline comment (read if so)."""
        if self.open:
            self._inside(line, number)
            return True
        one = _oneline(line, self.python)
        if one is not None:
            title, text = one
            if self.python:
                self.start = number
            if text:
                self._store(title, text + "\n")
            return True
        if _is_inline_start(line):
            self.open, self.state, self.title, self.contents = True, "name", "", ""
            return True
        return False

    def _inside(self, line: str, number: int) -> None:
        if self.state == "name":
            named = _inline_name(line)
            if named is not None:
                self.title, text = named
                self.start = number
                text = text.lstrip(" ")
                self.contents = text + "\n" if text else ""
                self.state = "text"
                return
        if _is_inline_end(line):
            if self.contents not in ("", "\n"):
                self._store(self.title, self.contents)
            self.open = False
            return
        content = _content(line)
        if content is None:
            return
        if self.state == "text":
            self.contents += content + "\n"
            if not self.contents.strip():
                self.contents = ""
        elif self.state == "name":
            self.state = "error"

    def _store(self, title: str, text: str) -> None:
        from ..kerneldoc.doccomment import ParamDoc, param_name
        name = param_name(title)
        doc = self.entry.doc
        if title.startswith("@") or title == "@...":
            doc.params[name] = ParamDoc(text.strip("\n"), self.start, text)
        self.start = 0 if not self.python else self.start
        self.title, self.contents = "", ""


def _oneline(line: str, python: bool = False) -> tuple[str, str] | None:
    """``(title, text)`` of a one-line ``/** @name: text */`` (7.x: also
    ``@outer.inner``)."""
    body = line.strip()
    if not (body.startswith("/**") and body.endswith("*/")):
        return None
    inner = line[line.index("/**") + 3:line.rstrip().rindex("*/")]
    lead = inner.lstrip()
    if not lead.startswith("@"):
        return None
    colon = lead.find(":")
    extra = "_." if python else "_"
    if colon < 2 or not all(c.isalnum() or c in extra or c.isspace() for c in lead[1:colon]):
        return None
    return lead[:colon], lead[colon + 1:].lstrip()


def _inline_name(line: str) -> tuple[str, str] | None:
    """``(title, rest)`` of an inline comment's first line ``* @name: text``."""
    text = line.lstrip()
    if not text.startswith("*"):
        return None
    text = text[1:].lstrip()
    if not text.startswith("@"):
        return None
    pos = 1
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    if pos >= len(text) or not (text[pos].isalnum() or text[pos] == "_"):
        return None
    while pos < len(text) and (text[pos].isalnum() or text[pos] in "_."):
        pos += 1
    end = pos
    while end < len(text) and text[end] in " \t":
        end += 1
    if end >= len(text) or text[end] != ":":
        return None
    return "".join(text[:end].split()), text[end + 1:].rstrip("\n")


def _content(line: str) -> str | None:
    """The text of a comment line after its ``*`` and one space."""
    text = line.rstrip("\n")
    stripped = text.lstrip()
    if not stripped.startswith("*"):
        return None
    rest = stripped[1:]
    return rest[1:] if rest.startswith(" ") else rest


def _has_define(text: str) -> bool:
    pos = text.find("#")
    while pos >= 0:
        rest = text[pos + 1:].lstrip()
        if rest.startswith("define"):
            return True
        pos = text.find("#", pos + 1)
    return False


def _cut_line_comment(text: str) -> str:
    pos = text.find("//")
    return text if pos < 0 else text[:pos]


def _collect_function(entry: Entry, lines: list[str], index: int, python: bool) -> None:
    parts: list[str] = []
    inline = _Inline(entry, python)
    for line, _, number in _logical_lines(lines, index, python):
        if inline.skipped(line, number):
            continue
        code = _cut_line_comment(line)
        if not (code.startswith("#") and not code[1:].lstrip().startswith("define")):
            brace = code.find("{")
            parts.append(code if brace < 0 else code[:brace])
        if "{" in code or ";" in code or _has_define(code):
            entry.end_line = number
            break
    entry.text = _function_text("".join(parts))
    if "SYSCALL_DEFINE" in entry.text:
        entry.text, entry.text_rewritten = syscall(entry.text), True
    if is_tracepoint(entry.text):
        entry.text_rewritten = True
        entry.text, understood = tracepoint(entry.text)
        if understood:
            entry.name = "trace_" + entry.doc.name
        else:
            entry.warning = f"Unrecognized tracepoint format: \n{entry.text}\n"


def _function_text(text: str) -> str:
    """The prototype as kernel-doc splits it: comments gone, one line, no
    leading blanks, ``int (*name)(...)`` read as ``int name(...)``."""
    return _pointer_name_first(_collapse_newlines(strip_comments(text)).lstrip())


def _pointer_name_first(text: str) -> str:
    """``TYPE (*name)`` at the start becomes ``TYPE name``."""
    blank = 0
    while blank < len(text) and not text[blank].isspace():
        blank += 1
    if blank == 0 or blank >= len(text):
        return text
    after = skip_blanks(text, blank)
    if not text.startswith("(", after):
        return text
    pos = skip_blanks(text, after + 1)
    if not text.startswith("*", pos):
        return text
    close = text.find(")", pos + 1)
    name = text[pos + 1:close] if close > pos + 1 else ""
    if close < 0 or not name or any(c.isspace() for c in name):
        # kernel-doc's name is the longest run without blanks before a ")"
        return text if close < 0 else _pointer_fallback(text, after, pos)
    return text[:after] + name + text[close + 1:]


def _pointer_fallback(text: str, after: int, star: int) -> str:
    end = star + 1
    while end < len(text) and not text[end].isspace():
        end += 1
    close = text.rfind(")", star + 2, end)
    if close < 0:
        return text
    return text[:after] + text[star + 1:close] + text[close + 1:]


def _collect_type(entry: Entry, lines: list[str], index: int, python: bool) -> None:
    proto = ""
    depth = 0
    inline = _Inline(entry, python)
    for line, _, number in _logical_lines(lines, index, python):
        if inline.skipped(line, number):
            continue
        text = _cut_line_comment(_collapse_newlines(line).strip())
        if python:  # 7.x strips the line after cutting its comment
            text = text.strip()
        if text.startswith("#"):
            text += ";"
        if python:  # 7.x: each line's text as it is, one space between lines
            if not text:
                continue
            for pos, char in enumerate(text):
                depth += (char == "{") - (char == "}")
                if char == ";" and depth <= 0:
                    entry.text, entry.end_line = proto + (" " if proto else "") + text[:pos + 1], number
                    return
            proto += (" " if proto else "") + text
            continue
        while True:
            cut = _first_of(text, "{};")
            if cut < 0:
                proto += text
                break
            if proto:
                proto += " "
            proto += text[:cut + 1]
            mark = text[cut]
            depth += (mark == "{") - (mark == "}")
            if mark == ";" and depth == 0:
                entry.text, entry.end_line = proto, number
                return
            text = text[cut + 1:]
    entry.text = proto


def _collapse_newlines(line: str) -> str:
    """Each run of line ends made one space."""
    out: list[str] = []
    for char in line:
        if char in "\r\n":
            if not out or out[-1] != "\0":
                out.append("\0")
        else:
            out.append(char)
    return "".join(out).replace("\0", " ")


def _first_of(text: str, chars: str) -> int:
    for index, char in enumerate(text):
        if char in chars:
            return index
    return -1
