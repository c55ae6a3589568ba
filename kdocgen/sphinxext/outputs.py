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

BUILD_FILE = "kdocgen-build.json"
#: folders of per-document files: a file there is stale unless listed
PER_DOCUMENT = ("_kdocgen/xrefs/", "_images/", "_downloads/", "_sources/")


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

    def output(pagename: str) -> str:
        return Path(os.path.relpath(builder.get_outfilename(pagename), out)).as_posix()

    pages = {output(d) for d in env.found_docs} | {output(p) for p in build_outputs(app).pages}
    per_document = {f"_kdocgen/xrefs/{d}.json" for d in env.found_docs}
    per_document |= {f"_images/{name}" for _docs, name in env.images.values()}
    per_document |= {f"_downloads/{Path(dest).as_posix()}" for _docs, dest in env.dlfiles.values()}
    if app.config.html_copy_source:
        suffix = app.config.html_sourcelink_suffix
        per_document |= {f"_sources/{Path(env.doc2path(d, False)).as_posix()}{suffix}" for d in env.found_docs}
    srcdir = Path(app.srcdir)
    depends = {str((srcdir / path).resolve()) for paths in env.dependencies.values() for path in paths}
    return {"pages": sorted(pages), "per_document": sorted(per_document), "dependencies": sorted(depends)}


def write_build_files(app, exception) -> None:
    """build-finished: ``kdocgen-build.json`` in the doctree folder."""
    if exception is not None or getattr(app.builder, "format", "") != "html":
        return
    text = json.dumps(build_files(app), indent=0, sort_keys=True) + "\n"
    (Path(app.doctreedir) / BUILD_FILE).write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class BuildRecord:
    """The files of one build, as ``kdocgen-build.json`` lists them."""

    pages: frozenset[str]
    per_document: frozenset[str]
    dependencies: tuple[str, ...]

    def keeps(self, rel: str) -> bool:
        """Whether ``rel`` (a path in the output folder) belongs to this
        build: a listed page or per-document file, or any file that is
        neither (static files, indexes, inventories)."""
        if rel.endswith(".html") and not rel.startswith("_static/"):
            return rel in self.pages
        if rel.startswith(PER_DOCUMENT):
            return rel in self.per_document
        return True


def read_build_files(doctrees: Path) -> BuildRecord | None:
    """The record of the last successful build in ``doctrees``, if any."""
    try:
        data = json.loads((doctrees / BUILD_FILE).read_text(encoding="utf-8"))
        return BuildRecord(frozenset(data["pages"]), frozenset(data["per_document"]),
                           tuple(data["dependencies"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def setup_outputs(app) -> None:
    """Register the record of the build's files."""
    app.connect("html-page-context", note_page)
    app.connect("build-finished", write_build_files)
