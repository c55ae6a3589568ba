"""kernel-doc's reST markup of comment text.

kernel-doc turns the kernel-doc conventions of comment text into reST:
``%CONST`` and ``&struct foo`` references, ``@param`` names, ``&foo->bar``
members.  The rules run one after the other over a whole block of text, so
that later rules see what earlier ones wrote; text inside literal blocks
(after a line ending in ``::`` or a ``.. code-block::``) is left alone.
The rules here are written from kernel-doc's observed output.
"""

from __future__ import annotations

import re
from typing import Callable

from .scan import perl_split

Rule = tuple["re.Pattern[str]", Callable[["re.Match[str]"], str]]

_A = re.ASCII


#: 6.x (Perl) rules, in the order kernel-doc applies them.
PERL_RULES: list[Rule] = [
    (re.compile(r"%([\w*-]+)", _A), lambda m: f"``{m[1]}``"),
    (re.compile(r"&(\w+)(->|\.)(\w+)\(\)", _A), lambda m: f":c:type:`{m[1]}{m[2]}{m[3]}\\(\\) <{m[1]}>`"),
    (re.compile(r"&(\w+)(->|\.)(\w+)", _A), lambda m: f":c:type:`{m[1]}{m[2]}{m[3]} <{m[1]}>`"),
    (re.compile(r"@(\w+)[(][)]", _A), lambda m: f"**{m[1]}\\(\\)**"),
    (re.compile(r"@(\w+->[^\s]+)\(\)", _A), lambda m: f"**{m[1]}\\(\\)**"),
    (re.compile(r"&((?:enum|struct|typedef|union)\s*(\w+))", _A), lambda m: f":c:type:`{m[1]} <{m[2]}>`"),
    (re.compile(r"&(\w+)", _A), lambda m: f":c:type:`{m[1]}`"),
    (re.compile(r"([!~*]?)@(\w*(?:\.\w+|->\w+)*(?:\.\.\.)?)", _A), lambda m: f"**{m[1]}{m[2]}**"),
]


def highlight_block(text: str, rules: list[Rule]) -> str:
    """``text`` with every rule applied in turn."""
    for pattern, replace in rules:
        if any(c in text for c in "%&@"):
            text = pattern.sub(replace, text)
    return text


def _literal_start(line: str) -> bool:
    """A line that opens a literal block: ``...::`` (not a ``..`` comment)
    or a ``.. code-block::`` directive."""
    if line.endswith("::") and not line.startswith("."):
        return True
    if line.startswith(".."):
        rest = line[2:]
        if rest.startswith(" ") and rest.lstrip(" ").startswith("code-block::"):
            return True
    return False


def highlight_rst(text: str, rules: list[Rule]) -> list[str]:
    """The lines kernel-doc prints for a block of comment text: marked up
    except inside literal blocks, whose lines are passed through."""
    output: list[str] = []
    block: list[str] = []
    literal, indent = False, None
    for line in perl_split(text, "\n"):
        if literal:
            if line.strip():
                if indent is None:
                    indent = line[:len(line) - len(line.lstrip())]
                    output.append(line + "\n")
                elif not line.startswith(indent):
                    literal = False
                else:
                    output.append(line + "\n")
            else:
                output.append(line + "\n")
        if not literal:
            block.append(line + "\n")
            if _literal_start(line):
                literal, indent = True, None
                output.append(highlight_block("".join(block), rules))
                block = []
    if block:
        output.append(highlight_block("".join(block), rules))
    return perl_split("".join(output), "\n")


