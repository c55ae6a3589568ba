"""Very long paragraphs of comment text, grouped so that Sphinx stays linear.

docutils and Sphinx replace a node inside its parent by looking the node up
in the parent's list of children (``list.index``); reference resolution,
the ordering of index targets and smart quotes do that once per node.  A
paragraph with N highlights (``@a %B &c d() $E`` repeated: each one a
cross-reference, an index target or a literal) therefore costs O(N²): a
64 KB comment line took a minute, a 256 KB one more than five.  Before any
other transform, the children of such a paragraph are put into plain inline
groups of at most :data:`GROUP`, so every lookup is short; the HTML shows
the same text (each group a ``<span>``).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms import SphinxTransform

#: Children per inline group; paragraphs with more than twice this many
#: children are grouped.
GROUP = 128


def group_children(paragraph: nodes.Element, size: int = GROUP) -> bool:
    """Put the children of ``paragraph`` into inline groups of ``size``
    (in order); False when it has too few children to bother."""
    children = list(paragraph.children)
    if len(children) <= 2 * size:
        return False
    paragraph.children = []
    for start in range(0, len(children), size):
        group = nodes.inline()
        group.extend(children[start:start + size])
        paragraph.append(group)
    return True


class GroupLongParagraphs(SphinxTransform):
    """Group the children of every very long paragraph (see the module)."""

    default_priority = 1  # before every transform that looks nodes up

    def apply(self, **kwargs) -> None:
        for paragraph in list(self.document.findall(nodes.paragraph)):
            group_children(paragraph)


def setup_longtext(app) -> None:
    """Register the transform."""
    app.add_transform(GroupLongParagraphs)
