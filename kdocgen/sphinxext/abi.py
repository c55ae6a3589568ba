"""ABI sections of the site (active when the site description names ABI data,
``source/_abi.json`` written by ``kdocgen site --abi``):

- under each function definition and struct the data knows, its ABI status
  (summary, matrix, details per build, differences: :mod:`kdocgen.abi.render`);
- the style sheet and the sorting/filtering script of the overview tables;
- pages are read again when the ABI data changes.

Without ABI data nothing is added, so the site is the same as without this
module.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx import addnodes

from ..abi.lookup import AbiIndex
from ..abi.model import AbiData
from ..abi.render import entry_section
from ..abi.store import AbiDataError, loads
from ..abi.summary import entry_abi
from ..site.description import SiteDescription, site_of
from ..site.memo import kept_abi_data
from .parsed import parsed_files
from .site import entry_name, src_file_of

#: not under static/ (which every site copies): only sites with ABI data get these
STATIC_DIR = Path(__file__).parent / "abi_static"
#: C-domain object types that get an ABI section, and their ABI kind
KINDS = frozenset({"function", "struct"})


@dataclass
class AbiState:
    """Per-application ABI data (created in setup, never module-global):
    its digest at once, the data itself only when a page needs it."""

    path: Path | None = None
    raw: bytes = b""
    data: AbiData | None = None
    index: AbiIndex | None = None
    digest: str = ""
    failed: bool = False


def _data_file(app) -> Path | None:
    site = site_of(app)
    return site.page_folder(app.srcdir) / site.abi if site is not None and site.abi else None


def load_data(app) -> None:
    """builder-inited: the digest of the ABI data and the assets of the HTML pages."""
    state: AbiState = app.kdocgen_abi
    path = _data_file(app)
    if path is None:
        return
    try:
        state.raw = path.read_bytes()
    except OSError as err:
        _warn(state, f"{path}: cannot read: {err.strerror or err}")
        return
    state.path, state.digest = path, hashlib.sha256(state.raw).hexdigest()
    if getattr(app.builder, "format", "") == "html":
        app.config.html_static_path = [*app.config.html_static_path, str(STATIC_DIR)]
        app.add_css_file("abi.css")
        app.add_js_file("abi.js")


def _warn(state: AbiState, message) -> None:
    from sphinx.util import logging
    state.failed = True
    logging.getLogger(__name__).warning("kdocgen ABI data: %s", message)


def _cache(app) -> Path | None:
    site = site_of(app)
    return site.cache if site is not None else None


def _for_page(app, path: str) -> tuple[AbiData, AbiIndex] | tuple[None, None]:
    """The ABI data for the page of ``path``: the part ``kdocgen site`` kept
    for it (the symbols named like its entries), else all of it."""
    state: AbiState = app.kdocgen_abi
    cache = _cache(app)
    part = kept_abi_data(cache, state.raw, path) if cache is not None and state.index is None else None
    if part is not None:
        return part, AbiIndex(part)
    _loaded(app)
    return (state.data, state.index) if state.data is not None and state.index is not None else (None, None)


def _loaded(app) -> AbiIndex | None:
    """The index of the ABI data, read on first use: from what ``kdocgen
    site`` kept in its cache folder, else from the JSON (checked)."""
    state: AbiState = app.kdocgen_abi
    if state.index is None and state.raw and not state.failed:
        cache = _cache(app)
        state.data = kept_abi_data(cache, state.raw) if cache is not None else None
        if state.data is None:
            try:
                state.data = loads(state.raw, str(state.path))
            except AbiDataError as err:
                _warn(state, err)
                return None
        state.index = AbiIndex(state.data)
    return state.index


#: pages to read above which the whole data is read at once (below, each
#: page reads the part kept for it)
WHOLE_DATA_FROM = 8


def read_before_reading(app, env, docnames) -> None:
    """env-before-read-docs: read the whole data once, before parallel
    readers start, unless few pages are read and ``kdocgen site`` kept it
    per page."""
    site = site_of(app)
    pages = sum(site.in_pages(d) for d in docnames) if site is not None else 0
    cache = _cache(app)
    kept = cache is not None and (cache / "abi" / app.kdocgen_abi.digest[:40]).is_dir()
    if pages > (WHOLE_DATA_FROM if kept else 0):
        _loaded(app)


def outdated_by_data(app, env, added, changed, removed) -> list[str]:
    """env-get-outdated: every generated page when the ABI data changed."""
    digest = app.kdocgen_abi.digest
    if getattr(env, "kdocgen_abi_digest", "") == digest:
        return []
    env.kdocgen_abi_digest = digest
    site = site_of(app)
    if site is None:
        return []
    return sorted(d for d in env.found_docs if site.in_pages(d) and d not in added | changed)


def _linker(app, docname: str, site: SiteDescription):
    """name -> URL of its entry in the site (relative to ``docname``), or None."""
    def link(name: str) -> str | None:
        path = site.defined.get(name)
        if not path:
            return None
        target = site.docname(path)
        return app.builder.get_relative_uri(docname, target) + "#c." + name
    return link


def add_abi_sections(app, doctree: nodes.document) -> None:
    """doctree-read: the ABI section under every entry the data knows."""
    state: AbiState = app.kdocgen_abi
    site = site_of(app)
    path = src_file_of(doctree) if state.raw and site is not None else None
    data, index = _for_page(app, path) if site is not None and path and path in site.files else (None, None)
    if site is None or path is None or data is None or index is None:
        return
    source = parsed_files(app).get(site.tree, path)
    defined = {(s.kind, s.name) for s in source.symbols
               if s.kind == "struct" or (s.kind == "function" and s.has_body)}
    link = _linker(app, app.env.docname, site)
    done: set[tuple[str, str]] = set()
    for desc in doctree.findall(addnodes.desc):
        kind = desc.get("objtype") if desc.get("domain") == "c" and desc.get("objtype") in KINDS else None
        name = entry_name(desc)
        content = next(desc.findall(addnodes.desc_content), None)
        if kind is None or name is None or content is None or (kind, name) not in defined or (kind, name) in done:
            continue
        done.add((kind, name))
        match = index.match(kind, name, path)
        if match is not None:
            html = entry_section(entry_abi(data, match), link)
            content += nodes.raw("", html, format="html")


def setup_abi(app) -> None:
    """Register the ABI features."""
    app.kdocgen_abi = AbiState()
    app.connect("builder-inited", load_data)
    app.connect("env-get-outdated", outdated_by_data)
    app.connect("env-before-read-docs", read_before_reading)
    app.connect("doctree-read", add_abi_sections)
