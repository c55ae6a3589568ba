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


@dataclass
class Shown:
    lines: list[str] = field(default_factory=list)
    count: int = 0
    errors: int = 0


def warnings_of(model: SourceFile, options: Options, selection: Selection, dialect: Dialect,
                entries: list[Entry], lines: list[str]) -> Shown:
    """The warnings kernel-doc prints for ``model``'s file (``entries``:
    its comments as :mod:`.reader` read them, ``lines``: its text)."""
    shown = Shown()
    kinds = {s.name: s.kind for s in model.symbols if s.documented}
    failures = [Diagnostic(model.path, e.end_line, "parse-error", e.failure) for e in entries if e.failure]
    failures += [Diagnostic(model.path, e.end_line, "kernel-doc", e.warning) for e in entries if e.warning]
    for diag in _in_kernel_doc_order(model.diagnostics + failures, entries):
        if diag.rule == "parse-error":
            shown.lines.append(_format(dialect, diag.path, diag.line, diag.message, "error"))
            shown.errors += 1
            continue
        rule = diag.rule
        if rule in KDOCGEN_ONLY:
            continue
        if rule == "no-return" and not options.wreturn:
            continue
        if rule == "short-description" and not options.wshort_desc:
            continue
        if rule in SELECTED_ONLY and diag.symbol:
            kind = kinds.get(diag.symbol, "function")
            if not selection.warns(diag.symbol, "function" if kind in ("function", "macro") else kind):
                continue
        if rule in ERRORS:
            continue  # kdocgen's own reading; kernel-doc's are the entries' failures
        message = diag.message
        if rule == "not-kernel-doc" and not dialect.python and 0 < diag.line <= len(lines):
            message += "\n" + lines[diag.line - 1].expandtabs(8)
        shown.lines.append(_format(dialect, diag.path, diag.line, message, "warning"))
        shown.count += 1
    return shown


def _in_kernel_doc_order(diagnostics: list[Diagnostic], entries: list[Entry]) -> list[Diagnostic]:
    """The diagnostics at kernel-doc's lines, in kernel-doc's order: those
    about a declaration at the line it ends on, its parameters in order."""
    starts = [e.doc.start for e in entries]
    keyed = []
    for order, diag in enumerate(diagnostics):
        line, phase, index = diag.line, 0, order
        if diag.rule in AT_DECLARATION_END:
            at = bisect.bisect_right(starts, diag.line) - 1
            if at >= 0 and entries[at].end_line:
                entry = entries[at]
                line = entry.end_line
                phase = _PHASE.get(diag.rule, 3)
                index = _position(entry, diag)
        keyed.append(((line, phase, index, order), diag))
    keyed.sort(key=lambda pair: pair[0])
    out = []
    for (line, _, _, _), diag in keyed:
        out.append(Diagnostic(diag.path, line, diag.rule, diag.message, diag.severity, symbol=diag.symbol))
    return out


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
