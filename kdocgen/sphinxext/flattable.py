"""``flat-table``: the table directive of the kernel's documentation.

Kernel docs write tables as two-level bullet lists, like ``list-table``, but
rows may be shorter than the widest one, and cells may carry ``:cspan:`` /
``:rspan:`` roles.  kdocgen reads them as a list-table: short rows are
padded with empty cells, span roles are accepted (their cell content is
kept, the span itself is not drawn).
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.parsers.rst.directives.tables import ListTable


def _span_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``:cspan:`N``` / ``:rspan:`N```: accepted, nothing shown."""
    return [], []


class FlatTable(ListTable):
    """A list-table that tolerates ragged rows."""

    option_spec = dict(ListTable.option_spec, **{"fill-cells": directives.flag})

    def check_list_content(self, node):
        """Pad short rows before the list-table checks."""
        if len(node) == 1 and isinstance(node[0], nodes.bullet_list):
            rows = [row for row in node[0] if len(row) == 1 and isinstance(row[0], nodes.bullet_list)]
            width = max((len(row[0]) for row in rows), default=0)
            for row in rows:
                while len(row[0]) < width:
                    row[0] += nodes.list_item("", nodes.paragraph("", ""))
        return super().check_list_content(node)


def setup_flattable(app) -> None:
    """Register the directive and its span roles (if no one else has)."""
    from docutils.parsers.rst import roles
    app.add_directive("flat-table", FlatTable, override=True)
    for role in ("cspan", "rspan"):
        roles.register_local_role(role, _span_role)
