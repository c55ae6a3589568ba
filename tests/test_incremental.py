"""An incremental Sphinx build after pages changed is as clean as a fresh
one, and gives the same HTML."""

import filecmp
import shutil
from pathlib import Path

from sphinx.cmd.build import build_main

from kdocgen.site.build import build_site_source, plan_site

ROOT = Path(__file__).resolve().parents[1]

DRIVER = b"""\
// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) "demo: " fmt

static int demo_count;

/**
 * demo_start() - Start the demo device.
 * @id: which one
 *
 * Return: 0 or a negative errno.
 */
int demo_start(int id)
{
\treturn demo_count + id;
}

static void demo_reset(void)
{
\tdemo_count = 0;
}
"""


def _sphinx(work: Path, out: str) -> str:
    warnings = work / f"{out}.warnings"
    status = build_main(["-W", "--keep-going", "-q", "-b", "html", "-d", str(work / out / "doctrees"),
                         "-w", str(warnings), str(work), str(work / out / "html")])
    text = warnings.read_text()
    assert status == 0, text
    return text


def test_reread_pages_give_no_duplicate_declarations(tmp_path):
    tree = tmp_path / "tree"
    (tree / "drivers" / "demo").mkdir(parents=True)
    (tree / "drivers" / "demo" / "demo.c").write_bytes(DRIVER)
    (tree / "drivers" / "demo" / "other.c").write_bytes(DRIVER.replace(b"demo_start", b"other_start"))
    work = tmp_path / "site"
    work.mkdir()
    for name in ("conf.py", "index.rst"):
        shutil.copy(ROOT / name, work / name)
    build_site_source(plan_site(tree, files=["drivers/demo/demo.c", "drivers/demo/other.c"]),
                      work / "source", progress=lambda message: None)
    _sphinx(work, "build")
    for page in (work / "source").rglob("*.rst"):
        page.touch()  # every page read again, as after a change of the ABI data
    assert "Duplicate" not in _sphinx(work, "build")
    _sphinx(work, "fresh")
    pages = [p.relative_to(work / "fresh" / "html") for p in (work / "fresh" / "html").rglob("*.html")]
    assert pages
    match, mismatch, errors = filecmp.cmpfiles(work / "build" / "html", work / "fresh" / "html",
                                               [str(p) for p in pages], shallow=False)
    assert not mismatch and not errors
