"""Shared fixtures and the session's rules.

``kernel_tree_path`` gives integration tests (marked ``kernel``) a real
kernel tree: ``$KSRC`` if set, else the cached ``linux-source-6.12``
package, extracted only as far as the tests need.  ``kernel_tree_72`` gives
them a 7.2 tree (the Python kernel-doc and its unit suite): ``$KSRC`` when
that is a 7.2 tree, else Debian's ``linux-source-7.2`` (from sid).  The
session itself runs without ``KSRC``, ``KDOCGEN_CACHE`` and ``CI`` (see
``testenv``); under CI a skipped test is a failure, since every input a test
needs can be had there.
"""

import os

import pytest

from testenv import under_ci, user_cache, user_ksrc  # first: cleans os.environ

from kdocgen.maintainers import find_entry, need_for_entry, read_maintainers
from kdocgen.sources import SourcesError, kernel_tree, tree_version

#: Parts of the kernel tree that integration tests may read.
KERNEL_NEED = ["MAINTAINERS", "Makefile", "scripts/kernel-doc",
               "Documentation/", "include/", "mm/memblock.c", "lib/xarray.c"]
#: MAINTAINERS entries whose files integration tests may read.
KERNEL_ENTRIES = ["Hyper-V/Azure CORE AND DRIVERS"]


#: Parts of the 7.2 tree that integration tests may read, besides KERNEL_NEED.
KERNEL_NEED_72 = ["tools/docs/kernel-doc", "tools/lib/python/", "tools/unittests/kdoc-test.yaml"]


def _tree(version: str, extra: list[str]):
    """A tree holding KERNEL_NEED, ``extra`` and the KERNEL_ENTRIES files:
    the developer's ``$KSRC`` when it is a tree of ``version``, else Debian's
    linux-source of ``version`` (downloaded once into the cache).  Skips when
    none can be had (under CI the skip is a failure)."""
    ksrc = user_ksrc()
    if ksrc and tree_version(ksrc) != version:
        ksrc = None  # a tree of another version is not what the tests expect
    try:
        with user_cache():
            tree = kernel_tree(ksrc, need=["MAINTAINERS"], version=version)
            entries = read_maintainers(tree)
            need = list(KERNEL_NEED) + extra
            for name in KERNEL_ENTRIES:
                need += need_for_entry(find_entry(entries, name))
            return kernel_tree(ksrc, need=need, version=version)
    except SourcesError as exc:
        pytest.skip(f"no Linux {version} tree: {exc}")


@pytest.fixture(scope="session")
def kernel_tree_path():
    """Path of a Linux 6.12 tree holding KERNEL_NEED and the KERNEL_ENTRIES files."""
    return _tree("6.12", [])


@pytest.fixture(scope="session")
def kernel_tree_72():
    """Path of a Linux 7.2 tree holding KERNEL_NEED, KERNEL_NEED_72 and the
    KERNEL_ENTRIES files."""
    return _tree("7.2", KERNEL_NEED_72)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI, a skip is a failure that keeps its reason."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and under_ci() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI, where every input can be had: {reason}"


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
    return _build_site(kernel_tree_path, tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def hyperv_site_72(kernel_tree_72, tmp_path_factory):
    """The Hyper-V site of the 7.2 tree (``make html KVER=7.2``), as ``hyperv_site``."""
    return _build_site(kernel_tree_72, tmp_path_factory.mktemp("site72"))


def _build_site(tree, work):
    """Build the Hyper-V site of ``tree`` in ``work``: (html_dir, warnings, status)."""
    import shutil
    from pathlib import Path

    from sphinx.cmd.build import build_main

    from kdocgen.site.build import build_site_source, plan_site

    root = Path(__file__).resolve().parents[1]
    for name in ("conf.py", "index.rst"):
        shutil.copy(root / name, work / name)
    build_site_source(plan_site(Path(tree)), work / "source", jobs=2,
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
