"""The ``kernel-doc`` directive: pull declarations into hand-written pages.

Same spelling and options as the kernel's own directive::

    .. kernel-doc:: drivers/hv/vmbus_drv.c
       :export:                   (symbols exported with EXPORT_SYMBOL*;
                                   optional globs of more files to look in)
       :internal:                 (the other documented symbols)
       :identifiers: a b c        (just these; empty: all)
       :no-identifiers: a b       (all but these)
       :functions: a b            (alias of :identifiers:)
       :doc: Title                (one DOC: block)

Paths are relative to ``kerneldoc_srctree``.  Each source file is parsed
once per build process, and is registered as a dependency of the pages
that include it.
"""

from __future__ import annotations

import glob
import os
import re
from pathlib import Path
from typing import Any, cast

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

from ..model import SourceFile, Symbol
from ..render.entry import directive_entry, scoped
from ..render.prose import WrappedProse
from ..site.description import site_of
from .cconfig import attributes_used_in
from .kdocout import command_text, invocation, kernel_doc, parse_restricted, placed_lines, report_kernel_doc
from .parsed import DOCUMENTED, ParsedFiles, dropin_readings

logger = logging.getLogger(__name__)


_KEYWORDS = {"struct", "union", "enum", "typedef"}


def _optional_words(argument: str | None) -> list[str]:
    """Names given to an option; ``struct foo`` is written for ``foo``."""
    return [word for word in (argument or "").split() if word not in _KEYWORDS]


class KernelDocDirective(SphinxDirective):
    """``.. kernel-doc:: FILE`` with the kernel directive's options."""

    required_arguments = 1
    optional_arguments = 0
    has_content = False
    option_spec = {
        "export": directives.unchanged,
        "internal": directives.unchanged,
        "identifiers": directives.unchanged,
        "no-identifiers": directives.unchanged,
        "functions": directives.unchanged,
        "doc": directives.unchanged_required,
    }

    #: parsed files of this build process; set per application by setup()
    cache: ParsedFiles = ParsedFiles()
    #: the application, for its site description; set by setup()
    application: Any = None

    def run(self) -> list[nodes.Node]:
        active = cast("list[str]", self.env.temp_data.setdefault("kdocgen_kernel_doc_active", []))
        if self.arguments[0] in active:  # a comment's kernel-doc directive naming a file being read
            logger.warning("kernel-doc: %s: included from its own documentation (%s); not again",
                           self.arguments[0], " -> ".join(active), location=self.get_location())
            return []
        active.append(self.arguments[0])
        try:
            return self._run()
        except Exception as err:  # noqa: BLE001 - a source file must not stop the build
            logger.warning("kernel-doc: %s: could not be documented (%s: %s)", self.arguments[0],
                           type(err).__name__, err, location=self.get_location())
            return []
        finally:
            active.pop()

    def _run(self) -> list[nodes.Node]:
        if self._kernel_doc_output():
            return self._run_kernel_doc()
        tree = Path(self.config.kerneldoc_srctree or ".")
        relpath = self.arguments[0]
        source = self._source(tree, relpath)
        if source is None:
            return []
        lines: list[str] = []
        prose = WrappedProse(source.path)
        for symbol in self._select(tree, source):
            lines += directive_entry(symbol, prose) + [""]
        if not lines:
            return []
        site = site_of(self.application)
        if site is not None and relpath in site.files:
            # The file's API page holds the canonical entries; these go in a
            # namespace of this document so the C domain has no duplicates.
            scope = "doc_" + re.sub(r"\W", "_", self.env.docname)
            lines = scoped(lines, scope) + [""]
        content = StringList()
        origin = str(tree / relpath)
        for index, line in enumerate(lines):
            content.append(line, origin, index)
        container = nodes.section() if self.options.get("doc") is not None else nodes.container()
        with attributes_used_in(self.config, "\n".join(lines)):
            nested_parse_with_titles(self.state, content, container)
        return container.children

    def _kernel_doc_output(self) -> bool:
        """Whether the entries are kernel-doc's own reST (``kerneldoc_output``:
        "kernel-doc"; "auto": in a build of a kernel tree's own Documentation/,
        or with the kernel's ``automarkup`` extension, which links the
        ``func()`` and ``struct foo`` that kernel-doc's reST leaves as text)
        rather than kdocgen's entries."""
        wanted = self.config.kerneldoc_output
        if wanted == "auto":
            return site_of(self.application) is None and (
                "automarkup" in self.config.extensions or self._builds_tree_documentation())
        return wanted == "kernel-doc"

    def _builds_tree_documentation(self) -> bool:
        """Whether the pages being built are ``kerneldoc_srctree``'s Documentation/."""
        tree = self.config.kerneldoc_srctree
        return bool(tree) and Path(self.env.srcdir).resolve() == (Path(tree) / "Documentation").resolve()

    def _run_kernel_doc(self) -> list[nodes.Node]:
        """The entries as the kernel's own extension makes them, from
        kernel-doc's output (identical), parsed restricted."""
        srctree = self.config.kerneldoc_srctree or "."
        dialect = self.cache.dialect(srctree)
        call = invocation(self.options, srctree, self.arguments[0], dialect)
        for path in call.depends:
            self.env.note_dependency(os.path.abspath(path))
        result = kernel_doc(call.argv, dialect, dropin_readings(self.application))
        location = self.get_location()
        if not report_kernel_doc(result, dialect, self.config.kerneldoc_verbosity, command_text(call.argv),
                                 location):
            return [nodes.error(None, nodes.paragraph(text="kernel-doc missing"))]
        origin = f"{self.env.srcdir}/{self.env.docname}:{self.lineno}: {call.depends[0]}"
        content = placed_lines(result.stdout, origin, self.state.document.settings.tab_width)
        with attributes_used_in(self.config, result.stdout):
            return parse_restricted(self.state, content, location)

    def _source(self, tree: Path, relpath: str) -> SourceFile | None:
        path = tree / relpath
        if not path.is_file():
            logger.warning("kernel-doc: %s: no such file in %s", relpath, tree, location=self.get_location())
            return None
        self.env.note_dependency(str(path.resolve()))
        source = self.cache.get(tree, relpath, DOCUMENTED)
        for diag in source.diagnostics:
            if diag.severity == "error":
                logger.warning("kernel-doc: %s:%d: %s", diag.path, diag.line, diag.message,
                               location=self.get_location())
        return source

    def _select(self, tree: Path, source: SourceFile) -> list[Symbol]:
        """The documented symbols the options ask for, in file order."""
        options = self.options
        documented = source.documented
        if "doc" in options:
            title = options["doc"].strip()
            found = [s for s in documented if s.kind == "doc" and s.name.strip() == title]
            if not found:
                logger.warning("kernel-doc: %s: no 'DOC: %s' block", source.path, title,
                               location=self.get_location())
            return found
        names = _optional_words(options.get("identifiers")) + _optional_words(options.get("functions"))
        if "identifiers" in options or "functions" in options:
            if not names:
                return [s for s in documented if s.kind != "doc"]
            chosen = [s for s in documented if s.name in names and s.kind != "doc"]
            missing = sorted(set(names) - {s.name for s in chosen})
            for name in missing:
                logger.warning("kernel-doc: %s: '%s' not found", source.path, name,
                               location=self.get_location())
            return chosen
        if "no-identifiers" in options:
            skip = set(_optional_words(options["no-identifiers"]))
            return [s for s in documented if s.name not in skip and s.kind != "doc"]
        if "export" in options or "internal" in options:
            key = "export" if "export" in options else "internal"
            exported = self._exported(tree, source, _optional_words(options[key]))
            if key == "export":
                return [s for s in documented if s.kind != "doc" and s.name in exported]
            return [s for s in documented if s.kind != "doc"
                    and not (s.kind in ("function", "macro") and s.name in exported)]
        return list(documented)

    def _exported(self, tree: Path, source: SourceFile, patterns: list[str]) -> set[str]:
        """Names exported in this file and in the files ``patterns`` name."""
        names = set(source.exports)
        for pattern in patterns:
            for path in sorted(glob.glob(str(tree / pattern), recursive=True)):
                rel = os.path.relpath(path, tree)
                self.env.note_dependency(str(Path(path).resolve()))
                names |= set(self.cache.get(tree, rel, DOCUMENTED).exports)
        return names

