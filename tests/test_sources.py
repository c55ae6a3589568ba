"""Tests of kdocgen.sources: KSRC validation, download, partial extraction."""

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
import time
from pathlib import Path

from testenv import user_ksrc

import pytest

from kdocgen import sources
from kdocgen.sources import (SourcesError, cache_dir, kernel_tree, member_path,
                             need_regex, normalize_pattern)

TOP = "linux-source-6.12"
FILES = {
    "MAINTAINERS": "List of maintainers\n",
    "Makefile": "VERSION = 6\nPATCHLEVEL = 12\n",
    "drivers/hv/channel.c": "int channel;\n",
    "drivers/hv/sub/ring.h": "#define RING 1\n",
    "drivers/hvx/other.c": "int other;\n",
    "drivers/net/a.c": "int a;\n",
    "include/linux/hyperv.h": "struct hv;\n",
    "Documentation/index.rst": "Title\n=====\n",
    "scripts/kernel-doc": "#!/usr/bin/env perl\n",
}


# ------------------------------------------------------------------ helpers


def add_file(tar, name, data=b"x", mode=0o644, kind=tarfile.REGTYPE, link=""):
    """Add one member to an open tar file."""
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.mtime, info.linkname = kind, mode, 1_700_000_000, link
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    tar.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def make_tarball(path, extra=()):
    """Write a small linux-source tarball with FILES plus ``extra`` members."""
    with tarfile.open(path, "w:xz", format=tarfile.PAX_FORMAT) as tar:
        add_file(tar, f"{TOP}/", kind=tarfile.DIRTYPE, mode=0o755)
        for name, text in FILES.items():
            mode = 0o755 if name.startswith("scripts/") else 0o644
            add_file(tar, f"{TOP}/{name}", text.encode(), mode=mode)
        for args in extra:
            add_file(tar, *args[:1], **args[1])
    return path


@pytest.fixture(scope="session")
def fake_deb(tmp_path_factory):
    """A tiny linux-source-6.12 .deb built with dpkg-deb."""
    if shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb is not installed")
    root = tmp_path_factory.mktemp("deb") / "pkg"
    (root / "DEBIAN").mkdir(parents=True)
    (root / "DEBIAN/control").write_text(textwrap.dedent("""\
        Package: linux-source-6.12
        Version: 6.12.1-1
        Architecture: all
        Maintainer: Test <test@example.org>
        Description: fake kernel sources for tests
        """))
    (root / "usr/src").mkdir(parents=True)
    (root / "usr/share/doc").mkdir(parents=True)
    (root / "usr/share/doc/README").write_text("doc\n")
    make_tarball(root / f"usr/src/{TOP}.tar.xz")
    deb = root.parent / "linux-source-6.12_6.12.1-1_all.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(root), str(deb)],
                   check=True, capture_output=True)
    return deb


FAKE_APT = """\
#!/bin/sh
echo "$*" >> "$FAKE_APT_LOG"
case "$1" in
update)
    [ "$FAKE_APT_MODE" = updatefail ] && { echo "E: network is down" >&2; exit 100; }
    touch "$FAKE_APT_LOG.updated"; exit 0 ;;
download)
    [ "$FAKE_APT_MODE" = fail ] && { echo "E: Failed to fetch http://x/y 404" >&2; exit 100; }
    if [ "$FAKE_APT_MODE" = stale ] && [ ! -e "$FAKE_APT_LOG.updated" ]; then
        echo "E: Unable to locate package $2" >&2; exit 100
    fi
    cp "$FAKE_DEB" . ; exit 0 ;;
esac
exit 1
"""


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty KDOCGEN_CACHE, with KSRC unset."""
    monkeypatch.delenv("KSRC", raising=False)
    monkeypatch.setenv("KDOCGEN_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def fake_apt(tmp_path, monkeypatch, fake_deb, cache):
    """Put a fake apt-get on PATH; return the file logging its calls."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "apt-get").write_text(FAKE_APT)
    (bindir / "apt-get").chmod(0o755)
    log = tmp_path / "apt.log"
    log.touch()
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_APT_LOG", str(log))
    monkeypatch.setenv("FAKE_DEB", str(fake_deb))
    monkeypatch.setenv("FAKE_APT_MODE", "stale")
    return log


@pytest.fixture
def extract_calls(monkeypatch):
    """Count the passes over the tarball."""
    calls = []
    real = sources._extract

    def counting(tarball, tree, patterns, claimed, progress):
        calls.append(list(patterns))
        return real(tarball, tree, patterns, claimed, progress)
    monkeypatch.setattr(sources, "_extract", counting)
    return calls


def tree_files(tree):
    """Relative paths of the files below ``tree``."""
    return sorted(p.relative_to(tree).as_posix() for p in Path(tree).rglob("*")
                  if p.is_file() or p.is_symlink())


# ----------------------------------------------------------------- cache dir


def test_cache_dir_prefers_kdocgen_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("KDOCGEN_CACHE", str(tmp_path / "c"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert cache_dir() == tmp_path / "c"


def test_cache_dir_uses_xdg_then_home(monkeypatch, tmp_path):
    monkeypatch.delenv("KDOCGEN_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert cache_dir() == tmp_path / "x" / "kdocgen"
    monkeypatch.setenv("XDG_CACHE_HOME", "")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "kdocgen"


# ---------------------------------------------------------- KSRC validation


def make_tree(root, makefile="VERSION = 6\n", maintainers=True):
    """A minimal directory that looks (or not) like a kernel tree."""
    root.mkdir(parents=True, exist_ok=True)
    if maintainers:
        (root / "MAINTAINERS").write_text("x\n")
    if makefile is not None:
        (root / "Makefile").write_text(makefile)
    return root


def test_ksrc_is_returned_as_is(tmp_path):
    tree = make_tree(tmp_path / "linux")
    assert kernel_tree(tree, need=["drivers/nothing/"]) == tree
    assert kernel_tree(str(tree)) == tree


def test_ksrc_from_environment(tmp_path, monkeypatch):
    tree = make_tree(tmp_path / "linux")
    monkeypatch.setenv("KSRC", str(tree))
    assert kernel_tree() == tree


@pytest.mark.parametrize("setup, message", [
    (lambda p: None, "no such directory"),
    (lambda p: p.write_text(""), "not a directory"),
    (lambda p: make_tree(p, maintainers=False), "not a kernel tree (no MAINTAINERS)"),
    (lambda p: make_tree(p, makefile=None), "not a kernel tree (no Makefile)"),
    (lambda p: make_tree(p, makefile="all:\n\techo\n"), "no 'VERSION =' line"),
])
def test_ksrc_validation_errors(tmp_path, monkeypatch, setup, message):
    path = tmp_path / "x"
    setup(path)
    with pytest.raises(SourcesError) as err:
        kernel_tree(path)
    assert str(err.value).startswith(f"KSRC={path}: ")
    assert message in str(err.value)
    monkeypatch.setenv("KSRC", str(path))
    with pytest.raises(SourcesError, match="KSRC="):
        kernel_tree()


# ---------------------------------------------------------- need patterns


@pytest.mark.parametrize("pattern, path, expected", [
    ("drivers/hv/", "drivers/hv/channel.c", True),
    ("drivers/hv/", "drivers/hv/sub/ring.h", True),
    ("drivers/hv/", "drivers/hv", True),
    ("drivers/hv/", "drivers/hvx/other.c", False),
    ("*.c", "drivers/hv/channel.c", True),
    ("*.c", "drivers/hv/ring.h", False),
    ("drivers/*/a.c", "drivers/net/a.c", True),
    ("drivers/*/a.c", "drivers/x/y/a.c", True),   # fnmatch '*' crosses '/'
    ("MAINTAINERS", "MAINTAINERS", True),
    ("MAINTAINERS", "MAINTAINERS.orig", False),
    ("MAINTAINERS", "x/MAINTAINERS", False),
    ("include/linux/hyperv.h/", "include/linux/hyperv.h", True),
])
def test_need_regex(pattern, path, expected):
    assert bool(need_regex([pattern]).match(path)) is expected


def test_need_regex_of_nothing_matches_nothing():
    assert not need_regex([]).match("MAINTAINERS")


@pytest.mark.parametrize("bad", ["", "/etc/passwd", "../x", "drivers/../../x"])
def test_normalize_pattern_rejects(bad):
    with pytest.raises(SourcesError, match="relative to the tree root"):
        normalize_pattern(bad)


def test_normalize_pattern_strips_dot_slash():
    assert normalize_pattern("./drivers/hv/") == "drivers/hv/"


@pytest.mark.parametrize("name, expected", [
    (f"{TOP}/drivers/hv/channel.c", "drivers/hv/channel.c"),
    (f"{TOP}/./MAINTAINERS", "MAINTAINERS"),
    (TOP, None),
    ("/etc/passwd", None),
    ("../evil", None),
    (f"{TOP}/../../evil", None),
    (f"{TOP}/drivers/../../evil", None),
])
def test_member_path(name, expected):
    assert member_path(name) == expected


# ------------------------------------------------------- download and cache


def test_first_call_downloads_updates_and_extracts_only_needed(fake_apt, cache,
                                                               extract_calls):
    messages = []
    tree = kernel_tree(need=["MAINTAINERS", "drivers/hv/"], progress=messages.append)
    assert tree == cache / TOP / "tree"
    assert tree_files(tree) == ["MAINTAINERS", "drivers/hv/channel.c",
                                "drivers/hv/sub/ring.h"]
    assert fake_apt.read_text().splitlines() == [
        "download linux-source-6.12", "update", "download linux-source-6.12"]
    assert any(m.startswith("downloading linux-source-6.12") for m in messages)
    assert any("extracted 3 files" in m for m in messages)
    base = cache / TOP
    assert sorted(p.name for p in base.iterdir() if not p.name.startswith(".")) == [
        "download", "linux-source-6.12.tar.xz", "manifest.json", "tarball.json", "tree"]
    assert json.loads((base / "manifest.json").read_text())["patterns"] == [
        "MAINTAINERS", "drivers/hv/"]
    assert len(extract_calls) == 1


def test_second_call_does_no_network_and_no_extraction(fake_apt, cache, extract_calls):
    kernel_tree(need=["MAINTAINERS", "drivers/hv/"], progress=lambda m: None)
    apt_calls = fake_apt.read_text()
    messages = []
    start = time.monotonic()
    tree = kernel_tree(need=["drivers/hv/", "MAINTAINERS", "drivers/hv/channel.c"],
                       progress=messages.append)
    assert time.monotonic() - start < 0.5
    assert tree_files(tree)[0] == "MAINTAINERS"
    assert messages == []
    assert fake_apt.read_text() == apt_calls
    assert len(extract_calls) == 1


def test_new_patterns_extract_only_what_is_missing(fake_apt, cache, extract_calls):
    tree = kernel_tree(need=["drivers/hv/"], progress=lambda m: None)
    before = (tree / "drivers/hv/channel.c").stat()
    messages = []
    kernel_tree(need=["drivers/hv/", "include/", "*.rst"], progress=messages.append)
    assert extract_calls == [["drivers/hv/"], ["*.rst", "include/"]]
    assert not any("unpacking" in m or "downloading" in m for m in messages)
    assert (tree / "drivers/hv/channel.c").stat().st_ino == before.st_ino
    assert tree_files(tree) == ["Documentation/index.rst", "drivers/hv/channel.c",
                                "drivers/hv/sub/ring.h", "include/linux/hyperv.h"]
    manifest = json.loads((cache / TOP / "manifest.json").read_text())
    assert manifest["patterns"] == ["*.rst", "drivers/hv/", "include/"]


def test_extracted_files_keep_mode_and_mtime(fake_apt, cache):
    tree = kernel_tree(need=["scripts/", "Makefile"], progress=lambda m: None)
    script = tree / "scripts/kernel-doc"
    assert script.stat().st_mode & 0o100
    assert not (tree / "Makefile").stat().st_mode & 0o111
    assert script.stat().st_mtime == 1_700_000_000


def test_changed_tarball_is_unpacked_again(fake_apt, cache, extract_calls):
    tree = kernel_tree(need=["MAINTAINERS"], progress=lambda m: None)
    tarball = cache / TOP / f"{TOP}.tar.xz"
    tarball.write_bytes(b"garbage")
    messages = []
    kernel_tree(need=["include/"], progress=messages.append)
    assert any(m.startswith("unpacking") for m in messages)
    assert len(fake_apt.read_text().splitlines()) == 3  # no new apt-get call
    assert (tree / "include/linux/hyperv.h").is_file()


def test_interrupted_extraction_claims_nothing(fake_apt, cache, monkeypatch):
    kernel_tree(need=["MAINTAINERS"], progress=lambda m: None)
    real = sources._write_member
    written = []

    def interrupted(writer, tar, member, rel):
        if written:
            raise KeyboardInterrupt
        written.append(rel)
        return real(writer, tar, member, rel)
    monkeypatch.setattr(sources, "_write_member", interrupted)
    with pytest.raises(KeyboardInterrupt):
        kernel_tree(need=["drivers/"], progress=lambda m: None)
    manifest = json.loads((cache / TOP / "manifest.json").read_text())
    assert manifest["patterns"] == ["MAINTAINERS"]
    monkeypatch.setattr(sources, "_write_member", real)
    tree = kernel_tree(need=["drivers/"], progress=lambda m: None)
    assert "drivers/net/a.c" in tree_files(tree)


def test_unwritable_cache_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("KSRC", raising=False)
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("KDOCGEN_CACHE", str(tmp_path / "file" / "cache"))
    with pytest.raises(SourcesError, match="set KDOCGEN_CACHE to a writable directory"):
        kernel_tree(progress=lambda m: None)


def test_apt_get_missing_tells_to_use_ksrc(cache, tmp_path, monkeypatch):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(SourcesError) as err:
        kernel_tree(progress=lambda m: None)
    assert "apt-get not found" in str(err.value)
    assert "KSRC=/path/to/linux" in str(err.value)


@pytest.mark.parametrize("mode, message", [
    ("fail", "apt-get download linux-source-6.12 failed: E: Failed to fetch"),
    ("updatefail", "apt-get update failed: E: network is down"),
])
def test_apt_get_failures_are_clear(fake_apt, monkeypatch, mode, message):
    if mode == "updatefail":
        monkeypatch.setenv("FAKE_APT_MODE", "stale")
        (fake_apt.parent / "bin/apt-get").write_text(
            FAKE_APT.replace('"$FAKE_APT_MODE" = updatefail', "true"))
    else:
        monkeypatch.setenv("FAKE_APT_MODE", mode)
    with pytest.raises(SourcesError) as err:
        kernel_tree(progress=lambda m: None)
    assert message in str(err.value)
    assert "KSRC=" in str(err.value)


def test_corrupt_tarball_gives_clear_error(cache, tmp_path, monkeypatch):
    bad = tmp_path / "bad.tar.xz"
    bad.write_bytes(b"\xfd7zXZ\x00garbage" * 100)
    with pytest.raises(SourcesError, match="cannot read the archive|xz failed"):
        sources._extract(bad, tmp_path / "tree", ["*"], [], lambda m: None)


def test_broken_deb_is_removed_with_clear_error(cache):
    if shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb is not installed")
    download = cache / TOP / "download"
    download.mkdir(parents=True)
    deb = download / "linux-source-6.12_6.12.1-1_all.deb"
    deb.write_bytes(b"!<arch>\ntruncated")
    with pytest.raises(SourcesError, match="dpkg-deb -x failed.*run again"):
        kernel_tree(progress=lambda m: None)
    assert not deb.exists()


# ------------------------------------------------------- hostile tarballs

HOSTILE = [
    ("/abs/file", {}),
    ("../evil", {}),
    (f"{TOP}/../../evil2", {}),
    (f"{TOP}/drivers/out", {"kind": tarfile.SYMTYPE, "link": "../../../outside"}),
    (f"{TOP}/drivers/abs", {"kind": tarfile.SYMTYPE, "link": "/etc"}),
    (f"{TOP}/drivers/abs/passwd", {"data": b"owned"}),
    (f"{TOP}/drivers/hv/self", {"kind": tarfile.SYMTYPE, "link": "channel.c"}),
    (f"{TOP}/drivers/up", {"kind": tarfile.SYMTYPE, "link": ".."}),
    (f"{TOP}/drivers/hv/esc", {"kind": tarfile.SYMTYPE, "link": "../up/.."}),
    (f"{TOP}/drivers/hv/esc/escaped", {"data": b"owned"}),
    # 'a' is harmless when made, then 'b' redirects it two levels above the tree
    (f"{TOP}/drivers/hv/a", {"kind": tarfile.SYMTYPE, "link": "b/../.."}),
    (f"{TOP}/drivers/hv/b", {"kind": tarfile.SYMTYPE, "link": "../up"}),
    (f"{TOP}/drivers/hv/a/pwned", {"data": b"owned"}),
    # 'c' leads inside when 'early' is written, then 'd' changes to make it lead out
    (f"{TOP}/drivers/hv/d", {"kind": tarfile.SYMTYPE, "link": "../net"}),
    (f"{TOP}/drivers/hv/c", {"kind": tarfile.SYMTYPE, "link": "d/.."}),
    (f"{TOP}/drivers/hv/c/early", {"data": b"inside"}),  # lands in drivers/
    (f"{TOP}/drivers/hv/d", {"kind": tarfile.SYMTYPE, "link": "../up"}),
    (f"{TOP}/drivers/hv/c/pwned", {"data": b"owned"}),
    (f"{TOP}/drivers/fifo", {"kind": tarfile.FIFOTYPE}),
]


@pytest.mark.parametrize("use_xz", [True, False])
def test_hostile_members_are_skipped(tmp_path, monkeypatch, use_xz):
    if not use_xz or shutil.which("xz") is None:
        monkeypatch.setattr(sources, "_xz_binary", lambda: None)
    tarball = make_tarball(tmp_path / "t.tar.xz", HOSTILE)
    root = tmp_path / "deep" / "cache"
    tree = root / "tree"
    tree.mkdir(parents=True)
    sources._extract(tarball, tree, ["*"], [], lambda m: None)
    everything = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    outside = [p for p in everything
               if not p.startswith("deep/cache/tree") and p not in ("deep", "deep/cache",
                                                                    "t.tar.xz")]
    assert outside == []
    files = tree_files(tree)
    assert "drivers/hv/self" in files and os.readlink(tree / "drivers/hv/self") == "channel.c"
    assert "drivers/up" in files  # points to the tree root: allowed
    assert os.readlink(tree / "drivers/hv/b") == "../up"
    assert os.readlink(tree / "drivers/hv/d") == "../up"
    assert (tree / "drivers/early").read_bytes() == b"inside"
    for gone in ("drivers/out", "drivers/abs", "drivers/fifo", "drivers/hv/esc",
                 "drivers/hv/a", "drivers/hv/c", "evil", "evil2", "abs/file", "file"):
        assert gone not in files
    assert set(FILES) <= set(files)


# ------------------------------------------------------------------- CLI


def test_cli_prints_tree(tmp_path, capsys):
    tree = make_tree(tmp_path / "linux")
    assert sources.main(["--ksrc", str(tree)]) == 0
    assert capsys.readouterr().out == f"{tree}\n"


def test_cli_error_exits_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "kdocgen.sources", "--ksrc",
                           str(tmp_path / "nope"), "--need", "MAINTAINERS", "include/"],
                          capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1])
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert f"KSRC={tmp_path / 'nope'}: no such directory" in proc.stderr
    assert "Traceback" not in proc.stderr


# ------------------------------------------------------------ real kernel


@pytest.mark.kernel
def test_real_tree_cached_call_is_fast(kernel_tree_path, monkeypatch):
    assert (kernel_tree_path / "MAINTAINERS").is_file()
    assert (kernel_tree_path / "scripts/kernel-doc").is_file()
    assert (kernel_tree_path / "include/linux/hyperv.h").is_file()
    if user_ksrc():
        return
    monkeypatch.setattr(sources, "_extract", None)  # must not be reached
    start = time.monotonic()
    assert kernel_tree(need=["MAINTAINERS", "include/"]) == kernel_tree_path
    assert time.monotonic() - start < 1



# ------------------------------------------------- other kernel versions


def test_package_name_and_version_checks():
    assert sources.package_name() == "linux-source-6.12"
    assert sources.package_name("7.2") == "linux-source-7.2"
    with pytest.raises(SourcesError, match="expected MAJOR.MINOR"):
        sources.package_name("7.2; rm -rf /")


def test_tree_version_reads_the_makefile(tmp_path):
    (tmp_path / "Makefile").write_text("# SPDX\nVERSION = 7\nPATCHLEVEL = 2\nSUBLEVEL = 13\n")
    assert sources.tree_version(tmp_path) == "7.2"
    assert sources.tree_version(tmp_path / "nothing") is None


def test_other_version_comes_from_the_private_apt(fake_deb, cache, monkeypatch, tmp_path):
    """linux-source-7.2 is looked up and downloaded through kdocgen's own apt
    configuration (newest version of any suite), never the system's apt-get."""
    deb72 = tmp_path / "linux-source-7.2_7.2.13-1_all.deb"
    work = tmp_path / "pkg72"
    subprocess.run(["dpkg-deb", "-R", str(fake_deb), str(work)], check=True)
    top = work / "usr/src"
    (top / "linux-source-6.12.tar.xz").rename(top / "linux-source-7.2.tar.xz")
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(work), str(deb72)],
                   check=True, capture_output=True)
    calls = []

    class FakeApt:
        suites = ("sid",)

        def __init__(self, root, arches=()):
            calls.append(("init", root))

        def update(self):
            calls.append(("update",))

        def candidates(self, package):
            return [sources.debian.Candidate(package, "7.2.9-1", "all", "sid"),
                    sources.debian.Candidate(package, "7.2.13-1", "all", "sid")]

        def download(self, package, version, arch, dest):
            calls.append(("download", package, version))
            dest.mkdir(parents=True, exist_ok=True)
            return Path(shutil.copy(deb72, dest))

    monkeypatch.setattr(sources, "Apt", FakeApt)
    which = shutil.which
    monkeypatch.setattr(sources.shutil, "which",
                        lambda name: None if name == "apt-get" else which(name))
    tree = kernel_tree(need=["MAINTAINERS"], version="7.2", progress=lambda m: None)
    assert tree == cache / "linux-source-7.2" / "tree"
    assert (tree / "MAINTAINERS").is_file()
    assert calls[0] == ("init", cache / "apt")
    assert ("download", "linux-source-7.2", "7.2.13-1") in calls


def test_unknown_version_is_a_clear_error(cache, monkeypatch):
    class NoApt:
        suites = ("sid",)

        def __init__(self, root, arches=()):
            pass

        def update(self):
            pass

        def candidates(self, package):
            return []

    monkeypatch.setattr(sources, "Apt", NoApt)
    with pytest.raises(SourcesError, match="linux-source-9.9: no such package"):
        kernel_tree(need=["MAINTAINERS"], version="9.9", progress=lambda m: None)
