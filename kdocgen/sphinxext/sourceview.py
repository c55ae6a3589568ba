"""Source views: one highlighted HTML page per source file, linked both ways.

For each file of the site description (``kdocgen_site``) the HTML builders write
``src/<path>.html``: the file highlighted with Pygments, one anchor per line
(``#L120``) whose number links to it, and on a declaration's line its name
linked to its entry on the file's page.  Each C-domain signature of a file
page (one with the ``src-file:`` comment) gets a ``[source]`` link to the
line where its declaration starts.  Entry ids are recorded in the
environment while reading, so back-links survive incremental builds.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from dataclasses import dataclass, field
from importlib import metadata
from itertools import groupby
from pathlib import Path

import sphinx
from docutils import nodes
from pygments.lexers import CLexer
from pygments.token import STANDARD_TYPES, Comment, Name, String, Whitespace
from sphinx import addnodes
from sphinx.util import logging

from .. import __version__
from ..files import write_if_changed
from ..model import SourceFile, Symbol, family
from ..parsecache import code_digest, digest, file_digest
from ..site.description import SiteDescription, setup_description, site_of
from ..site.record import VIEW_KEYS
from .navigation import ENV_DIGEST
from .outputs import build_outputs
from .parsed import ParsedFiles, parsed_files
from .site import src_file_of

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
CSS_FILE = "kdocgen-source.css"
PAGE_PREFIX = "src/"
SOURCE_LINK_CLASS = "kdocgen-source-link"
ENV_ANCHORS = "kdocgen_sourceview_anchors"
#: larger files get a "not available" page instead of a view
MAX_VIEW_BYTES = 16 << 20

_KINDS_OF_OBJTYPE = {"function": ("function",), "macro": ("macro",), "struct": ("struct",),
                     "union": ("union",), "enum": ("enum",), "type": ("typedef",),
                     "var": ("var",), "member": ("var",)}


def setup_sourceview(app) -> None:
    """Register the source views (once per application, however often called)."""
    app.setup_extension(__name__)


def setup(app) -> dict:
    """Sphinx entry point: the config value, the handlers and their state."""
    setup_description(app)
    views = SourceViews(parsed=parsed_files(app))
    app.connect("builder-inited", views.builder_inited)
    app.connect("doctree-resolved", views.add_source_links)
    app.connect("html-collect-pages", views.collect_pages)
    app.connect("build-finished", views.save_keys)
    app.connect("html-page-context", views.share_toctree, priority=400)
    app.connect("doctree-read", record_anchors)
    app.connect("env-purge-doc", purge_anchors)
    app.connect("env-merge-info", merge_anchors)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 1}


def enabled(builder) -> bool:
    """Source views are made by the HTML builders that write one file per page."""
    return getattr(builder, "format", "") == "html" and builder.name != "singlehtml" \
        and not builder.name.startswith("epub")


@dataclass
class SourceViews:
    """Per-application state: the parsed files of this build process."""

    parsed: ParsedFiles = field(default_factory=ParsedFiles)
    toctrees: dict[tuple[str, str], str] = field(default_factory=dict)
    toctree_by_depth: bool = False
    keys: dict[str, str] | None = None  # the views of this build: path -> what their page is made of

    def source(self, site: SiteDescription, path: str) -> SourceFile:
        """The model of ``path``, extracted once per build process."""
        return self.parsed.get(site.tree, path)

    def builder_inited(self, app) -> None:
        """Make the style sheet part of the HTML output."""
        if getattr(app.builder, "format", "") != "html":
            return
        app.config.html_static_path = [*app.config.html_static_path, str(STATIC_DIR)]
        app.add_css_file(CSS_FILE)

    def add_source_links(self, app, doctree: nodes.document, docname: str) -> None:
        """Give each C-domain signature of a file page a ``[source]`` link."""
        if not enabled(app.builder):
            return
        site = site_of(app)
        path = src_file_of(doctree)
        if site is None or path is None or path not in site.files:
            return
        source = self.source(site, path)
        base = app.builder.get_relative_uri(docname, PAGE_PREFIX + path)
        matcher = SymbolMatcher(source)
        for sig in list(doctree.findall(addnodes.desc_signature)):
            if sig.parent.get("domain") == "c":
                line = matcher.line(signature_name(sig), sig.parent.get("objtype", ""))
                add_link(sig, f"{base}#L{line}" if line else base)

    def collect_pages(self, app):
        """One ``page.html`` page per site file (html-collect-pages), written
        only when it would differ from the one of the last build."""
        if not enabled(app.builder):
            return
        site = site_of(app)
        if site is None:
            return
        self.toctrees.clear()
        top = PAGE_PREFIX.split("/")[0]
        self.toctree_by_depth = not any(d.split("/")[0] == top for d in app.env.all_docs)
        kept = read_view_keys(app)
        shared = shared_key(app)
        self.keys = {}
        for path in site.files:
            build_outputs(app).add(PAGE_PREFIX + path)
            self.keys[path] = view_key(app, site, path, shared)
            if kept.get(path) == self.keys[path] and Path(app.builder.get_outfilename(PAGE_PREFIX + path)).is_file():
                continue
            yield PAGE_PREFIX + path, self.context(app, site, path), "page.html"
        self.toctrees.clear()

    def save_keys(self, app, exception) -> None:
        """build-finished: the keys of the views this build has, for the next one."""
        if exception is None and enabled(app.builder) and self.keys is not None:
            write_if_changed(Path(app.doctreedir) / VIEW_KEYS, json.dumps(self.keys, indent=0, sort_keys=True))

    def share_toctree(self, app, pagename: str, templatename: str, context: dict, doctree) -> None:
        """Let source views share their navigation toctree.

        The theme's toctree of a page that is no document depends only on
        the page's folder (its links are relative), and only on the folder's
        depth when no document lives under ``src/``: computing it once per
        depth makes the views several times faster with big toctrees.
        """
        if doctree is not None or "kdocgen_source" not in context or "toctree" not in context:
            return
        folder = posixpath.dirname(pagename)
        folder = str(folder.count("/")) if self.toctree_by_depth else folder
        build = context["toctree"]

        def toctree(**options) -> str:
            key = (folder, repr(sorted(options.items())))
            if key not in self.toctrees:
                self.toctrees[key] = build(**options)
            return self.toctrees[key]

        context["toctree"] = toctree

    def context(self, app, site: SiteDescription, path: str) -> dict:
        """The template context of the source view of ``path``."""
        title, pagename = html.escape(path), PAGE_PREFIX + path
        text, reason = read_source(site.tree / path)
        docname = site.docname(path)
        doc_uri = ""
        if docname in app.env.all_docs:
            doc_uri = app.builder.get_relative_uri(pagename, docname)
        if text is None:
            logger.info("kdocgen: source view of %s: %s", path, reason)
            content = (f'<p class="kdocgen-source-missing">Source not available: '
                       f'{html.escape(reason)}.</p>\n')
        else:
            anchors = anchor_store(app.env).get(docname, {}) if doc_uri else {}
            content = render_code(text, backlink_targets(self.source(site, path), anchors, doc_uri))
        return {"title": title, "body": page_body(path, doc_uri, content), "kdocgen_source": path}


def read_view_keys(app) -> dict[str, str]:
    """The keys of the views the last build wrote."""
    try:
        keys = json.loads((Path(app.doctreedir) / VIEW_KEYS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return keys if isinstance(keys, dict) else {}


def shared_key(app) -> str:
    """What every view's page is made of besides its own file: the code, the
    configuration, the navigation and the static files it links to."""
    info = getattr(app.builder, "build_info", None)
    parts = [code_digest(), sphinx.__version__, theme_version(app), str(getattr(app.env, ENV_DIGEST, "")),
             f"{getattr(info, 'config_hash', '')} {getattr(info, 'tags_hash', '')}"]
    static = Path(app.outdir) / "_static"
    parts += [f"{p.relative_to(static).as_posix()}={file_digest(p)}" for p in sorted(static.rglob("*"))
              if p.is_file()]
    return digest("\n".join(parts).encode())


def theme_version(app) -> str:
    """The name and version of the HTML theme (its templates make the page)."""
    name = getattr(getattr(app.builder, "theme", None), "name", "") or ""
    try:
        return f"{name} {metadata.version(name)}"
    except (metadata.PackageNotFoundError, ValueError):
        return name


def view_key(app, site: SiteDescription, path: str, shared: str) -> str:
    """What the view of ``path`` is made of: the file's bytes, the ids of its
    page's entries, and :func:`shared_key`."""
    docname = site.docname(path)
    anchors = sorted(anchor_store(app.env).get(docname, {}).items())
    return digest(f"{shared}\n{path}\n{file_digest(site.tree / path)}\n{docname in app.env.all_docs}\n"
                  f"{anchors!r}".encode())


def signature_name(sig: addnodes.desc_signature) -> str:
    """The declared name of a signature: its ``desc_name``, else its id."""
    for name in sig.findall(addnodes.desc_name):
        return name.astext().strip()
    for ident in sig.get("ids", ()):
        if ident.startswith("c."):
            return ident[2:].rsplit(".", 1)[-1]
    return ""


def add_link(sig: addnodes.desc_signature, uri: str) -> None:
    """Append a ``[source]`` reference to the signature (to its last line)."""
    ref = nodes.reference("", "[source]", refuri=uri, internal=True, classes=[SOURCE_LINK_CLASS])
    lines = [c for c in sig.children if isinstance(c, addnodes.desc_signature_line)]
    (lines[-1] if lines else sig).append(ref)


class SymbolMatcher:
    """Finds the symbol of each signature of a page, in page order."""

    def __init__(self, source: SourceFile) -> None:
        self.by_name: dict[str, list[Symbol]] = {}
        ordered = sorted(source.symbols, key=lambda s: not s.documented)  # as on the page
        for symbol in ordered:
            if symbol.name and symbol.kind != "doc":
                self.by_name.setdefault(symbol.name, []).append(symbol)
        self.enumerators: dict[str, int] = {}
        for symbol in ordered:
            for member in symbol.params if symbol.kind == "enum" else ():
                if member.line:
                    self.enumerators.setdefault(member.name, member.line)
        self.used: set[int] = set()

    def line(self, name: str, objtype: str) -> int:
        """The line where ``name`` (a signature of type ``objtype``) is declared, or 0."""
        if objtype == "enumerator":
            return self.enumerators.get(name, 0)
        candidates = self.by_name.get(name)
        if not candidates:
            return 0
        kinds = _KINDS_OF_OBJTYPE.get(objtype, ())
        wanted = family(kinds[0] if kinds else objtype)
        best = min(candidates, key=lambda s: (s.kind not in kinds, family(s.kind) != wanted,
                                              id(s) in self.used))
        self.used.add(id(best))
        return best.line


def read_source(path: Path) -> tuple[str | None, str]:
    """The text of a source file (undecodable bytes replaced), or None and why not."""
    try:
        size = path.stat().st_size
        if size > MAX_VIEW_BYTES:
            return None, f"file too large to show ({size} bytes)"
        data = path.read_bytes()
    except OSError as err:
        return None, f"cannot read the file ({err.strerror or err})"
    return data.decode("utf-8", "replace").replace("\0", "\ufffd"), ""


def anchor_store(env) -> dict[str, dict[str, str]]:
    """Per docname, name -> id of its C-domain entries (kept in the environment)."""
    if not hasattr(env, ENV_ANCHORS):
        setattr(env, ENV_ANCHORS, {})
    return getattr(env, ENV_ANCHORS)


def record_anchors(app, doctree: nodes.document) -> None:
    """doctree-read: remember the entry ids of a file page (no-index entries
    have none; entries in a C namespace have ids like ``c.file_x.name``)."""
    anchors: dict[str, str] = {}
    if src_file_of(doctree) is not None:
        for sig in doctree.findall(addnodes.desc_signature):
            if sig.parent.get("domain") == "c" and sig.get("ids"):
                anchors.setdefault(signature_name(sig), sig["ids"][0])
    if anchors:
        anchor_store(app.env)[app.env.docname] = anchors


def purge_anchors(app, env, docname: str) -> None:
    """env-purge-doc: forget the ids of a page about to be read again."""
    anchor_store(env).pop(docname, None)


def merge_anchors(app, env, docnames, other) -> None:
    """env-merge-info: take the ids recorded by a parallel reader."""
    theirs = anchor_store(other)
    anchor_store(env).update((d, theirs[d]) for d in docnames if d in theirs)


@dataclass(frozen=True)
class Target:
    """A name to link on the first of lines ``first``..``last`` that holds it."""

    first: int
    last: int
    name: str
    href: str
    function: bool = False


def backlink_targets(source: SourceFile, anchors: dict[str, str], doc_uri: str) -> list[Target]:
    """The back-links of a file: each symbol (and enum constant) with an entry id."""
    targets = []
    for symbol in source.symbols:
        first, last = symbol.decl_span
        if symbol.kind != "doc" and first and symbol.name in anchors:
            targets.append(Target(first, max(first, last), symbol.name,
                                  f"{doc_uri}#{anchors[symbol.name]}", symbol.kind == "function"))
        for member in symbol.params if symbol.kind == "enum" else ():
            if member.line and member.name in anchors:
                targets.append(Target(member.line, member.line, member.name,
                                      f"{doc_uri}#{anchors[member.name]}"))
    return targets


def token_lines(text: str) -> list[list[list]]:
    """The text lexed as C, split into lines of ``[tokentype, text, href]``."""
    if not text:
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\u240d")  # keep line numbers
    # Tabs become spaces (8-column stops, as the kernel writes them): in the
    # page, tab stops would count from the line number, not from the code.
    text = "\n".join(line.expandtabs(8) for line in text.split("\n"))
    lexer = CLexer(stripnl=False, ensurenl=False, tabsize=0)
    lines: list[list[list]] = [[]]
    for ttype, value in lexer.get_tokens(text):
        first, *rest = value.split("\n")
        if first:
            lines[-1].append([ttype, first, ""])
        for part in rest:
            lines.append([[ttype, part, ""]] if part else [])
    if text.endswith("\n"):
        lines.pop()
    return lines


def place_link(lines: list[list[list]], target: Target) -> bool:
    """Link the first free occurrence of the target's name within its lines
    (for a function, its name token first; not in comments or strings;
    ``trace_x`` is declared as ``TRACE_EVENT(x, ...)``)."""
    names = [target.name] + [target.name[6:]] * target.name.startswith("trace_")
    word = re.compile(rf"(?<![\w$])(?:{'|'.join(map(re.escape, names))})(?![\w$])")
    passes = [lambda t: t[0] in Name.Function and t[1] == target.name] if target.function else []
    passes.append(lambda t: t[0] not in String and (t[0] not in Comment or t[0] in Comment.Preproc))
    for accept in passes:
        for line in lines[target.first - 1:target.last]:
            for index, token in enumerate(line):
                match = None if token[2] or not accept(token) else word.search(token[1])
                if match:
                    ttype, text = token[0], token[1]
                    start, end = match.span()
                    parts = [[ttype, text[:start], ""], [ttype, text[start:end], target.href],
                             [ttype, text[end:], ""]]
                    line[index:index + 1] = [p for p in parts if p[1]]
                    return True
    return False


def css_class(ttype) -> str:
    """The Pygments CSS class of a token type (that of its nearest standard parent)."""
    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    return STANDARD_TYPES[ttype]


def render_tokens(tokens: list[list]) -> str:
    """One line's tokens as HTML spans (and back-link anchors)."""
    out = []
    styled = ((("" if t in Whitespace else css_class(t)), href, text) for t, text, href in tokens)
    for (cls, href), group in groupby(styled, key=lambda item: item[:2]):
        inner = html.escape("".join(item[2] for item in group), quote=False)
        if cls:
            inner = f'<span class="{cls}">{inner}</span>'
        if href:
            inner = f'<a class="kdocgen-def" href="{html.escape(href)}">{inner}</a>'
        out.append(inner)
    return "".join(out)


def render_code(text: str, targets: list[Target]) -> str:
    """The highlighted file: one ``<span id="L<n>">`` per line, numbers linked."""
    lines = token_lines(text)
    for target in targets:
        place_link(lines, target)
    width = len(str(len(lines)))
    rows = [f'<span class="kdocgen-line" id="L{n}"><a class="kdocgen-lineno" href="#L{n}">'
            f'{str(n).rjust(width)}</a>{render_tokens(tokens)}\n</span>'
            for n, tokens in enumerate(lines, 1)]
    return ('<div class="highlight-c notranslate kdocgen-source"><div class="highlight">'
            f'<pre><code class="kdocgen-code">{"".join(rows)}</code></pre></div></div>\n')


def page_body(path: str, doc_uri: str, content: str) -> str:
    """The body of a source view: the path, a link to the file's page, ``content``."""
    out = f'<section class="kdocgen-source-view">\n<h1><code>{html.escape(path)}</code></h1>\n'
    if doc_uri:
        out += (f'<p class="kdocgen-source-doc"><a class="reference internal" '
                f'href="{html.escape(doc_uri)}">Documentation of {html.escape(path)}</a></p>\n')
    return f"{out}{content}</section>\n"
