"""The documentation model: plain dataclasses shared by every stage.

A :class:`SourceFile` holds the :class:`Symbol` objects found in one kernel
C file and the :class:`Diagnostic` messages raised while reading it.  Line
numbers are 1-based; a span is ``(first, last)`` inclusive, ``(0, 0)`` when
absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from .kinds import Severity, SymbolKind

Span = tuple[int, int]
NO_SPAN: Span = (0, 0)
_T = TypeVar("_T")


def copy_with(obj: _T, **changes: Any) -> _T:
    """A shallow copy of the dataclass ``obj`` with ``changes`` (field values):
    what ``dataclasses.replace`` does for these plain classes, at a fraction
    of its cost (they have no ``__post_init__`` and no init-less fields)."""
    copy = object.__new__(type(obj))
    copy.__dict__.update(obj.__dict__)
    copy.__dict__.update(changes)
    return copy


@dataclass
class Diagnostic:
    """A problem found in a source file, worded like kernel-doc's."""

    path: str
    line: int
    rule: str
    message: str
    severity: Severity = "warning"
    column: int = 0
    symbol: str = ""


@dataclass
class Member:
    """A function parameter, struct/union member, enum constant or macro argument.

    ``depth`` is the nesting level inside a struct (0 for top-level members);
    nested members are named ``outer.inner`` as kernel-doc does.
    """

    name: str
    type: str = ""
    desc: str = ""
    depth: int = 0
    line: int = 0
    desc_line: int = 0
    #: the description as the comment holds it (blank lines and trailing
    #: blanks kept), for writers that print it line by line like kernel-doc
    raw_desc: str = ""


@dataclass
class Section:
    """A named section of a kernel-doc comment (Description, Return, ...)."""

    title: str
    body: str
    line: int = 0
    #: 7.x: the line kernel-doc counts the section from (for its output's
    #: line numbers; an implicit Description starts at the blank line
    #: before its text); 0 when not recorded
    opened: int = 0
    #: the body as the comment holds it (leading blank lines and trailing
    #: blanks kept), for writers that print it line by line like kernel-doc
    raw: str = ""


@dataclass
class Symbol:
    """One declaration of a file, with its kernel-doc comment when it has one."""

    kind: SymbolKind
    name: str
    path: str
    decl_span: Span = NO_SPAN
    comment_span: Span = NO_SPAN
    purpose: str = ""
    params: list[Member] = field(default_factory=list)
    return_type: str = ""
    sections: list[Section] = field(default_factory=list)
    storage: str = ""
    export: str = ""
    decl: str = ""
    documented: bool = False
    plain_comment: str = ""
    is_pointer_typedef: bool = False
    definition: str = ""
    value: str = ""  # a variable's initializer
    has_body: bool = False
    calls: list[str] = field(default_factory=list)

    @property
    def line(self) -> int:
        """The line users are pointed at: the declaration's first line."""
        return self.decl_span[0] or self.comment_span[0]

    def section(self, title: str) -> Section | None:
        """The section called ``title`` (case-insensitive), if present."""
        low = title.lower()
        return next((s for s in self.sections if s.title.lower() == low), None)


@dataclass
class SourceFile:
    """A parsed source file: its symbols in file order and its diagnostics."""

    path: str
    symbols: list[Symbol] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    exports: dict[str, str] = field(default_factory=dict)

    @property
    def documented(self) -> list[Symbol]:
        """The symbols that carry a kernel-doc comment, in file order."""
        return [s for s in self.symbols if s.documented]


def family(kind: str) -> str:
    """The C domain's name space of a kind: types (struct, union, enum,
    typedef; Sphinx's "type") share one, everything else the other."""
    return "type" if kind in ("struct", "union", "enum", "typedef", "type") else "object"
