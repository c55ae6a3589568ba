"""The files kdocgen's Sphinx extension keeps in the doctree folder, named
here, and the record of a build's files (``kdocgen-build.json``): what
``kdocgen html`` reads without loading Sphinx or the extension."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

BUILD_FILE = "kdocgen-build.json"
VIEW_KEYS = "kdocgen-sourceviews.json"  # what each source view was made of
GENINDEX_KEY = "kdocgen-genindex.txt"  # what genindex.html was made of
C_OBJECTS = "kdocgen-c-objects.pickle"  # the C domain's objects, per page
#: what a failed build leaves that the next one must not trust
BUILD_STATE = ("environment.pickle", BUILD_FILE, VIEW_KEYS, GENINDEX_KEY, C_OBJECTS)
#: folders of per-document files: a file there is stale unless listed
PER_DOCUMENT = ("_kdocgen/xrefs/", "_images/", "_downloads/", "_sources/")


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
