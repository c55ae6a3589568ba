"""Variables documented with ``var NAME - purpose`` (7.x kernel-doc) in
every output: the per-file page, the kernel-doc directive, man pages, lint."""

from __future__ import annotations

from pathlib import Path

from sphinx.cmd.build import build_main

from kdocgen.extract import extract_source
from kdocgen.kerneldoc.dialect import PYTHON
from kdocgen.lint.run import lint
from kdocgen.render.check import check_page
from kdocgen.render.man import render_man
from kdocgen.render.page import render_page

FIXTURES = Path(__file__).parent / "fixtures" / "dialect"
VARS = (FIXTURES / "var_comments.c").read_bytes()


def test_page_has_a_c_var_entry_per_variable():
    source = extract_source("drivers/hv/ring.c", VARS, dialect=PYTHON)
    page = render_page(source)
    assert check_page(page) == []
    assert ".. c:var:: unsigned long hv_ring_count" in page
    assert ".. c:var:: const char *" in page and "hv_ring_names[]" in page
    assert "number of rings in use" in page and "Updated under hv_ring_lock." in page
    # made by a macro: shown as written
    assert "``__guarded_by(&hv_ring_lock) LIST_HEAD(hv_ring_list)``" in page


def test_man_page_of_a_variable():
    source = extract_source("drivers/hv/ring.c", VARS, dialect=PYTHON)
    [limit] = [s for s in source.documented if s.name == "hv_ring_limit"]
    page = render_man(limit, set(), "Linux 7.2")
    assert "hv_ring_limit \\- most rings a channel may have" in page
    assert "static unsigned int hv_ring_limit __read_mostly = 16" in page
    assert ".SH INITIALIZATION\ndefault: 16" in page


def test_directive_documents_variables(tmp_path):
    tree = tmp_path / "linux"
    (tree / "drivers" / "hv").mkdir(parents=True)
    (tree / "Makefile").write_text("VERSION = 7\nPATCHLEVEL = 2\n")
    (tree / "drivers" / "hv" / "ring.c").write_bytes(VARS)
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(f"extensions = ['kdocgen.sphinxext']\nkerneldoc_srctree = {str(tree)!r}\n")
    (src / "index.rst").write_text("Rings\n=====\n\n.. kernel-doc:: drivers/hv/ring.c\n"
                                   "   :identifiers: hv_ring_count hv_ring_names\n")
    warnings = tmp_path / "warnings.txt"
    status = build_main(["-W", "--keep-going", "-q", "-b", "html", "-w", str(warnings), str(src),
                         str(tmp_path / "html")])
    assert status == 0, warnings.read_text()
    html = (tmp_path / "html" / "index.html").read_text()
    assert 'id="c.hv_ring_count"' in html and 'id="c.hv_ring_names"' in html
    assert "number of rings in use" in html and "hv_ring_limit" not in html


def test_lint_of_variables(tmp_path):
    (tmp_path / "Makefile").write_text("VERSION = 7\nPATCHLEVEL = 2\n")
    (tmp_path / "v.c").write_bytes(VARS + b"\n/*\n * var hv_ring_max - not kernel-doc\n */\nint hv_ring_max;\n")
    findings = lint(tmp_path, ["v.c"], dialect=PYTHON)
    assert [(f.rule, f.line) for f in findings] == [
        ("cannot-parse", 26), ("cannot-parse", 31), ("looks-like-kernel-doc", 35)]
