"""One symbol as reStructuredText: its C-domain directive and body.

Two styles share this code: ``page`` (the per-file pages, in the style of
the kernel-doc pages kdocgen follows: label, title, directive, sections as
sub-headings) and ``directive`` (what the ``kernel-doc`` Sphinx directive
inserts into hand-written pages: no titles, sections as rubrics).
"""

from __future__ import annotations

import re
import textwrap
from typing import Callable

from ..model import Member, Symbol
from .cdomain import c_domain_accepts
from .inline import escape_all

INDENT = "    "
#: How comment text becomes reST lines: ``prose(text, line, titles=False)``
#: (see :mod:`kdocgen.render.prose`).
Prose = Callable[..., list[str]]


DIRECTIVE_OF_KIND = {
    "function": "c:function", "macro": "c:macro", "struct": "c:struct", "union": "c:union",
    "enum": "c:enum", "typedef": "c:type", "var": "c:var",
}
_SPACES = re.compile(r"\s+")


def title_of(symbol: Symbol) -> str:
    """The heading of an entry (reST-escaped), e.g. ``\\__vmbus_recvpacket``."""
    if symbol.kind in ("struct", "union", "enum"):
        return f"{symbol.kind} {escape_all(symbol.name)}"
    return escape_all(symbol.name)


def param_decl(member: Member) -> str:
    """A parameter as written in a prototype: ``struct foo *name``."""
    kind, name = member.type, member.name
    if name in ("...", "void") or not name:
        return kind or name
    if kind == "...":
        return f"{name}..."
    if not kind:
        return name
    if "(*)" in kind:
        return kind.replace("(*)", f"(*{name})", 1)
    if "[" in kind:
        at = kind.index("[")
        return f"{kind[:at].rstrip()} {name}{kind[at:]}"
    return f"{kind}{name}" if kind.endswith("*") else f"{kind} {name}"


def signature(symbol: Symbol) -> str:
    """The one-line declaration after the C-domain directive."""
    if symbol.kind == "function" or symbol.kind == "typedef" and symbol.is_pointer_typedef:
        params = ", ".join(param_decl(p) for p in symbol.params) or "void"
        ret = symbol.return_type or "void"
        name = symbol.name if symbol.kind == "function" else f"(*{symbol.name})"
        joiner = "" if ret.endswith("*") else " "
        return _SPACES.sub(" ", f"{ret}{joiner}{name}({params})")
    if symbol.kind == "macro":
        if _is_function_like(symbol):
            return f"{symbol.name}({', '.join(param_decl(p) for p in symbol.params)})"
        return symbol.name
    if symbol.kind == "var":  # written as a parameter would be: arrays, function pointers
        return param_decl(Member(symbol.name, symbol.return_type)) if symbol.return_type else symbol.name
    return symbol.name


def _is_function_like(symbol: Symbol) -> bool:
    head = symbol.decl.split(None, 2)
    return len(head) > 1 and head[0] == "#define" and head[1].startswith(symbol.name + "(") \
        or bool(symbol.params)


def label(name: str) -> str:
    """A reST hyperlink target line for ``name``."""
    return f".. _`{name.replace('`', '')}`:"


def _describe(member: Member) -> str:
    if member.desc:
        return member.desc
    return {"void": "no arguments", "...": "variable arguments"}.get(member.name, "*undescribed*")


def _block(lines: list[str], indent: str) -> list[str]:
    return [indent + line if line.strip() else "" for line in lines]


def field_list(symbol: Symbol, indent: str, prose: Prose) -> list[str]:
    """``:param name:`` / ``:type name:`` blocks of a function or macro."""
    out: list[str] = []
    for member in symbol.params:
        if member.name == "void" or not member.name:
            continue
        name = member.name
        out.append("")
        out.append(f"{indent}:param {escape_all(name)}:")
        desc = prose(member.desc, _desc_line(member)) if member.desc else [_describe(member)]
        out.extend(_block(desc, indent + INDENT))
        if member.type and member.type != "...":
            out.append(f"{indent}:type {escape_all(name)}: {escape_all(member.type)}")
    return out


def _desc_line(member: Member) -> int:
    return member.desc_line or member.line


def purpose_line(symbol: Symbol) -> int:
    """The line of a comment's name line (where its purpose is written)."""
    return symbol.comment_span[0] + 1 if symbol.comment_span[0] else symbol.line


def member_list(symbol: Symbol, prose: Prose, enumerators: bool = True) -> list[str]:
    """Struct/union members and enum constants as a definition list (the
    constants as C-domain entries when ``enumerators``, so ``%CONST`` can
    link to them)."""
    out: list[str] = []
    for member in symbol.params:
        if member.name.startswith("{unnamed_") or not member.name:
            continue
        if symbol.kind in ("struct", "union") and not member.desc:
            continue
        out.append("")
        if symbol.kind == "enum" and enumerators:
            out += [f".. c:enumerator:: {member.name}", ""]
            out.extend(_block(prose(member.desc, _desc_line(member)) if member.desc else ["*undescribed*"],
                              INDENT))
            continue
        out.append(f"``{member.name}``")
        body = prose(member.desc, _desc_line(member)) if member.desc else ["*undescribed*"]
        out.extend(_block(body, INDENT))
    return out


def section_slug(title: str) -> str:
    """The label suffix of a section: ``Description`` -> ``description``."""
    return re.sub(r"[^\w]+", "-", title.lower()).strip("-")


def page_entry(symbol: Symbol, anchor: str, prose: Prose, scope: str | None = None,
               literal: bool = False) -> list[str]:
    """An entry in the style of the per-file pages (no trailing blank line);
    ``scope`` puts its declaration in a C namespace, ``literal`` shows it as
    text instead of declaring it."""
    if symbol.kind == "doc":
        return _doc_entry(symbol, anchor, prose)
    title = title_of(symbol)
    out = [label(anchor), "", title, "=" * len(title), ""]
    out += scoped(head_block(symbol, "", prose, literal), scope)
    if symbol.kind in ("struct", "union", "enum") and symbol.definition:
        out += ["", label(f"{anchor}.definition"), "", "Definition", "-" * 10, "",
                ".. code-block:: c", ""]
        out += _block(symbol.definition.expandtabs(8).split("\n"), INDENT)
    if symbol.kind in ("struct", "union", "enum"):
        members = member_list(symbol, prose)
        if members:
            heading = "Constants" if symbol.kind == "enum" else "Members"
            out += ["", label(f"{anchor}.{heading.lower()}"), "", heading, "-" * len(heading)]
            out += members
    for section in symbol.sections:
        out += ["", label(f"{anchor}.{section_slug(section.title)}"), ""]
        heading = escape_all(section.title)
        out += [heading, "-" * len(heading), ""]
        out += prose(section.body, section.line, titles=True)
    return out


def uses_directive(symbol: Symbol) -> bool:
    """Whether Sphinx's C domain can declare ``symbol`` (else it is shown
    literally: declarations made by macros)."""
    return c_domain_accepts(DIRECTIVE_OF_KIND[symbol.kind], signature(symbol))


def declaration_line(symbol: Symbol, indent: str, literal: bool = False) -> list[str]:
    """The C-domain directive line of an entry; for declarations the domain
    cannot read (made by macros), the declaration as written, literally."""
    if not literal and uses_directive(symbol):
        return [f"{indent}.. {DIRECTIVE_OF_KIND[symbol.kind]}:: {signature(symbol)}"]
    written = " ".join((symbol.decl or signature(symbol)).split()).replace("`", "'")
    return [f"{indent}``{written}``"]


def scoped(lines: list[str], scope: str | None) -> list[str]:
    """Wrap an entry in a C namespace (used for non-canonical entries, so
    their ids do not clash with the canonical entry of the same name)."""
    if not scope:
        return lines
    return [f".. c:namespace-push:: {scope}", ""] + lines + ["", ".. c:namespace-pop::"]


def head_block(symbol: Symbol, indent: str, prose: Prose, literal: bool = False,
               fields: bool = True) -> list[str]:
    """The C-domain directive with the purpose and the parameters: as typed
    fields (``fields``), else as the kernel's own directive lists them."""
    out = declaration_line(symbol, indent, literal)
    inner = indent + INDENT
    if symbol.purpose:
        out += [""] + _block(prose(symbol.purpose, purpose_line(symbol)), inner)
    if symbol.kind in ("function", "macro") or symbol.is_pointer_typedef:
        out += field_list(symbol, inner, prose) if fields else parameter_list(symbol, inner, prose)
    return out


def parameter_list(symbol: Symbol, indent: str, prose: Prose) -> list[str]:
    """A "Parameters" rubric and each parameter as declared, with its
    description (one nested block each, where fields need two)."""
    out = []
    for member in symbol.params:
        if member.name == "void" or not member.name:
            continue
        declared = " ".join(param_decl(member).split()).replace("`", "'")
        out += ["", f"{indent}``{declared}``"]
        desc = prose(member.desc, _desc_line(member)) if member.desc else [_describe(member)]
        out.extend(_block(desc, indent + INDENT))
    return ["", f"{indent}.. rubric:: Parameters"] + out if out else []


def doc_body(symbol: Symbol, prose: Prose) -> list[str]:
    """The text of a ``DOC:`` block."""
    parts = comment_parts(symbol)
    return prose(*parts[0]) if parts else []


def _doc_entry(symbol: Symbol, anchor: str, prose: Prose) -> list[str]:
    title = escape_all(symbol.name)
    return [label(anchor), "", title, "=" * len(title), ""] + doc_body(symbol, prose)


def directive_entry(symbol: Symbol, prose: Prose) -> list[str]:
    """An entry for the ``kernel-doc`` directive: no titles, rubrics for
    sections (safe to insert anywhere in a hand-written page)."""
    if symbol.kind == "doc":
        return doc_body(symbol, prose)
    out = head_block(symbol, "", prose, fields=False)
    inner = INDENT
    if symbol.kind in ("struct", "union", "enum"):
        members = member_list(symbol, prose, enumerators=False)  # as the kernel's own directive
        if members:
            heading = "Constants" if symbol.kind == "enum" else "Members"
            out += ["", f"{inner}.. rubric:: {heading}"] + _block(members, inner)
        if symbol.definition:
            out += ["", f"{inner}.. rubric:: Definition", "", f"{inner}.. code-block:: c", ""]
            out += _block(symbol.definition.expandtabs(8).split("\n"), inner + INDENT)
    for section in symbol.sections:
        out += ["", f"{inner}.. rubric:: {escape_all(section.title)}", ""]
        out += _block(prose(section.body, section.line), inner)
    return out


def other_entry(symbol: Symbol, prose: Prose, scope: str | None = None, literal: bool = False) -> list[str]:
    """An undocumented declaration: its directive, location and plain comment."""
    out = declaration_line(symbol, "", literal) + [""]
    first, last = symbol.decl_span
    where = f"line {first}" if first == last else f"lines {first}-{last}"
    out.append(f"{INDENT}Defined in ``{symbol.path}`` at {where}.")
    if symbol.export:
        out[-1] += f" Exported with ``{symbol.export}``."
    if symbol.plain_comment:
        out += [""] + _block(prose(*_plain_comment(symbol)), INDENT)
    return scoped(out, scope)



def _plain_comment(symbol: Symbol) -> tuple[str, int]:
    """An undocumented declaration's comment and (about) its first line."""
    comment = textwrap.dedent(symbol.plain_comment)
    return comment, max(symbol.line - comment.count("\n") - 1, 1)


def comment_parts(symbol: Symbol, documented_only: bool = False) -> list[tuple[str, int, bool]]:
    """Every piece of comment text an entry of ``symbol`` shows, as
    ``(text, line, titles)`` in page style (what the entries above pass
    to ``prose``)."""
    if not symbol.documented:
        return [] if documented_only or not symbol.plain_comment else [_plain_comment(symbol) + (False,)]
    if symbol.kind == "doc":
        section = symbol.sections[0] if symbol.sections else None
        if section is None or not section.body.strip("\n"):
            return []
        skipped = len(section.body) - len(section.body.lstrip("\n"))
        return [(section.body.strip("\n"), section.line + section.body[:skipped].count("\n"), True)]
    parts = [(symbol.purpose, purpose_line(symbol), False)] if symbol.purpose else []
    parts += [(m.desc, _desc_line(m), False) for m in symbol.params if m.desc]
    parts += [(s.body, s.line, True) for s in symbol.sections if s.body]
    return parts
