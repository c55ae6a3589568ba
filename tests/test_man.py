"""Section-9 manual pages, checked with groff (-ww: every warning) and man -l."""

import gzip
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kdocgen.cli import main
from kdocgen.extract import extract_file, extract_source
from kdocgen.maintainers import entry_files, find_entry, read_maintainers
from kdocgen.render.man import gzip_bytes, render_man, write_man_pages

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "c"


def ensure_groff() -> None:
    """groff and man from Debian's packages, installed when missing (as root)."""
    if shutil.which("groff") and shutil.which("man"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "-qq", "update"], env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "groff-base", "man-db"],
                       env=env, capture_output=True)
    if not (shutil.which("groff") and shutil.which("man")):
        pytest.skip("groff/man not available")


def troff_check(text: str) -> str:
    """groff's warnings for a page (empty when clean)."""
    ensure_groff()
    result = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z"], input=text, capture_output=True, text=True)
    return result.stderr


def shown(path: Path) -> str:
    ensure_groff()
    env = dict(os.environ, MANWIDTH="80", MAN_KEEP_FORMATTING="0")
    result = subprocess.run(["man", "-l", str(path)], capture_output=True, text=True, env=env)
    return re.sub(r".\x08", "", result.stdout).replace("\u2010", "-")  # drop overstrike bold


def seed_symbol(name):
    source = extract_source("drivers/hv/channel.c", (ROOT / "tests" / "golden" / "seed_channel.c").read_bytes())
    return next(s for s in source.documented if s.name == name)


def test_function_page(tmp_path):
    page = render_man(seed_symbol("vmbus_sendpacket"), {"vmbus_sendpacket"}, "Linux 6.12")
    assert troff_check(page) == ""
    path = tmp_path / "vmbus_sendpacket.9"
    path.write_text(page)
    text = " ".join(shown(path).split())
    assert "vmbus_sendpacket - Send the specified buffer on the given channel" in text
    assert "int vmbus_sendpacket(struct vmbus_channel *channel, void *buffer, u32 bufferlen," in text
    assert "ARGUMENTS channel Pointer to vmbus_channel structure" in text
    assert "DESCRIPTION Sends data in buffer directly to Hyper-V via the vmbus." in text
    assert "\\fIbuffer\\fP" in page  # @buffer in italics


def test_struct_with_nested_members(tmp_path):
    source = extract_source("include/w.h", (FIXTURES / "struct_nested.h").read_bytes())
    page = render_man(source.documented[0], set(), "")
    assert troff_check(page) == ""
    path = tmp_path / "widget_state.9"
    path.write_text(page)
    text = shown(path)
    assert "struct widget_state {" in text and "} geom;" in text
    assert "MEMBERS" in text and "geom.width" in text and "Width in pixels." in text


def test_fonts_literal_blocks_and_escapes():
    src = (b"/**\n * f() - Frob &struct widget with %FLAG\n * @a: An a.\n *\n"
           b" * Call g() first. Example::\n *\n *   f(a) - 1;\n *\n * .dot at the start\n */\nvoid f(int a);\n"
           b"/**\n * g() - G.\n */\nvoid g(void);\n")
    source = extract_source("x.c", src)
    page = render_man(source.documented[0], {"g", "widget", "f"}, "")
    assert troff_check(page) == ""
    assert "\\fBstruct widget\\fP" in page and "\\fBFLAG\\fP" in page and "\\fBg\\fP()" in page
    assert ".nf\n  f(a) \\- 1;\n.fi" in page
    assert "\\&.dot at the start" in page
    assert ".SH SEE ALSO\n.BR g (9),\n.BR widget (9)" in page


def test_pages_are_gzip_and_reproducible(tmp_path):
    source = extract_source("x.c", (ROOT / "tests" / "golden" / "seed_channel.c").read_bytes())
    first = write_man_pages([source], tmp_path / "a")
    second = write_man_pages([source], tmp_path / "b")
    assert [p.name for p in first] == ["__vmbus_recvpacket.9.gz", "vmbus_sendpacket.9.gz"]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second))
    assert gzip.decompress(first[1].read_bytes()).startswith(b'.TH "vmbus_sendpacket" 9')
    assert gzip_bytes("x")[4:8] == b"\0\0\0\0"  # no time stamp


def test_cli(tmp_path, capsys):
    tree = tmp_path / "tree"
    (tree / "drivers").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "golden" / "seed_channel.c", tree / "drivers" / "channel.c")
    assert main(["man", "--srctree", str(tree), "--out", str(tmp_path / "man"), "drivers/channel.c"]) == 0
    assert (tmp_path / "man" / "vmbus_sendpacket.9.gz").exists()


@pytest.mark.kernel
def test_every_hyperv_page_renders_without_troff_warnings(kernel_tree_path, tmp_path):
    tree = Path(kernel_tree_path)
    files = entry_files(tree, find_entry(read_maintainers(tree), "Hyper-V/Azure CORE AND DRIVERS"))
    pages = write_man_pages((extract_file(tree, f) for f in files), tmp_path, "Linux 6.12")
    assert len(pages) > 50
    problems = {p.name: troff_check(gzip.decompress(p.read_bytes()).decode()) for p in pages}
    assert {name: text for name, text in problems.items() if text} == {}
    text = " ".join(shown(tmp_path / "vmbus_sendpacket.9.gz").split())
    assert "vmbus_sendpacket - Send the specified buffer on the given channel" in text
