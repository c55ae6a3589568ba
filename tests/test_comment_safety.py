"""Comment text can only produce allowed markup, whatever it tries.

Every directive and role registered in docutils and Sphinx when the test
runs (read from their registries and from every Sphinx domain, kdocgen's own
included) is written into comments, with payloads that would inject HTML,
change the page, read files or link to scripts if the markup ran, at top
level and nested in every container comment text may use.  The comments go
through the three ways they reach a site: ``kdocgen rst`` (then plain
Sphinx), the site build (``make html FILES=...``) and a hand-written page's
``.. kernel-doc::``.  The output never holds injected ``<meta>``,
``<script>``, a changed ``<title>``, file content, downloads, images or
``javascript:``/``data:`` links, and every refused construct gets a warning
naming the C file and a line of its comment.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from docutils.parsers.rst import directives, roles
from sphinx.application import Sphinx
from sphinx.cmd.build import build_main
from sphinx.ext.mathjax import MATHJAX_URL
from sphinx.util.docutils import docutils_namespace

from kdocgen.render.allow import allows_directive, allows_role
from kdocgen.site.build import build_site_source, plan_site

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "KDOCGEN-SECRET-5a17"
C_PATH = "drivers/evil.c"


def registered_markup() -> tuple[list[str], list[str]]:
    """Every directive and role name known to docutils and to a Sphinx
    application with kdocgen's extension (domain names prefixed)."""
    found_directives, found_roles = set(), set()
    with docutils_namespace():
        src = Path(__file__).parent / "fixtures" / "empty-sphinx"
        app = Sphinx(str(src), str(src), "/nonexistent-out", "/nonexistent-doctrees", "html",
                     status=None, warning=None, confoverrides={"extensions": ["kdocgen.sphinxext"]})
        found_directives |= set(directives._directive_registry) | set(directives._directives)
        found_roles |= set(roles._role_registry) | set(roles._roles)
        for domain in app.env.domains.sorted():
            found_directives |= {f"{domain.name}:{name}" for name in domain.directives}
            found_roles |= {f"{domain.name}:{name}" for name in domain.roles}
    return sorted(found_directives), sorted(found_roles - {""})


def directive_payloads(name: str) -> list[str]:
    """Uses of a directive that would do harm if it ran as written (one
    for a directive comment text may not use: refused whatever it holds)."""
    everything = f'.. {name}:: html\n   :file: ../../secret.txt\n\n   <script>alert("{name}")</script>'
    if not allows_directive(name):
        return [everything]
    return [
        f'.. {name}:: EVILTITLE\n\n   <script>alert("{name}")</script>',
        f".. {name}:: /secret.txt",
        f".. {name}::\n   :file: ../../secret.txt\n\n   :http-equiv=refresh: 0; url=https://evil.example/",
    ]


def role_payloads(name: str) -> list[str]:
    """Uses of a role that would do harm if it ran as written."""
    link = f"Text :{name}:`<script>x</script> <javascript:alert(1)>` here."
    return [link, f"Text :{name}:`/secret.txt` here."] if allows_role(name) else [link]


def _indented(text: str, by: int) -> str:
    return textwrap.indent(text, " " * by)


def _cell(text: str) -> str:
    first, *rest = text.split("\n")
    return ".. list-table::\n\n   * - cell\n     - " + first + "".join("\n" + (" " * 7 + x if x else "") for x in rest)


#: The containers comment text may nest markup in.
PLACES = {
    "top": lambda text: text,
    "note": lambda text: ".. note::\n\n" + _indented(text, 3),
    "admonition": lambda text: ".. admonition:: A title\n\n" + _indented(text, 3),
    "list-table": _cell,
    "block-quote": lambda text: "Quoted:\n\n" + _indented(text, 4),
    "list-item": lambda text: "- " + text.replace("\n", "\n  "),
    "field-body": lambda text: ":Field:\n" + _indented(text, 4),
}


@dataclass
class Case:
    """One comment: a use of a directive or role in a place."""

    kind: str  # "directive" or "role"
    name: str
    place: str
    text: str
    first: int = 0  # its lines in the C file
    last: int = 0

    @property
    def refused(self) -> bool:
        return not (allows_directive(self.name) if self.kind == "directive" else allows_role(self.name))


def all_cases() -> list[Case]:
    found_directives, found_roles = registered_markup()
    cases = [Case("directive", name, place, wrap(payload)) for name in found_directives
             for payload in directive_payloads(name) for place, wrap in PLACES.items()]
    cases += [Case("role", name, place, wrap(payload)) for name in found_roles
              for payload in role_payloads(name) for place, wrap in PLACES.items()]
    return cases


def c_file(cases: list[Case]) -> str:
    """One documented function per case; records each case's lines."""
    lines = ["// SPDX-License-Identifier: GPL-2.0", "/* Comments that try everything. */", ""]
    for index, case in enumerate(cases):
        case.first = len(lines) + 1
        lines += ["/**", f" * case_{index}() - Case {index}.", " *"]
        lines += [" * " + x if x else " *" for x in case.text.split("\n")]
        lines += [" */"]
        case.last = len(lines)
        lines += [f"void case_{index}(void);", ""]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    """The cases, the kernel-like tree holding them, a folder with the secret."""
    cases = all_cases()
    base = tmp_path_factory.mktemp("matrix")
    tree = base / "tree"
    (tree / "drivers").mkdir(parents=True)
    (tree / C_PATH).write_text(c_file(cases))
    return cases, tree, base


def _project(path: Path, conf: str, pages: dict[str, str]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "conf.py").write_text(conf)
    for name in ("secret.txt", "source/secret.txt", "source/drivers/secret.txt"):
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(f"{TOKEN},{TOKEN}\n")
    for name, text in pages.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    return path


def _build(src: Path, out: Path) -> str:
    warnings = out.parent / (out.name + "-warnings.txt")
    assert build_main(["-q", "-j", "2", "-b", "html", "-w", str(warnings), str(src), str(out)]) == 0
    return warnings.read_text()


def assert_inert(html: str, out: Path, title: str) -> None:
    """What no output may hold, whatever the comments wrote."""
    head, body = html.split("<body", 1)
    assert "<meta" not in body and "http-equiv" not in head and "evil.example" not in head
    assert re.search(r"<title>(.*?)</title>", head, re.S).group(1).startswith(title)
    assert "EVILTITLE" not in head
    assert TOKEN not in html
    scripts = re.findall(r"<script\b[^>]*>", body)
    # the theme's own scripts, and the math renderer the build configures
    # (Sphinx's default MathJax) on pages where comment text has a formula
    own = r'<script(?: src="[^"]*_static/[^"]*")?>'
    mathjax = rf'<script defer="defer" src="{re.escape(MATHJAX_URL)}">'
    assert all(re.fullmatch(own, s) or re.fullmatch(mathjax, s) for s in scripts), scripts
    assert not re.search(r"""(?:href|src)\s*=\s*["']\s*(?:javascript|data|vbscript):""", html, re.I)
    assert "_downloads/" not in html and "_images/" not in html
    assert not (out / "_downloads").exists() and not (out / "_images").exists()


def assert_warned(cases: list[Case], warnings: str) -> None:
    """Each refused construct: a warning at a line of its comment."""
    lines = {int(n) for n in re.findall(rf"{re.escape(C_PATH)}:(\d+): WARNING", warnings)}
    silent = [(c.kind, c.name, c.place, c.text.split("\n")[0]) for c in cases
              if c.refused and not any(c.first <= n <= c.last for n in lines)]
    assert silent == []


def test_the_matrix_covers_the_registries(matrix):
    cases, _tree, _base = matrix
    names = {(c.kind, c.name) for c in cases}
    for dangerous in ("raw", "include", "literalinclude", "image", "figure", "meta", "title", "csv-table",
                      "kernel-doc", "only", "toctree", "role", "default-role", "header", "footer",
                      "replace", "unicode", "class", "sectnum", "contents", "math", "py:module"):
        assert ("directive", dangerous) in names
    for dangerous in ("raw", "download", "math", "eq", "cve"):
        assert ("role", dangerous) in names
    assert len(PLACES) == 7 and len(cases) > 2000


def test_site_build(matrix):
    """``make html FILES=drivers/evil.c``: the site's pages, built by Sphinx."""
    cases, tree, base = matrix
    src = base / "site"
    conf = (ROOT / "conf.py").read_text().replace('suppress_warnings = ["kdocgen.comment-rst"]', "")
    _project(src, conf, {"index.rst": (ROOT / "index.rst").read_text()})
    build_site_source(plan_site(tree, files=[C_PATH]), src / "source", jobs=1, progress=lambda m: None)
    out = base / "site-html"
    warnings = _build(src, out)
    html = (out / "source" / "drivers" / "evil.html").read_text()
    assert_inert(html, out, "drivers/evil.c")
    assert_warned(cases, warnings)
    assert "case_1()" in html or 'id="c.case_1"' in html


@pytest.mark.parametrize("output", ["kdocgen", "kernel-doc"])
def test_kernel_doc_directive_in_a_hand_written_page(matrix, output):
    """The directive, with kdocgen's entries and with kernel-doc's own reST
    (what a kernel tree's Documentation/ build gets)."""
    cases, tree, base = matrix
    conf = (f"extensions = ['kdocgen.sphinxext']\nkerneldoc_srctree = {str(tree)!r}\nproject = 'evil'\n"
            f"kerneldoc_output = {output!r}\n")
    src = _project(base / f"hand-{output}", conf, {"index.rst": "Hand written\n============\n\n"
                                                                f".. kernel-doc:: {C_PATH}\n"})
    out = base / f"hand-{output}-html"
    warnings = _build(src, out)
    html = (out / "index.html").read_text()
    assert_inert(html, out, "Hand written")
    assert_warned(cases, warnings)


def test_kdocgen_rst_then_plain_sphinx(matrix):
    """``kdocgen rst`` writes pages that are safe in any Sphinx build, and
    tells about every refused construct on stderr."""
    cases, tree, base = matrix
    pages = base / "rst"
    proc = subprocess.run([sys.executable, "-m", "kdocgen", "rst", "--srctree", str(tree), "--out", str(pages),
                           C_PATH], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert_warned(cases, proc.stderr.replace(": warning:", ": WARNING:"))
    src = _project(base / "plain", "project = 'plain'\n",
                   {"index.rst": "Plain\n=====\n\n.. toctree::\n\n   source/drivers/evil\n"})
    shutil.copy(pages / "drivers" / "evil.rst", src / "source" / "drivers" / "evil.rst")
    out = base / "plain-html"
    _build(src, out)
    assert_inert((out / "source" / "drivers" / "evil.html").read_text(), out, "case_0")
