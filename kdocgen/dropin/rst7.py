"""The reST the 7.x (Python) kernel-doc prints: the 6.x layout with its
own differences (line numbers of declarations and sections, blank lines
around descriptions stripped, every parameter numbered, variables)."""

from __future__ import annotations

import re

from .highlight import Rule, highlight_block
from .items import Item
from .rst import RstWriter

#: 7.x rules: the 6.x ones, with Unicode word characters
PYTHON_RULES: list[Rule] = []


def python_rules(perl: list[Rule]) -> list[Rule]:
    """The 6.x rules compiled for Unicode text (the Python tool's ``\\w``)."""
    return [(re.compile(pattern.pattern), replace) for pattern, replace in perl]


def _literal_start(line: str) -> bool:
    if len(line) > 2 and line.endswith("::") and line[0] != ".":  # (a bare "::" is not one)
        return True
    return line.startswith("..") and line[2:3] == " " and line[2:].lstrip(" ").startswith("code-block::")


def highlight_lines(text: str, rules: list[Rule]) -> list[str]:
    """The lines printed for ``text``: blank lines around it dropped, literal
    blocks left alone, at least one (maybe empty) line."""
    output, block = "", ""
    literal, indent = False, ""
    for line in text.strip("\n").split("\n"):
        if literal:
            if line.strip():
                if not indent:
                    indent = line[:len(line) - len(line.lstrip())]
                    output += line + "\n"
                elif not line.startswith(indent):
                    literal = False
                else:
                    output += line + "\n"
            else:
                output += line + "\n"
        if not literal:
            block += line + "\n"
            if _literal_start(line):
                literal, indent = True, ""
                output += highlight_block(block, rules)
                block = ""
    if block:
        output += highlight_block(block, rules)
    return output.strip("\n").split("\n")


class PythonRstWriter(RstWriter):
    """Writes items as the 7.x kernel-doc does."""

    def highlighted(self, text: str, prefix: str) -> None:
        for line in highlight_lines(text, self.style.rules):
            self.out.append(prefix + line + "\n")

    def _sections(self, item: Item, prefix: str, doc_block: bool = False) -> None:
        for title, body, line, opened in _merged(item):
            if title in self.nosymbols or (title in _DROPPED_EMPTY and not body.rstrip() and not doc_block):
                continue
            if not doc_block or not self.style.content_only:
                if doc_block:
                    self.out.append(f".. _{title}:\n\n")
                self.out.append(f"{prefix}**{title}**\n\n")
            self.lineno(opened or line or 1)
            self.highlighted(body, prefix)
            self.out.append("\n")
        self.out.append("\n")

    nosymbols: frozenset[str] = frozenset()

    def doc(self, item: Item) -> None:
        self._sections(item, "", doc_block=True)

    def sections(self, item: Item, prefix: str) -> None:
        self._sections(item, prefix)

    def before_directive(self, item: Item) -> None:
        self.lineno(item.decl_line)

    def typedef_lineno(self, item: Item) -> None:
        """7.x numbers a function typedef before its directive only."""

    def param_line(self, item: Item, name: str) -> int | None:
        """The line of the item's own description (1 when it has none)."""
        described = item.doc.params.get(name)
        return described.line if described is not None and described.line else 1

    def var(self, item: Item) -> None:
        self.out.append(f"\n\n.. c:macro:: {item.name}\n\n  ``{item.full_proto}``\n\n")
        self.lineno(item.decl_line)
        self.highlighted(item.purpose, "  ")
        self.out.append("\n")
        if item.default:
            self.out.append("  **Initialization**\n\n")
            self.highlighted(f"default: ``{item.default}``", "  ")
        self.sections(item, "  ")

    enum_undescribed = "      *undescribed*\n\n"
    enum_tail = ""


#: the sections the 7.x tool drops when empty (it keeps other empty ones)
_DROPPED_EMPTY = ("Description", "Return")


def _merged(item: Item) -> list[tuple[str, str, int, int]]:
    opened = {s.title: s.opened for s in item.doc.sections}
    return [(title, body, line, opened.get(title, 0)) for title, body, line in item.sections]
