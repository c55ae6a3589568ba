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
