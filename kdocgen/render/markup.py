"""Comment text parsed once, made safe on the nodes it produced.

Generated reST puts comment text that could hold markup into a wrapper
directive (:func:`comment_block`)::

    .. kdocgen-comment:: drivers/hv/channel.c:1066

        the comment's own text, as written

:class:`CommentText`, the directive, converts the text (kernel-doc
highlights, escapes), parses it with the parser of the running build
(docutils, or Sphinx's inside a Sphinx build) while only allowed directives
and roles resolve (:class:`RestrictedMarkup`), checks the nodes against the
allow-list, and returns them.  What is refused is shown as text; a comment
whose reST has errors, or whose parse fails in any way, is shown as a
literal block; each case is reported once with the comment's file and line.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

from docutils import nodes
from docutils.parsers.rst import Directive, directives, roles
from docutils.statemachine import StringList
from sphinx.util.nodes import nested_parse_with_titles

from .allow import ARGUMENT_CHECKS, LITERAL_DIRECTIVES, allows_directive, allows_role, refusal
from .inline import comment_to_rst, wrap_overlong

DIRECTIVE = "kdocgen-comment"
INDENT = "    "
#: Comment text longer than this is shown as written, not parsed: docutils
#: takes time linear in the text, but some shapes (a long run of nested
#: blocks) cost milliseconds a line.  Twice the longest kernel-doc comment
#: of the 6.12 tree (66 KB, in nl80211.h).
MAX_PARSED = 128 * 1024


@dataclass(frozen=True)
class TextProblem:
    """Something comment text did that the page does not show as markup."""

    path: str
    line: int
    kind: str  # "refused" (markup not allowed), "rst-error", "failure"
    message: str


Report = Callable[[TextProblem], None]


def comment_block(text: str, path: str, line: int, titles: bool = False, indent: str = "") -> list[str]:
    """The wrapper directive holding comment ``text`` (from ``path:line``)."""
    lines = [x for x, _ in wrap_overlong(text.split("\n"))]
    common = min((len(x) - len(x.lstrip(" ")) for x in lines if x.strip()), default=0)
    out = [f"{indent}.. {DIRECTIVE}:: {path}:{line}"]
    if common:
        out.append(f"{indent}{INDENT}:indent: {common}")
    if titles:
        out.append(f"{indent}{INDENT}:titles:")
    out.append("")
    out += [indent + INDENT + x[common:] if x.strip() else "" for x in lines]
    return out


def oversized(text: str, path: str, line: int) -> TextProblem | None:
    """The problem of comment text too long to be parsed, if it is."""
    if len(text) <= MAX_PARSED:
        return None
    return TextProblem(path, line, "rst-error", f"comment text of {len(text) // 1024} KB "
                       f"(over {MAX_PARSED // 1024} KB) shown as written, not parsed")


def literal_text(text: str) -> nodes.literal_block:
    """Comment text shown as it was written."""
    block = nodes.literal_block(text, text)
    block["language"] = "text"
    return block


# ---------------------------------------------------------- restricted parse


class RestrictedMarkup:
    """While active (a ``with`` block), docutils' directive and role lookups
    only resolve names comment text may use; other names resolve to
    stand-ins that show the markup as text and call ``refused``.

    Allowed Sphinx names that the running parser does not know (docutils
    alone) resolve to stand-ins that keep their content."""

    def __init__(self, refused: Callable[[str, int, str], None]):
        self.refused = refused
        self._saved: tuple | None = None
        self.shown_as_text = type("ShownAsText", (_ShownAsText,), {"markup": self})

    def __enter__(self) -> "RestrictedMarkup":
        self._saved = (directives.directive, roles.role)
        directives.directive, roles.role = self.directive, self.role
        return self

    def __exit__(self, *exc) -> None:
        if self._saved is not None:
            directives.directive, roles.role = self._saved

    def directive(self, name, language, document):
        """Directive lookup: allowed names only."""
        if not allows_directive(name):
            return self.shown_as_text, []
        found, messages = self._saved[0](name, language, document)
        if found is None:
            return stand_in_directive(name.lower()), []
        check = ARGUMENT_CHECKS.get(name.lower())
        return (found if check is None else self._checked(found, check)), messages

    def _checked(self, found: type, check: Callable[[str], bool]) -> type:
        """``found`` running only when ``check`` accepts its argument (else
        shown as text, refused)."""
        markup = self

        class Checked(found):
            def run(self):
                argument = self.arguments[0] if self.arguments else ""
                if check(argument):
                    return super().run()
                source, line = self.state_machine.get_source_and_line(self.lineno)
                markup.refused(source or "", line or 0, f'"{self.name}" directive reading '
                               f'{argument!r} not allowed in comment text; shown as text')
                return [literal_text(self.block_text.rstrip("\n"))]

        return Checked

    def role(self, name, language, lineno, reporter):
        """Role lookup: allowed names only."""
        if not allows_role(name):
            return self._role_as_text, []
        found, messages = self._saved[1](name, language, lineno, reporter)
        return (found, messages) if found is not None else (literal_role, [])

    def _role_as_text(self, name, rawtext, text, lineno, inliner, options=None, content=None):
        parent = getattr(inliner, "parent", None)
        source, line = getattr(parent, "source", None), getattr(parent, "line", None)
        if not (source and line):  # a paragraph not placed yet (in a field body, say)
            try:
                source, line = inliner.reporter.get_source_and_line(lineno)
            except Exception:  # noqa: BLE001 - a place is only a nicety
                pass
        self.refused(source or "", line or 0, f'"{name}" role not allowed in comment text; shown as text')
        return [nodes.literal(rawtext, rawtext)], []


class _AnyOption(dict):
    """An option spec accepting every option (its value as written)."""

    def __missing__(self, key):
        return directives.unchanged

    def __bool__(self) -> bool:
        return True


class _ShownAsText(Directive):
    """Stand-in for a refused directive: its whole text as a literal block."""

    markup: RestrictedMarkup
    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = _AnyOption()

    def run(self):
        source, line = self.state_machine.get_source_and_line(self.lineno)
        self.markup.refused(source or "", line or 0,
                            f'"{self.name}" directive not allowed in comment text; shown as text')
        return [literal_text(self.block_text.rstrip("\n"))]


class _Content(Directive):
    """Stand-in for an allowed Sphinx directive under docutils alone."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = _AnyOption()
    literal = False

    def run(self):
        if self.literal:
            return [literal_text("\n".join(self.content))]
        node = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


def stand_in_directive(name: str) -> type[Directive]:
    """Stand-in for an allowed Sphinx directive under docutils alone."""
    return type("Literal" if name in LITERAL_DIRECTIVES else "Content", (_Content,),
                {"literal": name in LITERAL_DIRECTIVES})


def literal_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """Stand-in for an allowed Sphinx role under docutils alone."""
    return [nodes.literal(rawtext, text)], []


# ------------------------------------------------------------ the directive


class CommentText(Directive):
    """``.. kdocgen-comment:: PATH:LINE`` (options ``:indent: N``,
    ``:titles:``): comment text, parsed restricted.  Problems go to
    :meth:`report`; this class calls ``settings.kdocgen_report(lineno,
    problem)`` (docutils alone; Sphinx's subclass logs warnings)."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {"indent": directives.nonnegative_int, "titles": directives.flag}

    def report(self, problem: TextProblem) -> None:
        """Tell about a problem (overridden inside Sphinx)."""
        report = getattr(self.state.document.settings, "kdocgen_report", None)
        if report is not None:
            report(self.lineno, problem)

    def run(self) -> list[nodes.Node]:
        path, _, line = self.arguments[0].rpartition(":")
        first = int(line) if line.isdigit() else 0
        pad = " " * self.options.get("indent", 0)
        text = "\n".join(pad + x if x.strip() else "" for x in self.content)
        too_long = oversized(text, path, first)
        if too_long is not None:
            self.report(too_long)
            return [literal_text(text)]
        try:
            return self._render(text, path, first)
        except Exception as err:  # noqa: BLE001 - nothing from a comment may leave
            self.report(TextProblem(path, first, "failure", "comment text could not be rendered "
                                    f"({type(err).__name__}: {err}); shown as text"))
            return [literal_text(text)]

    def _render(self, text: str, path: str, first: int) -> list[nodes.Node]:
        converted = comment_to_rst(text)
        content = StringList([x for x, _ in converted], items=[(path, first - 1 + i) for _, i in converted])
        container = nodes.container()
        refused: list[TextProblem] = []

        def note_refused(source: str, line: int, message: str) -> None:
            inside = first <= line < first + len(converted) and source == path
            refused.append(TextProblem(path, line if inside else first, "refused", message))

        with _quiet_reporter(self.state.document.reporter, content, path, first), \
                RestrictedMarkup(note_refused):
            if "titles" in self.options:
                nested_parse_with_titles(self.state, content, container)
            else:
                self.state.nested_parse(content, 0, container)
        error = next((m for m in container.findall(nodes.system_message) if m["level"] >= 2), None)
        for problem in _once(refused):
            self.report(problem)
        if error is not None:
            line = error.get("line") or first
            where = line if error.get("source") == path and line >= first else first
            message = error.children[0].astext() if error.children else error.astext()
            self.report(TextProblem(path, where, "rst-error",
                                    f"reST error in comment text (shown as text): {message}"))
            return [literal_text(text)]
        for problem in _once(make_safe(container, path, first)):
            self.report(problem)
        return container.children


def _once(problems: list[TextProblem]) -> list[TextProblem]:
    """Problems without repeats (a link refused as reference and target)."""
    return list(dict.fromkeys(problems))


@contextmanager
def _quiet_reporter(reporter, content: StringList, path: str, first: int):
    """During a parse of ``content``: the reporter prints nothing (problems
    are reported once, afterwards) and places messages by ``content``'s own
    lines (docutils asks the outermost parse otherwise)."""

    def source_and_line(lineno: int | None = None) -> tuple[str, int]:
        if lineno is None:
            return path, first
        try:
            source, offset = content.info(lineno - 1)
            return source, offset + 1
        except (IndexError, TypeError):
            return path, first

    saved = reporter.__dict__.get("get_source_and_line")
    level, reporter.report_level = reporter.report_level, 5
    reporter.get_source_and_line = source_and_line
    try:
        yield
    finally:
        reporter.report_level = level
        if saved is None:
            del reporter.get_source_and_line
        else:
            reporter.get_source_and_line = saved


def _placed(node: nodes.Node) -> nodes.Element | None:
    """``node`` or its nearest ancestor that knows its source line (inline
    markup such as a role's node has none of its own)."""
    at: nodes.Node | None = node
    while at is not None:
        if isinstance(at, nodes.Element) and at.line and at.source:
            return at
        at = at.parent
    return None


def make_safe(root: nodes.Element, path: str | None, first: int) -> list[TextProblem]:
    """Replace every node below ``root`` that comment text may not produce
    by its text (inline or as a literal block); the problems, one each,
    placed in ``path`` (None: at each node's own source and line)."""
    problems = []
    stack = list(root.children)
    while stack:
        node = stack.pop()
        if isinstance(node, nodes.system_message):  # infos: nothing to show
            node.parent.remove(node)
            continue
        why = refusal(node)
        if why is None:
            if isinstance(node, nodes.Element):
                stack.extend(node.children)
            continue
        placed = _placed(node)
        own = placed is not None and (path is None or placed.source == path)
        line = placed.line if own and placed is not None else first
        where = (placed.source or "") if path is None and placed is not None else path or ""
        problems.append(TextProblem(where, line, "refused", f"{why} not allowed in comment text; shown as text"))
        shown = node.rawsource if isinstance(node, nodes.Element) and node.rawsource else node.astext()
        inline = isinstance(node, nodes.Inline) or isinstance(node.parent, nodes.TextElement)
        node.replace_self(nodes.literal(shown, shown) if inline else literal_text(shown))
    return problems

