"""Keep the index entries of the search index across incremental builds.

Sphinx (8.x, 9.0) collects the ``indexentries`` of ``searchindex.js`` while
writing pages, after the environment was saved, and does not read them back
from the previous index: a build that writes only some pages drops the
entries of all others.  Here each page's entries are collected while it is
read, so they are saved with the environment, and put in page order before
the index is written, so an incremental build writes the same index as a
fresh one.  Likewise, the words that only pages read again had, and no longer
have, are dropped (Sphinx keeps them, each with no page).
"""

from __future__ import annotations

from sphinx import addnodes
from sphinx.util.index_entries import split_index_msg

_STORE = "_search_index_index_entries"  # the environment's dict the indexer writes from


def page_entries(doctree) -> list[tuple[str, str, str]]:
    """The index entries of a page, as the search index lists them."""
    found: set[tuple[str, str, str]] = set()
    for node in doctree.findall(addnodes.index):
        for entry_type, value, target_id, main, _key in node["entries"]:
            try:
                words = split_index_msg(entry_type, value)
            except ValueError:
                continue
            if entry_type in {"see", "seealso"}:
                found.add((words[0], target_id or "", main))
            found |= {(word, target_id or "", main) for word in words}
    return sorted(found)


def _store(env) -> dict | None:
    store = getattr(env, _STORE, None)
    return store if isinstance(store, dict) else None


def collect(app, doctree) -> None:
    """doctree-read: the page's entries, saved with the environment."""
    store = _store(app.env)
    if store is not None:
        store[app.env.docname] = page_entries(doctree)


def purge(app, env, docname: str) -> None:
    """env-purge-doc: forget a page read again or removed."""
    store = _store(env)
    if store is not None:
        store.pop(docname, None)


def merge(app, env, docnames, other) -> None:
    """env-merge-info: the entries of pages read by a parallel reader."""
    mine, theirs = _store(env), _store(other)
    if mine is not None and theirs is not None:
        mine.update((d, theirs[d]) for d in docnames if d in theirs)


def put_in_order(app):
    """html-collect-pages (before the index is written): one entry list per
    indexed page, in page order, whichever pages this build wrote."""
    store = _store(app.env)
    if store is not None:
        env = app.env
        indexed = {d for d in env.found_docs
                   if env.longtitles.get(d) is not None and env.longtitles[d].astext()}
        ordered = {d: ([] if _unsearchable(env, d) else store[d]) for d in sorted(store) if d in indexed}
        store.clear()
        store.update(ordered)
    drop_empty_words(getattr(app.builder, "indexer", None))
    return []


def drop_empty_words(indexer) -> None:
    """Forget the words of the search index that no page has (any more)."""
    for name in ("_mapping", "_title_mapping"):
        words = getattr(indexer, name, None)
        if isinstance(words, dict):
            for word in [w for w, pages in words.items() if not pages]:
                del words[word]


def _unsearchable(env, docname: str) -> bool:
    metadata = env.metadata.get(docname, {})
    return "no-search" in metadata or "nosearch" in metadata


def setup_searchindex(app) -> None:
    """Register the handlers."""
    app.connect("doctree-read", collect)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("html-collect-pages", put_in_order)
