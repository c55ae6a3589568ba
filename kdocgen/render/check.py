"""Comment text and generated pages checked with docutils alone.

Outside Sphinx (``kdocgen rst``, the lint, the tests) comment text is parsed
by docutils with the same directive as in a Sphinx build
(:class:`kdocgen.render.markup.CommentText`), so a comment is judged the
same way everywhere: :func:`check_comments` parses the texts of one file in
one document and returns each text's problems.  :func:`check_page` parses a
whole generated page the same way (Sphinx's directives and roles stood in
for) and returns every complaint.
"""

from __future__ import annotations

import copy
import functools
import io
from contextlib import contextmanager
from dataclasses import dataclass

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser, directives, roles
from docutils.readers.standalone import Reader as RstReader
from docutils.utils import new_document
from docutils.writers.null import Writer as NullWriter

from .markup import (DIRECTIVE, CommentText, TextProblem, comment_block, literal_role, oversized,
                     stand_in_directive)


@dataclass(frozen=True)
class CommentPart:
    """A piece of comment text and where it comes from."""

    text: str
    path: str
    line: int
    titles: bool = False  # section titles allowed (DOC blocks, section bodies)


@dataclass
class Problem:
    """A docutils complaint about a generated page."""

    line: int
    level: int  # 2 warning, 3 error, 4 severe
    message: str


@functools.lru_cache(maxsize=1)
def _settings():
    """docutils settings: nothing printed or raised, no file insertion, no
    raw output (made once per process)."""
    settings = get_default_settings(Parser, RstReader, NullWriter)
    settings.report_level = 5
    settings.halt_level = 5
    settings.warning_stream = io.StringIO()
    settings.file_insertion_enabled = False
    settings.raw_enabled = False
    return settings


@contextmanager
def _generated_markup():
    """During one parse, the comment directive and stand-ins for Sphinx's
    directives and roles resolve (docutils' registries are not touched)."""
    find_directive, find_role = directives.directive, roles.role

    def directive(name, language, document):
        if name.lower() == DIRECTIVE:
            return CommentText, []
        found, messages = find_directive(name, language, document)
        return (found, messages) if found is not None else (stand_in_directive(name.lower()), [])

    def role(name, language, lineno, reporter):
        found, messages = find_role(name, language, lineno, reporter)
        return (found, messages) if found is not None else (literal_role, [])

    directives.directive, roles.role = directive, role
    try:
        yield
    finally:
        directives.directive, roles.role = find_directive, find_role


def parse_generated(text: str, source_path: str = "<generated>", report=None) -> nodes.document:
    """The document docutils makes of generated reST (comment text made
    safe as in a build; ``report(lineno, problem)`` hears its problems)."""
    return _parse(text, source_path, report or (lambda lineno, problem: None))


def _parse(text: str, source_path: str, report) -> nodes.document:
    settings = copy.copy(_settings())
    settings.kdocgen_report = report
    document = new_document(source_path, settings)
    with _generated_markup():
        Parser().parse(text, document)
    return document


def check_comments(parts: list[CommentPart], source_path: str = "<comments>") -> list[list[TextProblem]]:
    """Each part's problems (refused markup, reST errors, failures) when
    its text is parsed as the site parses it; one docutils parse in all."""
    lines: list[str] = []
    unit_at: dict[int, int] = {}
    found: list[list[TextProblem]] = [[] for _ in parts]
    for index, part in enumerate(parts):
        too_long = oversized(part.text, part.path, part.line)
        if too_long is not None:
            found[index].append(too_long)
            continue
        unit_at[len(lines) + 1] = index
        lines += comment_block(part.text, part.path, part.line, part.titles) + ["", ".."]
    if lines:
        _parse("\n".join(lines) + "\n", source_path,
               lambda lineno, problem: found[unit_at[lineno]].append(problem))
    return found


def check_page(text: str, source_path: str = "<generated>") -> list[Problem]:
    """Every complaint about a generated page: docutils' warnings and
    errors, and the problems of the comment text it holds."""
    problems: list[Problem] = []

    def report(lineno: int, problem: TextProblem) -> None:
        problems.append(Problem(lineno, 2, f"{problem.path}:{problem.line}: {problem.message}"))

    document = _parse(text, source_path, report)
    for msg in document.findall(nodes.system_message):
        if msg["level"] >= 2:
            problems.append(Problem(msg.get("line") or 0, msg["level"], msg.astext().strip()))
    return problems
