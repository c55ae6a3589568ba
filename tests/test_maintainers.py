"""Tests of kdocgen.maintainers: parsing, F:/X:/N: patterns, file selection."""

import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kdocgen import maintainers
from kdocgen.maintainers import (Entry, entry_docs, entry_files, find_entry,
                                 need_for_entry, parse_maintainers, pattern_regex,
                                 read_maintainers)
from kdocgen.sources import SourcesError, need_regex

HEADER = """\
List of maintainers
===================

Descriptions of section entries and preferred order
---------------------------------------------------

\tM: *Mail* patches to: FullName <address@domain>
\tF: *Files* and directories wildcard patterns.
\t   A trailing slash includes all files and subdirectory files.
\t   F:\tdrivers/net/\tall files in and below drivers/net

Maintainers List
----------------

.. note:: When reading this list, please look for the most precise areas
          first.

"""

ENTRIES = """\
FOO DRIVER
M:\tAda <ada@example.org>
L:\tfoo@example.org
S:\tMaintained
F:\tDocumentation/foo/
F:\tdrivers/foo/
F:\tinclude/linux/foo.h
X:\tdrivers/foo/old/

BAR NETWORK (bar/baz)
M:\tBob <bob@example.org>
S:\tOdd Fixes
F:\tDocumentation/ABI/testing/sysfs-bar
F:\tdrivers/net/*
F:\tinclude/drm/drm
F:\tdrivers/baz
F:\tdrivers/edac/altera_edac.[ch]
F:\t*/bar/*
N:\ttegra
K:\tbar_probe

Foo Tools
F:\ttools/foo/
"""

TEXT = HEADER + ENTRIES

TREE_FILES = [
    "Documentation/foo/index.rst", "Documentation/foo/sub/api.rst",
    "Documentation/ABI/testing/sysfs-bar", "Documentation/other.rst",
    "drivers/foo/core.c", "drivers/foo/core.h", "drivers/foo/Makefile",
    "drivers/foo/sub/deep.c", "drivers/foo/old/legacy.c",
    "drivers/foobar/not.c",
    "drivers/net/top.c", "drivers/net/top.h", "drivers/net/wifi/deep.c",
    "drivers/baz/x.c", "drivers/baz/y/z.c", "drivers/bazooka.c",
    "drivers/edac/altera_edac.c", "drivers/edac/altera_edac.h",
    "drivers/edac/altera_edac.o",
    "include/drm/drm_atomic.h", "include/drm/drm_sub/x.h", "include/drm/ttm.h",
    "include/linux/foo.h", "include/linux/foo.hh",
    "net/bar/a.c", "net/bar/deeper/b.c", "sound/bar/c.c",
    "drivers/gpu/tegra/t.c", "tools/foo/tool.c",
]


@pytest.fixture
def tree(tmp_path):
    """A fake tree holding TREE_FILES."""
    for rel in TREE_FILES:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("/* */\n")
    (tmp_path / "MAINTAINERS").write_text(TEXT)
    return tmp_path


@pytest.fixture
def entries():
    return parse_maintainers(TEXT)


# ------------------------------------------------------------------ parsing


def test_header_is_skipped(entries):
    assert list(entries) == ["FOO DRIVER", "BAR NETWORK (bar/baz)", "Foo Tools"]


def test_entry_fields(entries):
    foo = entries["FOO DRIVER"]
    assert foo.files == ["Documentation/foo/", "drivers/foo/", "include/linux/foo.h"]
    assert foo.excludes == ["drivers/foo/old/"]
    assert foo.fields == {"M": ["Ada <ada@example.org>"], "L": ["foo@example.org"],
                          "S": ["Maintained"]}
    assert foo.line == TEXT.splitlines().index("FOO DRIVER") + 1
    bar = entries["BAR NETWORK (bar/baz)"]
    assert bar.fields["N"] == ["tegra"] and bar.fields["K"] == ["bar_probe"]


def test_text_without_header_parses():
    assert list(parse_maintainers(ENTRIES)) == ["FOO DRIVER", "BAR NETWORK (bar/baz)",
                                               "Foo Tools"]


def test_bad_field_line_names_file_and_line():
    text = TEXT + "\nBROKEN\nM:\tx\nthis is not a field\n"
    line = text.splitlines().index("this is not a field") + 1
    with pytest.raises(SourcesError, match=rf"^kernel/MAINTAINERS:{line}: expected a field"):
        parse_maintainers(text, "kernel/MAINTAINERS")


def test_empty_pattern_is_an_error():
    with pytest.raises(SourcesError, match=r"MAINTAINERS:\d+: empty F: pattern"):
        parse_maintainers(TEXT + "\nEMPTY\nM:\tx\nF:\t\n")


def test_entry_files_with_relative_tree(tree, entries, monkeypatch):
    monkeypatch.chdir(tree)
    assert entry_files(Path("."), entries["FOO DRIVER"]) == entry_files(
        tree, entries["FOO DRIVER"])


def test_title_without_fields_is_an_error():
    with pytest.raises(SourcesError, match=r"MAINTAINERS:\d+: entry 'LONELY' has no fields"):
        parse_maintainers(TEXT + "\nLONELY\n")


def test_duplicate_entry_is_an_error():
    with pytest.raises(SourcesError, match="duplicate entry 'Foo Tools'"):
        parse_maintainers(TEXT + "\nFoo Tools\nF:\tx/\n")


def test_read_maintainers_missing_file(tmp_path):
    with pytest.raises(SourcesError, match="MAINTAINERS: cannot read"):
        read_maintainers(tmp_path)


# ------------------------------------------------------------- find_entry


def test_find_entry_exact_then_case_insensitive(entries):
    assert find_entry(entries, "FOO DRIVER").name == "FOO DRIVER"
    assert find_entry(entries, "foo tools").name == "Foo Tools"


def test_find_entry_suggests_close_names(entries):
    with pytest.raises(SourcesError) as err:
        find_entry(entries, "FOO DRIVERS")
    assert str(err.value) == ("no MAINTAINERS entry named 'FOO DRIVERS'; "
                              "close matches: 'FOO DRIVER'")
    with pytest.raises(SourcesError, match="close matches: 'BAR NETWORK"):
        find_entry(entries, "barnetwork")


def test_find_entry_without_any_match(entries):
    with pytest.raises(SourcesError, match=r"^no MAINTAINERS entry named 'zzz'$"):
        find_entry(entries, "zzz")


def test_find_entry_ambiguous_case():
    entries = {"Abc": Entry("Abc"), "ABC": Entry("ABC")}
    with pytest.raises(SourcesError, match="ambiguous"):
        find_entry(entries, "abc")


# ----------------------------------------------------------------- patterns


@pytest.mark.parametrize("pattern, path, expected", [
    ("drivers/net/", "drivers/net/a.c", True),
    ("drivers/net/", "drivers/net/x/y/a.c", True),
    ("drivers/net/", "drivers/network/a.c", False),
    ("drivers/net/*", "drivers/net/a.c", True),
    ("drivers/net/*", "drivers/net/x/a.c", False),
    ("*/net/*", "drivers/net/a.c", True),
    ("*/net/*", "net/a.c", False),
    ("*/net/*", "a/b/net/c.c", False),
    ("drivers/net", "drivers/net/x/a.c", True),        # directory without slash
    ("drivers/net", "drivers/net", True),
    ("include/linux/foo.h", "include/linux/foo.h", True),
    ("include/drm/drm", "include/drm/drm_atomic.h", True),  # get_maintainer prefix
    ("include/drm/drm", "include/drm/drm_x/a.h", False),
    ("drivers/edac/altera_edac.[ch]", "drivers/edac/altera_edac.h", True),
    ("drivers/edac/altera_edac.[ch]", "drivers/edac/altera_edac.o", False),
    ("drivers/regulator/da9???-regulator.[ch]", "drivers/regulator/da9063-regulator.c", True),
    ("sound/da[!7]*.c", "sound/da9.c", True),
    ("sound/da[!7]*.c", "sound/da7.c", False),
    ("arch/*/crypto/", "arch/x86/crypto/a/b.c", True),
    ("drivers/*/qcom/", "drivers/a/b/qcom/x.c", True),  # '*' crosses '/' in dir patterns
    ("*", "Makefile", True),
    ("*", "drivers/Makefile", False),
    ("*/", "drivers/Makefile", True),
    ("a.b", "axb", False),
])
def test_pattern_regex(pattern, path, expected):
    assert bool(pattern_regex(pattern).match(path)) is expected


def test_pattern_regex_of_known_directory():
    assert pattern_regex("drivers/baz").match("drivers/bazooka.c")
    assert not pattern_regex("drivers/baz", is_dir=True).match("drivers/bazooka.c")
    assert pattern_regex("drivers/baz", is_dir=True).match("drivers/baz/x.c")


def get_maintainer_match(path, pattern, files):
    """Reference: the rules of scripts/get_maintainer.pl, restated."""
    value = pattern.replace(".", r"\.").replace("*", ".*").replace("?", ".")
    is_dir = not re.search(r"[*?]", pattern) and any(f.startswith(pattern + "/")
                                                    for f in files)
    if is_dir and not value.endswith("/"):
        value += "/"  # it names a directory of the tree
    if value.endswith("/"):
        return re.match(value, path) is not None
    return re.match(value, path) is not None and path.count("/") == value.count("/")


SEGMENT = st.text("ab.", min_size=1, max_size=3)
PATHS = st.lists(SEGMENT, min_size=1, max_size=4).map("/".join)
PATTERN = st.lists(st.text("ab.*?", min_size=1, max_size=3), min_size=1,
                   max_size=3).map("/".join).flatmap(
    lambda p: st.sampled_from([p, p + "/"]))


@settings(max_examples=300, deadline=None)
@given(PATTERN, st.lists(PATHS, min_size=1, max_size=8))
def test_pattern_regex_agrees_with_get_maintainer(pattern, files):
    files = [f for f in files if not any(g.startswith(f + "/") for g in files)]
    is_dir = any(f.startswith(pattern + "/") for f in files)
    for path in files:
        expected = get_maintainer_match(path, pattern, files)
        assert bool(pattern_regex(pattern, is_dir).match(path)) is expected, path


# ------------------------------------------------------------ entry files


def test_entry_files_dirs_files_and_excludes(tree, entries):
    assert entry_files(tree, entries["FOO DRIVER"]) == [
        "drivers/foo/core.c", "drivers/foo/core.h", "drivers/foo/sub/deep.c",
        "include/linux/foo.h"]


def test_entry_files_wildcards(tree, entries):
    # not 'drivers/bazooka.c': F: drivers/baz names a directory of the tree
    assert entry_files(tree, entries["BAR NETWORK (bar/baz)"]) == [
        "drivers/baz/x.c", "drivers/baz/y/z.c", "drivers/edac/altera_edac.c",
        "drivers/edac/altera_edac.h", "drivers/net/top.c", "drivers/net/top.h",
        "include/drm/drm_atomic.h", "net/bar/a.c", "sound/bar/c.c"]


def test_entry_files_suffixes_and_regex(tree, entries):
    foo = entries["FOO DRIVER"]
    assert "drivers/foo/Makefile" in entry_files(tree, foo, suffixes=None)
    assert entry_files(tree, foo, suffixes=(".h",)) == ["drivers/foo/core.h",
                                                         "include/linux/foo.h"]
    bar = entries["BAR NETWORK (bar/baz)"]
    assert "drivers/gpu/tegra/t.c" in entry_files(tree, bar, use_regex=True)
    assert "drivers/gpu/tegra/t.c" not in entry_files(tree, bar)


def test_bad_n_regex_is_reported(tree):
    entry = Entry("BAD", fields={"N": ["(unclosed"]}, line=7)
    with pytest.raises(SourcesError, match=r"'BAD' \(line 7\): bad N: regex"):
        entry_files(tree, entry, use_regex=True)


def test_entry_files_walks_only_reachable_dirs(tree, entries, monkeypatch):
    walked = []
    real_walk = os.walk

    def spy(top, *args, **kwargs):
        walked.append(Path(top).relative_to(tree).as_posix())
        return real_walk(top, *args, **kwargs)
    monkeypatch.setattr(maintainers.os, "walk", spy)
    entry_files(tree, entries["FOO DRIVER"])
    # include/linux is listed (not descended) for get_maintainer's prefix rule
    assert sorted(walked) == ["Documentation/foo", "drivers/foo", "include/linux"]


def test_entry_files_missing_paths_are_ignored(tmp_path, entries):
    assert entry_files(tmp_path, entries["FOO DRIVER"]) == []


def test_entry_docs(tree, entries):
    assert entry_docs(tree, entries["FOO DRIVER"]) == [
        "Documentation/foo/index.rst", "Documentation/foo/sub/api.rst"]
    assert entry_docs(tree, entries["BAR NETWORK (bar/baz)"]) == [
        "Documentation/ABI/testing/sysfs-bar"]
    assert entry_docs(tree, entries["Foo Tools"]) == []


def test_need_for_entry_covers_entry_files(tree, entries):
    for entry in entries.values():
        need = need_for_entry(entry)
        rx = need_regex(need)
        for rel in entry_files(tree, entry, suffixes=None) + entry_docs(tree, entry):
            assert rx.match(rel), (entry.name, rel)
    assert need_for_entry(entries["FOO DRIVER"]) == [
        "Documentation/foo/", "drivers/foo/", "include/linux/foo.h*"]


# ------------------------------------------------------------ real kernel

HYPERV = "Hyper-V/Azure CORE AND DRIVERS"
#: .c/.h files of the Hyper-V entry in linux-source-6.12 (6.12.117).
HYPERV_COUNT = 73


def kernel_version(tree):
    """(VERSION, PATCHLEVEL) from the tree's Makefile."""
    text = (tree / "Makefile").read_text()
    return tuple(int(re.search(rf"^{key}\s*=\s*(\d+)", text, re.M).group(1))
                 for key in ("VERSION", "PATCHLEVEL"))


@pytest.mark.kernel
def test_real_maintainers_parses(kernel_tree_path):
    entries = read_maintainers(kernel_tree_path)
    assert len(entries) > 2000
    assert entries["THE REST"].files == ["*", "*/"]


@pytest.mark.kernel
def test_hyperv_entry_files(kernel_tree_path):
    entry = find_entry(read_maintainers(kernel_tree_path), HYPERV)
    files = entry_files(kernel_tree_path, entry)
    for rel in ("drivers/hv/channel.c", "include/linux/hyperv.h",
                "drivers/net/hyperv/netvsc.c",
                "drivers/net/ethernet/microsoft/mana/gdma_main.c",
                "tools/hv/hv_kvp_daemon.c", "include/net/mana/gdma.h",
                "arch/x86/hyperv/hv_init.c"):
        assert rel in files
    assert all(rel.endswith((".c", ".h")) for rel in files)
    if kernel_version(kernel_tree_path) == (6, 12):
        assert len(files) == HYPERV_COUNT
    docs = entry_docs(kernel_tree_path, entry)
    assert "Documentation/virt/hyperv/vmbus.rst" in docs
    assert "Documentation/ABI/stable/sysfs-bus-vmbus" in docs


@pytest.mark.kernel
def test_unknown_entry_suggests(kernel_tree_path):
    entries = read_maintainers(kernel_tree_path)
    with pytest.raises(SourcesError) as err:
        find_entry(entries, "hyperv core")
    assert "no MAINTAINERS entry named 'hyperv core'" in str(err.value)
    assert HYPERV in str(err.value)
