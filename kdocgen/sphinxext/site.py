"""Site features of the extension (active with a site description, ``kdocgen_site``):

- "Calls" and "Called by" lists on function entries, from the call graph of
  the site's files;
- references that cannot resolve (a type defined outside the set) render as
  plain text and are counted in ``_kdocgen/xref-report.json``, never warned;
- ``sitemap.xml`` (with ``html_baseurl``) and a ``404`` page.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from docutils import nodes
from sphinx import addnodes

from ..render.page import SRC_FILE_MARK
from ..site.description import setup_description, site_of
from ..site.memo import PAGE_DATA
from .parsed import parsed_files

REPORT = "_kdocgen/xref-report.json"


@dataclass
class SiteState:
    """Per-application state (created in setup, never module-global)."""

    unresolved: dict[str, Counter] = field(default_factory=dict)  # per document


def src_file_of(doctree: nodes.Node) -> str | None:
    """The ``.. src-file: PATH`` comment of a generated page, if any."""
    for comment in doctree.findall(nodes.comment):
        text = comment.astext().strip()
        if text.startswith(SRC_FILE_MARK):
            return text.split(":", 1)[1].strip()
    return None


def _xref(name: str) -> addnodes.pending_xref:
    ref = addnodes.pending_xref("", refdomain="c", reftype="func", reftarget=name,
                                refexplicit=False, refwarn=False)
    ref += nodes.literal(name + "()", name + "()", classes=["xref", "c", "c-func"])
    return ref


def _name_list(label: str, names: list[str]) -> nodes.paragraph:
    para = nodes.paragraph(classes=["kdocgen-calls"])
    para += nodes.strong(label, label)
    para += nodes.Text(" ")
    for index, name in enumerate(names):
        if index:
            para += nodes.Text(", ")
        para += _xref(name)
    return para


def entry_name(desc: addnodes.desc) -> str | None:
    """The name a C-domain entry declares (its first signature's name)."""
    for sig in desc.findall(addnodes.desc_signature):
        for name in sig.findall(addnodes.desc_name):
            return name.astext().strip()
    return None


def add_call_lists(app, doctree: nodes.document) -> None:
    """doctree-read: Calls / Called by under every function entry."""
    site = site_of(app)
    path = src_file_of(doctree) if site else None
    if site is None or not path or path not in site.files:
        return
    source = parsed_files(app).get(site.tree, path)
    bodies = {s.name: s for s in source.symbols if s.kind == "function" and s.has_body}
    callers, defined = site.callers, site.defined
    # read again when the file's bytes or what the site shows of it (call
    # lists, ABI links) change: kdocgen site's page data says when; without
    # it, when the file or a file calling into it is newer than the page
    data = site.page_folder(app.srcdir) / PAGE_DATA / f"{path}.txt"
    depends = [data] if data.is_file() else [site.tree / p for p in sorted(
        {path} | {caller_path for name in bodies for _, caller_path in callers.get(name, [])})]
    for dependency in depends:
        app.env.note_dependency(str(dependency))
    for desc in doctree.findall(addnodes.desc):
        if desc.get("domain") != "c" or desc.get("objtype") != "function":
            continue
        name = entry_name(desc)
        content = next(desc.findall(addnodes.desc_content), None)
        if not name or content is None:
            continue
        symbol = bodies.get(name)
        calls = [c for c in symbol.calls if c in defined] if symbol else []
        called_by = sorted({caller for caller, _ in callers.get(name, [])})
        if calls:
            content += _name_list("Calls:", calls)
        if called_by and symbol is not None:
            content += _name_list("Called by:", called_by)


def plain_unresolved(app, env, node, contnode):
    """missing-reference: show what cannot resolve as plain text, count it."""
    if site_of(app) is None:
        return None
    domain = node.get("refdomain")
    if domain not in ("c", "std"):
        return None
    counter = app.kdocgen_site_state.unresolved.setdefault(node.get("refdoc", ""), Counter())
    counter[f"{domain}:{node.get('reftarget', '')}"] += 1
    return contnode


def _page_report(app, docname: str) -> Path:
    return Path(app.outdir) / "_kdocgen" / "xrefs" / (docname + ".json")


def count_resolved(app, doctree, docname) -> None:
    """doctree-resolved: this page's resolved and unresolved references, kept
    beside the output so incremental builds still report the whole site."""
    if site_of(app) is None or app.builder.format != "html":
        return
    resolved = sum(1 for ref in doctree.findall(nodes.reference)
                   if ref.get("internal") and any("xref" in child.get("classes", [])
                                                  for child in ref.children
                                                  if isinstance(child, nodes.Element)))
    unresolved = app.kdocgen_site_state.unresolved.pop(docname, Counter())
    target = _page_report(app, docname)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"resolved": resolved, "unresolved": dict(sorted(unresolved.items()))},
                                 sort_keys=True) + "\n")


def write_report(app, exception) -> None:
    """build-finished: the reference report of the whole site, and the sitemap."""
    if exception is not None or site_of(app) is None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    resolved, unresolved = 0, Counter[str]()
    for docname in sorted(app.env.found_docs):
        try:
            page = json.loads(_page_report(app, docname).read_text())
        except (OSError, ValueError):
            continue
        resolved += page["resolved"]
        unresolved.update(page["unresolved"])
    report = {"resolved": resolved, "unresolved": sum(unresolved.values()),
              "unresolved_targets": dict(sorted(unresolved.items()))}
    (out / REPORT).parent.mkdir(parents=True, exist_ok=True)
    (out / REPORT).write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")
    _write_sitemap(app, out)


def _write_sitemap(app, out: Path) -> None:
    base = (app.config.html_baseurl or "").rstrip("/")
    if not base:
        (out / "sitemap.xml").unlink(missing_ok=True)  # of a build that had one
        return
    urls = [f"{base}/{app.builder.get_target_uri(doc)}" for doc in sorted(app.env.found_docs)]
    body = "".join(f"  <url><loc>{escape(url)}</loc></url>\n" for url in urls)
    (out / "sitemap.xml").write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                                     '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                                     f"{body}</urlset>\n")


def not_found_page(app):
    """html-collect-pages: a plain 404 page (served at any URL, so it uses
    no relative links but the one back to the site's root)."""
    if site_of(app) is None:
        return
    base = (app.config.html_baseurl or "").rstrip("/") or "/"
    body = ("<h1>Page not found</h1><p>This page does not exist (any more). "
            f'Start again from the <a href="{escape(base)}">front page</a>.</p>')
    yield "404", {"title": "Page not found", "body": body}, "page.html"


def setup_site(app) -> None:
    """Register the site features."""
    # The description is no rebuild trigger: each page notes the files it
    # depends on instead, so editing one .c file re-reads only the pages
    # whose text or call lists can change.
    setup_description(app)
    app.kdocgen_site_state = SiteState()
    app.connect("doctree-read", add_call_lists)
    app.connect("missing-reference", plain_unresolved)
    app.connect("doctree-resolved", count_resolved)
    app.connect("build-finished", write_report)
    app.connect("html-collect-pages", not_found_page)
