"""Very long paragraphs are grouped before Sphinx's transforms run, so that
resolving thousands of references in one paragraph stays linear; the page
shows the same text and every reference still resolves."""

from pathlib import Path

from docutils import nodes
from sphinx.cmd.build import build_main

from kdocgen.sphinxext.longtext import GROUP, group_children


def test_children_grouped_in_order():
    para = nodes.paragraph()
    para.extend(nodes.Text(f"{i} ") for i in range(5 * GROUP + 3))
    before = para.astext()
    assert group_children(para)
    assert [len(g.children) for g in para.children] == [GROUP] * 5 + [3]
    assert all(isinstance(g, nodes.inline) and g.parent is para for g in para.children)
    assert para.astext() == before


def test_short_paragraphs_stay_as_they_are():
    para = nodes.paragraph()
    para.extend(nodes.Text("x") for _ in range(2 * GROUP))
    assert not group_children(para)
    assert all(isinstance(c, nodes.Text) for c in para.children)


def test_thousands_of_references_in_one_comment_all_resolve(tmp_path):
    tree = tmp_path / "tree"
    (tree / "drivers").mkdir(parents=True)
    body = "".join(f"target_{i % 7}() and " for i in range(3000))
    (tree / "drivers" / "many.c").write_text(
        "".join(f"/**\n * target_{i}() - Target {i}.\n */\nvoid target_{i}(void);\n\n" for i in range(7))
        + f"/**\n * caller() - Calls.\n *\n * {body}done.\n */\nvoid caller(void);\n")
    src = tmp_path / "doc"
    src.mkdir()
    (src / "conf.py").write_text(f"extensions = ['kdocgen.sphinxext']\nkerneldoc_srctree = {str(tree)!r}\n")
    (src / "index.rst").write_text("Many\n====\n\n.. kernel-doc:: drivers/many.c\n")
    out = tmp_path / "html"
    assert build_main(["-q", "-W", "-b", "html", str(src), str(out)]) == 0
    html = (out / "index.html").read_text()
    assert html.count('href="#c.target_3"') >= 3000 // 7
    assert html.count("<code class=\"xref c c-func docutils literal notranslate\">") >= 3000
    assert "done." in html
