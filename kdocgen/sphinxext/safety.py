"""No raw output and no file access where comment text can reach.

Generated pages are made of comment text, which anyone can write.  The page
renderer already shows dangerous markup as text; this is the second line of
defence, in Sphinx: the directives and roles that emit raw output or read
files of the build machine refuse to work, with a warning naming the file and
line, when they stand

- in a page kdocgen generated (it starts with the ``.. src-file: PATH``
  comment that :func:`kdocgen.render.page.render_page` writes), or
- in text that comes from a C source file (what the ``kernel-doc`` directive
  puts into a hand-written page).

Hand-written pages keep every power.  Guarded: ``raw``, ``include``,
``literalinclude``, ``image``, ``figure``, ``kernel-doc``, ``csv-table`` with
``:file:`` or ``:url:``, and the ``raw`` (with every role derived from it) and
``download`` roles.  Links there to anything but http(s), ftp, mailto and
the site itself (``javascript:``, ``data:``, ``file:`` ...) become text.
"""

from __future__ import annotations

import functools
import re
from pathlib import PurePath

from docutils import nodes
from docutils.parsers.rst import roles
from docutils.parsers.rst.directives.images import Image
from docutils.parsers.rst.directives.misc import Raw
from sphinx.directives.code import LiteralInclude
from sphinx.directives.other import Include
from sphinx.directives.patches import CSVTable, Figure
from sphinx.roles import specific_docroles

from ..render.page import SRC_FILE_MARK

C_SUFFIXES = (".c", ".h")
#: Link targets allowed in restricted text: these schemes, or no scheme.
_SAFE_URI = re.compile(r"(?:https?|ftp|mailto):|[^:]*(?:[/?#]|$)", re.IGNORECASE)


def _is_generated_page(path: str) -> bool:
    """Whether the file at ``path`` is a page kdocgen wrote (its second line
    is the ``.. src-file:`` comment)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as page:
            page.readline()
            return page.readline().startswith(".. " + SRC_FILE_MARK)
    except OSError:
        return False


def restriction(source: str | None) -> str | None:
    """Why markup from ``source`` (a file name) may not reach outside the
    text: ``"a generated page"``, ``"comment text"``, or None (allowed)."""
    if not source:
        return None
    if PurePath(source).suffix in C_SUFFIXES:
        return "comment text"
    if _is_generated_page(source):
        return "a generated page"
    return None


class _Guarded:
    """Directive mixin: refuse to run where :func:`restriction` says so."""

    def refused(self) -> bool:
        """Whether this use of the directive is refused in restricted text."""
        return True

    def run(self):
        source, _line = self.state_machine.get_source_and_line(self.lineno)
        where = restriction(source)
        if where and self.refused():
            raise self.warning(f'"{self.name}" directive not allowed in {where}; left out')
        return super().run()


class _GuardedFileOptions(_Guarded):
    """Refused only when it would read a file or a URL."""

    def refused(self) -> bool:
        return "file" in self.options or "url" in self.options


def guarded(directive: type, file_options_only: bool = False) -> type:
    """``directive`` as a class that refuses to run in restricted text."""
    mixin = _GuardedFileOptions if file_options_only else _Guarded
    return type(directive.__name__, (mixin, directive), {})


def guarded_role(role):
    """``role`` as a role function that shows itself as text in restricted text."""

    @functools.wraps(role)
    def run(name, rawtext, text, lineno, inliner, options=None, content=None):
        source, _line = inliner.reporter.get_source_and_line(lineno)
        where = restriction(source)
        if where:
            message = inliner.reporter.warning(f'"{name}" role not allowed in {where}; shown as text',
                                               line=lineno)
            return [nodes.literal(rawtext, rawtext)], [message]
        return role(name, rawtext, text, lineno, inliner, options or {}, content or [])

    return run


def _source_of(node: nodes.Node) -> str | None:
    """The source file of ``node`` or of its nearest ancestor that has one."""
    while node is not None and not getattr(node, "source", None):
        node = node.parent
    return node.source if node is not None else None


def unlink_unsafe_uris(app, doctree: nodes.document) -> None:
    """doctree-read: in restricted text, links with a script-like or local
    scheme become their text."""
    for ref in list(doctree.findall(nodes.reference)):
        uri = ref.get("refuri")
        if uri and not _SAFE_URI.match(uri.strip()) and restriction(_source_of(ref)):
            ref.replace_self(nodes.Text(ref.astext()))


def setup_safety(app) -> None:
    """Register the guarded directives and roles (over Sphinx's own)."""
    for name, directive in (("raw", Raw), ("include", Include), ("literalinclude", LiteralInclude),
                            ("image", Image), ("figure", Figure)):
        app.add_directive(name, guarded(directive), override=True)
    app.add_directive("csv-table", guarded(CSVTable, file_options_only=True), override=True)
    app.add_role("raw", guarded_role(roles.raw_role), override=True)
    app.add_role("download", guarded_role(specific_docroles["download"]), override=True)
    app.connect("doctree-read", unlink_unsafe_uris)
