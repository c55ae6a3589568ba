"""The kernel-doc comment grammar.

Reads the ``/** ... */`` comments of a file (the opening ``/**`` alone at
column 0) into :class:`DocComment` objects: the identifier line
(``name() - purpose``, ``struct|union|enum|typedef name - purpose``,
``DOC: title``), ``@param:`` descriptions, and the named sections.  The
behaviour follows ``Documentation/doc-guide/kernel-doc.rst`` and what the
kernel's own tool does with real comments (see the project notes), including
its warnings and their wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Section

START = re.compile(r"^/\*\*\s*$")
_END = re.compile(r"\*/")
_DOC_BLOCK = re.compile(r"^\s*\*\s*DOC:\s*(.*?)\s*$")
_DECL_WORD = re.compile(r"\s*\*\s*(\w+)")
_IDENT_SIMPLE = re.compile(r"^\s*\*\s*([\w\s]+?)(?:\(\w*\))?\s*(?:[-:].*)?$")
_TYPED = re.compile(r"^(struct|union|enum|typedef)\b\s*(\S*)")
_IDENT_FUNC = re.compile(r"^\s*\*\s*(?:\w+\s*\*\s*)?(\w+)\s*(?:\(\w*\))?\s*(?:[-:].*)?$")
_IDENT_FUNC_LOOSE = re.compile(r"^\s*\*\s*(?:\w+\s*\*\s*)?(\w+.*?)(?:\(\w*\))?\s*[-:].*$")
_PURPOSE = re.compile(r"[-:](.*)")
_SECTION = re.compile(
    r"\s*\*\s*(@[.\w]+|@\.\.\.|description|context|returns?|notes?|examples?)\s*:([^:].*)?$", re.I)
_CONTENT = re.compile(r"\s*\* ?(.*)")
_NEW_PARAGRAPH = re.compile(r"^\s*\*\s?\S")
_SUSPICIOUS_END = re.compile(r"\s*\*\s*[a-zA-Z_0-9:.]+\*/")
_PARAM_NAME = re.compile(r"@(\w*(?:(?:\.\w+)|(?:->\w+))*(?:\.\.\.)?)")
_SPACES = re.compile(r"\s+")

DESCRIPTION, CONTEXT, RETURN, INTRODUCTION = "Description", "Context", "Return", "Introduction"


@dataclass
class Note:
    """A problem found while reading a comment (becomes a Diagnostic)."""

    line: int
    rule: str
    message: str


@dataclass
class ParamDoc:
    """The description of one ``@name`` in a comment."""

    desc: str
    line: int


@dataclass
class DocComment:
    """One kernel-doc comment, read but not yet bound to a declaration."""

    kind: str  # function (also macros), struct, union, enum, typedef, doc
    name: str
    start: int  # line of "/**"
    end: int  # line of "*/"
    name_line: int = 0
    purpose: str = ""
    params: dict[str, ParamDoc] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def add_section(self, title: str, body: str, line: int) -> None:
        """Store a section or a parameter description, as kernel-doc does."""
        store_section(self, title, body, line, self.notes)


def store_section(doc: DocComment, title: str, body: str, line: int, notes: list[Note]) -> None:
    """Add ``body`` under ``title`` (``@name`` titles are parameters)."""
    if title.startswith("@"):
        match = _PARAM_NAME.match(title)
        name = match.group(1) if match else ""
        if title == "@...":
            name = "..."
        doc.params[name] = ParamDoc(body.strip("\n"), line)
        return
    for section in doc.sections:
        if section.title == title and section.body:
            if title != DESCRIPTION:
                notes.append(Note(line, "duplicate-section", f"duplicate section name '{title}'"))
            section.body += body
            return
    doc.sections.append(Section(title, body, line))


def find_comments(lines: list[str]) -> tuple[list[DocComment], list[Note]]:
    """Every kernel-doc comment of a file (``lines`` without line ends).

    Returns the comments and the notes about comments that could not be
    read at all (which have no DocComment to carry them)."""
    comments: list[DocComment] = []
    stray: list[Note] = []
    index = 0
    total = len(lines)
    while index < total:
        if not START.match(lines[index]):
            index += 1
            continue
        end = index + 1
        while end < total and not _END.search(lines[end]):
            end += 1
        last = min(end, total - 1)
        if end >= total:  # unterminated: trailing empty lines are not comment lines
            while last > index and not lines[last].strip():
                last -= 1
            if last == index:
                break
        doc = read_comment(lines, index, last, stray)
        if doc is not None:
            comments.append(doc)
        index = end + 1
    return comments, stray


def read_comment(lines: list[str], first: int, last: int, stray: list[Note]) -> DocComment | None:
    """Read the comment spanning 0-based lines ``first``..``last``."""
    if first + 1 > last and not (first + 1 < len(lines)):
        return None
    name_index = first + 1
    raw = lines[name_index].expandtabs(8) if name_index < len(lines) else ""
    lineno = name_index + 1
    block = _DOC_BLOCK.match(raw)
    if block:
        overview = DocComment("doc", block.group(1) or INTRODUCTION, first + 1, last + 1, lineno)
        body = [_content(line.expandtabs(8)) for line in lines[name_index + 1:last]]
        overview.sections.append(Section(overview.name, "".join(text + "\n" for text in body), lineno + 1))
        return overview
    doc = _identifier(raw, lineno, first + 1, last + 1, stray)
    if doc is None:
        return None
    _Body(doc).read(lines, name_index + 1, last)
    return doc


def _content(line: str) -> str:
    match = _CONTENT.search(line)
    return match.group(1) if match else ""


def _identifier(raw: str, lineno: int, start: int, end: int, stray: list[Note]) -> DocComment | None:
    """Parse the identifier line; None (with a note) when it is not kernel-doc."""
    word = _DECL_WORD.search(raw)  # unanchored, as kernel-doc: "** TITLE" still has a word
    if not word:
        stray.append(Note(lineno, "not-doc-line",
                          f"Cannot understand {raw.strip()} on line {lineno} - I thought it was a doc line"))
        return None
    identifier = word.group(1)
    simple = _IDENT_SIMPLE.match(raw)
    if simple:
        identifier = simple.group(1)
    typed = _TYPED.match(identifier)
    kind = ""
    if typed:
        kind, identifier = typed.group(1), typed.group(2)
    else:
        func = _IDENT_FUNC.match(raw) or _IDENT_FUNC_LOOSE.match(raw)
        if func:
            kind = "function"
            identifier = re.sub(r"^define\s+", "", func.group(1))
    identifier = identifier.rstrip()
    purpose_match = _PURPOSE.search(raw)
    purpose = _SPACES.sub(" ", purpose_match.group(1)).strip() if purpose_match else ""
    if not kind:
        stray.append(Note(lineno, "not-kernel-doc",
                          "This comment starts with '/**', but isn't a kernel-doc comment. "
                          "Refer Documentation/doc-guide/kernel-doc.rst"))
        if not purpose:
            stray.append(Note(lineno, "short-description",
                              f"missing initial short description on line:\n{raw.rstrip()}"))
        return None
    doc = DocComment(kind, identifier, start, end, lineno, purpose)
    if not purpose:
        doc.notes.append(Note(lineno, "short-description",
                              f"missing initial short description on line:\n{raw.rstrip()}"))
    if not identifier and kind != "enum":
        stray.append(Note(lineno, "bad-identifier", f"wrong kernel-doc identifier on line:\n{raw.rstrip()}"))
        return None
    return doc


class _Body:
    """The state machine over the body lines of one comment."""

    def __init__(self, doc: DocComment):
        self.doc = doc
        self.section = DESCRIPTION
        self.contents = ""
        self.start_line = doc.name_line + 1
        self.maybe_purpose = bool(doc.purpose)
        self.after_blank = False
        self.indent: str | None = None

    def read(self, lines: list[str], first: int, last: int) -> None:
        """Feed 0-based lines ``first``..``last`` (the ``*/`` line) through."""
        for index in range(first, min(last, len(lines) - 1) + 1):
            line = lines[index].expandtabs(8)
            lineno = index + 1
            if self.after_blank and _NEW_PARAGRAPH.match(line):
                # kernel-doc stores the section even when only blank lines
                # followed its heading: "Returns:" then a blank line counts.
                self.doc.add_section(self.section, self.contents, self.start_line)
                self.section, self.contents, self.start_line = DESCRIPTION, "", lineno
                self.after_blank = False
            if self._heading(line, lineno):
                continue
            if _END.search(line):
                self.flush()
                if _SUSPICIOUS_END.search(line):
                    self.doc.notes.append(Note(lineno, "suspicious-end", f"suspicious ending line: {line.rstrip()}"))
                return
            self._text(line, lineno)
        self.flush()

    def flush(self) -> None:
        if self.contents and self.contents != "\n":
            self.doc.add_section(self.section, self.contents, self.start_line)
        self.contents = ""

    def _heading(self, line: str, lineno: int) -> bool:
        match = _SECTION.search(line)
        if not match:
            return False
        title = match.group(1)
        low = title.lower()
        if low == "description":
            title = DESCRIPTION
        elif low == "context":
            title = CONTEXT
        elif low in ("return", "returns") or title == "@return":
            title = RETURN
        if self.contents and self.contents != "\n":
            self.doc.add_section(self.section, self.contents, self.start_line)
        text = (match.group(2) or "").lstrip(" ")
        # kernel-doc reads the line with its newline, so an empty "@a:" still
        # has content and counts as described when the next heading follows.
        self.section, self.contents, self.start_line = title, (text + "\n" if text else "\n\n"), lineno
        self.maybe_purpose = self.after_blank = False
        self.indent = None
        return True

    def _text(self, line: str, lineno: int) -> None:
        match = _CONTENT.search(line)
        if not match:
            self.doc.notes.append(Note(lineno, "bad-line", f"bad line: {line.rstrip()}"))
            return
        text = match.group(1)
        if text == "":
            if self.section == CONTEXT:
                self.flush()
                self.section, self.start_line = DESCRIPTION, lineno
                self.after_blank = False
            else:
                self.after_blank = self.section != DESCRIPTION
                self.contents += "\n"
            self.maybe_purpose = False
            return
        if self.maybe_purpose:
            self.doc.purpose = _SPACES.sub(" ", f"{self.doc.purpose} {text}").strip()
            return
        if self.section.startswith("@") or self.section == CONTEXT:
            if self.indent is None:
                self.indent = text[:len(text) - len(text.lstrip())]
            if text.startswith(self.indent):
                text = text[len(self.indent):]
        if not self.contents:
            self.start_line = self.start_line or lineno
        self.contents += text + "\n"


_INLINE_ONELINE = re.compile(r"^\s*/\*\*\s*(@[\w\s]+):\s*(.*?)\s*\*/\s*$")
_INLINE_START = re.compile(r"^\s*/\*\*\s*$")
_INLINE_NAME = re.compile(r"\s*\*\s*(@\s*\w[\w.]*\s*):(.*)")
_INLINE_END = re.compile(r"^\s*\*/\s*$")


def read_inline_docs(doc: DocComment, lines: list[str], first: int, last: int) -> None:
    """Add inline member comments (``/** @member: text */`` and multi-line
    ``/**`` blocks) found in 0-based lines ``first``..``last`` to ``doc``."""
    index = first
    while index <= last and index < len(lines):
        line = lines[index].expandtabs(8)
        one = _INLINE_ONELINE.match(line)
        if one:
            if one.group(2):
                doc.add_section(one.group(1).strip(), one.group(2) + "\n", index + 1)
            index += 1
            continue
        if _INLINE_START.match(line):
            index = _inline_block(doc, lines, index + 1, last)
            continue
        index += 1


def _inline_block(doc: DocComment, lines: list[str], index: int, last: int) -> int:
    title, contents, line_of_title, broken = "", "", 0, False
    while index < len(lines):
        line = lines[index].expandtabs(8)
        if _INLINE_END.match(line):
            if title and contents and contents != "\n":
                doc.add_section(title, contents, line_of_title)
            return index + 1
        if not title and not broken:
            named = _INLINE_NAME.match(line)
            if named:
                title, line_of_title = re.sub(r"\s+", "", named.group(1)), index + 1
                text = named.group(2).lstrip(" ")
                contents = text + "\n" if text else ""
            else:
                broken = True
                doc.notes.append(Note(index + 1, "inline-format",
                                      f"Incorrect use of kernel-doc format: {line.rstrip()}"))
        elif title:
            content = _CONTENT.search(line)
            if content:
                contents += content.group(1) + "\n"
                if not contents.strip():
                    contents = ""
        index += 1
    return index


_PLAIN_LINE = re.compile(r"^\s*(?:/\*+|\*+/|\*(?!/))?\s?(.*?)\s*(?:\*+/)?\s*$")


def plain_comment_above(lines: list[str], line: int, limit: int = 60) -> str:
    """The ``/* ... */`` or ``//`` comment ending right above 1-based ``line``
    (no blank line between), as plain text; "" when there is none or it is
    a kernel-doc comment."""
    index = line - 2
    if index < 0 or index >= len(lines):
        return ""
    last = lines[index].rstrip()
    if last.lstrip().startswith("//"):
        first = index
        while first > 0 and lines[first - 1].lstrip().startswith("//") and index - first < limit:
            first -= 1
        return "\n".join(lines[i].lstrip()[2:].strip() for i in range(first, index + 1)).strip()
    if not last.endswith("*/"):
        return ""
    first = index
    while first >= 0 and "/*" not in lines[first] and index - first < limit:
        first -= 1
    if first < 0 or "/*" not in lines[first] or START.match(lines[first]):
        return ""
    opening = lines[first]
    if opening[:opening.index("/*")].strip():
        return ""  # a trailing comment of code on that line
    text = [m.group(1) for m in (_PLAIN_LINE.match(lines[i]) for i in range(first, index + 1)) if m]
    joined = "\n".join(text).strip("\n").strip()
    if "Copyright" in joined or "SPDX-License-Identifier" in joined:
        return ""  # the file's header, not a comment on this declaration
    return joined
