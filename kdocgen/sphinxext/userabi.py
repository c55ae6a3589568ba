"""User-space ABI back-links: each show/store function entry of a file page
gets a "User-space ABI:" line linking to the ``Documentation/ABI`` entry it
implements (or to the report, when undocumented); the badge style sheet.

Reads the site description's ``user_abi``, written by ``kdocgen site``: the ABI files
read and ``functions``: ``{c path: {function: [[label, text], ...]}}``.
"""

from __future__ import annotations


from docutils import nodes
from sphinx import addnodes

from ..site.description import site_of
from .site import entry_name, src_file_of

CSS_FILE = "kdocgen-userabi.css"


def _abi_line(pairs: list[list[str]]) -> nodes.paragraph:
    para = nodes.paragraph(classes=["kdocgen-userabi-backlink"])
    para += nodes.strong("User-space ABI:", "User-space ABI:")
    for index, (label, text) in enumerate(pairs):
        para += nodes.Text(" " if index == 0 else ", ")
        ref = addnodes.pending_xref("", refdomain="std", reftype="ref", reftarget=label,
                                    refexplicit=True, refwarn=False)
        ref += nodes.literal(text, text)
        para += ref
    return para


def add_abi_backlinks(app, doctree: nodes.document) -> None:
    """doctree-read: the "User-space ABI:" line under show/store functions."""
    site = site_of(app)
    data = site.user_abi if site is not None else {}
    by_file = data.get("functions") or {}
    path = src_file_of(doctree) if by_file else None
    functions = by_file.get(path) if path else None
    if not functions:
        return
    for desc in doctree.findall(addnodes.desc):
        if desc.get("domain") != "c" or desc.get("objtype") != "function":
            continue
        pairs = functions.get(entry_name(desc) or "")
        content = next(desc.findall(addnodes.desc_content), None)
        if pairs and content is not None:
            content += _abi_line(pairs)


def add_style(app) -> None:
    """builder-inited: the badge style sheet for HTML output (its folder is
    the source views' static folder, which they add to the HTML output)."""
    if getattr(app.builder, "format", "") != "html":
        return
    app.add_css_file(CSS_FILE)


def setup_userabi(app) -> None:
    """Register the back-links and the style sheet."""
    app.connect("doctree-read", add_abi_backlinks)
    app.connect("builder-inited", add_style)
