"""Which functions each function body calls, found with a tree-sitter query
(``queries/calls.scm``)."""

from __future__ import annotations

import functools
from importlib import resources

from tree_sitter import Node, Query, QueryCursor

from .syntax import c_language


@functools.lru_cache(maxsize=None)
def _calls_query() -> Query:
    text = resources.files(__package__).joinpath("queries/calls.scm").read_text()
    return Query(c_language(), text)


def called_names(body: Node, source: bytes) -> list[str]:
    """Names called directly in ``body``, each once, in order of first call."""
    captures = QueryCursor(_calls_query()).captures(body)
    nodes = sorted(captures.get("callee", []), key=lambda n: n.start_byte)
    seen: dict[str, None] = {}
    for node in nodes:
        seen.setdefault(source[node.start_byte:node.end_byte].decode("utf-8", "replace"), None)
    return list(seen)
