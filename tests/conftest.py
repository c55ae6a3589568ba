"""Shared fixtures.

``kernel_tree_path`` gives integration tests (marked ``kernel``) a real
kernel tree: ``$KSRC`` if set, else the cached ``linux-source-6.12``
package, extracted only as far as the tests need.  ``kernel_tree_72`` gives
them a 7.2 tree (the Python kernel-doc and its unit suite): ``$KSRC`` when
that is a 7.2 tree, else Debian's ``linux-source-7.2`` (from sid).
"""

import os
from unittest import mock

import pytest

from kdocgen.maintainers import find_entry, need_for_entry, read_maintainers
from kdocgen.sources import SourcesError, kernel_tree, tree_version

#: Parts of the kernel tree that integration tests may read.
KERNEL_NEED = ["MAINTAINERS", "Makefile", "scripts/kernel-doc",
               "Documentation/", "include/"]
#: MAINTAINERS entries whose files integration tests may read.
KERNEL_ENTRIES = ["Hyper-V/Azure CORE AND DRIVERS"]


#: Parts of the 7.2 tree that integration tests may read, besides KERNEL_NEED.
KERNEL_NEED_72 = ["tools/docs/kernel-doc", "tools/lib/python/kdoc/", "tools/unittests/kdoc-test.yaml"]


def _tree(version: str | None, extra: list[str]):
    """A tree holding KERNEL_NEED, ``extra`` and the KERNEL_ENTRIES files:
    ``$KSRC`` (for 7.2 only when it is a 7.2 tree), else Debian's
    linux-source of ``version``.  Skips when none can be had, except under
    CI (``$CI`` set), where that is an error."""
    env = {}
    if version is not None and os.environ.get("KSRC") and tree_version(os.environ["KSRC"]) != version:
        env = {"KSRC": ""}  # a $KSRC of another version is not what is asked for
    try:
        with mock.patch.dict(os.environ, env):
            tree = kernel_tree(need=["MAINTAINERS"], version=version)
            entries = read_maintainers(tree)
            need = list(KERNEL_NEED) + extra
            for name in KERNEL_ENTRIES:
                need += need_for_entry(find_entry(entries, name))
            return kernel_tree(need=need, version=version)
    except SourcesError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no kernel tree{f' of version {version}' if version else ''}: {exc}")


@pytest.fixture(scope="session")
def kernel_tree_path():
    """Path of a kernel tree holding KERNEL_NEED and the KERNEL_ENTRIES files."""
    return _tree(None, [])


@pytest.fixture(scope="session")
def kernel_tree_72():
    """Path of a Linux 7.2 tree holding KERNEL_NEED, KERNEL_NEED_72 and the
    KERNEL_ENTRIES files."""
    return _tree("7.2", KERNEL_NEED_72)


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
