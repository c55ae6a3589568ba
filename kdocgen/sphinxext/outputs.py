"""What an HTML build is made of, for ``kdocgen html`` (which publishes
exactly this build's files and skips Sphinx when none of its inputs changed).

At the end of a successful HTML build, ``kdocgen-build.json`` in the doctree
folder lists the build's pages (one per document, every page generated this
build: indexes, search, 404, source views), its per-document files
(reference reports, images, downloads, copied sources) and the files the
documents depend on (kernel sources, ABI files).  Files of earlier builds
that are in none of these lists are stale.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..site.record import BUILD_FILE


@dataclass
class BuildOutputs:
    """Per-application record of the pages generated this build."""

    pages: set[str] = field(default_factory=set)

    def add(self, pagename: str) -> None:
        """Count ``pagename`` as a page of this build (written now or before)."""
        self.pages.add(pagename)


def build_outputs(app) -> BuildOutputs:
    """The application's record (made on first use; never global)."""
    record = getattr(app, "kdocgen_outputs", None)
    if record is None:
        record = app.kdocgen_outputs = BuildOutputs()
    return record


def note_page(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    """html-page-context: a page rendered in this process."""
    if doctree is None:
        build_outputs(app).add(pagename)


def build_files(app) -> dict:
    """The files of this build, relative to the output folder, and the
    absolute paths of the files its documents depend on."""
    env, builder, out = app.env, app.builder, Path(app.outdir)

    top = os.fspath(out)

    def output(pagename: str) -> str:
        return os.path.relpath(os.fspath(builder.get_outfilename(pagename)), top).replace(os.sep, "/")

    pages = {output(d) for d in env.found_docs} | {output(p) for p in build_outputs(app).pages}
    per_document = {f"_kdocgen/xrefs/{d}.json" for d in env.found_docs}
    per_document |= {f"_images/{name}" for _docs, name in env.images.values()}
    per_document |= {f"_downloads/{Path(dest).as_posix()}" for _docs, dest in env.dlfiles.values()}
    if app.config.html_copy_source:
        suffix = app.config.html_sourcelink_suffix
        per_document |= {f"_sources/{Path(env.doc2path(d, False)).as_posix()}{suffix}" for d in env.found_docs}
    srcdir = os.path.realpath(app.srcdir)
    # joined as text (a dependency is a kernel source or a page's data file:
    # no link to follow below the tree's own path)
    depends = {os.path.normpath(os.path.join(srcdir, path)) for paths in env.dependencies.values() for path in paths}
    return {"pages": sorted(pages), "per_document": sorted(per_document), "dependencies": sorted(depends)}


def write_build_files(app, exception) -> None:
    """build-finished: ``kdocgen-build.json`` in the doctree folder."""
    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    text = json.dumps(build_files(app), indent=0, sort_keys=True) + "\n"
    (Path(app.doctreedir) / BUILD_FILE).write_text(text, encoding="utf-8")


def setup_outputs(app) -> None:
    """Register the record of the build's files."""
    app.connect("html-page-context", note_page)
    app.connect("build-finished", write_build_files)
