"""The navigation of a kdocgen site (active with a site description):

- the theme's tree of every page is collapsed: it lists the site's folders
  and the pages of the current page's own folder, not every file (a page
  costs the same in a site of 70 or of 700 files);
- Sphinx writes only the pages it read again, so when the navigation
  changes (a page added, removed or retitled) every page is written again,
  from the doctrees it keeps: an incremental build stays the fresh build.
"""

from __future__ import annotations

import hashlib

from sphinx import addnodes

from ..site.description import site_of
from .serial import parallel_again

ENV_DIGEST = "kdocgen_navigation"


def collapse_tree(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    """html-page-context (before the theme's handler): the theme's whole
    tree (``collapse=False, includehidden=True``) is asked for collapsed."""
    if site_of(app) is None or "toctree" not in context:
        return
    build = context["toctree"]

    def toctree(**options) -> str:
        if options.get("collapse") is False and options.get("includehidden"):
            options = {**options, "collapse": True}
        return build(**options)

    context["toctree"] = toctree


def navigation_digest(env) -> str:
    """A digest of what the navigation shows: every toctree and page title."""
    parts = []
    for docname in sorted(env.tocs):
        if docname not in env.toctree_includes:  # no toctree (every page of a file)
            continue
        for node in env.tocs[docname].findall(addnodes.toctree):
            parts.append(repr((docname, node["entries"], node.get("caption"), node.get("maxdepth"),
                               node.get("hidden"), node.get("titlesonly"), node.get("includehidden"))))
    parts += [f"{docname}={env.titles[docname].astext()}" for docname in sorted(env.titles)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def rewrite_when_changed(app, env) -> list[str]:
    """env-updated: every page, when the navigation is not the last build's."""
    if site_of(app) is None:
        return []
    digest = navigation_digest(env)
    before = getattr(env, ENV_DIGEST, None)
    setattr(env, ENV_DIGEST, digest)
    if before is None or before == digest:
        return []
    parallel_again(app)
    return sorted(env.found_docs)


def setup_navigation(app) -> None:
    """Register the handlers (the tree before the theme computes it)."""
    app.connect("html-page-context", collapse_tree, priority=450)
    app.connect("env-updated", rewrite_when_changed)
