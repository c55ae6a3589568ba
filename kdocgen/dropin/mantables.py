"""Tables and literal blocks in the Python kernel-doc's man output.

The Python tool (7.x) turns reST grid and simple tables into ``tbl`` blocks
(``.TS`` ... ``.TE``) and literal blocks (after ``::`` or a
``.. code-block::``) into no-fill blocks (``.nf`` ... ``.fi``).
:func:`literal_or_table` recognises the start of one and returns the line
to go on from with the troff text, reproducing the tool's line handling.
"""

from __future__ import annotations

from .scan import BLANKS


def literal_or_table(lines: list[str], i: int, stripped: str) -> tuple[int, str] | None:
    """``(next line, troff)`` when line ``i`` (``stripped``: without its
    indentation) starts a table or a literal block, else None."""
    if _grid_border(stripped):
        return _grid_table(lines, i)
    if _simple_border(stripped):
        return _simple_table(lines, i)
    if stripped.endswith("::") or _code_block_line(stripped):
        return _literal_block(lines, i)
    return None


def _run(text: str, start: int, chars: str) -> int:
    """The end of the run of ``chars`` from ``start``."""
    while start < len(text) and text[start] in chars:
        start += 1
    return start


def _grid_border(line: str) -> bool:
    """``+-`` then dashes and pluses with a ``+`` after the first of them."""
    if not line.startswith("+-"):
        return False
    end = _run(line, 2, "-+")
    return "+" in line[3:end]


def _simple_border(line: str) -> bool:
    """``=`` signs, one blank, ``=``, then blanks and ``=`` signs only."""
    end = _run(line, 0, "=")
    if end == 0 or len(line) <= end + 2 or line[end] not in " \t" or line[end + 1] != "=":
        return False
    return _run(line, end + 2, " \t=") == len(line)


def _code_block_line(line: str) -> bool:
    """``.. code-block`` ... ``::`` at the start of the line."""
    if not line.startswith(".."):
        return False
    rest = line[2:]
    after = rest.lstrip(BLANKS)
    return len(after) < len(rest) and after.startswith("code-block") and "::" in after[len("code-block"):]


def _emit_table(heading: list[str] | None, rows: list[list[str]]) -> str:
    """A ``tbl`` block, with a bold heading row when there is one."""
    if not rows:
        return ""
    out = "\n.TS\nbox;\n" + "\t".join(["l"] * len(rows[0])) + ".\n"
    if heading:
        out += "\t".join(f"\\fB{cell}\\fP" for cell in heading) + "\n_\n"
    for row in rows:
        out += "\t".join(row) + "\n"
    return out + ".TE\n"


def _heading(rows: list[list[str]], heading: list[str] | None) -> list[str] | None:
    """The rows above a heading border joined column by column."""
    if not rows or not rows[0]:
        return heading
    joined = heading if heading else [""] * len(rows[0])
    for j in range(len(rows[0])):
        joined[j] = " ".join(row[j] for row in rows)
    return joined


def _grid_table(lines: list[str], start: int) -> tuple[int, str]:
    """A grid table from its top border at ``start``."""
    i = start + 1
    rows: list[list[str]] = []
    heading: list[str] | None = None
    while i < len(lines):
        line = lines[i]
        inner = line.strip(BLANKS)
        if len(inner) >= 2 and inner[0] == "|" and inner[-1] == "|":
            rows.append([part.strip() for part in line.strip("|").split("|")])
        elif line.startswith("+=") and len(line.rstrip(BLANKS)) >= 4 and _is_heading_border(line):
            heading = _heading(rows, heading)
            rows = [] if rows and rows[0] else rows
        elif inner.startswith("+") and "+" in inner[2:_run(inner, 1, "-+")]:
            pass
        else:
            break
        i += 1
    return i, _emit_table(heading, rows)


def _is_heading_border(line: str) -> bool:
    """``+=`` then ``=``/``+`` signs ending in ``+``, then blanks only."""
    body = line.rstrip(BLANKS)
    return _run(body, 2, "=+") == len(body) and body.endswith("+") and len(body) >= 4


def _simple_table(lines: list[str], start: int) -> tuple[int, str]:
    """A simple table from its top border at ``start``."""
    columns = []
    border = lines[start]
    j = 0
    while j < len(border):
        if border[j] == "=":
            end = _run(border, j, "=")
            columns.append((j, end - 1))
            j = end
        else:
            j += 1
    i = start + 1
    rows: list[list[str]] = []
    heading: list[str] | None = None
    while i < len(lines):
        line = lines[i]
        if _simple_end(line):
            i += 1
            break
        if line and _run(line, 0, BLANKS + "=") == len(line):
            heading = _heading(rows, heading)
            rows = [] if rows and rows[0] else rows
        else:
            rows.append([line[a:b].strip() for a, b in columns])
        i += 1
    return i, _emit_table(heading, rows)


def _simple_end(line: str) -> bool:
    """A border line: indentation, ``=``, then at least one more blank or ``=``."""
    rest = line[_run(line, 0, BLANKS):]
    return rest.startswith("=") and len(rest) >= 2 and _run(rest, 0, " \t=") == len(rest)


def _literal_block(lines: list[str], start: int) -> tuple[int, str]:
    """A literal block: the introducing line, then the lines that start
    with a blank (the tool stops at the first line that does not)."""
    line = lines[start]
    if "code-block" in line:
        out = "\n.nf\n"
    elif line.startswith("..") and line.endswith("::"):
        out = f"\n.nf\n\\fB{line[2:-1].strip().upper()}\\fP\n"
    elif line.endswith("::"):
        out = line[:-1] + "\n.nf\n"
    else:
        out = "\n.nf\n"
    i = start + 1
    while i < len(lines):
        line = lines[i]
        if not line or line[0] in BLANKS:
            out += line + "\n"
            i += 1
            continue
        out += "\n.fi\n"
        return (i - 1, out) if i > start + 1 else (i, out)
    return i, out + "\n.fi\n"
