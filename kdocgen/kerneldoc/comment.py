"""The kernel-doc comment grammar.

Reads the ``/** ... */`` comments of a file (the opening ``/**`` alone at
column 0) into :class:`DocComment` objects: the identifier line
(``name() - purpose``, ``struct|union|enum|typedef name - purpose``,
``var name - purpose`` in 7.x, ``DOC: title``), then the body (``@param:``
descriptions and named sections, :mod:`.body`).  The behaviour follows
``Documentation/doc-guide/kernel-doc.rst`` and what the kernel's own tool of
the chosen generation (:mod:`.dialect`) does with real comments, including
its warnings and their wording.
"""

from __future__ import annotations

import re

from ..kinds import symbol_kind
from ..model import Section
from .body import CONTENT, PerlBody, PythonBody
from .dialect import DEFAULT, Dialect
from .doccomment import (CONTEXT, DESCRIPTION, INTRODUCTION, RETURN, DocComment, Note,  # noqa: F401
                         ParamDoc, store_section)

START = re.compile(r"^/\*\*\s*$")
_END = re.compile(r"\*/")
_DOC_BLOCK = re.compile(r"^\s*\*\s*DOC:\s*(.*?)\s*$")
_DECL_WORD = re.compile(r"\s*\*\s*(\w+)")
_IDENT_SIMPLE = re.compile(r"^\s*\*\s*([\w\s]+?)(?:\(\w*\))?\s*(?:[-:].*)?$")
_TYPED = re.compile(r"^(struct|union|enum|typedef)\b\s*(\S*)")
_IDENT_FUNC = re.compile(r"^\s*\*\s*(?:\w+\s*\*\s*)?(\w+)\s*(?:\(\w*\))?\s*(?:[-:].*)?$")
_IDENT_FUNC_LOOSE = re.compile(r"^\s*\*\s*(?:\w+\s*\*\s*)?(\w+.*?)(?:\(\w*\))?\s*[-:].*$")
# 7.x: "struct NAME" (any text after the name), "var NAME", and functions
# with nothing but "(...)" and the purpose after the name.
_DATA_7 = re.compile(r"^\s*\*?\s*(struct|union|enum|typedef|var)\b\s*(\w*)")
_FUNC_7 = re.compile(r"\*\s*(?:\w+\s*\*\s*)?(?:define\s+)?(\w+)\s*(?:\(\w*\))?\s*(?:[-:].*)?$")
_HAS_WORD = re.compile(r"\*\s*\w")
_DEFINE_LINE = re.compile(r"\s*#\s*define")
_PURPOSE = re.compile(r"[-:](.*)")
_SPACES = re.compile(r"\s+")


def find_comments(lines: list[str], dialect: Dialect = DEFAULT) -> tuple[list[DocComment], list[Note]]:
    """Every kernel-doc comment of a file (``lines`` without line ends).

    Returns the comments and the notes about comments that could not be
    read at all (which have no DocComment to carry them)."""
    comments: list[DocComment] = []
    stray: list[Note] = []
    index = 0
    total = len(lines)
    while index < total:
        if not lines[index].startswith("/**") or not START.match(lines[index]):
            index += 1
            continue
        name_index = index + 1
        if dialect.identifier_search:
            name_index = _identifier_line(lines, index + 1, stray, dialect)
        end = _comment_end(lines, name_index)
        last = min(end, total - 1)
        if end >= total:  # unterminated: trailing empty lines are not comment lines
            while last > index and not lines[last].strip():
                last -= 1
            if last == index:
                break
        doc = read_comment(lines, index, last, stray, dialect, name_index)
        if doc is not None:
            comments.append(doc)
            index = end + 1 if doc.kind == "doc" else _declaration_read(lines, doc, end + 1)
        elif name_index > _comment_end(lines, index + 1):
            index = name_index + 1  # a code line past the comment: go on looking after it
        else:
            index = end + 1
    return comments, stray


def _declaration_read(lines: list[str], doc: DocComment, index: int) -> int:
    """Where kernel-doc stops reading the declaration after ``doc`` (0-based
    line): at the ``{`` or ``;`` of a function (or a ``#define``), at the
    ``;`` (or a preprocessor line) outside braces of a type.  A ``/**`` met
    before is an inline member comment of that declaration, not a comment of
    its own: its ``@member:`` text is the member's description, another first
    line is warned about (for structs, unions and enums the binder reads
    them with the other member comments)."""
    depth = 0
    while index < len(lines):
        line = lines[index]
        if START.match(line):
            if doc.kind in ("struct", "union", "enum"):
                index = _comment_end(lines, index + 1) + 1
            else:
                index = _inline_block(doc, lines, index + 1, len(lines) - 1)
            continue
        code = line.split("//", 1)[0]
        if doc.kind == "function":
            if _DEFINE_LINE.match(code) or "{" in code or ";" in code:
                return index
        elif code.lstrip().startswith("#"):
            if depth <= 0:
                return index
        else:
            for char in code:
                depth += (char == "{") - (char == "}")
                if char == ";" and depth <= 0:
                    return index
        index += 1
    return index


def _comment_end(lines: list[str], index: int) -> int:
    """The first line from ``index`` on holding ``*/`` (len(lines) if none)."""
    while index < len(lines) and not _END.search(lines[index]):
        index += 1
    return index


def _identifier_line(lines: list[str], index: int, stray: list[Note], dialect: Dialect) -> int:
    """7.x: the first line from ``index`` on with a word after a ``*`` (past
    the comment's end if need be); each line before it is warned about."""
    while index < len(lines) and not _HAS_WORD.search(lines[index]):
        raw = lines[index].expandtabs(8)
        stray.append(Note(index + 1, "not-doc-line", dialect.message("not-doc-line", line=raw)))
        index += 1
    return index


def read_comment(lines: list[str], first: int, last: int, stray: list[Note],
                 dialect: Dialect = DEFAULT, name_index: int | None = None) -> DocComment | None:
    """Read the comment spanning 0-based lines ``first``..``last`` (its
    identifier on line ``name_index``, by default the one after ``/**``)."""
    name_index = first + 1 if name_index is None else name_index
    if name_index > last and not (name_index < len(lines)):
        return None
    raw = lines[name_index].expandtabs(8) if name_index < len(lines) else ""
    lineno = name_index + 1
    block = _DOC_BLOCK.match(raw)
    if block:
        doc = DocComment("doc", block.group(1) or INTRODUCTION, first + 1, last + 1, lineno)
        body = [_content(line.expandtabs(8)) for line in lines[name_index + 1:last]]
        doc.sections.append(Section(doc.name, "".join(text + "\n" for text in body), lineno + 1))
        return doc
    identify = _identifier_7 if dialect.python else _identifier
    found = identify(raw, lineno, first + 1, last + 1, stray, dialect)
    if found is None:
        return None
    (PythonBody if dialect.python else PerlBody)(found).read(lines, name_index + 1, last)
    return found


def _content(line: str) -> str:
    match = CONTENT.search(line)
    return match.group(1) if match else ""


def _purpose(raw: str) -> tuple[str, bool]:
    """The purpose on an identifier line and whether it has a ``-`` or ``:``."""
    match = _PURPOSE.search(raw)
    return (_SPACES.sub(" ", match.group(1)).strip(), True) if match else ("", False)


def _not_kernel_doc(raw: str, lineno: int, stray: list[Note], dialect: Dialect, purpose: str) -> None:
    stray.append(Note(lineno, "not-kernel-doc", dialect.message("not-kernel-doc", line=raw.rstrip())))
    if not purpose and dialect.short_desc_on_non_doc:
        stray.append(Note(lineno, "short-description", f"missing initial short description on line:\n{raw.rstrip()}"))


def _identifier(raw: str, lineno: int, start: int, end: int, stray: list[Note],
                dialect: Dialect = DEFAULT) -> DocComment | None:
    """6.x: parse the identifier line; None (with a note) when it is not kernel-doc."""
    word = _DECL_WORD.search(raw)  # unanchored, as kernel-doc: "** TITLE" still has a word
    if not word:
        stray.append(Note(lineno, "not-doc-line", dialect.message("not-doc-line", text=raw.strip(),
                                                                   lineno=str(lineno), line=raw)))
        return None
    identifier = word.group(1)
    simple = _IDENT_SIMPLE.match(raw)
    if simple:
        identifier = simple.group(1)
    typed = _TYPED.match(identifier)
    kind = ""
    if typed:
        kind, identifier = typed.group(1), typed.group(2)
    else:
        func = _IDENT_FUNC.match(raw) or _IDENT_FUNC_LOOSE.match(raw)
        if func:
            kind = "function"
            identifier = re.sub(r"^define\s+", "", func.group(1))
    return _new_doc(kind, identifier.rstrip(), raw, lineno, start, end, stray, dialect)


def _identifier_7(raw: str, lineno: int, start: int, end: int, stray: list[Note],
                  dialect: Dialect) -> DocComment | None:
    """7.x: parse the identifier line; None (with a note) when it is not kernel-doc."""
    kind, identifier = "", ""
    data = _DATA_7.search(raw)
    if data and (data.group(1) != "var" or dialect.var_comments):
        kind, identifier = data.groups()
    else:
        func = _FUNC_7.search(raw)
        if func:
            kind, identifier = "function", func.group(1)
    return _new_doc(kind, identifier.strip(" "), raw, lineno, start, end, stray, dialect)


def _new_doc(kind: str, identifier: str, raw: str, lineno: int, start: int, end: int,
             stray: list[Note], dialect: Dialect) -> DocComment | None:
    """The comment an identifier line starts, or None with its notes."""
    purpose, has_mark = _purpose(raw)
    if not kind:
        _not_kernel_doc(raw, lineno, stray, dialect, purpose)
        return None
    doc = DocComment(symbol_kind(kind), identifier, start, end, lineno, purpose, purpose_open=has_mark)
    if not purpose:
        doc.notes.append(Note(lineno, "short-description",
                              f"missing initial short description on line:\n{raw.rstrip()}"))
    if not identifier and kind != "enum":
        stray.append(Note(lineno, "bad-identifier", f"wrong kernel-doc identifier on line:\n{raw.rstrip()}"))
        return None
    return doc


_INLINE_ONELINE = re.compile(r"^\s*/\*\*\s*(@[\w\s]+):\s*(.*?)\s*\*/\s*$")
_INLINE_ONELINE_7 = re.compile(r"^\s*/\*\*\s*(@\s*\w[\w.]*\s*):\s*(.*?)\s*\*/\s*$")  # also "@outer.inner"
_INLINE_START = re.compile(r"^\s*/\*\*\s*$")
_INLINE_NAME = re.compile(r"\s*\*\s*(@\s*\w[\w.]*\s*):(.*)")
_INLINE_END = re.compile(r"^\s*\*/\s*$")


def read_inline_docs(doc: DocComment, lines: list[str], first: int, last: int,
                     dialect: Dialect = DEFAULT) -> None:
    """Add inline member comments (``/** @member: text */`` and multi-line
    ``/**`` blocks) found in 0-based lines ``first``..``last`` to ``doc``."""
    index = first
    while index <= last and index < len(lines):
        line = lines[index].expandtabs(8)
        one = (_INLINE_ONELINE_7 if dialect.python else _INLINE_ONELINE).match(line)
        if one:
            if one.group(2):
                doc.add_section(one.group(1).strip(), one.group(2) + "\n", index + 1)
            index += 1
            continue
        if _INLINE_START.match(line):
            index = _inline_block(doc, lines, index + 1, last)
            continue
        index += 1


def _inline_block(doc: DocComment, lines: list[str], index: int, last: int) -> int:
    title, line_of_title, broken = "", 0, False
    contents: list[str] = []  # the text since the last line holding more than blanks
    while index < len(lines):
        line = lines[index].expandtabs(8)
        if _INLINE_END.match(line):
            if title and contents and contents != ["\n"]:
                doc.add_section(title, "".join(contents), line_of_title)
            return index + 1
        if not title and not broken:
            named = _INLINE_NAME.match(line)
            if named:
                title, line_of_title = re.sub(r"\s+", "", named.group(1)), index + 1
                text = named.group(2).lstrip(" ")
                contents = [text + "\n"] if text else []
            else:
                broken = True
                doc.notes.append(Note(index + 1, "inline-format",
                                      f"Incorrect use of kernel-doc format: {line.rstrip()}"))
        elif title:
            content = CONTENT.search(line)
            if content:
                contents.append(content.group(1) + "\n")
                if len(contents) == 1 and not contents[0].strip():
                    contents = []
        index += 1
    return index


_PLAIN_LINE = re.compile(r"^\s*(?:/\*+|\*+/|\*(?!/))?\s?(.*?)\s*(?:\*+/)?\s*$")


def plain_comment_above(lines: list[str], line: int, limit: int = 60) -> str:
    """The ``/* ... */`` or ``//`` comment ending right above 1-based ``line``
    (no blank line between), as plain text; "" when there is none or it is
    a kernel-doc comment."""
    index = line - 2
    if index < 0 or index >= len(lines):
        return ""
    last = lines[index].rstrip()
    if last.lstrip().startswith("//"):
        first = index
        while first > 0 and lines[first - 1].lstrip().startswith("//") and index - first < limit:
            first -= 1
        return "\n".join(lines[i].lstrip()[2:].strip() for i in range(first, index + 1)).strip()
    if not last.endswith("*/"):
        return ""
    first = index
    while first >= 0 and "/*" not in lines[first] and index - first < limit:
        first -= 1
    if first < 0 or "/*" not in lines[first] or START.match(lines[first]):
        return ""
    opening = lines[first]
    if opening[:opening.index("/*")].strip():
        return ""  # a trailing comment of code on that line
    text = [m.group(1) if (m := _PLAIN_LINE.match(lines[i])) else lines[i] for i in range(first, index + 1)]
    joined = "\n".join(text).strip("\n").strip()
    if "Copyright" in joined or "SPDX-License-Identifier" in joined:
        return ""  # the file's header, not a comment on this declaration
    return joined
