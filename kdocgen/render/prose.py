"""How comment text goes into generated reST: two ways, one decision.

Text whose conversion can only hold plain prose (escaped text, kernel-doc
highlights, literals, emphasis, URLs; :func:`is_plain`) is written as
converted reST wherever it goes.  Other text (lists, tables, directives,
roles, links, indentation ...) is either

- wrapped (:class:`WrappedProse`): put into the ``kdocgen-comment``
  directive, which parses it once in the build that reads the page and
  makes it safe on the nodes (the site, the ``kernel-doc`` directive); or
- converted (:class:`ConvertedProse`): written as reST after
  :func:`kdocgen.render.check.check_comments` parsed it once with docutils,
  as a literal block unless that found no problem (``kdocgen rst``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .inline import kept_spans, text_to_rst, wrap_overlong
from .markup import comment_block

INDENT = "    "
# Lines with which reST can be more than inline prose: indentation, list,
# table or directive markers, literal-block introducers, field markers,
# section rules (any of docutils' adornment characters).
_RISKY_LINE = re.compile(r"^\s*\\{2,}\s*$|^\s+\S|^\s*(?:[-*+|=~^#]|\d+[.)]|\(\d+\)|\.\.|:\w)|::\s*$|^[!-/:-@\[-`{-~]{3,}\s*$")


def is_plain(text: str) -> bool:
    """Whether ``text`` converts to nothing but inline prose: no line that
    reST could read as a block construct, no role or hyperlink kept."""
    for line in text.split("\n"):
        if _RISKY_LINE.search(line):
            return False
        if "`" not in line and "]_" not in line:  # roles, links and footnote references need one
            continue
        for start, _ in kept_spans(line):
            if line[start] in ":[" or line.startswith("`", start) and not line.startswith("``", start):
                return False
    return True


def literal_lines(text: str) -> list[str]:
    """Comment text as a reST literal block, as written."""
    lines = [line for line, _ in wrap_overlong(text.split("\n"))]
    return ["::", ""] + [INDENT + line if line.strip() else "" for line in lines]


@dataclass
class WrappedProse:
    """Comment text of ``path`` for a build that parses it (site pages, the
    ``kernel-doc`` directive)."""

    path: str

    def __call__(self, text: str, line: int, titles: bool = False) -> list[str]:
        if is_plain(text):
            return text_to_rst(text)
        return comment_block(text, self.path, line, titles)


@dataclass
class ConvertedProse:
    """Comment text written as reST (``kdocgen rst``): plain text converted,
    other text only when a check passed it (``passed``: its (line, text)
    pairs), else as a literal block."""

    passed: set[tuple[int, str]] = field(default_factory=set)

    def __call__(self, text: str, line: int, titles: bool = False) -> list[str]:
        if is_plain(text) or (line, text) in self.passed:
            return text_to_rst(text)
        return literal_lines(text)
