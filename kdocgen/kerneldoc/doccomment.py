"""A kernel-doc comment as read, before it is bound to a declaration."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..kinds import SymbolKind
from ..model import Section

DESCRIPTION, CONTEXT, RETURN, INTRODUCTION = "Description", "Context", "Return", "Introduction"
_PARAM_NAME = re.compile(r"@(\w*(?:(?:\.\w+)|(?:->\w+))*(?:\.\.\.)?)")


def param_name(title: str) -> str:
    """The parameter an ``@name`` heading describes (``@...`` is ``...``)."""
    if title == "@...":
        return "..."
    match = _PARAM_NAME.match(title)
    return match.group(1) if match else ""


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
    #: the text as read, newlines kept (for output byte-identical to kernel-doc's)
    raw: str = ""


@dataclass
class DocComment:
    """One kernel-doc comment, read but not yet bound to a declaration."""

    kind: SymbolKind  # function (also macros), struct, union, enum, typedef, var, doc
    name: str
    start: int  # line of "/**"
    end: int  # line of "*/"
    name_line: int = 0
    purpose: str = ""
    params: dict[str, ParamDoc] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    #: The identifier line has a "-" or ":" (7.x: the purpose may go on).
    purpose_open: bool = False
    #: Every ``@name`` description met, in order, repeats included (6.x
    #: warns about an excess one each time it is met).
    described: list[tuple[str, int]] = field(default_factory=list)
    #: the purpose as kernel-doc keeps it when it goes on over lines (not
    #: stripped: kernel-doc prints a leading blank); "" when on one line
    raw_purpose: str = ""

    def describe(self, name: str, desc: str, line: int) -> None:
        """Store the description of parameter ``name``."""
        self.params[name] = ParamDoc(desc.strip("\n"), line, desc)
        self.described.append((name, line))

    def add_section(self, title: str, body: str, line: int) -> None:
        """Store a section or a parameter description, as kernel-doc does."""
        store_section(self, title, body, line, self.notes)


def store_section(doc: DocComment, title: str, body: str, line: int, notes: list[Note]) -> None:
    """Add ``body`` under ``title`` (``@name`` titles are parameters)."""
    if title.startswith("@"):
        doc.describe(param_name(title), body, line)
        return
    for section in doc.sections:
        if section.title == title and section.body:
            if title != DESCRIPTION:
                notes.append(Note(line, "duplicate-section", f"duplicate section name '{title}'"))
            section.body += body
            return
    doc.sections.append(Section(title, body, line))
