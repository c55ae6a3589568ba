"""The Sphinx side of comment safety: in generated pages (and text from C
files) raw output and file insertion are refused with a warning naming the
file and line; hand-written pages keep them."""

import re

import pytest
from sphinx.cmd.build import build_main

from kdocgen.render.page import HEADER
from kdocgen.sphinxext.safety import restriction

SECRET = "SECRETTOKEN4711"

# Each line is a construct that must work in a hand-written page and be
# refused in a generated one; paths are relative to the page's folder.
CONSTRUCTS = """\
.. raw:: html

   <script>alert('raw')</script>

.. role:: html(raw)
   :format: html

Inline :html:`<b id="derived-raw">bold</b>` here.

.. include:: {up}secret.txt

.. literalinclude:: {up}secret.txt

.. csv-table:: Leak
   :file: {up}secret.txt

.. image:: {up}picture.png

.. figure:: {up}picture.png

Get :download:`the secret <{up}secret.txt>`.

Links: `click <javascript:alert(1)>`_, `data <data:text/html,x>`_, javascript:alert(2),
`safe <https://example.org/>`_ and `local <#top>`_.

.. csv-table:: Inline table
   :header: "a", "b"

   "1", "2"
"""

REFUSED = ["raw", "include", "literalinclude", "csv-table", "image", "figure"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A small site: one generated page, one hand-written page with the same
    markup, one hand-written page including the generated one."""
    root = tmp_path_factory.mktemp("safety")
    (root / "secret.txt").write_text(f"{SECRET},x\n")
    (root / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    src = root / "src"
    (src / "source").mkdir(parents=True)
    (src / "conf.py").write_text("extensions = ['kdocgen.sphinxext']\nproject = 'safety'\n")
    (src / "index.rst").write_text("Safety\n======\n\n.. toctree::\n\n   source/gen\n   hand\n   wrapper\n")
    generated = f"{HEADER}\n.. src-file: drivers/gen.c\n\nGenerated\n=========\n\n"
    (src / "source" / "gen.rst").write_text(generated + CONSTRUCTS.format(up="../../"))
    (src / "hand.rst").write_text("Hand\n====\n\n" + CONSTRUCTS.format(up="../"))
    (src / "wrapper.rst").write_text("Wrapper\n=======\n\n.. include:: source/gen.rst\n   :start-line: 6\n")
    out = root / "html"
    warnings = root / "warnings.txt"
    status = build_main(["-q", "-b", "html", "-w", str(warnings), str(src), str(out)])
    return out, warnings.read_text(), status


def test_generated_page_refuses_raw_and_files(site):
    out, _warnings, status = site
    assert status == 0
    html = (out / "source" / "gen.html").read_text()
    assert "<script>alert" not in html and 'id="derived-raw"' not in html
    assert SECRET not in html
    assert "<img" not in html
    assert 'href="javascript' not in html and 'href="data:' not in html and "javascript:alert(2)" in html
    assert 'href="https://example.org/"' in html and 'href="#top"' in html
    assert ">click<" not in html and "click" in html  # the text stays, unlinked
    assert "1</p></td>" in html  # the inline csv-table is not file access: kept
    assert "_downloads" not in html and "_images" not in html


def test_refusals_are_warnings_with_file_and_line(site):
    _out, warnings, _status = site
    text = CONSTRUCTS.format(up="../../").splitlines()
    found = re.findall(r"gen\.rst:(\d+): WARNING: \"([\w-]+)\" (directive|role) not allowed in a generated page",
                       warnings)
    by_name: dict[str, int] = {}
    for line, name, _ in found:  # the first ones: gen.rst itself, not its inclusion
        by_name.setdefault(name, int(line))
    assert set(by_name) == set(REFUSED) | {"html", "download"}
    for name, line in by_name.items():
        assert f":{name}:" in text[line - 7] or f".. {name}::" in text[line - 7]  # 6 lines of header


def test_hand_written_page_keeps_its_powers(site):
    out, warnings, _status = site
    html = (out / "hand.html").read_text()
    assert "<script>alert('raw')</script>" in html and 'id="derived-raw"' in html
    assert html.count(SECRET) >= 3  # include, literalinclude, csv-table
    assert "<img" in html and 'href="javascript:alert(1)"' in html
    assert (out / "_images" / "picture.png").exists()
    assert [p.name for p in (out / "_downloads").rglob("*") if p.is_file()] == ["secret.txt"]
    assert "hand.rst" not in warnings


def test_generated_text_included_into_a_hand_written_page_is_still_refused(site):
    out, warnings, _status = site
    html = (out / "wrapper.html").read_text()
    assert "<script>alert" not in html and SECRET not in html and "<img" not in html
    assert warnings.count("not allowed in a generated page") == 2 * (len(REFUSED) + 2)


@pytest.mark.parametrize("source, expected", [
    ("/x/drivers/hv/channel.c", "comment text"),
    ("include/linux/hyperv.h", "comment text"),
    ("/x/index.rst", None),
    (None, None),
])
def test_restriction_by_source(source, expected):
    assert restriction(source) == expected


def test_restriction_reads_the_page_mark(tmp_path):
    page = tmp_path / "page.rst"
    page.write_text(f"{HEADER}\n.. src-file: a.c\n")
    hand = tmp_path / "hand.rst"
    hand.write_text("Title\n=====\n.. src-file: a.c\n")
    assert (restriction(str(page)), restriction(str(hand))) == ("a generated page", None)
