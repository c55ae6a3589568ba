"""The checks of one file: kernel-doc's (from the extractor's diagnostics)
and kdocgen's own (reST of each comment, comments that look like kernel-doc
but are not, exported symbols without kernel-doc, references to collect).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import SourceFile, Symbol
from ..render.check import CommentPart, check_comments
from ..render.entry import comment_parts
from ..render.prose import is_plain
from .finding import Finding
from .rules import rule

_LOOKS_LIKE_NAME = re.compile(r"^\s*\*\s*(?:struct\s+|union\s+|enum\s+|typedef\s+|var\s+)?\w+(?:\(\))?\s+-\s+\S")
_LOOKS_LIKE_PARAM = re.compile(r"^\s*\*\s*@\w+\s*:")
_LOOKS_LIKE_VAR = re.compile(r"^\s*\*\s*var\s+\w+\s+-\s")  # "var NAME - ": kernel-doc even without @params
_PLAIN_OPEN_LINE = re.compile(r"^/\*(?!\*)", re.M)
_REFERENCE = re.compile(r"&(?:(struct|union|enum|typedef)\s+)?([A-Za-z_]\w*)|(?<![\w.>-])([A-Za-z_]\w*)\(\)")
_EXPORT_LINE = re.compile(r"^[ \t]*EXPORT_SYMBOL\w*[ \t]*\(\s*(\w+)", re.M)


@dataclass
class Reference:
    """A name a comment refers to (``&struct foo`` or ``foo()``)."""

    name: str
    line: int
    column: int
    symbol: str


@dataclass(frozen=True)
class Region:
    """The lines of one documented symbol: its comment through its declaration."""

    first: int
    last: int
    symbol: str


@dataclass
class FileResult:
    """The findings of one file and the references to check across files."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    defined: list[str] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)


_COMMENT_TEXT = re.compile(r"^\s*\*\s*(?=\S)")


def column_of(text: str, name: str) -> int:
    """1-based column of ``name`` in ``text`` (``@name`` first, then the word);
    else where a comment line's text starts, else the first non-blank."""
    if name:
        match = re.search(rf"@{re.escape(name)}(?!\w)", text) or \
            re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)
        if match:
            return match.start() + 1
    comment = _COMMENT_TEXT.match(text)
    if comment and not text.lstrip().startswith("*/"):
        return comment.end() + 1
    return len(text) - len(text.lstrip()) + 1 if text.strip() else 1


def _line(lines: list[str], number: int) -> str:
    return lines[number - 1] if 0 < number <= len(lines) else ""


def kernel_doc_findings(source: SourceFile, lines: list[str]) -> list[Finding]:
    """The extractor's diagnostics as findings, each at its most useful column."""
    found = []
    for diag in source.diagnostics:
        text = _line(lines, diag.line)
        target = ""
        quoted = re.search(r"'([^']*)'", diag.message)
        if diag.rule in ("param-undescribed", "enum-undescribed", "param-excess", "member-excess",
                         "enum-excess") and quoted:
            target = quoted.group(1)
        # an undecodable byte is shown as U+FFFD where it is
        column = text.index("\ufffd") + 1 if diag.rule == "encoding" and "\ufffd" in text \
            else column_of(text, target)
        found.append(Finding(diag.rule, rule(diag.rule).severity if diag.severity != "error" else "error",
                             diag.path, max(diag.line, 1), column, diag.message, diag.symbol, text.strip()))
    return found


def rst_findings(source: SourceFile, lines: list[str]) -> list[Finding]:
    """Problems of each comment's reST as the site renders it (docutils
    errors, markup comment text may not use), at the comment's line: the
    pieces that are more than plain prose are parsed once, in one document."""
    parts = [(symbol, CommentPart(text, source.path, line, titles)) for symbol in source.documented
             for text, line, titles in comment_parts(symbol, documented_only=True) if not is_plain(text)]
    found = []
    for (symbol, part), problems in zip(parts, check_comments([p for _, p in parts], source.path)):
        for problem in problems:
            body_lines = part.text.split("\n")
            body_line = body_lines[min(max(problem.line - part.line, 0), len(body_lines) - 1)]
            number = _find_line(lines, body_line, part.line, symbol.comment_span[1])
            rule_id = "rst-not-allowed" if problem.kind == "refused" else "rst-error"
            message = problem.message.replace("reST error in comment text (shown as text): ", "")
            found.append(Finding(rule_id, rule(rule_id).severity, source.path, number,
                                 column_of(_line(lines, number), body_line.strip()[:20]),
                                 f"reST in the comment of '{symbol.name}': {message}",
                                 symbol.name, _line(lines, number).strip()))
    return found


def _find_line(lines: list[str], text: str, first: int, last: int) -> int:
    """The comment line (between ``first`` and ``last``) that holds ``text``."""
    needle = text.strip()
    for number in range(max(first, 1), min(last, len(lines)) + 1):
        if needle and needle in lines[number - 1]:
            return number
    return max(first, 1)


class _LineCounter:
    """1-based line numbers of increasing offsets in ``text``, counted once."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line = text, 0, 1

    def __call__(self, offset: int) -> int:
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


def looks_like_findings(path: str, lines: list[str], text: str) -> list[Finding]:
    """``/*`` comments at column 0 written like kernel-doc but not starting
    with ``/**`` (so every tool ignores them)."""
    found = []
    index = 0
    line_of = _LineCounter(text)
    for opening in _PLAIN_OPEN_LINE.finditer(text):
        start = line_of(opening.start()) - 1
        line = lines[start]
        if start < index or "*/" in line:
            continue
        end = start + 1
        while end < len(lines) and "*/" not in lines[end]:
            end += 1
        body = lines[start + 1:min(end, len(lines))]
        named = bool(body) and _LOOKS_LIKE_NAME.match(body[0])
        params = sum(1 for row in body if _LOOKS_LIKE_PARAM.match(row))
        if named and (params or _LOOKS_LIKE_VAR.match(body[0])) or params >= 2:
            found.append(Finding("looks-like-kernel-doc", rule("looks-like-kernel-doc").severity, path,
                                 start + 1, 1, "This comment looks like kernel-doc but starts with '/*'; "
                                 "write '/**' so it is documented", "", line.strip()))
        index = end + 1
    return found


def exported_findings(source: SourceFile, text: str) -> list[Finding]:
    """EXPORT_SYMBOL*() of a symbol that has no kernel-doc in this file."""
    documented = {s.name for s in source.documented}
    found = []
    line_of = _LineCounter(text)
    for match in _EXPORT_LINE.finditer(text):
        if match.group(1) not in documented:
            line_start = text.rfind("\n", 0, match.start()) + 1
            line_end = text.find("\n", match.end())
            found.append(Finding("exported-undocumented", rule("exported-undocumented").severity,
                                 source.path, line_of(match.start()),
                                 match.start(1) - line_start + 1,
                                 f"'{match.group(1)}' is exported but has no kernel-doc comment",
                                 match.group(1), text[line_start:None if line_end < 0 else line_end].strip()))
    return found


def references(source: SourceFile, lines: list[str]) -> list[Reference]:
    """``&struct foo`` and ``foo()`` mentions in the file's kernel-doc comments."""
    found = []
    for symbol in source.documented:
        first, last = symbol.comment_span
        for number in range(first, min(last, len(lines)) + 1):
            for match in _REFERENCE.finditer(lines[number - 1]):
                name = match.group(2) or match.group(3)
                found.append(Reference(name, number, match.start() + 1, symbol.name))
    return found


def check_file(source: SourceFile, text: str) -> FileResult:
    """Every per-file check of ``source`` (``text`` is its decoded content)."""
    lines = text.split("\n")
    result = FileResult(source.path)
    result.findings += kernel_doc_findings(source, lines)
    result.findings += rst_findings(source, lines)
    result.findings += looks_like_findings(source.path, lines, text)
    result.findings += exported_findings(source, text)
    result.references = references(source, lines)
    result.defined = sorted({s.name for s in source.symbols})
    result.regions = symbol_regions(source)
    return result


def symbol_regions(source: SourceFile) -> list[Region]:
    """The comment-to-declaration lines of each documented symbol, in file order."""
    regions = []
    for symbol in source.documented:
        lines = [n for n in (*symbol.comment_span, *symbol.decl_span) if n > 0]
        if lines:
            regions.append(Region(min(lines), max(lines), symbol.name))
    return regions
