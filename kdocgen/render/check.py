"""Parse generated reST with docutils alone and report its complaints.

Sphinx's C-domain directives and roles are unknown to plain docutils; they
are stood in for by stubs that still parse their content, so that every
problem inside an entry (bad indentation, unbalanced markup) is reported
with its line.  Used by the tests on every page and by the lint.
"""

from __future__ import annotations

import functools
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass

from docutils import nodes, utils
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.readers.standalone import Reader as RstReader
from docutils.writers.null import Writer as NullWriter
from docutils.core import publish_doctree
from docutils.parsers.rst import Directive, directives, roles

_C_DIRECTIVES = ("c:function", "c:macro", "c:struct", "c:union", "c:enum", "c:enumerator",
                 "c:type", "c:var", "c:member", "code-block", "kernel-doc")
_ROLES = ("c:func", "c:type", "c:struct", "c:union", "c:enum", "c:macro", "c:data", "c:member",
          "c:var", "c:enumerator", "envvar", "ref", "doc", "c:expr", "c:texpr", "file", "manpage",
          "abbr", "command", "option", "kbd", "numref", "term")


class _Content(Directive):
    """Stand-in for a Sphinx directive: any arguments, content parsed."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = {"no-index": directives.flag, "noindex": directives.flag,
                   "linenos": directives.flag, "caption": directives.unchanged}

    def run(self):
        node = nodes.container()
        if self.content and self.name != "code-block":
            self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


def _role(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [nodes.literal(rawtext, utils.unescape(text))], []


@dataclass
class Problem:
    """A docutils system message on generated reST."""

    line: int
    level: int  # 2 warning, 3 error, 4 severe
    message: str


@contextmanager
def _stand_ins():
    """Resolve the Sphinx-only directives and roles to stand-ins during one
    parse, without touching docutils' registries (Sphinx may be running)."""
    find_directive, find_role = directives.directive, roles.role

    def directive(name, language, document):
        if name in _C_DIRECTIVES:
            return _Content, []
        return find_directive(name, language, document)

    def role(name, language, lineno, reporter):
        if name in _ROLES:
            return _role, []
        return find_role(name, language, lineno, reporter)

    directives.directive, roles.role = directive, role
    try:
        yield
    finally:
        directives.directive, roles.role = find_directive, find_role


# Lines with which docutils can complain: indentation, list, table or
# directive markers, literal-block introducers, section rules (any of
# docutils' adornment characters).  Flat prose,
# once converted (stray markup escaped), always parses.
_RISKY_LINE = re.compile(r"^\s+\S|^\s*(?:[-*+|=~^#]|\d+[.)]|\.\.|:\w)|::\s*$|^[!-/:-@\[-`{-~]{3,}\s*$")


def may_fail(lines: list[str]) -> bool:
    """Whether docutils could complain about these reST lines at all."""
    return any(_RISKY_LINE.search(line) for line in lines)


@functools.lru_cache(maxsize=1)
def _settings():
    """docutils settings for checking: nothing reported or raised, no file
    insertion, no raw output (made once per process)."""
    settings = get_default_settings(Parser, RstReader, NullWriter)
    settings.report_level = 5
    settings.halt_level = 5
    settings.warning_stream = io.StringIO()
    settings.file_insertion_enabled = False
    settings.raw_enabled = False
    return settings


def check_rst(text: str, source_path: str = "<generated>") -> list[Problem]:
    """Every docutils warning or error on ``text`` (empty when clean)."""
    problems: list[Problem] = []

    def collect(msg):
        problems.append(Problem(msg.get("line") or 0, msg["level"], msg.astext().strip()))

    with _stand_ins():  # the whole publisher: transforms report problems too
        doctree = publish_doctree(text, source_path=source_path, settings=_settings())
    for msg in doctree.findall(nodes.system_message):
        if msg["level"] >= 2:
            collect(msg)
    return problems
