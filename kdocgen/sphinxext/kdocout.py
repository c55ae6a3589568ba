"""The ``kernel-doc`` directive on kernel-doc's own output.

In a kernel tree's ``Documentation/`` build the directive takes, in process,
exactly the reST that the tree's kernel-doc prints for the directive's
options (:mod:`kdocgen.dropin`, byte-identical to it), and parses it as the
kernel's extension does: ``.. LINENO`` lines place what follows at its
source line, titles are allowed.  Unlike the kernel's extension the parse is
restricted (comment text is untrusted): only allow-listed directives and
roles resolve, and the nodes are checked against the allow-list
(:mod:`kdocgen.render.markup`); refused markup is shown as text, with a
warning.
"""

from __future__ import annotations

import glob
import os
import sys
from dataclasses import dataclass, field

import sphinx
from docutils import nodes
from docutils.statemachine import StringList, string2lines
from sphinx.util import logging
from sphinx.util.docutils import switch_source_input

from ..dropin.command import Result, run
from ..dropin.flags import parse_perl, parse_python
from ..dropin.readings import Readings
from ..kerneldoc.dialect import Dialect
from ..render.markup import RestrictedMarkup, make_safe

logger = logging.getLogger(__name__)

LINENO = ".. LINENO "


@dataclass
class Invocation:
    """What the directive asks kernel-doc for: its arguments (as the
    kernel's extension would pass them) and the files read."""

    argv: list[str]
    depends: list[str] = field(default_factory=list)


def _names(value: str | None, python: bool) -> list[str]:
    """The words of an option; 7.x drops a trailing backslash of each."""
    words = (value or "").split()
    if python:
        words = [w.rstrip("\\").strip() for w in words]
    return [w for w in words if w]


def invocation(options: dict, srctree: str, relpath: str, dialect: Dialect) -> Invocation:
    """The kernel-doc command line for a directive's ``options``."""
    path = f"{srctree}/{relpath}"
    argv = ["-rst", "-enable-lineno"]
    if not dialect.python:
        argv += ["-sphinx-version", sphinx.__version__]
    wanted = options.get("functions", options.get("identifiers"))
    has_identifiers = "functions" in options or "identifiers" in options
    patterns: list[str] = []
    if "export" in options or "internal" in options:
        key = "export" if "export" in options else "internal"
        argv.append("-" + key)
        patterns = _names(options[key], dialect.python)
    elif "doc" in options:
        argv += ["-function", str(options["doc"])]
    elif has_identifiers:
        names = _names(wanted, dialect.python)
        for name in names:
            argv += ["-function", name]
        if not names:
            argv.append("-no-doc-sections")
    for name in _names(options.get("no-identifiers"), dialect.python):
        argv += ["-nosymbol", name]
    depends = [path]
    for pattern in patterns:
        for found in glob.glob(f"{srctree}/{pattern}"):
            depends.append(found)
            argv += ["-export-file", found]
    argv.append(path)
    return Invocation(argv, depends)


def kernel_doc(argv: list[str], dialect: Dialect, readings: Readings | None = None) -> Result:
    """What kernel-doc prints for ``argv`` (in process; files read by
    earlier directives taken from ``readings``)."""
    options = parse_python(argv) if dialect.python else parse_perl(argv)
    return run(options, dialect, readings)


def placed_lines(text: str, origin: str, tab_width: int) -> StringList:
    """kernel-doc's reST as input lines, each at its source line: a
    ``.. LINENO N`` line is not kept but places the lines after it."""
    content = StringList()
    offset = 0
    for line in string2lines(text, tab_width, convert_whitespace=True):
        number = line[len(LINENO):] if line.startswith(LINENO) else ""
        if number.isdigit():
            offset = int(number) - 1
            continue
        content.append(line, origin, offset)
        offset += 1
    return content


def report_kernel_doc(result: Result, dialect: Dialect, verbosity: int, command: str,
                      location: object) -> bool:
    """Show kernel-doc's messages as the tree's extension does (7.x: as
    Sphinx warnings; 6.x: on stderr when ``verbosity`` > 0); False when it
    failed (its exit status is not 0)."""
    messages = "".join(result.stderr)
    if result.status != 0:
        sys.stderr.write(messages)
        logger.warning("kernel-doc '%s' failed with return code %d", command, result.status,
                       location=location)
        return False
    if dialect.python:
        for line in messages.splitlines():
            if line.strip():
                logger.warning("%s", line, type="kernel-doc", location=location)
    elif verbosity > 0 and messages:
        sys.stderr.write(messages)
    return True


def parse_restricted(state, content: StringList, location: object) -> list[nodes.Node]:
    """Parse kernel-doc's reST into nodes, restricted to the allow-list."""

    def refused(source: str, line: int, message: str) -> None:
        # a string: Sphinx takes a (name, line) tuple for a document's name
        logger.warning("%s", message, type="kdocgen", subtype="comment",
                       location=f"{source}:{line}" if source else location)

    container = nodes.section()
    with switch_source_input(state, content), RestrictedMarkup(refused):
        state.nested_parse(content, 0, container, match_titles=1)
    for problem in make_safe(container, None, 0):  # each node placed at its own source line
        logger.warning("%s", problem.message, type="kdocgen", subtype="comment",
                       location=f"{problem.path}:{problem.line}" if problem.path and problem.line else location)
    return container.children


def command_text(argv: list[str]) -> str:
    """The command line as the kernel's extension prints it."""
    return " ".join(["kernel-doc", *argv])


def srctree_of(config_value: str | None) -> str:
    """``kerneldoc_srctree`` as the kernel's extension joins it (``.`` if unset)."""
    return config_value or os.curdir
