"""A ``kernel-doc`` Sphinx directive that runs a kernel-doc *command*, for
the kernel-build bench on 7.x trees.

The 7.x tree's own ``Documentation/sphinx/kerneldoc.py`` calls the kernel-doc
library in-process and never reads ``KERNELDOC``, so bench/kbuild.py puts
this module in its place (in a symlink farm of the tree) on both sides of
the comparison.  It runs ``$KERNELDOC`` (or the tree's
``tools/docs/kernel-doc``) with the arguments the tree's extension would
pass (bench/kdflags.py) and parses the reST it prints; ``.. LINENO n``
lines give the source line of what follows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from docutils import nodes, statemachine
from docutils.parsers.rst import Directive, directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import switch_source_input

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.kdflags import Directive as KdDirective, directive_args  # noqa: E402

LINENO = ".. LINENO "
logger = logging.getLogger(__name__)


def kerneldoc_command(srctree: str) -> list[str]:
    """``$KERNELDOC`` or the tree's kernel-doc, run with this Python."""
    given = os.environ.get("KERNELDOC")
    if given:
        return [given]
    return [sys.executable, os.path.join(srctree, "tools", "docs", "kernel-doc")]


def source_lines(text: str, tab_width: int, origin: str) -> statemachine.ViewList:
    """kernel-doc's reST with its LINENO markers turned into line offsets."""
    result = statemachine.ViewList()
    offset = 0
    for line in statemachine.string2lines(text, tab_width, convert_whitespace=True):
        number = line[len(LINENO):] if line.startswith(LINENO) else ""
        if number.isdigit():
            offset = int(number) - 1  # docutils counts from 0
            continue
        result.append(line, origin, offset)
        offset += 1
    return result


class KernelDocCommand(Directive):
    """``.. kernel-doc:: FILE`` with the kernel extension's options."""
    required_arguments = 1
    optional_arguments = 4
    option_spec = {name: directives.unchanged for name in
                   ("export", "internal", "identifiers", "no-identifiers", "functions")}
    option_spec["doc"] = directives.unchanged_required
    has_content = False

    def run(self) -> list[nodes.Node]:
        env = self.state.document.settings.env
        srctree = env.config.kerneldoc_srctree
        request = KdDirective(env.docname, self.lineno, self.arguments[0],
                              {k: str(v) for k, v in self.options.items()})
        args = directive_args(request, Path(srctree), perl=False)
        env.note_dependency(os.path.abspath(os.path.join(srctree, self.arguments[0])))
        command = kerneldoc_command(srctree) + args
        proc = subprocess.run(command, cwd=srctree, capture_output=True)
        sys.stderr.write(proc.stderr.decode("utf-8", "replace"))
        if proc.returncode != 0:
            logger.warning("kernel-doc '%s' failed with return code %d",
                           " ".join(command), proc.returncode)
            return [nodes.error(None, nodes.paragraph(text="kernel-doc missing"))]
        origin = f"{env.srcdir}/{env.docname}:{self.lineno}: {srctree}/{self.arguments[0]}"
        lines = source_lines(proc.stdout.decode("utf-8", "replace"),
                             self.state.document.settings.tab_width, origin)
        node = nodes.section()
        with switch_source_input(self.state, lines):
            self.state.nested_parse(lines, 0, node, match_titles=1)
        return node.children


def setup(app: Sphinx) -> dict:
    """Register the directive and the kernel extension's settings."""
    app.add_config_value("kerneldoc_srctree", None, "env")
    app.add_config_value("kerneldoc_verbosity", 1, "env")
    app.add_directive("kernel-doc", KernelDocCommand)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
