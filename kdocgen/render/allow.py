"""What comment text may produce: allow-lists, nothing else.

Comment text is published on the web, and anyone can write it.  Its reST is
parsed by the real parser of the build (docutils, or Sphinx inside a Sphinx
build); while it is parsed only the directives and roles named here run,
and the nodes it produced are then checked against the node types named
here.  Anything else (raw output, file inclusion, meta and title tricks,
substitutions, unknown markup, whatever a future docutils or Sphinx adds) is
shown as literal text instead, with a warning.  Math is typeset only when its
TeX passes ``mathtext``'s allow-list; images only from the kernel's
``kernel-figure``/``kernel-image`` directives, naming a figure file of the
documentation tree by a relative path; other files' documentation only by
``kernel-doc`` naming a C file of the tree by a relative path.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx import addnodes

from .mathtext import tex_refusal

#: Directives whose content is shown as written (not parsed as reST).
LITERAL_DIRECTIVES = frozenset({"code-block", "code", "sourcecode"})
#: C-domain declarations (kernel comments document macros this way).
DECLARATION_DIRECTIVES = frozenset({
    "c:function", "c:macro", "c:struct", "c:union", "c:enum", "c:enumerator", "c:type",
    "c:var", "c:member",
})
#: Directives that only format the comment's own text.
ALLOWED_DIRECTIVES = LITERAL_DIRECTIVES | DECLARATION_DIRECTIVES | frozenset({
    "note", "attention", "caution", "danger", "error", "hint", "important", "tip", "warning",
    "admonition", "seealso", "versionadded", "versionchanged", "versionremoved", "deprecated",
    "version-added", "version-changed", "version-removed", "version-deprecated",
    "list-table", "flat-table", "table", "rubric", "topic", "sidebar", "container", "compound",
    "line-block", "parsed-literal", "epigraph", "highlights", "pull-quote", "hlist", "centered",
    "math", "kernel-figure", "kernel-image", "kernel-doc",
})
#: Roles that format text or link to documented things.
ALLOWED_ROLES = frozenset({
    "", "emphasis", "strong", "literal", "code", "subscript", "sub", "superscript", "sup",
    "title-reference", "title", "t", "abbreviation", "ab", "abbr", "acronym", "ac", "pep", "rfc",
    "ref", "doc", "numref", "envvar", "kbd", "file", "samp", "command", "dfn", "guilabel",
    "menuselection", "mimetype", "makevar", "regexp", "manpage", "any", "program", "option",
    "std:ref", "std:doc", "std:numref", "std:envvar", "std:option", "cspan", "rspan",
    "c:func", "c:member", "c:macro", "c:data", "c:var", "c:type", "c:struct", "c:union",
    "c:enum", "c:enumerator", "c:expr", "c:texpr", "math",
})
#: Node types comment text may produce (instances of these, subclasses included).
ALLOWED_NODES: tuple[type, ...] = (
    nodes.Text, nodes.section, nodes.title, nodes.subtitle, nodes.transition, nodes.rubric,
    nodes.paragraph, nodes.compound, nodes.container, nodes.bullet_list, nodes.enumerated_list,
    nodes.list_item, nodes.definition_list, nodes.definition_list_item, nodes.term,
    nodes.classifier, nodes.definition, nodes.field_list, nodes.field, nodes.field_name,
    nodes.field_body, nodes.option_list, nodes.option_list_item, nodes.option_group,
    nodes.option, nodes.option_string, nodes.option_argument, nodes.description,
    nodes.literal_block, nodes.doctest_block, nodes.line_block, nodes.line, nodes.block_quote,
    nodes.attribution, nodes.Admonition, nodes.topic, nodes.sidebar, nodes.table, nodes.tgroup,
    nodes.colspec, nodes.thead, nodes.tbody, nodes.row, nodes.entry, nodes.caption,
    nodes.legend, nodes.footnote, nodes.label, nodes.comment, nodes.target,
    nodes.emphasis, nodes.strong, nodes.literal, nodes.reference, nodes.footnote_reference,
    nodes.title_reference, nodes.abbreviation, nodes.acronym, nodes.superscript,
    nodes.subscript, nodes.inline, nodes.math, nodes.math_block, nodes.figure, nodes.image,
    addnodes.desc, addnodes.desc_signature, addnodes.desc_signature_line, addnodes.desc_content,
    addnodes.desc_name, addnodes.desc_addname, addnodes.desc_type, addnodes.desc_returns,
    addnodes.desc_parameterlist, addnodes.desc_parameter, addnodes.desc_optional,
    addnodes.desc_annotation, addnodes.desc_inline, addnodes.desc_sig_element,
    addnodes.index, addnodes.pending_xref, addnodes.literal_emphasis, addnodes.literal_strong,
    addnodes.manpage, addnodes.versionmodified, addnodes.seealso, addnodes.centered,
    addnodes.hlist, addnodes.hlistcol, addnodes.compact_paragraph,
)
#: Node types refused although a subclass of an allowed one.
REFUSED_NODES: tuple[type, ...] = (nodes.citation, nodes.substitution_definition)

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_SAFE_SCHEMES = frozenset({"http", "https", "ftp", "mailto"})
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
#: Files an image may show: the figure formats of the kernel's documentation.
IMAGE_SUFFIXES = (".dot", ".svg", ".png", ".jpg", ".jpeg", ".gif")


def allows_directive(name: str) -> bool:
    """Whether comment text may use directive ``name``."""
    return name.lower() in ALLOWED_DIRECTIVES


def allows_role(name: str) -> bool:
    """Whether comment text may use role ``name``."""
    return name.lower() in ALLOWED_ROLES


def safe_uri(uri: str) -> bool:
    """Whether a link target is safe to publish: http(s), ftp, mailto, or no
    scheme at all (a relative link).  Browsers ignore spaces and control
    characters inside a scheme, so they are ignored here too."""
    scheme = _SCHEME.match(_INVISIBLE.sub("", uri))
    return scheme is None or scheme.group(1).lower() in _SAFE_SCHEMES


def _relative_inside(path: str, suffixes: tuple[str, ...]) -> bool:
    """``path`` names a file with one of ``suffixes`` (any case) by a
    relative path that stays inside its tree: no scheme (control characters
    ignored, as browsers do), no leading ``/``, no ``..``."""
    parts = path.replace("\\", "/").split("/")
    return (bool(path) and _SCHEME.match(_INVISIBLE.sub("", path)) is None and parts[0] != ""
            and ".." not in parts and path.lower().endswith(suffixes))


def safe_image(uri: str) -> bool:
    """Whether an image may show ``uri``: a figure file of the documentation tree."""
    return _relative_inside(uri, IMAGE_SUFFIXES)


def safe_source(path: str) -> bool:
    """Whether a ``kernel-doc`` directive in comment text may read ``path``:
    a C source or header of the tree."""
    return _relative_inside(path.strip(), (".c", ".h"))


#: Directives whose argument comment text may only give as these say.
ARGUMENT_CHECKS = {"kernel-doc": safe_source}


def _declaration_part(node: nodes.Node) -> bool:
    """A part of a C-domain declaration's signature (Sphinx's ``desc_*`` nodes)."""
    return type(node).__module__ == addnodes.__name__ and type(node).__name__.startswith("desc_")


def refusal(node: nodes.Node) -> str | None:
    """Why comment text may not produce ``node`` (None: it may)."""
    if isinstance(node, REFUSED_NODES) or not (isinstance(node, ALLOWED_NODES) or _declaration_part(node)):
        return f"{node.__class__.__name__} element"
    if isinstance(node, (nodes.reference, nodes.target)):
        uri = node.get("refuri")
        if uri is not None and not safe_uri(uri):
            return f"link to {uri.split(':', 1)[0]}:"
    if isinstance(node, (nodes.math, nodes.math_block)):
        why = tex_refusal(node.astext())
        return f"math with {why}" if why else None
    if isinstance(node, nodes.image) and not safe_image(node.get("uri", "")):
        return "image element"
    return None
