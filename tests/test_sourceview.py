"""Source views (``src/<path>.html``) and the ``[source]`` links of entries,
built with Sphinx (-W) on small C files and, marked ``kernel``, on the real
``drivers/hv/channel.c``."""

import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from docutils import nodes
from docutils.utils import new_document
from sphinx import addnodes
from sphinx.cmd.build import build_main

from kdocgen.extract import extract_file
from kdocgen.render.page import render_page
from kdocgen.render.write import page_path
from kdocgen.sphinxext import sourceview
from kdocgen.sphinxext.sourceview import Target, place_link, render_code, token_lines

FIXTURES = Path(__file__).parent / "fixtures" / "c"

WIDGET_C = """\
// SPDX-License-Identifier: GPL-2.0
/*
 * A widget driver, for the source-view tests.
 */
#include <linux/types.h>

#define WIDGET_MAX 8

/**
 * struct widget - A widget.
 * @id: Its number.
 */
struct widget {
\tint id;
};

/**
 * widget_probe() - Probe a widget (widget_probe is named in its comment too).
 * @w: The widget.
 *
 * Return: 0 or an error code.
 */
static int
widget_probe(struct widget *w)
{
\treturn w->id < WIDGET_MAX ? 0 : -1;
}

int widget_count(void)
{
\treturn 1;
}

/**
 * widget_log() - Log about a widget.
 * @w: The widget.
 */
void widget_log(struct widget *w)
{
}
"""

LATIN1_C = (b"/* Copyright (c) 2024 Ren\xe9 Example, \xff\xfe not UTF-8 */\n"
            b"/**\n * latin_fn() - After bytes that are not UTF-8.\n * @x: A value.\n */\n"
            b"int latin_fn(int x)\n{\n\treturn x;\n}\n")

WIDGET = "drivers/widget/widget.c"
FILES = [WIDGET, "latin1.c", "enum.h", "missing.c"]


def line_of(text: str, start: str) -> int:
    """The 1-based number of the first line of ``text`` starting with ``start``."""
    return next(n for n, line in enumerate(text.split("\n"), 1) if line.startswith(start))


def write_project(root: Path, tree: Path, files: list[str], theme: str = "alabaster") -> Path:
    """A Sphinx project with a page per readable file of ``files``."""
    src = root / "src"
    for path in files:
        source = extract_file(tree, path)
        if any(d.rule == "read-error" for d in source.diagnostics):
            continue
        page = page_path(src / "source", path)
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(render_page(source))
    (src / "index.rst").write_text("Source views\n============\n\n.. toctree::\n   :glob:\n\n"
                                   "   source/**\n")
    site = {"tree": str(tree), "title": "Source views", "files": files, "page_dir": "source"}
    (src / "conf.py").write_text(
        "extensions = ['kdocgen.sphinxext', 'kdocgen.sphinxext.sourceview']\n"
        f"project = 'sourceview test'\nhtml_theme = {theme!r}\nkdocgen_site = {site!r}\n")
    return src


def sphinx(src: Path, out: Path, *options: str, builder: str = "html") -> tuple[int, str]:
    """Build with -W; the exit status and the warnings."""
    warnings = out.with_name(out.name + "-warnings.txt")
    status = build_main(["-W", "--keep-going", "-q", "-b", builder, "-w", str(warnings),
                         "-d", str(out / ".doctrees"), *options, str(src), str(out)])
    return status, warnings.read_text()


def make_tree(root: Path) -> Path:
    tree = root / "tree"
    (tree / "drivers" / "widget").mkdir(parents=True)
    (tree / WIDGET).write_text(WIDGET_C)
    (tree / "latin1.c").write_bytes(LATIN1_C)
    shutil.copy(FIXTURES / "enum.h", tree / "enum.h")
    return tree


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The test project built once: ``(out, tree, status, warnings)``."""
    root = tmp_path_factory.mktemp("sourceview")
    tree = make_tree(root)
    src = write_project(root, tree, FILES)
    status, warnings = sphinx(src, root / "html")
    return root / "html", tree, status, warnings


def read(out: Path, name: str) -> str:
    return (out / name).read_text(encoding="utf-8")


def source_link(page: str, ident: str) -> str:
    """The href of the ``[source]`` link of the signature with id ``ident``."""
    start = page.index(f'id="{ident}"')
    entry = page[start:page.index("</dt>", start)]
    return re.search(r'<a class="kdocgen-source-link reference internal" href="([^"]+)">', entry)[1]


def view_line(view: str, number: int) -> str:
    """The HTML of line ``number`` of a source view."""
    return re.search(rf'<span class="kdocgen-line" id="L{number}">(.*?)\n</span>', view)[1]


def test_builds_without_warnings(site):
    _, _, status, warnings = site
    assert warnings == ""
    assert status == 0


def test_source_view_has_a_linked_anchor_per_line(site):
    out = site[0]
    view = read(out, "src/drivers/widget/widget.c.html")
    count = WIDGET_C.count("\n")
    assert re.findall(r'id="L(\d+)"', view) == [str(n) for n in range(1, count + 1)]
    assert f'<a class="kdocgen-lineno" href="#L{count}">{count}</a>' in view
    assert '<span class="k">struct</span>' in view  # highlighted by Pygments
    assert '<title>drivers/widget/widget.c' in view and "Documentation of drivers/widget/widget.c" in view
    assert 'href="../../../_static/kdocgen-source.css' in view  # the theme's page, with our CSS
    assert (out / "_static" / "kdocgen-source.css").is_file()


def test_source_links_point_at_the_declaration(site):
    page = read(site[0], "source/drivers/widget/widget.html")
    view = "../../../src/drivers/widget/widget.c.html"
    assert source_link(page, "c.widget_probe") == f"{view}#L{line_of(WIDGET_C, 'static int')}"
    assert source_link(page, "c.widget") == f"{view}#L{line_of(WIDGET_C, 'struct widget {')}"
    assert source_link(page, "c.widget_count") == f"{view}#L{line_of(WIDGET_C, 'int widget_count')}"
    assert source_link(page, "c.WIDGET_MAX") == f"{view}#L{line_of(WIDGET_C, '#define WIDGET_MAX')}"
    assert page.count("[source]") == len(re.findall(r'<dt class="sig sig-object c"', page))


def test_enumerators_and_header_pages(site):
    out = site[0]
    enum_h = (FIXTURES / "enum.h").read_text()
    page = read(out, "source/enum.h.html")
    assert source_link(page, "c.widget_mode") == f"../src/enum.h.html#L{line_of(enum_h, 'enum widget_mode')}"
    assert source_link(page, "c.WIDGET_ON") == f"../src/enum.h.html#L{line_of(enum_h, chr(9) + 'WIDGET_ON')}"
    view = read(out, "src/enum.h.html")
    assert 'href="../source/enum.h.html#c.WIDGET_ON"' in view_line(view, line_of(enum_h, "\tWIDGET_ON"))


def test_declaration_lines_link_back_to_entries(site):
    view = read(site[0], "src/drivers/widget/widget.c.html")
    page = "../../../source/drivers/widget/widget.html"
    name_line = view_line(view, line_of(WIDGET_C, "widget_probe("))
    assert (f'<a class="kdocgen-def" href="{page}#c.widget_probe"><span class="nf">widget_probe</span></a>'
            in name_line)
    # the name in the comment above is not linked, nor "static int" on the first line
    assert "kdocgen-def" not in view_line(view, line_of(WIDGET_C, " * widget_probe() -"))
    assert "kdocgen-def" not in view_line(view, line_of(WIDGET_C, "static int"))
    assert f'href="{page}#c.widget_count"' in view_line(view, line_of(WIDGET_C, "int widget_count"))
    assert f'href="{page}#c.WIDGET_MAX"' in view_line(view, line_of(WIDGET_C, "#define WIDGET_MAX"))
    assert f'href="{page}#c.widget"' in view_line(view, line_of(WIDGET_C, "struct widget {"))


def test_bytes_that_are_not_utf8(site):
    out = site[0]
    view = read(out, "src/latin1.c.html")
    assert "Ren\ufffd Example, \ufffd\ufffd not UTF-8" in view_line(view, 1)
    assert 'href="../source/latin1.html#c.latin_fn"' in view_line(view, 6)
    assert source_link(read(out, "source/latin1.html"), "c.latin_fn") == "../src/latin1.c.html#L6"


def test_missing_file_gives_a_page_and_no_warning(site):
    out, _, status, warnings = site
    view = read(out, "src/missing.c.html")
    assert "Source not available: cannot read the file" in view
    assert "kdocgen-line" not in view
    assert status == 0 and warnings == ""


def test_other_builders_are_unaffected(tmp_path):
    tree = make_tree(tmp_path)
    src = write_project(tmp_path, tree, FILES)
    status, warnings = sphinx(src, tmp_path / "text", builder="text")
    assert (status, warnings) == (0, "")
    assert not (tmp_path / "text" / "src").exists()
    assert "[source]" not in (tmp_path / "text" / "source" / "drivers" / "widget" / "widget.txt").read_text()


def test_deterministic_serial_parallel_and_incremental(tmp_path, site):
    """Same input, same bytes: a second build (in parallel) and an
    incremental build after another page changed give identical views."""
    first = site[0]
    tree = make_tree(tmp_path)
    src = write_project(tmp_path, tree, FILES)
    # the tree path differs from the first build's; it appears in no output
    out = tmp_path / "html"
    assert sphinx(src, out, "-j", "2") == (0, "")
    views = sorted(p.relative_to(first) for p in (first / "src").rglob("*.html"))
    assert len(views) == len(FILES)
    for name in views + [Path("source/drivers/widget/widget.html")]:
        assert (out / name).read_bytes() == (first / name).read_bytes(), name
    latin = page_path(src / "source", "latin1.c")
    latin.write_text(latin.read_text() + "\n.. a changed comment\n")
    assert sphinx(src, out) == (0, "")
    for name in views:
        assert (out / name).read_bytes() == (first / name).read_bytes(), name


def test_furo_theme_and_shared_navigation(tmp_path):
    pytest.importorskip("furo")
    tree = make_tree(tmp_path)
    src = write_project(tmp_path, tree, FILES, theme="furo")
    assert sphinx(src, tmp_path / "html") == (0, "")
    for view, up in (("src/drivers/widget/widget.c.html", "../../../"), ("src/enum.h.html", "../")):
        html = read(tmp_path / "html", view)
        assert 'class="sidebar-tree"' in html
        assert f'href="{up}source/drivers/widget/widget.html"' in html  # navigation, relative
        assert f'href="{up}_static/kdocgen-source.css' in html


def test_token_lines_keep_the_line_numbers():
    text = "int a;\r\nint b; /* one\r two */\nint c;\n\nint d;"
    lines = token_lines(text)
    assert len(lines) == 5
    assert "".join(t[1] for t in lines[1]) == "int b; /* one\u240d two */"
    assert token_lines("") == [] and len(token_lines("x\n")) == 1


def test_links_skip_comments_and_strings_and_find_macros():
    lines = token_lines('/* foo */ char *s = "foo";\n#define foo(x) (x)\n')
    assert place_link(lines, Target(1, 2, "foo", "#c.foo"))
    assert [t[1] for t in lines[1] if t[2]] == ["foo"]
    assert not place_link(token_lines("/* bar */\n"), Target(1, 1, "bar", "#c.bar"))
    html = render_code("int x;\n", [Target(1, 1, "x", "p.html#c.x")])
    assert '<a class="kdocgen-def" href="p.html#c.x"><span class="n">x</span></a>' in html


def test_entries_without_ids_get_source_links_but_no_back_links():
    doctree = new_document("page")
    doctree += nodes.comment("", "src-file: a.c")
    for name, ids in (("f", []), ("g", ["c.file_a_c.g"])):
        desc = addnodes.desc(domain="c", objtype="function")
        desc += addnodes.desc_signature("", "", addnodes.desc_name(name, name), ids=ids)
        doctree += desc
    env = SimpleNamespace(docname="source/a")
    sourceview.record_anchors(SimpleNamespace(env=env), doctree)
    assert sourceview.anchor_store(env) == {"source/a": {"g": "c.file_a_c.g"}}
    unnamed = next(iter(doctree.findall(addnodes.desc_signature)))
    assert sourceview.signature_name(unnamed) == "f"
    sourceview.add_link(unnamed, "../src/a.c.html#L3")
    assert unnamed[-1]["refuri"] == "../src/a.c.html#L3" and unnamed[-1].astext() == "[source]"


@pytest.mark.kernel
def test_channel_c_source_links(tmp_path, kernel_tree_path):
    tree = Path(kernel_tree_path)
    path = "drivers/hv/channel.c"
    src = write_project(tmp_path, tree, [path])
    assert sphinx(src, tmp_path / "html") == (0, "")
    text = (tree / path).read_text(encoding="utf-8", errors="replace")
    line = line_of(text, "int vmbus_sendpacket(")
    page = read(tmp_path / "html", "source/drivers/hv/channel.html")
    assert source_link(page, "c.vmbus_sendpacket") == f"../../../src/drivers/hv/channel.c.html#L{line}"
    view = read(tmp_path / "html", "src/drivers/hv/channel.c.html")
    assert ('href="../../../source/drivers/hv/channel.html#c.vmbus_sendpacket"'
            in view_line(view, line))
    assert len(re.findall(r'class="kdocgen-line"', view)) == text.count("\n")
