"""Prepare the Sphinx source of a subsystem's site (what ``make html`` runs
before ``sphinx-build``): per-file pages, narrative docs, landing page, and
``source/_site.json`` for the Sphinx extension.

Generated pages that no longer correspond to a source file are removed;
hand-written pages (anything not listed in the previous manifest) never are.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..extract import dialect_of, extract_many
from ..kerneldoc.dialect import Dialect
from ..maintainers import Entry, entry_docs, entry_files, find_entry, read_maintainers
from ..model import SourceFile
from ..render.page import render_page
from ..render.prose import WrappedProse
from ..files import write_if_changed
from ..render.write import page_path
from ..userabi.parse import is_abi_file
from ..userabi.site import write_abi_pages
from .index import SiteIndex, build_index, entry_symbols
from .landing import render_landing

MANIFEST = "_generated.json"
SITE_DATA = "_site.json"
DEFAULT_SUBSYSTEM = "Hyper-V/Azure CORE AND DRIVERS"


@dataclass
class SitePlan:
    """What a site is made of."""

    tree: Path
    title: str
    files: list[str]
    docs: list[str] = field(default_factory=list)
    entry: Entry | None = None
    abi: list[str] = field(default_factory=list)  # Documentation/ABI files of the entry
    abi_scan: bool = False  # also ABI files naming the code's sysfs/debugfs roots
    dialect: Dialect | None = None  # kernel-doc rules (None: the tree's own)

    def rules(self) -> Dialect:
        """The kernel-doc rules the site's files are read with."""
        return self.dialect or dialect_of(self.tree)


def plan_site(tree: Path, subsystem: str | None = None, files: list[str] | None = None,
              entry: Entry | None = None, version: str | None = None) -> SitePlan:
    """The files of a site: explicit ``files``, else a MAINTAINERS entry's
    (``entry`` when already found, else ``subsystem`` read from the tree),
    read with the kernel-doc rules of ``version`` (default: the tree's)."""
    tree = Path(tree)
    dialect = dialect_of(tree, version)
    if files:
        return SitePlan(tree, "Selected files", sorted(dict.fromkeys(files)), dialect=dialect)
    entry = entry or find_entry(read_maintainers(tree), subsystem or DEFAULT_SUBSYSTEM)
    all_docs = entry_docs(tree, entry)
    docs = [d for d in all_docs if d.endswith(".rst")]
    return SitePlan(tree, entry.name, entry_files(tree, entry), docs, entry, [d for d in all_docs if is_abi_file(d)],
                    dialect=dialect)


def _progress(message: str) -> None:
    print(f"kdocgen site: {message}", file=sys.stderr, flush=True)


def build_site_source(plan: SitePlan, out: Path, jobs: int = 1, progress=_progress, abi=None) -> dict:
    """Write the pages of ``plan`` into ``out`` (the ``source/`` folder), with
    the ABI data ``abi`` if given; return the figures shown on the landing page."""
    progress(f"parsing {len(plan.files)} files")
    sources = list(extract_many(plan.tree, plan.files, jobs=jobs, with_calls=True, dialect=plan.rules()))
    for source in sources:
        for diag in source.diagnostics:
            if diag.severity == "error":
                progress(f"{diag.path}:{diag.line}: error: {diag.message}")
    index = build_index(sources)
    figures = site_figures(sources)
    previous = _read_manifest(out)
    written: list[str] = []
    progress(f"writing {len(sources)} pages")
    for source in sources:
        path = page_path(out, source.path)
        write_if_changed(path, render_page(source, site=index, prose=WrappedProse(source.path)))
        written.append(path.relative_to(out).as_posix())
    written += _copy_docs(plan, out)
    user_abi = write_abi_pages(plan, sources, index, out, progress)
    written += user_abi.written
    figures["abi_errors"] = user_abi.errors
    landing = render_landing(plan, sources, figures, [_docname(out, p) for p in _top_docs(out, written)],
                             out.name)
    landing += user_abi.toctree
    if abi is not None:
        from ..abi.overview import ABI_JSON, landing_text, write_abi_site
        progress("writing the ABI overview")
        written += write_abi_site(abi, sources, index.is_canonical, out)
        landing += "\n" + landing_text(out.name)
    write_if_changed(out / "_landing.rst", landing)
    site_data = _site_data(plan, out, index) | ({"abi": ABI_JSON} if abi is not None else {})
    site_data["user_abi"] = user_abi.backlinks
    write_if_changed(out / SITE_DATA, json.dumps(site_data, indent=1, sort_keys=True) + "\n")
    _remove_stale(out, previous, set(written))
    write_if_changed(out / MANIFEST, json.dumps(sorted(written), indent=0) + "\n")
    return figures


def _docname(out: Path, rel: str) -> str:
    return f"{out.name}/{rel.rsplit('.', 1)[0]}"


_TOCTREE_ENTRY = re.compile(r"^\s{2,}(?:[^<\n]*<)?([\w./-]+?)>?\s*$")


def _top_docs(out: Path, written: list[str]) -> list[str]:
    """The narrative pages no other narrative page's toctree includes."""
    docs = [p for p in written if p.startswith("Documentation/")]
    included: set[str] = set()
    for rel in docs:
        base = Path(rel).parent
        in_toctree = False
        for line in (out / rel).read_text(encoding="utf-8", errors="replace").splitlines():
            if line.strip().startswith(".. toctree::"):
                in_toctree = True
            elif in_toctree and line.strip() and not line.startswith((" ", "\t")):
                in_toctree = False
            elif in_toctree and not line.strip().startswith(":"):
                entry = _TOCTREE_ENTRY.match(line)
                if entry:
                    included.add((base / entry.group(1)).as_posix())
    return [rel for rel in docs if rel.rsplit(".", 1)[0] not in included]


def site_figures(sources: list[SourceFile]) -> dict:
    """Counts for the landing page."""
    symbols = [s for src in sources for s in entry_symbols(src) if s.kind != "doc"]
    exported = [s for s in symbols if s.export]
    return {
        "files": len(sources),
        "symbols": len(symbols),
        "documented": sum(s.documented for s in symbols),
        "exported": len(exported),
        "exported_documented": sum(s.documented for s in exported),
        "doc_blocks": sum(s.kind == "doc" for src in sources for s in src.documented),
    }


def _copy_docs(plan: SitePlan, out: Path) -> list[str]:
    """Copy the subsystem's narrative reST pages under ``out/``."""
    copied = []
    for rel in plan.docs:
        target = out / rel
        try:
            text = (plan.tree / rel).read_text(encoding="utf-8", errors="replace")
        except OSError as err:
            _progress(f"{rel}: cannot read ({err.strerror}); left out")
            continue
        write_if_changed(target, text)
        copied.append(rel)
    return copied


def _site_data(plan: SitePlan, out: Path, index: SiteIndex) -> dict:
    """What the Sphinx extension reads (``kdocgen_site``)."""
    return {"tree": str(plan.tree.resolve()), "title": plan.title, "files": plan.files,
            "kernel_version": plan.rules().version,
            "page_dir": out.name, "callers": index.callers,
            "defined": {name: path for name, (path, _) in index.defined.items()}}


def _read_manifest(out: Path) -> list[str]:
    try:
        return json.loads((out / MANIFEST).read_text())
    except (OSError, ValueError):
        return []


def _remove_stale(out: Path, previous: list[str], current: set[str]) -> None:
    """Remove pages generated last time whose source is gone."""
    for rel in previous:
        if rel in current or ".." in Path(rel).parts:
            continue
        stale = out / rel
        if stale.is_file():
            stale.unlink()
            for parent in stale.parents:
                if parent == out or any(parent.iterdir()):
                    break
                parent.rmdir()


def clean_generated(out: Path) -> None:
    """Remove every generated page (hand-written ones stay)."""
    _remove_stale(out, _read_manifest(out), set())
    for name in (MANIFEST, SITE_DATA, "_landing.rst"):
        (out / name).unlink(missing_ok=True)

