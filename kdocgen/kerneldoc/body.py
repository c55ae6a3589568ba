"""The body of a kernel-doc comment: the lines after the identifier line.

Two state machines read them, one per generation of kernel-doc (see
:mod:`.dialect`); both fill a :class:`~.comment.DocComment`'s parameter
descriptions and named sections and add notes for the warnings.

* :class:`PerlBody` (6.x): a section ends at a heading, or at a blank line
  followed by a new paragraph (text at most one space after the ``*``);
  ``Context:`` ends at any blank line.
* :class:`PythonBody` (7.x): ``@param:``, ``Return:`` and ``Context:`` end at
  any blank line, other sections (``Description:``, ``Note:``,
  ``Example:``) only at the next heading; a purpose runs on until a blank
  line when the identifier line has a ``-`` or ``:``.
"""

from __future__ import annotations

import re
from ..model import Section
from .doccomment import CONTEXT, DESCRIPTION, RETURN, DocComment, Note, param_name

SECTION = re.compile(
    r"\s*\*\s*(@[.\w]+|@\.\.\.|description|context|returns?|notes?|examples?)\s*:([^:].*)?$", re.I)
CONTENT = re.compile(r"\s*\* ?(.*)")
END = re.compile(r"\*/")
_BLANK = re.compile(r"\s*\*\s*$")
_LEADING = re.compile(r"\s*")
SPACES = re.compile(r"\s+")


def canonical_title(title: str) -> str:
    """The section name kernel-doc files a heading under."""
    low = title.lower()
    if low == "description":
        return DESCRIPTION
    if low == "context":
        return CONTEXT
    if low in ("return", "returns", "@return", "@returns"):
        return RETURN
    return title


class _Reader:
    """What both machines share: feeding lines, notes, suspicious endings."""

    def __init__(self, doc: DocComment):
        self.doc = doc
        self.section = DESCRIPTION
        self.start_line = doc.name_line + 1
        self.purpose_lines: list[str] = []  # lines the purpose goes on with

    def note(self, line: int, rule: str, message: str) -> None:
        self.doc.notes.append(Note(line, rule, message))

    def read(self, lines: list[str], first: int, last: int) -> None:
        """Feed 0-based lines ``first``..``last`` (the ``*/`` line) through."""
        for index in range(first, min(last, len(lines) - 1) + 1):
            line = lines[index].expandtabs(8)
            if self.line(line, index + 1):
                break
        else:
            self.flush()
        if self.purpose_lines:
            self.doc.raw_purpose = SPACES.sub(" ", " ".join([self.doc.purpose, *self.purpose_lines]))
            self.doc.purpose = self.doc.raw_purpose.strip()

    def ended(self, line: str, lineno: int) -> bool:
        """Whether ``line`` closes the comment (the open section is stored)."""
        if not END.search(line):
            return False
        self.flush()
        if _ends_after_a_word(line):
            self.note(lineno, "suspicious-end", f"suspicious ending line: {line.rstrip()}")
        return True

    def bad_line(self, line: str, lineno: int) -> None:
        self.note(lineno, "bad-line", f"bad line: {line.rstrip()}")

    def line(self, line: str, lineno: int) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def flush(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class PerlBody(_Reader):
    """The 6.x rules (see the module docstring)."""

    def __init__(self, doc: DocComment):
        super().__init__(doc)
        self.contents: list[str] = []  # the open section's text, in pieces
        self.maybe_purpose = doc.purpose_open
        self.after_blank = False
        self.indent: str | None = None

    def line(self, line: str, lineno: int) -> bool:
        if self.after_blank and _starts_text(line):
            # kernel-doc stores the section even when only blank lines
            # followed its heading: "Returns:" then a blank line counts.
            self.doc.add_section(self.section, "".join(self.contents), self.start_line)
            self.section, self.contents, self.start_line = DESCRIPTION, [], lineno
            self.after_blank = False
        if self._heading(line, lineno):
            return False
        if self.ended(line, lineno):
            return True
        self._text(line, lineno)
        return False

    def flush(self) -> None:
        self._store()
        self.contents = []

    def _store(self) -> None:
        """Store the open section unless it holds nothing but a newline."""
        if self.contents and self.contents != ["\n"]:
            self.doc.add_section(self.section, "".join(self.contents), self.start_line)

    def _heading(self, line: str, lineno: int) -> bool:
        match = SECTION.search(line)
        if not match:
            return False
        title = match.group(1)
        if title.lower() in ("description", "context", "return", "returns") or title == "@return":
            title = canonical_title(title)
        self._store()
        text = (match.group(2) or "").lstrip(" ")
        # kernel-doc reads the line with its newline, so an empty "@a:" still
        # has content and counts as described when the next heading follows.
        self.section, self.contents, self.start_line = title, [text + "\n" if text else "\n\n"], lineno
        self.maybe_purpose = self.after_blank = False
        self.indent = None
        return True

    def _text(self, line: str, lineno: int) -> None:
        match = CONTENT.search(line)
        if not match:
            self.bad_line(line, lineno)
            return
        text = match.group(1)
        if text == "":
            if self.section == CONTEXT:
                self.flush()
                self.section, self.start_line = DESCRIPTION, lineno
                self.after_blank = False
            else:
                self.after_blank = self.section != DESCRIPTION
                self.contents.append("\n")
            self.maybe_purpose = False
            return
        if self.maybe_purpose:
            self.purpose_lines.append(text)
            return
        if self.section.startswith("@") or self.section == CONTEXT:
            if self.indent is None:
                self.indent = text[:len(text) - len(text.lstrip())]
            if text.startswith(self.indent):
                text = text[len(self.indent):]
        if not self.contents:
            self.start_line = self.start_line or lineno
        self.contents.append(text + "\n")


class PythonBody(_Reader):
    """The 7.x rules (see the module docstring)."""

    PURPOSE, TEXT, CLOSING = "purpose", "text", "closing"  # what the next line may do

    def __init__(self, doc: DocComment):
        super().__init__(doc)
        self.texts: list[str] = []
        self.opened = 0  # where 7.x kernel-doc counts the open section from
        self.blank_at = 0  # the blank line that closed the last section
        self.state = self.PURPOSE if doc.purpose_open else self.TEXT
        self.leading: int | None = None

    def line(self, line: str, lineno: int) -> bool:
        if self.state == self.CLOSING and _BLANK.match(line):
            self.flush()
            self.section, self.start_line, self.state = DESCRIPTION, lineno, self.TEXT
            self.blank_at = lineno
            return False
        if self._heading(line, lineno):
            return False
        if self.ended(line, lineno):
            return True
        match = CONTENT.search(line)
        if match is None:
            self.bad_line(line, lineno)
            return False
        text = match.group(1)
        if self.state == self.PURPOSE:
            if text:
                self.purpose_lines.append(text)
            else:
                # 7.x counts the Description from the line after the name
                # line when the purpose goes on over more lines
                self.state, self.blank_at = self.TEXT, self.doc.name_line + 1 if self.purpose_lines else lineno
            return False
        if self.state == self.CLOSING:
            text = self._unindent(text)
        if not self.texts and self.section == DESCRIPTION:
            self.start_line, self.opened = lineno, self.blank_at or lineno
        self.texts.append(text)
        return False

    def _unindent(self, text: str) -> str:
        """A continuation line of a closing section without the indentation
        its first continuation line set (only spaces are removed)."""
        if self.leading is None:
            self.leading = len(text) - len(text.lstrip())
        spaces = len(text) - len(text.lstrip(" "))
        self.leading = min(self.leading, spaces)
        return text[self.leading:]

    def _heading(self, line: str, lineno: int) -> bool:
        match = SECTION.search(line)
        if not match:
            return False
        self.flush()
        title = canonical_title(match.group(1))
        closing = title in (RETURN, CONTEXT) or title.startswith("@")
        self.section, self.start_line, self.opened, self.blank_at = title, lineno, lineno, 0
        self.state = self.CLOSING if closing else self.TEXT
        self.leading = None
        self.texts = [(match.group(2) or "").lstrip()]
        return True

    def flush(self) -> None:
        """Store the open section: parameters by name; a section met again
        gets the new text as another paragraph (warned unless it is the
        Description); an empty Description is not stored."""
        texts, title, line = self.texts, self.section, self.start_line
        self.section, self.texts = DESCRIPTION, []
        if title == DESCRIPTION and not texts:
            return
        body = "\n".join(texts) + "\n"
        if title.startswith("@"):
            self.doc.describe(param_name(title), body, line)
            return
        for section in self.doc.sections:
            if section.title == title and section.body:
                if title != DESCRIPTION:
                    self.note(line, "duplicate-section", f"duplicate section name '{title}'")
                section.body += "\n" + body
                return
            if section.title == title:
                section.body, section.line, section.opened = body, line, self.opened
                return
        self.doc.sections.append(Section(title, body, line, self.opened))


_END_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:.")


def _starts_text(line: str) -> bool:
    """Whether a comment line has text right after its star (at most one
    blank between them): the start of a new paragraph."""
    rest = line.lstrip()
    if not rest.startswith("*"):
        return False
    rest = rest[1:]
    if rest[:1].isspace():
        rest = rest[1:]
    return bool(rest) and not rest[0].isspace()


def _ends_after_a_word(line: str) -> bool:
    """Whether the comment's closing ``*/`` follows a word on a star line
    (`` * foo*/``): kernel-doc calls that a suspicious ending line."""
    rest = line.lstrip()
    if not rest.startswith("*"):
        return False
    rest = rest[1:].lstrip()
    size = 0
    while size < len(rest) and rest[size] in _END_WORD_CHARS:
        size += 1
    return size > 0 and rest.startswith("*/", size)
