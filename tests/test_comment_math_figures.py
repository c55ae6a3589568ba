"""Formulas and figures in comment text: typeset and shown when they are
what kernel comments use them for (``:math:``, ``.. math::``, the kernel's
``kernel-figure``), refused with a warning when the TeX could read files or
run programs, or the figure is not a file of the documentation tree."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sphinx.cmd.build import build_main

from kdocgen.render.allow import safe_image
from kdocgen.render.mathtext import tex_refusal

FIXTURES = Path(__file__).parent / "fixtures" / "mathfig"


@pytest.mark.parametrize("tex", [
    r"2^{walign}", r"width * height", r"ceil(\frac{maximum - minimum}{step}) + 1",
    r"\left\lfloor \frac{a}{b} \right\rfloor", r"a \le b \\ c \, d", r"\text{if } x \ge 0",
    "\\begin{align*} a &= b \\end{align*}", r"\mathrm{KiB}", "",
])
def test_formulas_kernel_comments_write_are_typeset(tex):
    assert tex_refusal(tex) is None


@pytest.mark.parametrize("tex, why", [
    (r"\input{/etc/passwd}", r"TeX \input"),
    (r"x \immediate\write18{rm -rf /}", r"TeX \immediate"),
    (r"\href{javascript:alert(1)}{x}", r"TeX \href"),
    (r"^^5cinput{/etc/passwd}", "TeX character code (^^)"),
    (r"\catcode`\^=11", r"TeX \catcode"),
    ("\\begin{filecontents}{x} \\end{filecontents}", "TeX environment filecontents"),
    (r"\begin x", "TeX environment (none)"),
    (r"\csname input\endcsname{/etc/passwd}", r"TeX \csname"),
])
def test_tex_that_reads_runs_or_links_is_refused(tex, why):
    assert tex_refusal(tex) == why


def test_control_symbols_do_not_hide_words():
    assert tex_refusal(r"\\input") is None  # a line break, then the letters "input"
    assert tex_refusal(r"\\\input") == r"TeX \input"


@pytest.mark.parametrize("uri, ok", [
    ("dp-mst/topology-figure-1.dot", True), ("figs/ring.svg", True), ("ring.PNG", True),
    ("../secret.png", False), ("figs/../../x.png", False), ("/etc/secret.png", False),
    ("https://evil.example/pixel.png", False), ("data:image/png;base64,AAAA.png", False),
    ("figs/secret.txt", False), ("", False), ("\\\\host\\share\\x.png", False),
])
def test_images_only_relative_figure_files(uri, ok):
    assert safe_image(uri) is ok


def _doc(tmp_path: Path, output: str) -> Path:
    tree = tmp_path / "tree"
    (tree / "drivers").mkdir(parents=True)
    shutil.copy(FIXTURES / "figures.c", tree / "drivers" / "ring.c")
    src = tmp_path / f"doc-{output}"
    (src / "figs").mkdir(parents=True)
    (src / "figs" / "ring.dot").write_text("digraph ring { a -> b }\n")
    (src / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(FIXTURES)!r})\n"
        "extensions = ['kdocgen.sphinxext', 'standin_figures']\n"
        f"kerneldoc_srctree = {str(tree)!r}\nkerneldoc_output = {output!r}\nkerneldoc_version = '6.12'\n")
    (src / "index.rst").write_text("Ring\n====\n\n.. kernel-doc:: drivers/ring.c\n")
    return src


@pytest.mark.parametrize("output", ["kernel-doc", "kdocgen"])
def test_formulas_and_figures_in_a_build(tmp_path, output):
    src, out = _doc(tmp_path, output), tmp_path / f"html-{output}"
    warnings_file = tmp_path / f"warnings-{output}.txt"
    assert build_main(["-q", "-b", "html", "-w", str(warnings_file), str(src), str(out)]) == 0
    warnings = warnings_file.read_text()
    html = (out / "index.html").read_text()
    refused = re.findall(r"ring\.c:(\d+): WARNING: (.*)", warnings)
    reasons = sorted(why for _, why in refused)
    assert any(r"math with TeX \input" in why for why in reasons), warnings
    assert any("math with TeX character code" in why for why in reasons), warnings
    assert sum("image element" in why for why in reasons) == 2, warnings
    assert len(refused) == 4, warnings
    # what is allowed is typeset and shown, without a warning
    assert html.count('class="math') >= 3 and "lfloor size / 2^{align}" in html
    assert (out / "_images" / "ring.dot").exists()
    assert "secret" not in "".join(p.name for p in (out / "_images").iterdir())
    assert "/etc/passwd" in html  # the refused formula is shown as text
