"""kernel-doc's warnings for a file, from kdocgen's diagnostics.

kdocgen's extraction words its diagnostics like the dialect's kernel-doc;
this module keeps those kernel-doc prints for the flags given (``-Wreturn``,
``-Wshort-desc``, the output selection) and formats them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..kerneldoc.dialect import Dialect
import bisect

from ..model import Diagnostic, SourceFile
from .reader import Entry
from .flags import Options
from .select import Selection

#: kdocgen's own diagnostics, which kernel-doc does not print
KDOCGEN_ONLY = frozenset({"binary-file", "encoding", "nesting-limit", "cut-off-declaration",
                          "unterminated-comment", "read-error"})
#: warnings about the members of a declaration, shown only for selected ones
SELECTED_ONLY = frozenset({"param-undescribed", "member-undescribed", "enum-undescribed", "enum-excess",
                           "variadic-undescribed"})
#: excess descriptions of functions and records are warned about whatever the selection (6.x)
_EXCESS = frozenset({"param-excess", "member-excess"})
ERRORS = frozenset({"cannot-parse"})
#: warnings kernel-doc gives when it has read the whole declaration: at
#: the line where the declaration ended
AT_DECLARATION_END = frozenset({*SELECTED_ONLY, *_EXCESS, "prototype-mismatch", "cannot-understand", "no-return",
                                "cannot-parse"})
#: the order kernel-doc gives them in, for one declaration
_PHASE = {"param-undescribed": 0, "member-undescribed": 0, "enum-undescribed": 0, "variadic-undescribed": 0,
          "param-excess": 1, "member-excess": 1, "enum-excess": 1, "no-return": 2}


#: 7.x: the warnings it prints again when it outputs the item
_REPEATED = frozenset({*_PHASE, "short-description"})


@dataclass
class Shown:
    """The warnings printed while a file is read (``lines``: ``count``
    warnings, of them ``errors`` errors) and, 7.x, those printed again as
    its items are output (``again``)."""

    lines: list[str] = field(default_factory=list)
    count: int = 0
    errors: int = 0
    again: list[str] = field(default_factory=list)


def warnings_of(model: SourceFile, options: Options, selection: Selection, dialect: Dialect,
                entries: list[Entry], lines: list[str], repeated: set[int] | None = None) -> Shown:
    """The warnings kernel-doc prints for ``model``'s file (``entries``:
    its comments as :mod:`.reader` read them, ``lines``: its text).  The
    7.x kernel-doc prints the warnings about an item again when it outputs
    the item: ``repeated`` are the indexes of those entries."""
    shown = Shown()
    kinds: dict[str, str] = {s.name: s.kind for s in model.symbols if s.documented}
    extra = [Diagnostic(model.path, e.end_line, "parse-error", e.failure) for e in entries if e.failure]
    extra += [Diagnostic(model.path, e.end_line, "kernel-doc", e.warning) for e in entries if e.warning]
    extra += [d for e in entries for d in _rewritten_warnings(model.path, e, dialect)]
    again = shown.again
    for diag, at in _in_kernel_doc_order(model.diagnostics + extra, entries, dialect.python):
        if at >= 0 and entries[at].text_rewritten and diag.rule in AT_DECLARATION_END and not diag.symbol == "!":
            continue  # kdocgen's extraction does not rewrite system calls and tracepoints
        text = _shown(diag, options, selection, dialect, kinds, lines, shown)
        if text and repeated is not None and at in repeated and diag.rule in _REPEATED:
            again.append(text)
    return shown


def _shown(diag: Diagnostic, options: Options, selection: Selection, dialect: Dialect,
           kinds: dict[str, str], lines: list[str], shown: Shown) -> str:
    """Add ``diag`` to ``shown`` if kernel-doc prints it; its text if so."""
    rule = diag.rule
    if rule == "parse-error":
        text = _format(dialect, diag.path, diag.line, diag.message, "error")
        shown.lines.append(text)
        shown.errors += 1
        return ""
    if rule in KDOCGEN_ONLY or rule in ERRORS:  # kernel-doc's parse errors are the entries' failures
        return ""
    if rule == "no-return" and not options.wreturn:
        return ""
    if rule == "short-description" and not options.wshort_desc:
        return ""
    if rule in SELECTED_ONLY and diag.symbol and not dialect.python:
        kind = kinds.get(diag.symbol, "function")
        if not selection.warns(diag.symbol, "function" if kind in ("function", "macro") else kind):
            return ""
    message = diag.message
    if rule == "not-kernel-doc" and not dialect.python and 0 < diag.line <= len(lines):
        message += "\n" + lines[diag.line - 1].expandtabs(8)
    text = _format(dialect, diag.path, diag.line, message, "warning")
    shown.lines.append(text)
    shown.count += 1
    return text


def _rewritten_warnings(path: str, entry: Entry, dialect: Dialect) -> list[Diagnostic]:
    """The undescribed parameters of a system call or tracepoint (kdocgen's
    extraction reads those declarations otherwise)."""
    if not entry.text_rewritten or not entry.param_names:
        return []
    described = set(entry.doc.params)
    name = entry.name or entry.doc.name
    found = [Diagnostic(path, entry.end_line, "param-undescribed",
                        dialect.message("param-undescribed", param=param, name=name), symbol="!")
             for param in entry.param_names
             if param not in described and not param.startswith("#") and param not in ("void", "...")]
    returns = any(s.title == "Return" for s in entry.doc.sections)
    if entry.return_type and not entry.return_type.rstrip().endswith("void") and not returns:
        found.append(Diagnostic(path, entry.end_line, "no-return",
                                f"No description found for return value of '{name}'", symbol="!"))
    return found


def _in_kernel_doc_order(diagnostics: list[Diagnostic], entries: list[Entry],
                         python: bool) -> list[tuple[Diagnostic, int]]:
    """The diagnostics at kernel-doc's lines, in kernel-doc's order, each
    with the index of its entry (-1 if none): those about a declaration at
    the line it ends on (7.x: the line before), its parameters in order."""
    starts = [e.doc.start for e in entries]
    keyed = []
    for order, diag in enumerate(diagnostics):
        line, phase, index, at = diag.line, 0, order, -1
        if diag.rule in AT_DECLARATION_END or diag.rule in ("parse-error", "kernel-doc"):
            at = bisect.bisect_right(starts, diag.line) - 1
            if at >= 0 and entries[at].end_line:
                entry = entries[at]
                line = entry.end_line - (1 if python else 0)
                phase = _PHASE.get(diag.rule, 3)
                index = _position(entry, diag)
            else:
                at = -1
        elif python and diag.rule == "short-description":
            at = bisect.bisect_right(starts, diag.line) - 1
            line = diag.line - 1  # 7.x: at the comment's opening line
        keyed.append(((line, phase, index, order), diag, at))
    keyed.sort(key=lambda triple: triple[0])
    return [(Diagnostic(diag.path, key[0], diag.rule, diag.message, diag.severity, symbol=diag.symbol), at)
            for key, diag, at in keyed]


def _position(entry: Entry, diag: Diagnostic) -> int:
    """Where the parameter a diagnostic quotes comes in the declaration
    (undescribed ones) or in the comment (excess ones)."""
    quoted = diag.message.split("'")
    name = quoted[1] if len(quoted) > 2 else ""
    if name.startswith("@"):
        name = name[1:]
    if _PHASE.get(diag.rule) == 1:
        names = [n for n, _ in entry.doc.described]
    else:
        names = entry.param_names
    return names.index(name) if name in names else len(names)


def _format(dialect: Dialect, path: str, line: int, message: str, level: str) -> str:
    if dialect.python:
        return f"{level.capitalize()}: {path}:{line} {message}\n"
    return f"{path}:{line}: {level}: {message}\n"
