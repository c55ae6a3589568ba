"""Section-9 manual pages: one troff page per documented symbol.

Written directly from the model (no Sphinx): NAME, SYNOPSIS, ARGUMENTS /
MEMBERS / CONSTANTS, each section of the comment, SEE ALSO.  kernel-doc
highlights become troff fonts (``@param`` italic; ``%CONST``, ``&struct foo``
and ``func()`` bold); literal blocks (after ``::``, code-block) are kept as
no-fill text.  Pages are gzip-compressed deterministically.
"""

from __future__ import annotations

import gzip
import io
import re
from pathlib import Path
from typing import Iterable

from ..files import write_if_changed
from ..model import SourceFile, Symbol
from .entry import param_decl, signature

_HIGHLIGHT = re.compile(
    r"&(?:(struct|union|enum|typedef)\s+)?([A-Za-z_]\w*)((?:(?:\.|->)\w+)*)"
    r"|(?<![\w@])@(\w+(?:(?:\.|->)\w+)*|\.\.\.)"
    r"|(?<![\w%])%([-\w]+)"
    r"|(?<![\w.>-])([A-Za-z_]\w*)\(\)"
    r"|``([^`]+)``")
_LITERAL_INTRO = re.compile(r"::\s*$")
_CODE_BLOCK = re.compile(r"^\s*\.\.\s+(?:code-block|code|sourcecode)::")
_DIRECTIVE = re.compile(r"^\s*\.\.\s+\S")


def escape(text: str) -> str:
    """Text safe inside a troff line (backslashes, dashes)."""
    return text.replace("\\", "\\e").replace("-", "\\-")


def _line(text: str) -> str:
    """A text line that cannot start a troff request."""
    return "\\&" + text if text[:1] in (".", "'") else text


def _quoted(text: str) -> str:
    return '"' + escape(text).replace('"', '\\(dq') + '"'


def highlight(text: str, refs: set[str]) -> str:
    """Prose with kernel-doc highlights as troff fonts; referenced names are
    collected in ``refs`` (for SEE ALSO)."""
    out, pos = [], 0
    for match in _HIGHLIGHT.finditer(text):
        out.append(escape(text[pos:match.start()]))
        kind, name, member, param, const, func, literal = match.groups()
        if name:
            refs.add(name)
            shown = f"{kind} {name}{member}" if kind else f"{name}{member}"
            out.append(f"\\fB{escape(shown)}\\fP")
        elif param:
            out.append(f"\\fI{escape(param)}\\fP")
        elif const:
            out.append(f"\\fB{escape(const)}\\fP")
        elif func:
            refs.add(func)
            out.append(f"\\fB{escape(func)}\\fP()")
        else:
            out.append(f"\\fB{escape(literal)}\\fP")
        pos = match.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def body(text: str, refs: set[str]) -> list[str]:
    """A comment body as troff: paragraphs filled, literal blocks no-fill."""
    out: list[str] = []
    literal_above: int | None = None
    for raw in text.expandtabs(8).split("\n"):
        if literal_above is not None:
            if not raw.strip() or _indent(raw) > literal_above:
                out.append(_line(escape(raw[literal_above:].rstrip())) if raw.strip() else "")
                continue
            out += [".fi", ".RE"]
            literal_above = None
        if not raw.strip():
            out.append(".PP")
            continue
        if _CODE_BLOCK.match(raw) or _DIRECTIVE.match(raw) and raw.rstrip().endswith("::"):
            literal_above = _indent(raw)
            out += [".RS 4", ".nf"]
            continue
        out.append(_line(highlight(raw.strip(), refs)))
        if _LITERAL_INTRO.search(raw):
            out[-1] = out[-1].rstrip(":") + ":"
            literal_above = _indent(raw)
            out += [".RS 4", ".nf"]
    if literal_above is not None:
        out += [".fi", ".RE"]
    while out and out[-1] in (".PP", ""):
        out.pop()
    return [line for line in out if line != ""] or []


def _synopsis(symbol: Symbol) -> list[str]:
    if symbol.kind == "function" or symbol.is_pointer_typedef:
        ret = symbol.return_type or "void"
        name = symbol.name if symbol.kind == "function" else f"(*{symbol.name})"
        head = f"{ret}{'' if ret.endswith('*') else ' '}{name}("
        params = [param_decl(p) for p in symbol.params] or ["void"]
        lines = [".nf"]
        for index, param in enumerate(params):
            prefix = head if index == 0 else " " * len(head)
            end = ");" if index == len(params) - 1 else ","
            lines.append(f".B {_quoted(prefix + param + end)}")
        return lines + [".fi"]
    if symbol.kind in ("struct", "union", "enum") and symbol.definition:
        return [".nf"] + [_line(escape(line)) for line in symbol.definition.expandtabs(8).split("\n")] + [".fi"]
    if symbol.kind == "macro":
        return [".nf", f".B {_quoted('#define ' + signature(symbol))}", ".fi"]
    return [".nf", f".B {_quoted(symbol.decl or signature(symbol))}", ".fi"]


def _list_section(title: str, items: list[tuple[str, str]], refs: set[str]) -> list[str]:
    out = [f".SH {title}"]
    for name, desc in items:
        out.append(f".IP {_quoted(name)} 4")
        out += body(desc, refs) or ["\\fIundescribed\\fP"]
    return out


def render_man(symbol: Symbol, known: set[str], version: str = "") -> str:
    """The troff source of one symbol's page; ``known`` limits SEE ALSO to
    names that have a page."""
    refs: set[str] = set()
    title = symbol.name
    lines = [f'.TH {_quoted(title)} 9 "" {_quoted(version or "Linux")} "Kernel API Manual"',
             ".SH NAME", f"{escape(title)} \\- {highlight(symbol.purpose or symbol.kind, refs)}",
             ".SH SYNOPSIS"] + _synopsis(symbol)
    if symbol.kind in ("struct", "union"):
        members = [(p.name, p.desc) for p in symbol.params if p.desc and not p.name.startswith("{")]
        if members:
            lines += _list_section("MEMBERS", members, refs)
    elif symbol.kind == "enum":
        lines += _list_section("CONSTANTS", [(p.name, p.desc) for p in symbol.params], refs)
    elif symbol.params and symbol.kind in ("function", "macro", "typedef"):
        args = [(p.name, p.desc or {"void": "no arguments", "...": "variable arguments"}.get(p.name, ""))
                for p in symbol.params if p.name]
        if args:
            lines += _list_section("ARGUMENTS", args, refs)
    if symbol.kind == "var" and symbol.value:
        lines += [".SH INITIALIZATION", escape(f"default: {symbol.value}")]
    for section in symbol.sections:
        lines.append(f".SH {_quoted(section.title.upper())}")
        lines += body(section.body, refs)
    lines.append(".SH FILE")
    lines.append(escape(f"{symbol.path}:{symbol.line}"))
    see = sorted((refs & known) - {symbol.name})
    if see:
        lines.append(".SH SEE ALSO")
        lines.append(",\n".join(f".BR {name} (9)" for name in see))
    return "\n".join(lines) + "\n"


def gzip_bytes(text: str) -> bytes:
    """``text`` gzip-compressed with no name and no time stamp (reproducible)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as handle:
        handle.write(text.encode("utf-8"))
    return buffer.getvalue()


def write_man_pages(sources: Iterable[SourceFile], out: Path, version: str = "") -> list[Path]:
    """``out/<symbol>.9.gz`` for every documented symbol (DOC blocks have no
    page; a name documented twice keeps its first page)."""
    symbols: dict[str, Symbol] = {}
    for source in sources:
        for symbol in source.documented:
            if symbol.kind != "doc" and re.fullmatch(r"\w+", symbol.name):
                symbols.setdefault(symbol.name, symbol)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    known = set(symbols)
    for name, symbol in sorted(symbols.items()):
        path = out / f"{name}.9.gz"
        write_if_changed(path, gzip_bytes(render_man(symbol, known, version)))
        written.append(path)
    return written
