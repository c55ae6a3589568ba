"""Shared fixtures.

``kernel_tree_path`` gives integration tests (marked ``kernel``) a real
kernel tree: ``$KSRC`` if set, else the cached ``linux-source-6.12``
package, extracted only as far as the tests need.
"""

import os

import pytest

from kdocgen.maintainers import find_entry, need_for_entry, read_maintainers
from kdocgen.sources import SourcesError, kernel_tree

#: Parts of the kernel tree that integration tests may read.
KERNEL_NEED = ["MAINTAINERS", "Makefile", "scripts/kernel-doc",
               "Documentation/", "include/"]
#: MAINTAINERS entries whose files integration tests may read.
KERNEL_ENTRIES = ["Hyper-V/Azure CORE AND DRIVERS"]


@pytest.fixture(scope="session")
def kernel_tree_path():
    """Path of a kernel tree holding KERNEL_NEED and the KERNEL_ENTRIES files.

    Skips when no tree can be had (no KSRC, no apt-get), except under CI
    (``$CI`` set), where that is an error.
    """
    try:
        tree = kernel_tree(need=["MAINTAINERS"])
        entries = read_maintainers(tree)
        need = list(KERNEL_NEED)
        for name in KERNEL_ENTRIES:
            need += need_for_entry(find_entry(entries, name))
        return kernel_tree(need=need)
    except SourcesError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no kernel tree: {exc}")


@pytest.fixture(scope="session")
def depsurf_data(tmp_path_factory):
    """The real DepSurf pages of the Hyper-V functions (MIT; see
    tests/fixtures/depsurf/SOURCE.md), unpacked once per session."""
    import tarfile
    from pathlib import Path

    archive = Path(__file__).parent / "fixtures" / "depsurf" / "hyperv-pages.tar.xz"
    out = tmp_path_factory.mktemp("depsurf")
    with tarfile.open(archive) as tar:
        tar.extractall(out, filter="data")
    return out / "depsurf"


@pytest.fixture(scope="session")
def hyperv_site(kernel_tree_path, tmp_path_factory):
    """The Hyper-V site built as ``make html`` builds it, with -W --keep-going.

    Returns ``(html_dir, warnings_text, status)``.  Built once per session.
    """
    import shutil
    from pathlib import Path

    from sphinx.cmd.build import build_main

    from kdocgen.site.build import build_site_source, plan_site

    root = Path(__file__).resolve().parents[1]
    work = tmp_path_factory.mktemp("site")
    for name in ("conf.py", "index.rst"):
        shutil.copy(root / name, work / name)
    build_site_source(plan_site(Path(kernel_tree_path)), work / "source", jobs=2,
                      progress=lambda message: None)
    html = work / "_build" / "html"
    warnings = work / "warnings.txt"
    os.environ["SITE_URL"] = "https://docs.example.org/hyperv"
    try:
        status = build_main(["-W", "--keep-going", "-q", "-j", "2", "-b", "html", "-d",
                             str(work / "_build" / "doctrees"), "-w", str(warnings),
                             str(work), str(html)])
    finally:
        os.environ.pop("SITE_URL", None)
    return html, warnings.read_text(), status


@pytest.fixture
def parsed(monkeypatch):
    """The files parsed in this test (not taken from the cache of parsed files)."""
    from kdocgen import parsecache
    seen: list[str] = []
    real = parsecache.extract_many

    def counting(tree, relpaths, **options):
        seen.extend(relpaths)
        return real(tree, relpaths, **options)
    monkeypatch.setattr(parsecache, "extract_many", counting)
    return seen
