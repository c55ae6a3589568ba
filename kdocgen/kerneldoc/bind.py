"""Bind kernel-doc comments to the declarations that follow them.

A comment documents the first declaration that starts after it (and before
the next kernel-doc comment).  The comment's identifier line decides what
it expects; when the code disagrees, the diagnostics use kernel-doc's
wording.  kdocgen still documents declarations kernel-doc gives up on when
the name matches (a struct documented as ``foo - ...``, a variable).
"""

from __future__ import annotations

import bisect
import re
from typing import Callable

from ..kinds import symbol_kind
from ..model import Diagnostic, Member, Section, Symbol
from .comment import DESCRIPTION, RETURN, DocComment, Note, read_inline_docs

_VOID_RETURN = re.compile(r"void\s*\w*\s*$")
_RECORD_KINDS = ("struct", "union")
_PRIVATE = re.compile(r"/\*\s*private:", re.I)
_PUBLIC = re.compile(r"/\*\s*public:", re.I)


Reparse = Callable[[int, int], list[Symbol]]


def bind(path: str, lines: list[str], comments: list[DocComment], symbols: list[Symbol],
         diagnostics: list[Diagnostic], reparse: Reparse | None = None) -> list[Symbol]:
    """Attach each comment to its declaration; return the documented symbols
    (new objects for DOC blocks, the declaration's symbol otherwise).

    When the declarations found after a comment do not fit it, ``reparse``
    is asked for the declarations of the text between this comment and the
    next one, parsed on their own; symbols found that way are added to
    ``symbols``."""
    starts = [s.decl_span[0] for s in symbols]
    documented: list[Symbol] = []
    for index, doc in enumerate(comments):
        if doc.kind == "doc":
            documented.append(_doc_block(path, doc))
            continue
        limit = comments[index + 1].start if index + 1 < len(comments) else len(lines) + 1
        candidates = _following(symbols, starts, doc.end, limit)
        symbol = _choose(doc, candidates)
        if reparse is not None and not _fits(doc, symbol):
            fresh = reparse(doc.end + 1, limit - 1)
            fresh_candidates = _following(fresh, [f.decl_span[0] for f in fresh], doc.end, limit)
            better = _choose(doc, fresh_candidates)
            if _fits(doc, better) or symbol is None and better is not None:
                symbol, candidates = better, fresh_candidates
                _adopt(symbols, candidates)
                starts = [s.decl_span[0] for s in symbols]
        result = _check(path, doc, symbol, candidates, lines, diagnostics)
        if result is not None:
            documented.append(result)
        _note_all(path, doc.notes, doc.name, diagnostics)
    return documented


def _fits(doc: DocComment, symbol: Symbol | None) -> bool:
    """Whether ``symbol`` is plausibly what ``doc`` documents (by name)."""
    return symbol is not None and (_bare(symbol.name) == _bare(doc.name)
                                   or symbol.name == f"trace_{doc.name}"
                                   or doc.kind == "enum" and not doc.name)


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
    wanted = {"function": ("function", "macro"), "struct": _RECORD_KINDS, "union": _RECORD_KINDS,
              "enum": ("enum",), "typedef": ("typedef",)}.get(doc.kind, ())
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


def _check(path, doc, symbol, candidates, lines, diagnostics) -> Symbol | None:
    """Apply kernel-doc's expectations; return the documented symbol or None."""
    def warn(rule, message, line=None):
        diagnostics.append(Diagnostic(path, line or doc.name_line, rule, message, symbol=doc.name))

    if symbol is None:
        warn("cannot-understand", f"cannot understand function prototype: '{doc.name}'")
        return None
    if doc.kind == "function":
        if symbol.kind == "typedef" and symbol.is_pointer_typedef and symbol.name == doc.name:
            pass  # kernel-doc documents "foo_t - ..." over a function typedef
        elif symbol.kind not in ("function", "macro"):
            warn("cannot-understand", f"cannot understand function prototype: '{symbol.decl}'")
            if symbol.name != doc.name:
                return None
        elif _bare(symbol.name) != _bare(doc.name) and symbol.name != f"trace_{doc.name}":
            # kernel-doc reads the prototype's parameters (warning about the
            # undescribed ones) before it notices the other name.
            _undescribed(path, doc, symbol, diagnostics)
            warn("prototype-mismatch",
                 f"expecting prototype for {doc.name}(). Prototype was for {symbol.name}() instead")
            return None
    elif doc.kind in _RECORD_KINDS:
        if symbol.kind not in _RECORD_KINDS and not (symbol.kind == "typedef" and _typedef_of_record(symbol, candidates)):
            warn("cannot-parse", "Cannot parse struct or union!")
            return None
        name = symbol.name or _typedef_name(candidates)
        if name != doc.name:
            warn("prototype-mismatch",
                 f"expecting prototype for {doc.kind} {doc.name}. Prototype was for {doc.kind} {name} instead")
            return None
    elif doc.kind == "enum":
        enum = symbol if symbol.kind == "enum" else next(
            (c for c in candidates if c.kind == "enum"), None)
        if enum is None:
            warn("cannot-parse", "Cannot parse enum!")
            return None
        if symbol.name != doc.name and doc.name:
            name = symbol.name or _typedef_name(candidates)
            warn("prototype-mismatch",
                 f"expecting prototype for enum {doc.name}. Prototype was for enum {name} instead")
            return None
        if not symbol.params:
            symbol.params = enum.params
    elif doc.kind == "typedef":
        if symbol.name != doc.name:
            if symbol.kind != "typedef":
                warn("cannot-parse", "Cannot parse typedef!")
            else:
                warn("prototype-mismatch",
                     f"expecting prototype for typedef {doc.name}. Prototype was for typedef {symbol.name} instead")
            return None
    return _document(path, doc, symbol, lines, diagnostics)


def _bare(name: str) -> str:
    return name.replace("_noprof", "")


def _typedef_name(candidates: list[Symbol]) -> str:
    """The name a ``typedef struct/enum { ... } NAME;`` gives its anonymous type."""
    return next((c.name for c in candidates if c.kind == "typedef"), "")


def _typedef_of_record(symbol: Symbol, candidates: list[Symbol]) -> bool:
    return any(c.kind in _RECORD_KINDS for c in candidates) or bool(symbol.params)


def _document(path, doc: DocComment, symbol: Symbol, lines, diagnostics) -> Symbol:
    """Fill the symbol with the comment and run the parameter checks."""
    if (doc.kind in _RECORD_KINDS or doc.kind == "enum") and symbol.kind == "typedef":
        symbol.kind = symbol_kind(doc.kind)
    if doc.kind in _RECORD_KINDS or doc.kind == "enum":
        read_inline_docs(doc, lines, doc.end, symbol.decl_span[1] - 1)
    if "_noprof" in symbol.name and symbol.name != doc.name:
        symbol.name = _bare(symbol.name)  # kmalloc_noprof() is documented as kmalloc()
    symbol.documented = True
    symbol.comment_span = (doc.start, doc.end)
    symbol.purpose = doc.purpose
    symbol.sections = [s for s in doc.sections if s.body.strip()]
    for section in symbol.sections:
        section.body = _trim(section.body)
    if symbol.kind in _RECORD_KINDS or symbol.kind == "enum":
        symbol.params = _public_members(symbol, lines)
    has_return = any(s.title == RETURN and s.body for s in doc.sections)
    _describe(path, doc, symbol, diagnostics, has_return)
    return symbol


def _trim(body: str) -> str:
    return body.strip("\n").rstrip() if body.strip() else ""


def _public_members(symbol: Symbol, lines: list[str]) -> list[Member]:
    """Drop members between ``/* private: */`` and ``/* public: */`` markers."""
    first, last = symbol.decl_span
    hidden: list[tuple[int, int]] = []
    private_from = 0
    for lineno in range(first, min(last, len(lines)) + 1):
        text = lines[lineno - 1]
        if private_from == 0 and _PRIVATE.search(text):
            private_from = lineno
        elif private_from and _PUBLIC.search(text):
            hidden.append((private_from, lineno))
            private_from = 0
    if private_from:
        hidden.append((private_from, last + 1))
    if not hidden:
        return symbol.params
    return [p for p in symbol.params if not any(a <= p.line < b for a, b in hidden)]


def _describe(path: str, doc: DocComment, symbol: Symbol, diagnostics: list[Diagnostic],
              has_return: bool) -> None:
    """Copy parameter descriptions; warn about undescribed and excess ones."""
    def warn(rule, message, line):
        diagnostics.append(Diagnostic(path, line, rule, message, symbol=symbol.name))

    descs = {(k[:-3] if k.endswith("...") and k != "..." else k): v for k, v in doc.params.items()}
    names = set()
    for param in symbol.params:
        names.add(param.name)
        found = descs.get(param.name)
        if found is not None:
            param.desc, param.desc_line = found.desc, found.line
            continue
        if not param.name and symbol.kind in _RECORD_KINDS:
            continue  # unnamed bit-field padding ("u32 :3;") is not a member
        if param.name in ("...", "void") or param.type == "..." or param.name.startswith("{unnamed_") \
                or "." in param.name:
            continue
        if symbol.kind == "enum":
            warn("enum-undescribed", f"Enum value '{param.name}' not described in enum '{symbol.name}'",
                 param.line or doc.name_line)
        else:
            warn("param-undescribed",
                 f"Function parameter or struct member '{param.name}' not described in '{symbol.name}'",
                 param.line or doc.name_line)
    for name, found in descs.items():
        if name in names:
            continue
        if symbol.kind == "enum":
            warn("enum-excess", f"Excess enum value '{name}' description in '{symbol.name}'", found.line)
        elif symbol.kind in _RECORD_KINDS:
            warn("member-excess", f"Excess {symbol.kind} member '{name}' description in '{symbol.name}'",
                 found.line)
        elif symbol.kind in ("function", "macro"):
            warn("param-excess", f"Excess function parameter '{name}' description in '{symbol.name}'",
                 found.line)
    returns = symbol.kind == "function" or symbol.is_pointer_typedef and doc.kind == "function"
    if returns and symbol.return_type and not _VOID_RETURN.search(symbol.return_type):
        if not has_return:
            warn("no-return", f"No description found for return value of '{symbol.name}'", doc.name_line)


def _undescribed(path: str, doc: DocComment, symbol: Symbol, diagnostics: list[Diagnostic]) -> None:
    """Warnings for ``symbol``'s parameters that ``doc`` does not describe."""
    described = {(k[:-3] if k.endswith("...") and k != "..." else k) for k in doc.params}
    for param in symbol.params:
        if param.name in described or param.name in ("...", "void") or param.type == "...":
            continue
        diagnostics.append(Diagnostic(path, param.line or doc.name_line, "param-undescribed",
                                      f"Function parameter or struct member '{param.name}' not described "
                                      f"in '{symbol.name}'", symbol=symbol.name))


def _doc_block(path: str, doc: DocComment) -> Symbol:
    body = doc.sections[0].body if doc.sections else ""
    return Symbol(kind="doc", name=doc.name, path=path, comment_span=(doc.start, doc.end),
                  decl_span=(doc.start, doc.end), documented=True,
                  sections=[Section(DESCRIPTION, body.rstrip("\n"), doc.name_line + 1)]
                  if doc.sections else [])


def _note_all(path: str, notes: list[Note], symbol: str, diagnostics: list[Diagnostic]) -> None:
    for note in notes:
        diagnostics.append(Diagnostic(path, note.line, note.rule, note.message, symbol=symbol))
