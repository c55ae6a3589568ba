"""Bind kernel-doc comments to the declarations that follow them.

A comment documents the first declaration that starts after it (and before
the next kernel-doc comment).  The comment's identifier line decides what
it expects; when the code disagrees, the diagnostics use the wording of the
kernel-doc generation in force (:mod:`.dialect`).  kdocgen still documents
declarations kernel-doc gives up on when the name matches (a struct
documented as ``foo - ...``, a variable).

:class:`Binder` does the work for one file: one method per kind of comment,
one :meth:`Binder.warn`; documented symbols are new objects, the parser's
are left as they were.
"""

from __future__ import annotations

import bisect
import re
from typing import Callable

from ..cparse.blanking import blank_attributes
from ..model import Diagnostic, Member, Section, Symbol, copy_with
from .comment import read_inline_docs
from .dialect import DEFAULT, Dialect
from .doccomment import DESCRIPTION, RETURN, DocComment

_RECORD_KINDS = ("struct", "union")
_FUNCTION_POINTER = re.compile(r"^(.*?)\s*\(\s*\*\s*\)\s*\(")
_MACRO_VARIABLE = re.compile(r"^(?:\w+\s+)*?(\w+)\s*\((.*)\)\s*(?:=\s*(.*))?$", re.S)
_WANTED = {"function": ("function", "macro"), "struct": _RECORD_KINDS, "union": _RECORD_KINDS,
           "enum": ("enum",), "typedef": ("typedef",), "var": ("var",)}
ANONYMOUS = "(anonymous)"
_MACRO_CALL = re.compile(r"^(?:(?:static|extern)\s+)?([A-Za-z_]\w*)\s*\((.*)\)$", re.S)
_TRACEPOINT_LINE = re.compile(r"\s*(?:TRACE_EVENT|DEFINE_EVENT|DEFINE_SINGLE_EVENT)\w*\s*\(")

Reparse = Callable[[int, int], list[Symbol]]


def bind(path: str, lines: list[str], comments: list[DocComment], symbols: list[Symbol],
         diagnostics: list[Diagnostic], reparse: Reparse | None = None,
         dialect: Dialect = DEFAULT) -> list[Symbol]:
    """Every symbol of the file in order, each documented one replaced by a
    documented copy, and the DOC blocks; warnings go to ``diagnostics``.

    When the declarations found after a comment do not fit it, ``reparse``
    is asked for the declarations of the text between this comment and the
    next one, parsed on their own; symbols found that way replace those of
    the same lines."""
    binder = Binder(path, lines, dialect, reparse)
    result = binder.bind(comments, symbols)
    diagnostics.extend(binder.diagnostics)
    return result


class Binder:
    """Binds the comments of one file to its declarations."""

    def __init__(self, path: str, lines: list[str], dialect: Dialect = DEFAULT,
                 reparse: Reparse | None = None):
        self.path, self.lines, self.dialect, self.reparse = path, lines, dialect, reparse
        self.diagnostics: list[Diagnostic] = []
        self.doc: DocComment | None = None  # the comment being bound
        self.originals: dict[int, Symbol] = {}  # documented copy -> the parser's symbol

    def warn(self, rule: str, message: str, line: int = 0, symbol: str | None = None) -> None:
        """A diagnostic about the comment being bound (at its identifier
        line unless ``line`` says otherwise)."""
        doc = self.doc
        self.diagnostics.append(Diagnostic(self.path, line or (doc.name_line if doc else 0), rule, message,
                                           symbol=doc.name if symbol is None and doc else symbol or ""))

    def bind(self, comments: list[DocComment], symbols: list[Symbol]) -> list[Symbol]:
        """See :func:`bind`."""
        symbols = list(symbols)
        starts = [s.decl_span[0] for s in symbols]
        documented: dict[int, Symbol] = {}
        extra: list[Symbol] = []
        for index, doc in enumerate(comments):
            self.doc = doc
            if doc.kind == "doc":
                extra.append(_doc_block(self.path, doc))
                continue
            limit = comments[index + 1].start if index + 1 < len(comments) else len(self.lines) + 1
            candidates = _following(symbols, starts, doc.end, limit)
            symbol = _choose(doc, candidates)
            if self.reparse is not None and not _fits(doc, symbol):
                fresh = self.reparse(doc.end + 1, limit - 1)
                fresh_candidates = _following(fresh, [f.decl_span[0] for f in fresh], doc.end, limit)
                better = _choose(doc, fresh_candidates)
                if _fits(doc, better) or symbol is None and better is not None:
                    symbol, candidates = better, fresh_candidates
                    _adopt(symbols, candidates)
                    starts = [s.decl_span[0] for s in symbols]
            result = self.check(doc, symbol, candidates, limit)
            if result is not None:
                original = self.originals.get(id(result))
                if original is not None and any(s is original for s in symbols):
                    documented[id(original)] = result
                else:
                    extra.append(result)
            for note in doc.notes:
                self.warn(note.rule, note.message, note.line)
        self.doc = None
        out = [documented.get(id(s), s) for s in symbols] + extra
        return sorted(out, key=lambda s: (s.line, s.kind != "doc"))

    def check(self, doc: DocComment, symbol: Symbol | None, candidates: list[Symbol],
              limit: int) -> Symbol | None:
        """Apply kernel-doc's expectations for the comment's kind; return
        the documented symbol or None."""
        if doc.kind == "var":
            return self.variable(doc, symbol, candidates, limit)
        if symbol is None:
            if not (doc.kind == "function" and self.macro_call(doc, limit)):
                self.warn("cannot-understand", f"cannot understand function prototype: '{doc.name}'")
            return None
        if doc.kind == "function":
            return self.function(doc, symbol, candidates)
        if doc.kind in _RECORD_KINDS:
            return self.record(doc, symbol, candidates)
        if doc.kind == "enum":
            return self.enum(doc, symbol, candidates)
        return self.typedef(doc, symbol)

    def function(self, doc: DocComment, symbol: Symbol, candidates: list[Symbol]) -> Symbol | None:
        """A ``name() - purpose`` comment: a function, a macro, a function
        typedef, or a function pointer (documented as a function)."""
        if symbol.kind == "typedef" and symbol.is_pointer_typedef:
            if f"(*{symbol.name})" in "".join(symbol.decl.split()):
                return self.pointer_typedef(doc, symbol)
            if symbol.name == doc.name:
                return self.document(doc, symbol)  # "foo_t - ..." over "typedef int foo_t(int a)"
        pointer = _FUNCTION_POINTER.match(symbol.return_type) if symbol.kind == "var" else None
        if pointer and _bare(symbol.name) == _bare(doc.name):
            return self.document(doc, symbol, kind="function", return_type=pointer.group(1))
        if symbol.kind not in ("function", "macro"):
            self.warn("cannot-understand", f"cannot understand function prototype: '{symbol.decl}'")
            # documented all the same when the declaration has the comment's name
            # (that of the typedef, for "typedef struct a { ... } b;"), without
            # kernel-doc's checks of members it never reads
            named = _typedef_name(candidates) or symbol.name
            return self.document(doc, symbol, checked=False) if named == doc.name else None
        # a tracepoint is documented by its event's name: kernel-doc adds "trace_"
        expected = f"trace_{doc.name}" if self.tracepoint(symbol) else doc.name
        if _bare(symbol.name) != _bare(expected):
            # kernel-doc reads the prototype's parameters (warning about the
            # undescribed ones) before it notices the other name.
            self.undescribed(doc, symbol)
            self.warn("prototype-mismatch",
                      f"expecting prototype for {expected}(). Prototype was for {symbol.name}() instead")
            return None
        return self.document(doc, symbol)

    def tracepoint(self, symbol: Symbol) -> bool:
        """Whether ``symbol`` is the ``trace_NAME`` a TRACE_EVENT() or
        DEFINE_EVENT() makes."""
        first = symbol.decl_span[0]
        return symbol.name.startswith("trace_") and 0 < first <= len(self.lines) \
            and _TRACEPOINT_LINE.match(self.lines[first - 1]) is not None

    def macro_call(self, doc: DocComment, limit: int) -> bool:
        """A function comment over a macro call (``DEFINE_IDTENTRY_IRQ(name)``,
        ``DECLARE_PER_CPU(type, name);``): kernel-doc reads it as a function
        named after the macro, with its arguments as parameters; warn as it
        does.  Whether it was one."""
        call = _MACRO_CALL.match(_statement(self.lines, doc.end, limit, ";{"))
        if call is None:
            return False
        macro = call.group(1)
        for argument in re.split(r"\s*,\s*", call.group(2).strip()):
            name = re.findall(r"\w+", argument)
            if name and name[-1] not in doc.params:
                self.warn("param-undescribed", self.dialect.message("param-undescribed", param=name[-1], name=macro),
                          symbol=macro)
        self.warn("prototype-mismatch", f"expecting prototype for {doc.name}(). Prototype was for {macro}() instead")
        return True

    def pointer_typedef(self, doc: DocComment, symbol: Symbol) -> Symbol | None:
        """A function comment over ``typedef int (*NAME)(...)``: kernel-doc
        takes the return type for the name (warning as it does); kdocgen
        documents it all the same when the name is the comment's."""
        word = symbol.return_type if re.fullmatch(r"\w+", symbol.return_type) else ""
        if word:
            self.warn("param-undescribed", self.dialect.message("param-undescribed", param=symbol.name, name=word),
                      symbol=word)
            self.warn("prototype-mismatch", f"expecting prototype for {doc.name}(). Prototype was for {word}() instead")
        else:
            self.warn("cannot-understand", f"cannot understand function prototype: '{symbol.decl}'")
        return self.document(doc, symbol, checked=False) if symbol.name == doc.name else None

    def record(self, doc: DocComment, symbol: Symbol, candidates: list[Symbol]) -> Symbol | None:
        """A ``struct NAME`` or ``union NAME`` comment."""
        if symbol.kind not in _RECORD_KINDS and not (symbol.kind == "typedef"
                                                     and _typedef_of_record(symbol, candidates)):
            self.warn("cannot-parse", "Cannot parse struct or union!")
            return None
        name = symbol.name or _typedef_name(candidates)
        if name != doc.name:
            self.warn("prototype-mismatch", f"expecting prototype for {doc.kind} {doc.name}. "
                                            f"Prototype was for {doc.kind} {name} instead")
            return None
        return self.document(doc, symbol, kind=doc.kind if symbol.kind == "typedef" else symbol.kind)

    def enum(self, doc: DocComment, symbol: Symbol, candidates: list[Symbol]) -> Symbol | None:
        """An ``enum NAME`` comment (``enum`` alone: an anonymous enum)."""
        enum = symbol if symbol.kind == "enum" else next((c for c in candidates if c.kind == "enum"), None)
        if enum is None:
            self.warn("cannot-parse", "Cannot parse enum!")
            return None
        name = symbol.name or _typedef_name(candidates)
        if name != doc.name:
            if doc.name:
                self.warn("prototype-mismatch",
                          f"expecting prototype for enum {doc.name}. Prototype was for enum {name} instead")
            elif self.dialect.python:
                self.warn("bad-identifier", f"{symbol.decl}: wrong kernel-doc identifier on prototype")
            else:
                self.warn("bad-identifier", "wrong kernel-doc identifier on line:")
            return None
        return self.document(doc, symbol, kind="enum", name=symbol.name or ANONYMOUS,
                             params=symbol.params or enum.params)

    def typedef(self, doc: DocComment, symbol: Symbol) -> Symbol | None:
        """A ``typedef NAME`` comment."""
        if symbol.name == doc.name:
            return self.document(doc, symbol)
        if symbol.kind != "typedef":
            self.warn("cannot-parse", "Cannot parse typedef!")
        else:
            self.warn("prototype-mismatch",
                      f"expecting prototype for typedef {doc.name}. Prototype was for typedef {symbol.name} instead")
        return None

    def variable(self, doc: DocComment, symbol: Symbol | None, candidates: list[Symbol],
                 limit: int) -> Symbol | None:
        """A ``var NAME`` comment (7.x): the variable that follows, named as
        declared, or one a macro defines (``LIST_HEAD(name)``)."""
        var = symbol if symbol is not None and symbol.kind == "var" else \
            next((c for c in candidates if c.kind == "var"), None) or self.macro_variable(doc, limit)
        if var is None or _FUNCTION_POINTER.match(var.return_type):  # (a function pointer: "name() - ...")
            text = _statement(self.lines, doc.end, limit) or doc.name
            self.warn("cannot-parse", f"{text}: can't parse variable")
            return None
        return self.document(doc, var, params=[])

    def macro_variable(self, doc: DocComment, limit: int) -> Symbol | None:
        """The variable a macro call defines right after the comment
        (``DEFINE_MUTEX(name);``, ``DEFINE_PER_CPU(type, name);``): the
        last argument names it."""
        text = _statement(self.lines, doc.end, limit)
        match = _MACRO_VARIABLE.match(blank_attributes(f"{text};".encode()).decode("utf-8", "replace")[:-1].strip())
        if not match or not match.group(2).strip():
            return None
        name = match.group(2).split(",")[-1].strip()
        if not re.fullmatch(r"\w+", name):
            return None
        first = next((i + 1 for i in range(doc.end, min(limit - 1, len(self.lines)))
                      if self.lines[i].strip()), doc.end + 1)
        return Symbol(kind="var", name=name, path=self.path, decl_span=(first, first + text.count("\n")),
                      decl=" ".join(text.split()), value=(match.group(3) or "").strip())

    def document(self, doc: DocComment, symbol: Symbol, checked: bool = True, **changes) -> Symbol:
        """A documented copy of ``symbol`` (with ``changes``): the comment's
        purpose, sections and descriptions, then (if ``checked``) the
        parameter checks."""
        original, symbol = symbol, copy_with(symbol, **changes)
        if doc.kind in _RECORD_KINDS or doc.kind == "enum":
            read_inline_docs(doc, self.lines, doc.end, symbol.decl_span[1] - 1, self.dialect)
        name = _bare(symbol.name) if "_noprof" in symbol.name and symbol.name != doc.name else symbol.name
        params = symbol.params
        if symbol.kind in _RECORD_KINDS or symbol.kind == "enum":
            params = _public_members(symbol, self.lines)
        if symbol.kind in _RECORD_KINDS and not self.dialect.tagged_group_member:
            params = [p for p in params if not _tagged_group(p, self.lines)]
        documented = copy_with(symbol, name=name, documented=True, comment_span=(doc.start, doc.end),
                             purpose=doc.purpose, sections=self.sections(doc), params=params)
        has_return = any(s.title == RETURN and s.body for s in doc.sections)
        result = self.describe(doc, documented, has_return, checked)
        self.originals[id(result)] = original
        return result

    def sections(self, doc: DocComment) -> list[Section]:
        """The sections a documented symbol shows: all that were stored, even
        empty ("Note:" with nothing after it), but for 7.x an empty
        Description or Return."""
        keep = [s for s in doc.sections if s.body.strip()
                or not (self.dialect.python and s.title in (DESCRIPTION, RETURN))]
        return [Section(s.title, _trim(s.body), s.line, opened=s.opened, raw=s.body) for s in keep]

    def describe(self, doc: DocComment, symbol: Symbol, has_return: bool, checked: bool = True) -> Symbol:
        """``symbol`` with the parameter descriptions copied in; (if
        ``checked``) warnings about undescribed and excess ones, and a
        missing return value."""
        descs = {(k[:-3] if k.endswith("...") and k != "..." else k): v for k, v in doc.params.items()}
        params, names = [], set()
        for param in symbol.params:
            names.add(param.name)
            found = descs.get(param.name)
            if found is not None:
                params.append(copy_with(param, desc=found.desc, desc_line=found.line, raw_desc=found.raw))
                continue
            params.append(param)
            if checked:
                self.undescribed_one(doc, symbol, param)
        if checked:
            for name, line in self._described(doc, symbol):
                if name not in names:
                    self.excess(symbol, name, line)
        returns = symbol.kind == "function" or symbol.is_pointer_typedef and doc.kind == "function"
        if checked and returns and symbol.return_type and not _returns_void(symbol.return_type) \
                and not has_return:
            self.warn("no-return", f"No description found for return value of '{symbol.name}'", symbol=symbol.name)
        return copy_with(symbol, params=params)

    def _described(self, doc: DocComment, symbol: Symbol) -> list[tuple[str, int]]:
        """The described names to check: each once, but for 6.x functions,
        structs and unions each time it is met (as the Perl tool warns)."""
        every = not self.dialect.python and symbol.kind in ("function", "macro", *_RECORD_KINDS)
        pairs = doc.described if every else [(name, found.line) for name, found in doc.params.items()]
        return [(name[:-3] if name.endswith("...") and name != "..." else name, line) for name, line in pairs]

    def undescribed_one(self, doc: DocComment, symbol: Symbol, param: Member) -> None:
        """The warning, if any, for a parameter or member without a description."""
        line = param.line or doc.name_line
        if not param.name and symbol.kind in _RECORD_KINDS:
            return  # unnamed bit-field padding ("u32 :3;") is not a member
        if param.name in ("...", "void") or param.name.startswith("{unnamed_") or "." in param.name:
            return
        if param.type == "...":  # a named variadic macro argument ("args...")
            if self.dialect.python and symbol.kind in ("function", "macro"):
                self.warn("param-undescribed", self.dialect.message(
                    "variadic-undescribed", param=param.name, name=symbol.name), line, symbol.name)
            return
        if symbol.kind == "enum":
            self.warn("enum-undescribed", f"Enum value '{param.name}' not described in enum '{symbol.name}'",
                      line, symbol.name)
        elif symbol.kind in _RECORD_KINDS:
            self.warn("param-undescribed", self.dialect.message(
                "member-undescribed", param=param.name, name=symbol.name, kind=symbol.kind), line, symbol.name)
        else:
            self.warn("param-undescribed", self.dialect.message(
                "param-undescribed", param=param.name, name=symbol.name), line, symbol.name)

    def excess(self, symbol: Symbol, name: str, line: int) -> None:
        """The warning for a description of something the declaration lacks."""
        if symbol.kind == "enum":
            self.warn("enum-excess", self.dialect.message("enum-excess", param=name, name=symbol.name),
                      line, symbol.name)
        elif symbol.kind in _RECORD_KINDS:
            self.warn("member-excess", self.dialect.message("member-excess", param=name, name=symbol.name,
                                                            kind=symbol.kind), line, symbol.name)
        elif symbol.kind in ("function", "macro"):
            self.warn("param-excess", self.dialect.message("param-excess", param=name, name=symbol.name),
                      line, symbol.name)

    def undescribed(self, doc: DocComment, symbol: Symbol) -> None:
        """Warnings for ``symbol``'s parameters that ``doc`` does not describe."""
        described = {(k[:-3] if k.endswith("...") and k != "..." else k) for k in doc.params}
        for param in symbol.params:
            if param.name not in described:
                self.undescribed_one(doc, copy_with(symbol, kind="function"), param)


def _fits(doc: DocComment, symbol: Symbol | None) -> bool:
    """Whether ``symbol`` is plausibly what ``doc`` documents (by name)."""
    return symbol is not None and (_bare(symbol.name) == _bare(doc.name)
                                   or symbol.name == f"trace_{doc.name}"
                                   or doc.kind == "enum" and not doc.name
                                   or doc.kind == "var" and symbol.kind == "var")


def _adopt(symbols: list[Symbol], found: list[Symbol]) -> None:
    """Put re-parsed symbols into the file's list, replacing same-line ones."""
    lines = {f.decl_span[0] for f in found}
    symbols[:] = sorted([s for s in symbols if s.decl_span[0] not in lines] + found,
                        key=lambda s: (s.decl_span[0], s.decl_span[1]))


def _following(symbols: list[Symbol], starts: list[int], after: int, limit: int) -> list[Symbol]:
    """The declarations starting on the first declaration line after ``after``."""
    pos = bisect.bisect_right(starts, after)
    if pos >= len(symbols) or starts[pos] >= limit:
        return []
    first = starts[pos]
    group = []
    while pos < len(symbols) and starts[pos] == first:
        group.append(symbols[pos])
        pos += 1
    return group


def _choose(doc: DocComment, candidates: list[Symbol]) -> Symbol | None:
    """Pick, among declarations on the same line, the one the comment means."""
    if not candidates:
        return None
    wanted = _WANTED.get(doc.kind, ())
    for symbol in candidates:
        if symbol.name == doc.name and symbol.kind in wanted:
            return symbol
    for symbol in candidates:
        if symbol.name == doc.name:
            return symbol
    for symbol in candidates:
        if symbol.kind in wanted:
            return symbol
    return candidates[0]


def _bare(name: str) -> str:
    return name.replace("_noprof", "")


def _typedef_name(candidates: list[Symbol]) -> str:
    """The name a ``typedef struct/enum { ... } NAME;`` gives its type."""
    return next((c.name for c in candidates if c.kind == "typedef"), "")


def _typedef_of_record(symbol: Symbol, candidates: list[Symbol]) -> bool:
    return any(c.kind in _RECORD_KINDS for c in candidates) or bool(symbol.params)


def _trim(body: str) -> str:
    return body.strip("\n").rstrip() if body.strip() else ""


def _statement(lines: list[str], after: int, limit: int, ends: str = ";") -> str:
    """The text from 0-based line ``after`` up to the first of ``ends``
    (before 1-based line ``limit``), without it and without comments."""
    text = []
    for index in range(after, min(limit - 1, len(lines))):
        line = re.sub(r"/\*.*?\*/|//.*", " ", lines[index])
        cut = min((line.index(char) for char in ends if char in line), default=-1)
        if cut >= 0:
            text.append(line[:cut])
            break
        text.append(line)
    return "\n".join(text).strip()


def _public_members(symbol: Symbol, lines: list[str]) -> list[Member]:
    """Drop members between ``/* private: */`` and ``/* public: */`` markers."""
    first, last = symbol.decl_span
    hidden: list[tuple[int, int]] = []
    private_from = 0
    for lineno in range(first, min(last, len(lines)) + 1):
        text = lines[lineno - 1]
        if private_from == 0 and _has_marker(text, "private"):
            private_from = lineno
        elif private_from and _has_marker(text, "public"):
            hidden.append((private_from, lineno))
            private_from = 0
    if private_from:
        hidden.append((private_from, last + 1))
    if not hidden:
        return symbol.params
    return [p for p in symbol.params if not any(a <= p.line < b for a, b in hidden)]


def _tagged_group(member: Member, lines: list[str]) -> bool:
    """Whether ``member`` is the name a ``struct_group_tagged(TAG, NAME, ...)``
    gives its members (a member for the 6.x kernel-doc, not for 7.x)."""
    line = lines[member.line - 1] if 0 < member.line <= len(lines) else ""
    return re.search(rf"\bstruct_group_tagged\s*\(\s*\w+\s*,\s*{re.escape(member.name)}\s*,", line) is not None


def _doc_block(path: str, doc: DocComment) -> Symbol:
    body = doc.sections[0].body if doc.sections else ""
    return Symbol(kind="doc", name=doc.name, path=path, comment_span=(doc.start, doc.end),
                  decl_span=(doc.start, doc.end), documented=True,
                  sections=[Section(DESCRIPTION, body.rstrip("\n"), doc.name_line + 1, raw=body)]
                  if doc.sections else [])


def _returns_void(return_type: str) -> bool:
    """Whether a return type is ``void`` (possibly followed by one word, as
    in ``void __noreturn``), so that no Return: section is expected."""
    at = return_type.rfind("void")
    if at < 0:
        return False
    rest = return_type[at + 4:].strip()
    return all(ch.isalnum() or ch == "_" for ch in rest)


def _has_marker(text: str, word: str) -> bool:
    """Whether ``text`` holds a ``/* word:`` comment (any case, spaces allowed
    after the opening)."""
    at = text.find("/*")
    while at >= 0:
        if text[at + 2:].lstrip()[:len(word) + 1].lower() == word + ":":
            return True
        at = text.find("/*", at + 1)
    return False
