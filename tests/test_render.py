"""reST pages: the seed page byte for byte, golden pages per construct,
docutils-clean output, the inline conversion, writing pages."""

from pathlib import Path

import pytest

from kdocgen.cli import main
from kdocgen.extract import extract_file, extract_source
from kdocgen.maintainers import entry_files, find_entry, read_maintainers
from kdocgen.render.check import check_page
from kdocgen.render.entry import param_decl, signature
from kdocgen.render.inline import escape_all, inline_to_rst, text_to_rst
from kdocgen.render.page import render_page
from kdocgen.render.write import page_path, write_if_changed

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
#: The reference page (the kernel-doc page of drivers/hv/channel.c the
#: per-file pages follow), kept as a golden file.
SEED = GOLDEN / "seed_channel.rst"
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "c").glob("*.[ch]"))


def seed_page() -> str:
    data = (GOLDEN / "seed_channel.c").read_bytes()
    return render_page(extract_source("drivers/hv/channel.c", data), other_symbols=False)


def test_seed_page_byte_for_byte():
    assert seed_page().encode() == SEED.read_bytes()


def test_seed_page_is_clean_rst():
    assert check_page(seed_page()) == []


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.name)
def test_golden_page(fixture):
    golden = GOLDEN / "pages" / (fixture.name.replace(".", "_") + ".rst")
    page = render_page(extract_source(f"fixtures/{fixture.name}", fixture.read_bytes()))
    assert page == golden.read_text(), "re-run tests/golden/regen.py and review the diff"
    assert check_page(page, fixture.name) == []


def test_every_fixture_has_a_golden_page():
    pages = {p.name for p in (GOLDEN / "pages").glob("*.rst")}
    assert pages == {f.name.replace(".", "_") + ".rst" for f in FIXTURES}


@pytest.mark.parametrize("text, expected", [
    ("Sends data in @buffer directly", "Sends data in \\ ``buffer``\\  directly"),
    ("returns %NULL or %-ENOMEM", "returns \\ :c:macro:`NULL`\\  or \\ ``-ENOMEM``\\ "),
    ("see &struct vmbus_channel", "see \\ :c:struct:`vmbus_channel`\\ "),
    ("see &union u and &enum e and &typedef t", "see \\ :c:union:`u`\\  and \\ :c:enum:`e`\\  and \\ :c:type:`t`\\ "),
    ("the &struct foo->bar field", "the \\ :c:struct:`foo->bar <foo>`\\  field"),
    ("the &foo.bar field", "the \\ :c:type:`foo.bar <foo>`\\  field"),
    ("call vmbus_open() first", "call \\ :c:func:`vmbus_open`\\  first"),
    ("set $KCONFIG_CONFIG", "set \\ :envvar:`KCONFIG_CONFIG`\\ "),
    ("a *ptr, foo_ and |x| and `tick", "a \\*ptr, foo\\_ and \\|x\\| and \\`tick"),
    ("keep **bold**, *emph*, ``lit`` and :ref:`x`", "keep **bold**, *emph*, ``lit`` and :ref:`x`"),
    ("mail a@b.org and email@example", "mail a@b.org and email@example"),
    ("see [#f1]_ and [2]_, not a[1]_b", "see [#f1]_ and [2]_, not a[1]_b"),
    ("not [#f1]_x nor [ #f1]_", "not [#f1]_x nor [ #f1]\\_"),
    ("%struct pci_slot is refcounted", "\\ ``struct``\\  pci_slot is refcounted"),
    ("no devm_[un]register() nor sizeof()", "no devm\\_[un]register() nor sizeof()"),
])
def test_inline_conversion(text, expected):
    assert inline_to_rst(text) == expected


def test_footnote_references_are_not_plain_prose():
    """Kept footnote references go through the comment directive (checked)."""
    from kdocgen.render.prose import is_plain
    assert not is_plain("github [#f1]_.  Similar")
    assert is_plain("a list [x] of_ things")


def test_literal_blocks_and_code_blocks_pass_through():
    body = "Example::\n\n    p = &x; *q = @a;\n\nAfter *x\n\n.. code-block:: c\n\n   a | b_\n\n- item *one"
    assert text_to_rst(body) == ["Example::", "", "    p = &x; *q = @a;", "", "After \\*x", "",
                                 ".. code-block:: c", "", "   a | b_", "", "- item \\*one"]


def test_escape_all_keeps_inner_underscores():
    assert escape_all("__vmbus_recvpacket") == "\\__vmbus_recvpacket"
    assert escape_all("struct foo *") == "struct foo \\*"


def test_broken_rst_in_a_comment_becomes_a_literal_block():
    src = b"/**\n * f() - F.\n *\n * Text\n *     indented oddly\n * back\n */\nvoid f(void);\n"
    page = render_page(extract_source("x.c", src))
    assert check_page(page) == []
    assert "::\n\n    Text\n        indented oddly\n    back" in page


def test_signatures():
    source = extract_source("x.c", b"static int (*pick(int a))(int);\nvoid g(void (*cb)(int), int v[4], ...);\n"
                                   b"#define M(a, args...) a\n")
    g = next(s for s in source.symbols if s.name == "g")
    assert signature(g) == "void g(void (*cb)(int), int v[4], ...)"
    m = next(s for s in source.symbols if s.name == "M")
    assert signature(m) == "M(a, args...)"
    assert [param_decl(p) for p in g.params] == ["void (*cb)(int)", "int v[4]", "..."]


def test_macro_made_declarations_render_without_c_directive():
    page = render_page(extract_source("x.c", b"static DEFINE_MUTEX(widget_lock);\nint widget_count;\n"))
    assert "``static DEFINE_MUTEX(widget_lock)``" in page
    assert ".. c:var:: int widget_count" in page
    assert check_page(page) == []


def test_other_symbols_can_be_left_out():
    src = b"/**\n * f() - F.\n */\nvoid f(void);\nstatic int helper(int a);\n"
    assert "Other symbols" in render_page(extract_source("x.c", src))
    assert "Other symbols" not in render_page(extract_source("x.c", src), other_symbols=False)
    assert "helper" in render_page(extract_source("x.c", src))


def test_page_paths(tmp_path):
    assert page_path(tmp_path, "drivers/hv/channel.c") == tmp_path / "drivers/hv/channel.rst"
    assert page_path(tmp_path, "include/linux/hyperv.h") == tmp_path / "include/linux/hyperv.h.rst"
    with pytest.raises(ValueError):
        page_path(tmp_path, "../etc/passwd.c")


def test_write_only_when_changed(tmp_path):
    target = tmp_path / "a" / "b.rst"
    assert write_if_changed(target, "x\n") is True
    mtime = target.stat().st_mtime_ns
    assert write_if_changed(target, "x\n") is False
    assert target.stat().st_mtime_ns == mtime
    assert write_if_changed(target, "y\n") is True and target.read_text() == "y\n"


def test_cli_rst_writes_pages_and_reports_bad_files(tmp_path, capsys):
    tree = tmp_path / "tree"
    (tree / "drivers").mkdir(parents=True)
    (tree / "drivers" / "good.c").write_bytes((GOLDEN / "seed_channel.c").read_bytes())
    (tree / "drivers" / "bin.c").write_bytes(b"\0\1\2" * 100)
    out = tmp_path / "out"
    status = main(["rst", "--srctree", str(tree), "--out", str(out), "-j", "1",
                   "drivers/good.c", "drivers/bin.c", "drivers/missing.c"])
    err = capsys.readouterr().err
    assert status == 1
    assert "drivers/bin.c:1: error: binary file" in err and "drivers/missing.c:0: error: cannot read" in err
    page = (out / "drivers" / "good.rst").read_text()
    assert page.startswith(".. -*- coding: utf-8; mode: rst -*-\n.. src-file: drivers/good.c\n")
    assert ".. c:function:: int vmbus_sendpacket(" in page
    assert (out / "drivers" / "bin.rst").exists()  # an empty page: still a target for links
    status = main(["rst", "--srctree", str(tree), "--out", str(out), "-q", "drivers/good.c"])
    assert status == 0


def test_pages_are_deterministic():
    data = (ROOT / "tests" / "fixtures" / "c" / "struct_nested.h").read_bytes()
    assert render_page(extract_source("a.h", data)) == render_page(extract_source("a.h", data))


@pytest.mark.kernel
def test_every_hyperv_page_is_clean_rst(kernel_tree_path):
    tree = Path(kernel_tree_path)
    files = entry_files(tree, find_entry(read_maintainers(tree), "Hyper-V/Azure CORE AND DRIVERS"))
    problems = []
    for path in files:
        page = render_page(extract_file(tree, path))
        problems += [(path, p.line, p.message) for p in check_page(page, path)]
    assert problems == []
