"""kernel-doc's ``-man`` output (troff man pages, section 9) from kdocgen's model.

:func:`write_man` prints the pages of the given symbols byte for byte as the
tree's kernel-doc does: the Perl ``scripts/kernel-doc`` of 6.x trees or the
Python ``tools/docs/kernel-doc`` of 7.x trees, chosen by the dialect.
Text transforms (highlighting, line handling) live in :mod:`.mantext` and
:mod:`.mantables`; declarations are read as for the reST output, by
:mod:`.reader` and :mod:`.items` (prototypes by :mod:`.proto`, members by
:mod:`.definition`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from ..kerneldoc.dialect import Dialect
from ..model import Member, SourceFile, Symbol
from .items import Item, make_item
from .mantext import highlight_lines
from .reader import Entry, read_entries

#: kernel-doc's text for a parameter or member without a description
UNDESCRIBED = "-- undescribed --"
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
#: The KBUILD_BUILD_TIMESTAMP forms both kernel-docs read.
_STAMP_FORMATS = ("%a %b %d %H:%M:%S %Z %Y", "%a %b %d %H:%M:%S %Y", "%Y-%m-%d", "%b %d %Y",
                  "%B %d %Y", "%m %d %Y")


@dataclass(frozen=True)
class ManOptions:
    """What the man output depends on besides the file's comments.

    ``path`` is the file as named on the command line; ``date`` the
    ``Month YEAR`` of the ``.TH`` lines (see :func:`man_date_from`);
    ``modulename`` kernel-doc's ``-modulename`` (None: the tool's default,
    ``Kernel API`` for the Perl tool, the file's directory for the Python one).
    """

    path: str
    date: str
    modulename: str | None = None
    section: str = "9"
    manual: str = "Kernel API Manual"
    #: the file's text (None: read from ``path``)
    text: str | None = None


def man_date_from(timestamp: str | None, dialect: Dialect, now: datetime | None = None) -> str:
    """The ``.TH`` date kernel-doc prints: the month and year of
    KBUILD_BUILD_TIMESTAMP when it can be read, else of ``now`` (default: the
    current local time).  The Perl tool reads the stamp with ``date -d``
    (here: the Python tool's forms and ISO 8601), the Python tool only in
    its own few forms."""
    moment = _read_stamp(timestamp, iso=not dialect.python) if timestamp else None
    if moment is None:
        moment = now or datetime.now()
    return f"{_MONTHS[moment.month - 1]} {moment.year}"


def _read_stamp(stamp: str, iso: bool) -> datetime | None:
    """KBUILD_BUILD_TIMESTAMP as a date, in the forms the tools accept
    (with ``iso``, also ISO 8601)."""
    for form in _STAMP_FORMATS:
        try:
            return datetime.strptime(stamp.strip(), form)
        except ValueError:
            continue
    if not iso:
        return None
    try:
        return datetime.fromisoformat(stamp.strip())
    except ValueError:
        return None


def write_man(source: SourceFile, symbols: Sequence[Symbol], dialect: Dialect, options: ManOptions) -> str:
    """The ``kernel-doc -man`` output of ``symbols`` (file order) of ``source``.

    The Python tool (7.x) ends every page with a SEE ALSO list of all the
    file's documented items, writes that tail even for the items it does not
    print, and ends the file's output with a blank line; the items are
    ``source.documented`` there."""
    lines = options.text.split("\n") if options.text is not None else _source_lines(options.path)
    entries = {entry.doc.end: entry for entry in read_entries(lines, dialect)}
    if not dialect.python:
        return "".join(_Page(dialect, options, symbols, lines, entries).render(symbol) for symbol in symbols)
    chosen = {_key(s) for s in symbols}
    every = source.documented if chosen <= {_key(s) for s in source.documented} else list(symbols)
    parts = []
    for symbol in every:
        page = _Page(dialect, options, every, lines, entries)
        parts.append(page.render(symbol) if _key(symbol) in chosen else page.tail_only(symbol))
    out = "".join(parts)
    return out + "\n" if out else ""


def _key(symbol: Symbol) -> tuple[str, str, tuple[int, int]]:
    """What tells one documented item from another."""
    return symbol.kind, symbol.name, symbol.comment_span


def _source_lines(path: str) -> list[str]:
    """The file's lines (struct synopses are rebuilt from the source text)."""
    try:
        with open(path, "rb") as fh:
            return fh.read().decode("utf-8", errors="replace").split("\n")
    except OSError:
        return []


class _Page:
    """One symbol's man page, written into ``out``."""

    def __init__(self, dialect: Dialect, options: ManOptions, symbols: Sequence[Symbol],
                 lines: list[str], entries: dict[int, Entry]) -> None:
        self.dialect = dialect
        self.python = dialect.python
        self.options = options
        self.symbols = symbols
        self.lines = lines
        #: the declarations after the comments, by the line of the comment's end
        self.entries = entries
        self.out: list[str] = []

    def tail_only(self, symbol: Symbol) -> str:
        """The SEE ALSO tail the Python tool writes for an item it does not print."""
        self.see_also(symbol)
        return "".join(self.out)

    def render(self, symbol: Symbol) -> str:
        """The page of ``symbol``."""
        writer = {"function": self.function, "macro": self.function, "enum": self.enum,
                  "struct": self.struct, "union": self.struct, "typedef": self.typedef,
                  "doc": self.doc, "var": self.var}[symbol.kind]
        if symbol.kind == "typedef" and symbol.params and _is_function_typedef(symbol):
            writer = self.function
        writer(symbol)
        if not self.out:
            return ""
        if self.python:
            self.see_also(symbol)
        return "".join(self.out)

    # -- pieces ---------------------------------------------------------
    def emit(self, text: str) -> None:
        """Append raw output."""
        self.out.append(text)

    def text(self, body: str) -> None:
        """A description or section body, highlighted."""
        self.emit(highlight_lines(body, self.python))

    def th(self, symbol: Symbol, perl_title: str, perl_manual: tuple[str, str]) -> None:
        """The ``.TH`` title line (for the Perl tool: the title, then the
        page name and the manual's name)."""
        date = self.options.date
        if self.python:
            module = self.options.modulename
            if module is None:
                module = os.path.dirname(self.options.path)
            title = _page_name(symbol).strip()
            self.emit(f'.TH "{title}" {self.options.section} "{date}" "{module}" "{self.options.manual}"\n')
        else:
            self.emit(f'.TH "{perl_title}" 9 "{perl_manual[0]}" "{date}" "{perl_manual[1]}" LINUX\n')

    def purpose(self, symbol: Symbol) -> str:
        """The short description; the Perl tool starts it with a space when
        it begins on the line after the identifier."""
        if self.python or not symbol.purpose:
            return symbol.purpose
        index = symbol.comment_span[0]
        line = self.lines[index] if 0 <= index < len(self.lines) else ""
        marks = [k for k in (line.find("-"), line.find(":")) if k >= 0]
        if marks and not line[min(marks) + 1:].strip():
            return " " + symbol.purpose
        return symbol.purpose

    def dotted_name(self, symbol: Symbol, name: str) -> bool:
        """Whether the comment describes ``name`` as ``@name...``."""
        first, last = symbol.comment_span
        return any(f"@{name}..." in line for line in self.lines[max(first - 1, 0):last])

    def item(self, symbol: Symbol) -> Item | None:
        """The declaration of ``symbol`` as kernel-doc reads it (as for the
        reST output), None when kernel-doc cannot read it."""
        entry = self.entries.get(symbol.comment_span[1])
        return make_item(entry, self.python) if entry is not None else None

    def module(self) -> str:
        """The Perl tool's module name."""
        return self.options.modulename if self.options.modulename is not None else "Kernel API"

    def sections(self, symbol: Symbol, upper: bool = False) -> None:
        """The comment's sections, each under ``.SH``."""
        for section in symbol.sections:
            title = section.title
            if symbol.kind == "doc" and title == "Description":
                title = symbol.name
            self.emit(f'.SH "{title.upper() if upper else title}"\n')
            body = section.raw or section.body
            if symbol.kind == "doc" and not self.python:
                # the Perl tool adds nothing for a blank line of a DOC block in man mode
                body = "".join(f"{line}\n" for line in body.split("\n") if line)
            self.text(body)

    # -- kinds -----------------------------------------------------------
    def function(self, symbol: Symbol) -> None:
        """A function or function-like macro."""
        name = symbol.name
        item = self.item(symbol)
        if item is None:  # kernel-doc cannot read the prototype: no page
            return
        self.th(symbol, name, (name, "Kernel Hacker's Manual"))
        self.emit(f".SH NAME\n{name} \\- {self.purpose(symbol)}\n.SH SYNOPSIS\n")
        return_type, params = item.return_type, [(p.name, p.text) for p in item.params]
        if return_type:
            self.emit(f'.B "{return_type}" {name}\n')
        else:
            self.emit(f'.B "{name}\n')
        for i, (_name, arg) in enumerate(params):
            opening = "(" if i == 0 else ""
            post = ");" if i == len(params) - 1 else ","
            pointer = _function_pointer(arg, self.python)
            if pointer is not None:
                lead = '"' if self.python else ""
                self.emit(f'{lead}.BI "{opening}{pointer[0]}" " ") ({pointer[1]}){post}"\n')
            else:
                if arg and arg[-1] != "*":
                    arg += " "
                self.emit(f'.BI "{opening}{arg}"  "{post}"\n')
        if params:
            self.emit(".SH ARGUMENTS\n")
        described = {p.name: p for p in symbol.params}
        for pname, _arg in params:
            self.emit(f'.IP "{pname}" 12\n')
            param = described.get(pname.split("[")[0])
            if param is not None and param.type == "..." and not self.python and self.dotted_name(symbol, pname):
                self.text("variable arguments")  # the Perl tool files "@args...:" apart from "args"
                continue
            self.text(_describe(param, pname))
        self.sections(symbol, upper=True)

    def enum(self, symbol: Symbol) -> None:
        """An enum (its constants as kernel-doc reads them, as for the reST output)."""
        item = self.item(symbol)
        if item is None:  # kernel-doc cannot read the declaration: no page
            return
        name = symbol.name
        names = [p.name for p in item.params]
        self.th(symbol, self.module(), (f"enum {name}", "API Manual"))
        self.emit(f".SH NAME\nenum {name} \\- {self.purpose(symbol)}\n.SH SYNOPSIS\nenum {name} {{\n")
        for i, constant in enumerate(names):
            self.emit(f'.br\n.BI "    {constant}"\n')
            self.emit("\n};\n" if i == len(names) - 1 else ", \n.br\n")
        self.emit(".SH Constants\n")
        described = {p.name: p for p in symbol.params if p.desc or p.raw_desc}
        for constant in names:
            self.emit(f'.IP "{constant}" 12\n')
            param = described.get(constant)
            self.text((param.raw_desc or param.desc) if param is not None else UNDESCRIBED)
        self.sections(symbol)

    def struct(self, symbol: Symbol) -> None:
        """A struct or union."""
        kind, name = symbol.kind, symbol.name
        self.th(symbol, self.module(), (f"{kind} {name}", "API Manual"))
        self.emit(f".SH NAME\n{kind} {name} \\- {self.purpose(symbol)}\n")
        item = self.item(symbol)
        if item is None:  # kernel-doc cannot read the declaration: no page
            self.out.clear()
            return
        definition, names = item.definition, [p.name for p in item.params]
        declaration = definition.replace("\t", "  ").replace("\n", '"\n.br\n.BI "')
        self.emit(f".SH SYNOPSIS\n{kind} {name} {{\n.br\n")
        self.emit(f'.BI "{declaration}\n}};\n.br\n\n')
        self.emit(".SH Members\n")
        described = {p.name: p for p in symbol.params if p.desc or p.raw_desc}
        for member in names:
            if member.startswith("#"):
                continue
            if member.startswith("{unnamed_"):
                desc = "anonymous\n"
            else:
                param = described.get(member.split("[")[0])
                if param is None:
                    continue
                desc = param.raw_desc or param.desc
            self.emit(f'.IP "{member}" 12\n')
            self.text(desc)
        self.sections(symbol)

    def typedef(self, symbol: Symbol) -> None:
        """A typedef (not of a function type)."""
        self.th(symbol, self.module(), (symbol.name, "API Manual"))
        self.emit(f".SH NAME\ntypedef {symbol.name} \\- {self.purpose(symbol)}\n")
        self.sections(symbol)

    def doc(self, symbol: Symbol) -> None:
        """A DOC: block."""
        module = self.module()
        self.th(symbol, module, (module, "API Manual"))
        self.sections(symbol)

    def var(self, symbol: Symbol) -> None:
        """A variable (Python kernel-doc only)."""
        self.th(symbol, self.module(), (symbol.name, "API Manual"))
        entry = self.entries.get(symbol.comment_span[1])
        prototype = (entry.text if entry is not None else "") or symbol.decl
        self.emit(f".SH NAME\n{symbol.name} \\- {self.purpose(symbol)}\n.SH SYNOPSIS\n{prototype}\n")
        if symbol.value:
            self.emit('.SH "Initialization"\n')
            self.text(f"default: {symbol.value}")
        self.sections(symbol)

    def see_also(self, symbol: Symbol) -> None:
        """The Python tool's SEE ALSO tail: the file and the file's other pages."""
        self.emit(f'.SH "SEE ALSO"\n.PP\nKernel file \\fB{self.options.path}\\fR\n')
        if len(self.symbols) >= 2:
            own = _page_name(symbol)
            related = [f"\\fB{_page_name(s)}\\fR(9)" for s in self.symbols if _page_name(s) != own]
            self.emit(",\n".join(related) + "\n")


def _page_name(symbol: Symbol) -> str:
    """The Python tool's page name: the kind before the name, except for
    functions, typedefs and DOC blocks."""
    if symbol.kind in ("function", "macro", "typedef", "doc"):
        return symbol.name
    return f"{symbol.kind} {symbol.name}"


def _is_function_typedef(symbol: Symbol) -> bool:
    """Whether a typedef names a function type (kernel-doc prints those as functions)."""
    return "(" in symbol.decl


def _describe(param: Member | None, name: str) -> str:
    """A parameter's description, or kernel-doc's text for none."""
    if name == "void":
        return "no arguments"
    if param is not None and (param.desc or param.raw_desc):
        return param.raw_desc or param.desc
    if name == "..." or (param is not None and param.type == "..."):
        return "variable arguments"
    return UNDESCRIBED


def _function_pointer(arg: str, anchored: bool) -> tuple[str, str] | None:
    """``(before, args)`` of an unnamed function pointer type such as
    ``int (*)(void *)``: the text up to ``(*`` (from the last ``(`` before
    it, or from the start when ``anchored``) and the argument list."""
    star = arg.find("(*")
    while star >= 0:
        start = arg.rfind("(", 0, star) + 1
        if anchored and start:
            return None
        rest = arg[star + 2:].lstrip()
        if rest.startswith(")"):
            rest = rest[1:].lstrip()
            if rest.startswith("(") and ")" in rest:
                return arg[start:star + 2], rest[1:rest.index(")")]
        if anchored:
            return None
        star = arg.find("(*", star + 1)
    return None
