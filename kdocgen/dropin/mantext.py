"""Comment text as kernel-doc's ``-man`` output prints it.

Two steps, as in the kernel's tool: :func:`highlight` turns the kernel-doc
markup (``%CONST``, ``func()``, ``&struct foo``, ``@param``, ...) into troff
fonts; :func:`highlight_lines` then prints the text line by line (the Perl
tool strips indentation and guards lines starting with a dot; the Python tool
also turns blank lines into ``.PP``, lists into ``.IP`` and tables and
literal blocks into ``tbl``/``.nf`` blocks, see :mod:`.mantables`).
"""

from __future__ import annotations

from typing import Callable

from .mantables import literal_or_table
from .scan import word_char

BOLD, ITALIC, ROMAN = "\\fB", "\\fI", "\\fP"
#: Perl's and Python's ``\s`` for the indentation kernel-doc strips
_SPACE = " \t\n\r\f\v"


def _scan(text: str, at: Callable[[str, int], tuple[str, int] | None], marks: str) -> str:
    """Rewrite ``text`` left to right: where a character of ``marks`` starts a
    match of ``at(text, i) -> (replacement, end)``, put the replacement."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in marks:
            hit = at(text, i)
            if hit is not None:
                out.append(hit[0])
                i = hit[1]
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def _word_end(text: str, i: int, extra: str = "") -> int:
    """The end of the run of word characters (and ``extra``) from ``i``."""
    while i < len(text) and (word_char(text[i]) or text[i] in extra):
        i += 1
    return i


def _literal(text: str, i: int) -> tuple[str, int] | None:
    """````x```` between word characters: the text without the backquotes."""
    if not text.startswith("``", i) or i == 0 or not word_char(text[i - 1]):
        return None
    close = text.find("`", i + 2)
    if close > i + 2 and text.startswith("``", close) and close + 2 < len(text) and word_char(text[close + 2]):
        return text[i + 2:close], close + 2
    return None


def _constant(text: str, i: int) -> tuple[str, int] | None:
    """``%NAME``: the name (letters, digits, ``_``, ``-``, ``*``)."""
    end = _word_end(text, i + 1, "-*")
    return (text[i + 1:end], end) if end > i + 1 else None


def _function(text: str, i: int) -> tuple[str, int] | None:
    """``name()`` at the start of a word: the name in bold."""
    if i > 0 and word_char(text[i - 1]):
        return None
    end = _word_end(text, i)
    if end > i and text.startswith("()", end):
        return f"{BOLD}{text[i:end]}{ROMAN}", end + 2
    return None


def _tagged(keyword: str) -> Callable[[str, int], tuple[str, int] | None]:
    """``&keyword NAME`` (spaces optional): the words in italics."""
    def at(text: str, i: int) -> tuple[str, int] | None:
        if not text.startswith(keyword, i + 1):
            return None
        j = i + 1 + len(keyword)
        k = j
        while k < len(text) and text[k] in _SPACE:
            k += 1
        end = _word_end(text, k)
        if end == k:
            return None
        return f"{ITALIC}{text[i + 1:end]}{ROMAN}", end
    return at


def _param(text: str, i: int) -> tuple[str, int] | None:
    """``@name``, ``@a.b``, ``@a->b``, ``@name...``: in italics (even a lone ``@``)."""
    end = _word_end(text, i + 1)
    while True:
        if text.startswith(".", end) and end + 1 < len(text) and word_char(text[end + 1]):
            end = _word_end(text, end + 1)
        elif text.startswith("->", end) and end + 2 < len(text) and word_char(text[end + 2]):
            end = _word_end(text, end + 2)
        else:
            break
    if text.startswith("...", end):
        end += 3
    return f"{ITALIC}{text[i + 1:end]}{ROMAN}", end


def _member(text: str, i: int) -> tuple[str, int] | None:
    """``&name.field`` / ``&name->field``: in italics."""
    end = _word_end(text, i + 1)
    if end == i + 1:
        return None
    for sep in (".", "->"):
        if text.startswith(sep, end):
            stop = _word_end(text, end + len(sep))
            if stop > end + len(sep):
                return f"{ITALIC}{text[i + 1:stop]}{ROMAN}", stop
    return None


def _reference(text: str, i: int) -> tuple[str, int] | None:
    """``&name``: the name in italics."""
    end = _word_end(text, i + 1)
    return (f"{ITALIC}{text[i + 1:end]}{ROMAN}", end) if end > i + 1 else None


def _word_starts(text: str) -> str:
    """Every character that may start a ``name()``: word characters."""
    return "".join(sorted({ch for ch in text if word_char(ch)}))


def highlight(text: str) -> str:
    """kernel-doc's man highlighting, one pass per kind of markup, in its order."""
    text = _scan(text, _literal, "`")
    text = _scan(text, _constant, "%")
    text = _scan(text, _function, _word_starts(text))
    for keyword in ("enum", "struct", "typedef", "union"):
        text = _scan(text, _tagged(keyword), "&")
    text = _scan(text, _param, "@")
    text = _scan(text, _member, "&")
    return _scan(text, _reference, "&")


def highlight_lines(body: str, python: bool) -> str:
    """``body`` highlighted and printed as kernel-doc's man output does."""
    text = highlight(body)
    return _python_lines(text) if python else _perl_lines(text)


def _perl_lines(text: str) -> str:
    """The Perl tool: lines without indentation, trailing blank lines dropped,
    lines starting with a dot guarded with ``\\&``."""
    lines = text.split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    out = []
    for line in lines:
        line = line.lstrip(_SPACE)
        out.append("\\&" + line if line.startswith(".") else line)
    return "".join(f"{line}\n" for line in out)


def _python_lines(text: str) -> str:
    """The Python tool: also paragraphs, lists, tables and literal blocks."""
    lines = text.strip("\n").split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i].lstrip()
        if line:
            block = literal_or_table(lines, i, line)
            if block is not None:
                i, chunk = block
                out.append(chunk)
                continue
            if line[0] == ".":
                out.append("\\&" + line + "\n")
                i += 1
                continue
            line = _list_item(line)
        else:
            line = ".PP\n"
        i += 1
        out.append(line + "\n")
    return "".join(out)


def _list_item(line: str) -> str:
    """A bullet (``-``/``*``) or numbered (``1.``/``1)``) item as ``.IP``."""
    if line[0] in "-*" and len(line) > 1 and line[1].isspace():
        return ".IP \\[bu]\n" + line[1:].lstrip()
    digits = 0
    while digits < len(line) and line[digits].isdigit():
        digits += 1
    if digits == 0 and line.startswith("a-z"):
        digits = 3
    if digits and len(line) > digits + 1 and line[digits] in ".)" and line[digits + 1].isspace():
        return f".IP {line[:digits]}\n" + line[digits + 1:].lstrip()
    return line
