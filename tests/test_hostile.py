"""Comment text becomes published HTML: nothing in a comment may inject HTML
or scripts, or pull files from the build machine into the site."""

from pathlib import Path

from sphinx.cmd.build import build_main

from kdocgen.extract import extract_source
from docutils import nodes

from kdocgen.render.check import check_page, parse_generated
from kdocgen.render.page import checked_page, render_page

HOSTILE = b"""\
/**
 * evil() - Try <script>alert('purpose')</script> in the purpose
 * @a: a <img src=x onerror=alert(1)> parameter
 *
 * .. raw:: html
 *
 *    <script>alert('raw')</script>
 *
 * .. include:: /etc/passwd
 *
 * .. literalinclude:: /etc/hostname
 *
 * .. csv-table:: leak
 *    :file: /etc/passwd
 *
 * .. image:: /etc/hostname
 *
 * .. |sub| raw:: html
 *
 *    <b>sub</b>
 *
 * .. _evil: javascript:alert('target')
 *
 * .. kernel-doc:: ../../../../../../../../etc/passwd
 *
 * Get :download:`this <../../../../../../../../etc/passwd>` or :raw:`<b>raw</b>`.
 *
 * Click `here <javascript:alert('link')>`_ or javascript:alert('bare').
 * A very long line: LONG
 *
 * Return: <script>alert('return')</script>
 */
int evil(int a);

/**
 * big() - A comment of a megabyte.
 *
BIG */
void big(void);
"""


def hostile_source() -> bytes:
    long_line = b"x" * 20000
    big = b"".join(b" * filler line %d with <script> and .. raw:: html\n" % i for i in range(22000))
    return HOSTILE.replace(b"LONG", long_line).replace(b"BIG", big)


def test_hostile_page_is_clean_and_inert():
    page, problems = checked_page(extract_source("drivers/evil.c", hostile_source()))
    assert len(page) > 1_000_000
    assert check_page(page, "evil") == []
    doctree = parse_generated(page, "evil")
    assert not list(doctree.findall(lambda n: isinstance(n, (nodes.raw, nodes.image, nodes.substitution_definition,
                                                              nodes.pending, nodes.reference))))
    assert all("javascript" not in t["refuri"] for t in doctree.findall(nodes.target) if "refuri" in t)
    assert {p.path for p in problems} == {"drivers/evil.c"}
    refused = {p.message.split('"')[1] for p in problems if p.kind == "refused"}
    assert {"raw", "include", "literalinclude", "csv-table", "image", "kernel-doc", "download"} <= refused


def test_hostile_page_builds_into_inert_html(tmp_path):
    src = tmp_path / "src"
    (src / "source").mkdir(parents=True)
    (src / "conf.py").write_text("extensions = ['kdocgen.sphinxext']\nproject = 'hostile'\n")
    (src / "index.rst").write_text("Hostile\n=======\n\n.. toctree::\n\n   source/evil\n")
    (src / "source" / "evil.rst").write_text(render_page(extract_source("drivers/evil.c", hostile_source())))
    out = tmp_path / "html"
    warnings = tmp_path / "warnings.txt"
    assert build_main(["-W", "-q", "-b", "html", "-w", str(warnings), str(src), str(out)]) == 0
    html = (out / "source" / "evil.html").read_text()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert 'href="javascript' not in html.lower()
    assert "root:x:0:0" not in html  # nothing of /etc/passwd
    assert not (out / "_images").exists() and not (out / "_downloads").exists()
    assert "&lt;script&gt;" in html and "raw:: html" in html  # shown as text
    assert Path(out / "source" / "evil.html").stat().st_size > 1_000_000
