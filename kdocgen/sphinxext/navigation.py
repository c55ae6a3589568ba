"""The navigation of a kdocgen site (active with a site description):

- the theme's tree of every page is collapsed: it lists the site's folders
  and the pages of the current page's own folder, not every file (a page
  costs the same in a site of 70 or of 700 files);
- Sphinx writes only the pages it read again, so when the navigation
  changes (a page added, removed or retitled) every page is written again,
  from the doctrees it keeps: an incremental build stays the fresh build;
- when it did not change, a page read again does not make the pages whose
  toctrees list it written again if they show only its title (a folder's
  page lists its files with ``:maxdepth: 1``): their HTML is the same.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sphinx import addnodes

from ..site.description import site_of
from .serial import parallel_again

ENV_DIGEST = "kdocgen_navigation"


@dataclass
class NavigationState:
    """Per-application state of a build (never module-global)."""

    read: list[str] = field(default_factory=list)  # the pages read again
    changed: bool = True  # whether the navigation changed (or is unknown)
    parents: dict[str, set[str]] | None = None  # Sphinx's own, while writing


def navigation_state(app) -> NavigationState:
    """The application's state (made on first use)."""
    state = getattr(app, "kdocgen_navigation", None)
    if state is None:
        state = app.kdocgen_navigation = NavigationState()
    return state


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
    navigation_state(app).changed = before is None or before != digest
    if before is None or before == digest:
        return []
    parallel_again(app)
    return sorted(env.found_docs)


def note_read(app, env, docnames: list[str]) -> None:
    """env-before-read-docs: the pages this build reads again."""
    navigation_state(app).read = list(docnames)


def title_only(env, parent: str, child: str) -> bool:
    """Whether every toctree of ``parent`` that lists ``child`` shows only
    its title (``:maxdepth: 1`` or ``:titlesonly:``, not numbered)."""
    toc = env.tocs.get(parent)
    lists = [] if toc is None else [node for node in toc.findall(addnodes.toctree)
                                     if child in node.get("includefiles", ())]
    return bool(lists) and all((node.get("maxdepth") == 1 or node.get("titlesonly")) and not node.get("numbered")
                               for node in lists)


def write_changed_parents_only(app, builder) -> None:
    """write-started (the environment is saved): while writing, a page read
    again does not make the pages that list it by title only written again
    (when the navigation, so every title, is the last build's)."""
    state = navigation_state(app)
    if site_of(app) is None or state.changed or getattr(builder, "format", "") != "html":
        return
    env = app.env
    state.parents = env.files_to_rebuild
    trimmed = dict(state.parents)
    for child in state.read:
        if child in trimmed:
            trimmed[child] = {p for p in trimmed[child] if not title_only(env, p, child)}
    env.files_to_rebuild = trimmed


def restore_parents(app, exception) -> None:
    """build-finished: Sphinx's own record of the pages listing each page."""
    state = navigation_state(app)
    if state.parents is not None:
        app.env.files_to_rebuild = state.parents
        state.parents = None


def setup_navigation(app) -> None:
    """Register the handlers (the tree before the theme computes it)."""
    app.connect("html-page-context", collapse_tree, priority=450)
    app.connect("env-before-read-docs", note_read)
    app.connect("env-updated", rewrite_when_changed)
    app.connect("write-started", write_changed_parents_only)
    app.connect("build-finished", restore_parents)
