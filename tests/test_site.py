"""make html: the Hyper-V site, built with -W --keep-going (zero warnings),
and what it must contain."""

import json
import re

import pytest

pytestmark = pytest.mark.kernel


def read(html_dir, name):
    return (html_dir / name).read_text(encoding="utf-8")


def test_site_builds_without_warnings(hyperv_site):
    _, warnings, status = hyperv_site
    assert warnings == ""
    assert status == 0


def test_landing_page_counts_and_links(hyperv_site):
    html_dir, _, _ = hyperv_site
    index = read(html_dir, "index.html")
    assert "Hyper-V/Azure CORE AND DRIVERS" in index
    for figure in ("Source files", "Documented with kernel-doc", "Exported and documented"):
        assert figure in index
    assert 'href="source/drivers/hv/channel.html"' in index
    assert 'href="source/Documentation/virt/hyperv/index.html"' in index
    assert 'href="genindex.html"' in index and 'href="search.html"' in index
    pages = re.findall(r'href="(source/[^"#]+\.html)"', index)
    assert len(set(p for p in pages if "/Documentation/" not in p and "/userabi/" not in p
                   and "/dirs/" not in p)) == 73
    assert 'href="source/dirs/drivers/hv.html"' in index  # the page of a folder


def entry_html(page: str, name: str) -> str:
    """The HTML of one entry: from its id to the next entry or section."""
    start = page.index(f'id="c.{name}"')
    ends = [page.find(mark, start + 10) for mark in ('<dl class="c ', "<section")]
    return page[start:min(e for e in ends if e > 0)]


def test_entry_with_linked_signature_and_call_lists(hyperv_site):
    html_dir, _, _ = hyperv_site
    page = read(html_dir, "source/drivers/hv/channel.html")
    assert 'id="c.vmbus_sendpacket"' in page
    entry = entry_html(page, "vmbus_sendpacket")
    # the struct in the signature links to its entry in hyperv.h's page
    assert re.search(r'href="\.\./\.\./include/linux/hyperv\.h\.html#c\.vmbus_channel"', entry)
    assert "Calls:" in entry and "vmbus_sendpacket_getid" in entry
    assert "Called by:" in entry_html(page, "vmbus_open")


def test_every_file_has_a_page_and_every_symbol_an_entry(hyperv_site):
    html_dir, _, _ = hyperv_site
    hyperv_h = read(html_dir, "source/include/linux/hyperv.h.html")
    for name in ("vmbus_channel", "hv_driver", "vmbus_driver_register", "hv_pkt_iter_next"):
        assert f'id="c.{name}"' in hyperv_h or f"c.file_include_linux_hyperv_h.{name}" in hyperv_h


def test_reference_report_sitemap_404_and_inventory(hyperv_site):
    html_dir, _, _ = hyperv_site
    report = json.loads(read(html_dir, "_kdocgen/xref-report.json"))
    assert report["resolved"] > 1000 and report["unresolved"] > 0
    sitemap = read(html_dir, "sitemap.xml")
    assert "<loc>https://docs.example.org/hyperv/source/drivers/hv/channel.html</loc>" in sitemap
    assert "Page not found" in read(html_dir, "404.html")
    assert (html_dir / "objects.inv").stat().st_size > 1000
    assert (html_dir / "searchindex.js").exists()


def test_links_are_relative(hyperv_site):
    html_dir, _, _ = hyperv_site
    page = read(html_dir, "source/drivers/hv/channel.html")
    assert not re.search(r'(?:href|src)="(?:https?:)?//(?!docs\.example\.org)', page.replace(
        'href="https://', 'href="EXTERNAL'))


def test_site_of_the_7_2_tree(hyperv_site_72):
    """make html KVER=7.2: no warnings, the landing page says which sources
    and rules, and has its figures."""
    html_dir, warnings, status = hyperv_site_72
    assert warnings == ""
    assert status == 0
    index = read(html_dir, "index.html")
    assert "Sources: Linux 7.2" in index and "the Python kernel-doc" in index
    figures = dict(re.findall(r"<td><p>([^<]+)</p></td>\s*<td><p>([^<]+)</p></td>", index))
    assert int(figures["Source files"]) > 70
    assert int(figures["Symbols (functions, types, macros, variables)"]) > 3000
    assert re.fullmatch(r"\d+ of \d+ \(\d+\.\d %\)", figures["Documented with kernel-doc"])
