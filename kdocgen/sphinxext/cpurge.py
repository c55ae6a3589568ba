"""Forget every C declaration of a page that Sphinx reads again.

Sphinx's C domain (8.x, 9.0) clears a re-read page's declarations only down
to the first level of the symbol tree that holds some of them: declarations
inside a ``c:namespace-push`` block (kdocgen scopes each file's static
symbols that way) survive, and the next read reports each of them as a
"Duplicate C declaration" of itself.  Clearing every symbol for the page
when it is purged makes incremental builds as clean as fresh ones.
"""

from __future__ import annotations


def purge_c_declarations(app, env, docname: str) -> None:
    """``env-purge-doc``: clear ``docname`` at every level of the C symbol tree."""
    root = env.domaindata.get("c", {}).get("root_symbol")
    if root is None:
        return
    for symbol in list(root.get_all_symbols()):
        # a symbol holding none of the page's declarations would clear its
        # whole subtree, which this walk visits anyway
        held = getattr(symbol, "_children_by_docname", None)
        if held is None or docname in held:
            symbol.clear_doc(docname)


def setup_cpurge(app) -> None:
    """Register the purge handler."""
    app.connect("env-purge-doc", purge_c_declarations)
