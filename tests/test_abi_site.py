"""ABI status in a built site: a small site from a C file written for this
test (sections on entries, overview page, heatmap, bad data files, the site
without ABI data unchanged), and the Hyper-V files with the shared DepSurf
pages checked against DepSurf's own status table (``-m kernel``)."""

from __future__ import annotations

import filecmp
import re
import shutil
from pathlib import Path

import pytest
from sphinx.cmd.build import build_main

from kdocgen.abi import model as m
from kdocgen.abi.store import write
from kdocgen.cli import main as kdocgen_main

ROOT = Path(__file__).resolve().parents[1]

DEMO_C = """\
/**
 * demo_post() - Queue a message.
 * @buf: the message
 *
 * Return: 0 on success.
 */
int demo_post(void *buf)
{
\treturn buf ? 0 : -1;
}

static int demo_open(void)
{
\treturn demo_post(0);
}

/**
 * struct demo_dev - A demo device.
 * @id: its number
 */
struct demo_dev {
\tint id;
};
"""


def _demo_data() -> m.AbiData:
    builds = [m.Build(id=f"t:{n}", name=f"{n}-generic-amd64", version=n, arch="amd64", flavor="generic",
                      group="Regular", label=n, source="depsurf") for n in ("5.4.0", "6.8.0")]
    inst = m.Instance(cu_file="drivers/demo/core.c", location="drivers/demo/core.c:7",
                      direct_callers=("drivers/demo/core.c:demo_open",))
    opener = m.AbiSymbol("function", "demo_open", "drivers/demo/core.c", {
        "t:5.4.0": m.BuildStatus(present=False), "t:6.8.0": m.BuildStatus(present=False)})
    post = m.AbiSymbol("function", "demo_post", None, {
        "t:5.4.0": m.BuildStatus(present=False),
        "t:6.8.0": m.BuildStatus(present=True, issues=["Transformation"], transformation=True,
                                 clones=["demo_post.isra.0"], instances=[inst],
                                 symbols=[m.ElfSymbol("demo_post.isra.0", 4096, 64, "STB_LOCAL")]),
    })
    dev = m.AbiSymbol("struct", "demo_dev", None, {
        "t:5.4.0": m.BuildStatus(present=True, signature="struct demo_dev {\n    int id;\n};"),
        "t:6.8.0": m.BuildStatus(present=True, signature="struct demo_dev {\n    long id;\n};"),
    }, deltas=[m.Delta("Regular", "t:5.4.0", "t:6.8.0", "changed",
                       [m.Change("Field type changed", "int id", "long id")])])
    return m.AbiData(builds=builds, symbols=[opener, post, dev], sources=["demo data"])


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A kernel-like tree with one C file, and an ABI data file for it."""
    base = tmp_path_factory.mktemp("abidemo")
    tree = base / "tree"
    (tree / "drivers" / "demo").mkdir(parents=True)
    (tree / "drivers" / "demo" / "core.c").write_text(DEMO_C)
    write(_demo_data(), base / "demo.json")
    return base


def _build(base: Path, work: str, abi: list[Path]) -> tuple[int, Path]:
    """kdocgen site + sphinx-build into ``base/work``; (kdocgen's status, html dir)."""
    site = base / work
    site.mkdir(exist_ok=True)
    for name in ("conf.py", "index.rst"):
        shutil.copy(ROOT / name, site / name)
    args = ["site", "--srctree", str(base / "tree"), "--files", "drivers/demo/core.c",
            "--out", str(site / "source"), "-j", "1"]
    for path in abi:
        args += ["--abi", str(path)]
    status = kdocgen_main(args)
    html = site / "_build" / "html"
    assert build_main(["-q", "-b", "html", "-d", str(site / "_build" / "doctrees"), str(site), str(html)]) == 0
    return status, html


def _section(page: str, anchor: str) -> str:
    """The ABI section under the entry with this id."""
    start = page.index(f'id="{anchor}"')
    end = page.find('<dl class="c ', start)
    end = len(page) if end < 0 else end
    found = re.search(r'<div class="kdocgen-abi">.*?</div>', page[start:end], re.DOTALL)
    assert found, f"no ABI section under {anchor}"
    return found.group(0)


def _cells(section: str) -> dict[str, tuple[str, str]]:
    """Full build name -> (category, state in words) of a section's matrix."""
    return {name: (cat, state) for cat, name, state in
            re.findall(r'<td class="abi-cell abi-(\w+)"[^>]*title="([^":]+): ([^"]*)"', section)}


def test_demo_site_with_abi_data(demo, capsys):
    bad = demo / "bad.json"
    bad.write_text("{\n  \"format\": \"kdocgen-abi\",\n  oops\n}\n")
    status, html = _build(demo, "with", [demo / "demo.json", bad])
    assert status == 1                                   # one bad file: reported, rest built
    assert f"{bad}:3:" in capsys.readouterr().err
    page = (html / "source" / "drivers" / "demo" / "core.html").read_text()
    post = _section(page, "c.demo_post")
    assert _cells(post) == {"5.4.0-generic-amd64": ("absent", "Absent"),
                            "6.8.0-generic-amd64": ("transformation", "Transformation")}
    assert "demo_post.isra.0" in post and "present in 1 of 2 builds" in post
    assert 'href="#c.demo_open"' in post                 # the caller, linked to its entry
    dev = _section(page, "c.demo_dev")
    assert "Field type changed: <code>int id</code> &#10145; <code>long id</code>" in dev
    assert page.count('class="kdocgen-abi"') == 3
    assert "present in 0 of 2 builds" in _section(page, "c.demo_open")
    overview = (html / "source" / "abi" / "index.html").read_text()
    assert "heatmap.png" in overview and (html / "_images" / "heatmap.png").is_file()
    assert "../drivers/demo/core.html#c.demo_post" in overview
    assert (html / "_static" / "abi.js").is_file() and "abi.css" in page
    assert "source/abi/index.html" in (html / "index.html").read_text()


def test_demo_site_without_abi_data_unchanged(demo):
    """Without ABI data nothing of it is in the site; after a build with ABI
    data, a build without it gives the same pages again (Sphinx keeps the
    files of pages that are gone, as for any removed page, and their words
    in the search index)."""
    status, plain = _build(demo, "plain", [])
    assert status == 0
    source = demo / "plain" / "source"
    assert not (source / "abi").exists() and not (source / "_abi.json").exists()
    assert '"abi"' not in (source / "_site.json").read_text()
    assert not list(plain.rglob("abi.*")) and not (plain / "_images").exists()
    for page in plain.rglob("*.html"):
        text = page.read_text()
        assert "kdocgen-abi" not in text and "_static/abi." not in text and "ABI status" not in text, page
    _build(demo, "again", [demo / "demo.json"])
    _, again = _build(demo, "again", [])
    assert _differences(filecmp.dircmp(plain, again, ignore=[".buildinfo", "searchindex.js"])) == []


def _differences(cmp: filecmp.dircmp) -> list[str]:
    """Files of the left tree missing or different in the right one."""
    out = [f"{cmp.left}/{n}" for n in cmp.left_only]
    _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
    out += [f"{cmp.left}/{n}" for n in mismatch + errors]
    for sub in cmp.subdirs.values():
        out += _differences(sub)
    return out


# --- the Hyper-V files with DepSurf's pages ------------------------------------

HV_FILES = ["drivers/hv/channel.c", "drivers/hv/connection.c", "drivers/hv/ring_buffer.c",
            "drivers/hv/vmbus_drv.c"]


def _depsurf_table(depsurf: Path) -> tuple[list[str], dict[str, list[str]]]:
    """DepSurf's status table: image columns (group:label) and name -> cells."""
    lines = [ln.rstrip("\n").split("\t") for ln in
             (depsurf / "hyperv-status-matrix.tsv").read_text().splitlines() if not ln.startswith("#")]
    return lines[0][1:], {row[0]: row[1:] for row in lines[1:]}


@pytest.fixture(scope="module")
def hyperv_abi_site(kernel_tree_path, tmp_path_factory, depsurf_data):
    from kdocgen.abi.load import load_abi
    from kdocgen.site.build import build_site_source, plan_site

    data, errors = load_abi([depsurf_data])
    assert errors == []
    work = tmp_path_factory.mktemp("hvabi")
    for name in ("conf.py", "index.rst"):
        shutil.copy(ROOT / name, work / name)
    build_site_source(plan_site(Path(kernel_tree_path), files=HV_FILES), work / "source", jobs=2,
                      progress=lambda message: None, abi=data)
    html = work / "_build" / "html"
    assert build_main(["-q", "-j", "2", "-b", "html", "-d", str(work / "_build" / "doctrees"),
                       str(work), str(html)]) == 0
    return html


def _page_of(html: Path, path: str) -> str:
    return (html / "source" / (path[:-2] + ".html")).read_text()


@pytest.mark.kernel
def test_vmbus_post_msg_as_the_seed(hyperv_abi_site):
    section = _section(_page_of(hyperv_abi_site, "drivers/hv/connection.c"), "c.vmbus_post_msg")
    cells = _cells(section)
    assert len(cells) == 25
    for name, (cat, _) in cells.items():
        expected = "transformation" if name == "5.4.0-1010-azure-amd64" else "absent"
        assert cat == expected, name
    azure = re.search(r"<summary>In <code>5\.4\.0-1010-azure-amd64</code>: Transformation</summary>(.*?)</details>",
                      section, re.DOTALL)
    assert azure and "<code>vmbus_post_msg.cold</code>" in azure.group(1)
    assert "Absent = not in vmlinux" in section


@pytest.mark.kernel
def test_selective_inline_and_collision(hyperv_abi_site, depsurf_data):
    columns, table = _depsurf_table(depsurf_data)
    azure = columns.index("Flavor:azure")
    vmbus_open = _cells(_section(_page_of(hyperv_abi_site, "drivers/hv/channel.c"), "c.vmbus_open"))
    assert table["vmbus_open"][azure] == "Selective Inline"
    assert vmbus_open["5.4.0-1010-azure-amd64"] == ("selective", "Selective Inline")
    device_show = _cells(_section(_page_of(hyperv_abi_site, "drivers/hv/vmbus_drv.c"), "c.device_show"))
    assert table["device_show"][azure] == "Collision"
    assert device_show["5.4.0-1010-azure-amd64"] == ("collision", "Collision")
    # elsewhere DepSurf's device_show is another driver's static: not ours
    regular = [cat for name, (cat, _) in device_show.items() if "azure" not in name]
    assert regular and set(regular) == {"foreign"}


@pytest.mark.kernel
def test_every_known_function_matches_depsurf_table(hyperv_abi_site, depsurf_data):
    """Each rendered cell of the site's functions says what DepSurf's table
    says, except builds where the name is another driver's function."""
    columns, table = _depsurf_table(depsurf_data)
    checked = 0
    for path in HV_FILES:
        page = _page_of(hyperv_abi_site, path)
        for anchor in re.findall(r'id="c\.(\w+)"', page):
            if anchor not in table or f'id="c.{anchor}"' not in page:
                continue
            try:
                cells = list(_cells(_section(page, f"c.{anchor}")).values())
            except AssertionError:
                continue            # defined elsewhere (a prototype here)
            if len(cells) != len(columns):
                continue            # every build foreign: summary only
            for (cat, state), expected in zip(cells, table[anchor]):
                if cat != "foreign":
                    assert state == ("OK" if expected == "OK" else expected.replace("+", ", ")), anchor
                    checked += 1
    assert checked >= 25 * 100


def test_overview_table_sorts_and_filters_in_a_browser(demo):
    """abi.js: a click on a column head sorts, the check boxes filter."""
    from test_browser import ensure_chromium

    ensure_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    _, html = _build(demo, "browse", [demo / "demo.json"])
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1440,2400"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    try:
        driver.set_window_size(1440, 2400)
        driver.get((html / "source" / "abi" / "index.html").as_uri())
        count = driver.find_element(By.CSS_SELECTOR, ".abi-count")
        table = "#functions table.abi-table"

        def click(selector: str) -> None:
            element = driver.find_element(By.CSS_SELECTOR, selector)
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
            element.click()

        def names() -> list[str]:
            return [row.text.split()[0] for row in driver.find_elements(By.CSS_SELECTOR, f"{table} tbody tr")
                    if row.is_displayed()]

        assert count.text == "2 of 2 shown"
        click(f"{table} thead th")
        assert names() == ["demo_open", "demo_post"]
        click(f"{table} thead th")
        assert names() == ["demo_post", "demo_open"]
        click('input[data-filter="generic"]')
        assert names() == ["demo_post"] and count.text == "1 of 2 shown"
    finally:
        driver.quit()
