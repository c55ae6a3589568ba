"""ABI status rendering on small hand-made data: matching entries to ABI
symbols (foreign same-named statics), cell categories, the per-entry HTML
section, the overview page, the heatmap, loading data files."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from kdocgen.abi import model as m
from kdocgen.abi.heatmap import HeatmapRow, area_of, draw_heatmap
from kdocgen.abi.load import load_abi
from kdocgen.abi.lookup import FOREIGN, OURS, UNKNOWN, AbiIndex
from kdocgen.abi.overview import (
    SiteEntry,
    coverage,
    function_table,
    overview_page,
    write_abi_site,
)
from kdocgen.abi.render import build_text, entry_section, summary_line
from kdocgen.abi.store import write
from kdocgen.abi.summary import CATEGORY, category, cell_symbol, entry_abi

OURS_FILE = "drivers/demo/core.c"
OTHER_FILE = "drivers/other/bus.c"


def _build(name: str, version: str, group: str, label: str, flavor: str = "generic",
           source: str = "depsurf") -> m.Build:
    return m.Build(id=f"{source}:{name}", name=name, version=version, arch="amd64", flavor=flavor,
                 group=group, label=label, source=source, provenance={"compiler": "GCC 9", "dataset": "demo"})


BUILDS = [
    _build("4.4.0-1-generic-amd64", "4.4.0", "Regular", "4.4"),
    _build("5.4.0-2-generic-amd64", "5.4.0", "Regular", "5.4"),
    _build("5.4.0-3-azure-amd64", "5.4.0", "Flavor", "azure", flavor="azure"),
    _build("6.1.0-9-amd64", "6.1.0", "Debian bookworm", "6.1", source="scan"),
]
B44, B54, AZ, DEB = (b.id for b in BUILDS)


def _instance(path: str, callers=()) -> m.Instance:
    return m.Instance(cu_file=path, location=f"{path}:42", inlined=False, direct_callers=tuple(callers))


def _data() -> m.AbiData:
    """demo_post: absent in Regular, transformed in azure (.cold clone), in
    a module in the scanned build.  demo_show: another driver's static in
    Regular, ours (colliding) in azure.  demo_inl: selectively inlined, changed."""
    post = m.AbiSymbol("function", "demo_post", None, {
        B44: m.BuildStatus(present=False),
        B54: m.BuildStatus(present=False),
        AZ: m.BuildStatus(present=True, issues=["Transformation"], transformation=True,
                        clones=["demo_post.cold"], signature="int demo_post(void *buf);",
                        collision="Unique Global", inline="No",
                        instances=[_instance(OURS_FILE, [f"{OURS_FILE}:demo_open", "x/y.c:far_away"])],
                        binaries=["vmlinux"],   # as the importer sets it for a status with symbols
                        symbols=[m.ElfSymbol("demo_post", 0xffffffff81000000, 302, "STB_GLOBAL"),
                                 m.ElfSymbol("demo_post.cold", 0xffffffff81000400, 26, "STB_LOCAL")],
                        callers=[f"{OURS_FILE}:demo_open"]),
    })
    post_scan = m.AbiSymbol("function", "demo_post", OURS_FILE, {
        DEB: m.BuildStatus(present=True, binaries=["demo_mod"], exported="EXPORT_SYMBOL_GPL"),
    })
    show = m.AbiSymbol("function", "demo_show", None, {
        B44: m.BuildStatus(present=True, issues=["Collision"], instances=[_instance(OTHER_FILE)]),
        B54: m.BuildStatus(present=True, issues=["Collision"], instances=[_instance(OTHER_FILE)]),
        AZ: m.BuildStatus(present=True, issues=["Collision"],
                        instances=[_instance(OTHER_FILE), _instance(OURS_FILE)]),
    })
    inl = m.AbiSymbol("function", "demo_inl", None, {
        B44: m.BuildStatus(present=True, issues=[], instances=[_instance(OURS_FILE)]),
        B54: m.BuildStatus(present=True, issues=["Selective Inline"], inline="Selective",
                         instances=[_instance(OURS_FILE)]),
        AZ: m.BuildStatus(present=False),
    }, deltas=[m.Delta("Regular", B44, B54, "changed", [m.Change("Param added", new="int flags")])])
    elsewhere = m.AbiSymbol("function", "demo_fb", "drivers/video/other.c", {
        B54: m.BuildStatus(present=True, issues=["Full Inline"]),
    })
    tp = m.AbiSymbol("tracepoint", "demo_event", None, {AZ: m.BuildStatus(present=True)})
    return m.AbiData(builds=list(BUILDS), symbols=[post, post_scan, show, inl, elsewhere, tp],
                   sources=["hand-made test data"])


def _entry(name: str, path: str = OURS_FILE):
    data = _data()
    match = AbiIndex(data).match("function", name, path)
    assert match is not None
    return entry_abi(data, match)


def _cells(html: str) -> dict[str, tuple[str, str]]:
    """build name -> (category, cell text) of a rendered matrix."""
    cells = re.findall(r'<td class="abi-cell abi-(\w+)"[^>]*title="([^":]+): [^"]*">'
                       r'<span class="abi-sym">([^<]*)</span>', html)
    return {name: (cat, text) for cat, name, text in cells}


def test_match_by_file_and_by_instance_location():
    index = AbiIndex(_data())
    post = index.match("function", "demo_post", OURS_FILE)
    assert post.owner[AZ] == OURS and post.owner[DEB] == OURS and post.owner[B44] == UNKNOWN
    show = index.match("function", "demo_show", OURS_FILE)
    assert show.owner[B44] == FOREIGN and show.owner[AZ] == OURS
    assert show.status(B44) is None and show.status(AZ).present
    assert show.foreign_files[B54] == [OTHER_FILE]
    assert index.match("function", "demo_none", OURS_FILE) is None


def test_symbol_of_another_file_is_foreign():
    index = AbiIndex(_data())
    fb = index.match("function", "demo_fb", "drivers/video/ours.c")
    assert fb.all_foreign and fb.status(B54) is None
    entry = entry_abi(_data(), fb)
    assert entry.all_foreign and not entry.present
    html = entry_section(entry)
    assert "another function" in html and "drivers/video/other.c" in html
    assert "abi-matrix" not in html      # no matrix of someone else's symbol


@pytest.mark.parametrize(("status", "foreign", "changed", "cat", "text"), [
    (None, False, False, "absent", "∅"),
    (m.BuildStatus(present=False), True, False, "foreign", "≠"),
    (m.BuildStatus(present=True), False, False, "ok", "✓"),
    (m.BuildStatus(present=True, binaries=["hv_vmbus"]), False, False, "module", "M"),
    (m.BuildStatus(present=True, issues=["Selective Inline", "Transformation"]), False, True,
     "transformation", "STΔ"),
    (m.BuildStatus(present=True, issues=["Duplicate", "Full Inline"]), False, False, "full", "DF"),
    (m.BuildStatus(present=True, issues=["Collision"], binaries=["vmlinux"]), False, False, "collision", "C"),
])
def test_cell_category_and_symbol(status, foreign, changed, cat, text):
    assert category(status, foreign) == cat
    assert cell_symbol(status, foreign, changed) == text
    assert cat in CATEGORY


def test_summary_line_counts_versions_place_and_worst():
    entry = _entry("demo_post")
    line = summary_line(entry)
    assert "present in 2 of 4 builds" in line
    assert "Regular 0/2" in line and "Flavor 1/1" in line and "Debian bookworm 1/1" in line
    assert "first seen" in line and 'title="5.4.0-3-azure-amd64"' in line
    assert 'title="6.1.0-9-amd64"' in line          # the last version seen
    assert "<code>vmlinux</code>, <code>demo_mod</code>" in line
    assert "exported (EXPORT_SYMBOL_GPL in 1 of 1 builds that record exports)" in line
    assert "worst issue: <strong>Transformation</strong>" in line
    assert "export" not in summary_line(_entry("demo_inl"))   # no build records its exports


def test_entry_section_matrix_details_links():
    links = {"demo_open": "core.html#c.demo_open"}
    html = entry_section(_entry("demo_post"), links.get)
    cells = _cells(html)
    assert cells["4.4.0-1-generic-amd64"] == ("absent", "∅")
    assert cells["5.4.0-3-azure-amd64"] == ("transformation", "T")
    assert cells["6.1.0-9-amd64"] == ("module", "M")
    assert "<th scope=\"row\">Debian bookworm</th>" in html
    assert "<code>demo_post.cold</code> (STB_LOCAL, 26 bytes, 0xffffffff81000400, vmlinux)" in html
    assert '<a href="core.html#c.demo_open" title="drivers/demo/core.c"><code>demo_open()</code></a>' in html
    assert "<span title=\"x/y.c\"><code>far_away()</code></span>" in html   # not in the site: no link
    assert "int demo_post(void *buf);" in html
    assert "GCC 9" not in html                     # build provenance is on the overview
    assert "Exported: EXPORT_SYMBOL_GPL" in html
    assert "Absent = not in vmlinux" in html          # DepSurf caveat
    assert "kdocgen's scan" in html
    assert "there <code>demo_post</code> lives in <code>demo_mod</code>" in html


def test_foreign_builds_are_not_ours():
    html = entry_section(_entry("demo_show"))
    cells = _cells(html)
    assert cells["4.4.0-1-generic-amd64"][0] == "foreign"
    assert cells["5.4.0-3-azure-amd64"] == ("collision", "C")
    assert "present in 1 of 4 builds" in html
    assert f"other functions of this name in <code>{OTHER_FILE}</code>" in html


def test_differences_and_change_mark():
    html = entry_section(_entry("demo_inl"))
    assert _cells(html)["5.4.0-2-generic-amd64"] == ("selective", "SΔ")
    assert "Changed between" in html and "Param added: <code>int flags</code>" in html
    assert "first seen <abbr title=\"4.4.0-1-generic-amd64\">4.4</abbr>" in html


def test_same_details_share_one_block():
    data = _data()
    sym = data.symbols[2]
    sym.status[B44] = sym.status[B54]
    entry = entry_abi(data, AbiIndex(data).match("function", "demo_show", OURS_FILE))
    html = entry_section(entry)
    assert html.count('<details class="abi-build">') == 1


def _site_entries(data: m.AbiData) -> list[SiteEntry]:
    index = AbiIndex(data)
    out = []
    for name in ("demo_post", "demo_show", "demo_inl", "demo_fb", "demo_undoc"):
        path = "drivers/video/ours.c" if name == "demo_fb" else OURS_FILE
        match = index.match("function", name, path)
        out.append(SiteEntry("function", name, path, True, entry_abi(data, match) if match else None))
    return out


def test_overview_table_filters_and_coverage():
    data = _data()
    entries = _site_entries(data)
    known = [e for e in entries if e.abi and not e.abi.all_foreign]
    table = function_table(data, known)
    rows = dict(re.findall(r'<tr (data-generic[^>]*)><td><a href="[^"]*"><code>(\w+)</code>', table))
    rows = {name: attrs for attrs, name in rows.items()}
    assert 'data-cloud="0"' in rows["demo_post"]  # azure and a generic Debian build
    assert 'data-generic="1"' in rows["demo_inl"] and 'data-changed="1"' in rows["demo_inl"]
    assert 'data-cloud="1"' in rows["demo_show"] and 'data-generic="0"' in rows["demo_show"]
    assert '<a href="../drivers/demo/core.html#c.demo_post">' in table
    cov = coverage(data, entries)
    assert "defined in the site's sources: <strong>5</strong>" in cov
    assert "that the data knows: <strong>3</strong>" in cov
    assert "only from other files: <strong>1</strong>" in cov
    assert "does not know: <strong>1</strong>" in cov


def test_overview_page_sections():
    data = _data()
    data.builds[0] = m.Build(**{**data.builds[0].__dict__, "provenance": {"compiler": "GCC 5", "dataset": "demo"}})
    page = overview_page(data, _site_entries(data), "heatmap.png")
    for title in ("Heatmap", "Builds", "Coverage", "Functions", "Tracepoints"):
        assert f"\n{title}\n{'-' * len(title)}\n" in page
    assert ".. image:: heatmap.png" in page and "demo_event" in page
    assert "hand-made test data" in page
    assert "All depsurf builds: dataset: demo" in page           # what the builds share, once
    assert '<td class="abi-prov">compiler: GCC 5</td>' in page    # and what differs, per build


def test_heatmap_deterministic(tmp_path):
    rows = [HeatmapRow(f"f{i}", area_of(OURS_FILE), ["absent", "ok", "transformation", "module"])
            for i in range(30)]
    first, second, bigger = tmp_path / "a.png", tmp_path / "b.png", tmp_path / "c.png"
    draw_heatmap(rows, BUILDS, first, "t")
    draw_heatmap(rows, BUILDS, second, "t")
    draw_heatmap(rows * 10, BUILDS, bigger, "t")
    assert first.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert first.read_bytes() == second.read_bytes()
    assert b"tIME" not in first.read_bytes() and b"matplotlib" not in first.read_bytes()
    height = int.from_bytes(first.read_bytes()[20:24], "big")
    assert int.from_bytes(bigger.read_bytes()[20:24], "big") > height


@pytest.mark.parametrize(("version", "label", "text"), [
    ("5.15.0", "5.15", "5.15"), ("5.4.0", "azure", "5.4 azure"), ("6.1.0", "6.1.0", "6.1"),
    ("7.2.0", "7.2 sid", "7.2 sid"),
])
def test_build_text(version, label, text):
    build = _build("x", version, "g", label)
    assert build_text(build) == text


def test_area_of():
    assert area_of("drivers/hv/channel.c") == "drivers/hv"
    assert area_of("include/linux/hyperv.h") == "include/linux/hyperv.h"


def test_load_json_and_errors(tmp_path):
    good = tmp_path / "good.json.gz"
    write(_data(), good)
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "kdocgen-abi",\n "version": 1,\n "builds": [}\n')
    wrong = tmp_path / "notes.txt"
    wrong.write_text("x")
    data, errors = load_abi([bad, good, tmp_path / "missing.json", wrong])
    assert {s.name for s in data.symbols} >= {"demo_post", "demo_show"}
    assert len(data.builds) == len(BUILDS)
    assert any(e.startswith(f"{bad}:3:") for e in errors)
    assert any(e.startswith(f"{tmp_path / 'missing.json'}:") for e in errors)
    assert any(e.startswith(f"{wrong}:") for e in errors)
    assert len(errors) == 3
    assert json.loads(gzip.decompress(good.read_bytes()))["format"] == "kdocgen-abi"


def test_load_depsurf_page_error_names_file(tmp_path):
    page = tmp_path / "broken.md"
    page.write_text("# Function: <code>demo</code>\n\n## Status\n<b>Regular</b>\n<ul>\n<li>\nIn <code>9.9</code>: ???\n")
    data, errors = load_abi([page])
    assert errors and all(e.startswith(str(page)) for e in errors)
    assert not data.symbols


def test_no_heatmap_without_functions(tmp_path):
    written = write_abi_site(m.AbiData(), [], lambda symbol: True, tmp_path)
    assert written == ["_abi.json", "abi/index.rst"]
    assert ".. image::" not in (tmp_path / "abi" / "index.rst").read_text()
    assert not (tmp_path / "abi" / "heatmap.png").exists()


def test_group_labels_of_narrow_groups_do_not_overlap():
    from kdocgen.abi.heatmap import _group_labels
    labels = _group_labels([("Debian amd64", 5), ("Debian rt-amd64", 2), ("Debian rt-arm64", 1),
                            ("Debian cloud-arm64", 1), ("Regular", 17)])
    assert labels == ["Debian amd64", "Debian\nrt-amd64", "Debian\nrt-arm64",
                      "Debian\ncloud-arm64\n\n", "Regular"]


def _reasons_data() -> m.AbiData:
    """demo_gone: one build per absence reason; the last build has no debug information."""
    reasons = [m.NOT_IN_VERSION, m.NOT_CONFIGURED, m.OTHER_ARCH, m.INLINED, m.OVERRIDDEN, m.UNATTRIBUTED]
    builds = [m.Build(id=f"scan:b{i}", name=f"6.{i}.0-amd64", version=f"6.{i}.0", arch="amd64",
                      flavor="generic", group="Debian amd64", label=f"6.{i}", source="scan",
                      has_inline_info=i < len(reasons) - 1) for i in range(len(reasons) + 1)]
    status = {b.id: m.BuildStatus(present=False, reason=r, note=f"because {r}") for b, r in zip(builds, reasons)}
    status[builds[-1].id] = m.BuildStatus(present=True, binaries=["hv_vmbus"], exported="EXPORT_SYMBOL_NS_GPL",
                                          namespace="HV_NS")
    symbol = m.AbiSymbol("function", "demo_gone", OURS_FILE, status)
    return m.AbiData(builds=builds, symbols=[symbol])


def test_absence_reasons_are_shown():
    data = _reasons_data()
    match = AbiIndex(data).match("function", "demo_gone", OURS_FILE)
    abi = entry_abi(data, match)
    assert [c.category for c in abi.cells] == ["version", "config", "arch", "inlined", "overridden",
                                               "unattributed", "module"]
    assert [c.symbol for c in abi.cells][:6] == ["–", "○", "A", "I", "W", "?"]
    assert abi.reasons() == [m.NOT_IN_VERSION, m.NOT_CONFIGURED, m.OTHER_ARCH, m.INLINED, m.OVERRIDDEN,
                             m.UNATTRIBUTED]
    html = entry_section(abi)
    assert 'title="6.1.0-amd64: Absent: not configured (because not configured)"' in html
    # builds without debug information: dashed cells, said on hover
    assert html.count("abi-nodbg") == 2 and "scanned without debug information" in html
    assert "<li><abbr" in html and "Absent: overridden (because overridden)" in html
    assert "EXPORT_SYMBOL_NS_GPL (namespace <code>HV_NS</code>)" in html
    entry = SiteEntry("function", "demo_gone", OURS_FILE, True, abi)
    table = function_table(data, [entry])
    assert 'data-reasons="|not in this version|not configured|other architecture|inlined or removed|' \
           'overridden|unattributed|"' in table
    assert '<select data-filter="reason">' in table and '<option value="overridden">' in table
    page = overview_page(data, [entry], None)
    assert "not built in this configuration" in page and "dashed:" in page
    assert "not in this version 1, not configured 0" not in page     # counts are per build
    assert "<td>overridden 1</td>" in page


def test_functions_of_other_versions_are_listed():
    data = _reasons_data()
    page = overview_page(data, [], None)         # the site's tree does not define demo_gone
    section = page[page.index("Only in other versions"):]
    assert "1 functions the data has in some build" in section and "<code>demo_gone</code>" in section
    assert f"<td>{OURS_FILE}</td>" in section and 'class="abi-matrix"' in section
