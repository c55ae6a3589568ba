"""Integration: kdocgen against the kernel's own kernel-doc on the real
Hyper-V sources (the .c/.h files of the MAINTAINERS entry).

The issue's bar: the same documented items and parameter lists, without
exception, and the same warnings (matched by file, symbol and kind).
"""

import shutil
import sys
from pathlib import Path

import pytest

from kdocgen.extract import dialect_of, extract_file
from kdocgen.jsonout import file_entry
from kdocgen.maintainers import entry_files, find_entry, read_maintainers

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.compare import comment_scores, kdocgen_items, kdocgen_warnings, match_items  # noqa: E402
from bench.kdref import reference, run_one  # noqa: E402

pytestmark = pytest.mark.kernel

ENTRY = "Hyper-V/Azure CORE AND DRIVERS"


def _against_kernel_doc(tree) -> tuple:
    """(tree, files, the tree's kernel-doc's items and warnings, kdocgen
    json-like data, sources) for the Hyper-V files of ``tree``, each read
    with the rules of the tree's version."""
    tree = Path(tree)
    files = entry_files(tree, find_entry(read_maintainers(tree), ENTRY))
    raw = {"results": [run_one(tree, f) for f in files]}
    ref_items, ref_warnings = reference(raw)
    dialect = dialect_of(tree)
    sources = [extract_file(tree, f, dialect=dialect) for f in files]
    data = {"files": [file_entry(s) for s in sources],
            "warnings": [{"path": d.path, "line": d.line, "message": d.message}
                         for s in sources for d in s.diagnostics]}
    return tree, files, (ref_items, ref_warnings), data, sources


@pytest.fixture(scope="module")
def hyperv(kernel_tree_path):
    """The Hyper-V files of the 6.12 tree against its Perl kernel-doc."""
    if shutil.which("perl") is None:
        pytest.skip("perl is needed to run the kernel's kernel-doc")
    return _against_kernel_doc(kernel_tree_path)


@pytest.fixture(scope="module")
def hyperv_72(kernel_tree_72):
    """The Hyper-V files of the 7.2 tree against its Python kernel-doc."""
    return _against_kernel_doc(kernel_tree_72)


def test_hyperv_file_set(hyperv):
    _, files, _, _, _ = hyperv
    assert "drivers/hv/channel.c" in files and "include/linux/hyperv.h" in files
    assert all(f.endswith((".c", ".h")) for f in files)


def test_hyperv_same_items_and_parameters(hyperv):
    _, _, (ref_items, _), data, _ = hyperv
    match = match_items(ref_items, kdocgen_items(data))
    assert sum(len(v) for v in ref_items.values()) > 50
    assert match.missing == []
    assert match.extra == []
    differ = [(path, a.name, a.params, b.params) for path, a, b in match.pairs if a.params != b.params]
    assert differ == []


def test_hyperv_same_warnings(hyperv):
    _, _, (_, ref_warnings), data, _ = hyperv
    key = lambda w: (w.path, w.symbol, w.kind)  # noqa: E731
    ours = sorted(map(key, kdocgen_warnings(data)))
    theirs = sorted(map(key, ref_warnings))
    assert ours == theirs


def test_hyperv_no_read_errors_and_every_declaration(hyperv):
    _, _, _, _, sources = hyperv
    assert not [d for s in sources for d in s.diagnostics if d.severity == "error"]
    channel = next(s for s in sources if s.path == "drivers/hv/channel.c")
    names = {s.name for s in channel.symbols}
    assert {"vmbus_sendpacket", "vmbus_open", "vmbus_close", "hv_ringbuffer_write"} & names >= {
        "vmbus_sendpacket", "vmbus_open", "vmbus_close"}
    send = next(s for s in channel.symbols if s.name == "vmbus_sendpacket")
    assert send.documented and send.export == "EXPORT_SYMBOL"
    assert [p.name for p in send.params] == ["channel", "buffer", "bufferlen", "requestid", "type", "flags"]


def test_hyperv_72_same_items_sections_and_warnings(hyperv_72):
    """The 7.2 tree: the same items, parameters, section titles, purposes and
    warnings as its own (Python) kernel-doc."""
    _, files, (ref_items, ref_warnings), data, _ = hyperv_72
    assert len(files) > 80
    match = match_items(ref_items, kdocgen_items(data))
    assert sum(len(v) for v in ref_items.values()) > 50
    assert (match.missing, match.extra) == ([], [])
    differ = [(a.name, a.params, b.params, a.sections, b.sections) for _, a, b in match.pairs
              if (a.params, a.sections) != (b.params, b.sections)]
    assert differ == []
    assert comment_scores(match)["purpose_share"] == 1.0
    key = lambda w: (w.path, w.symbol, w.kind, w.subject)  # noqa: E731
    assert sorted(map(key, kdocgen_warnings(data))) == sorted(map(key, ref_warnings))
