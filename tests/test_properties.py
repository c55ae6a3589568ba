"""Property tests (hypothesis): the readers never raise, stay fast, keep offsets."""

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kdocgen.cparse.blanking import blank_attributes, blank_comments
from kdocgen.extract import extract_source
from kdocgen.kerneldoc.comment import DocComment, find_comments, read_inline_docs
from kdocgen.render.check import check_page
from kdocgen.render.page import render_page

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "c").iterdir())
FIXTURE_BYTES = [p.read_bytes() for p in FIXTURES]
TIME_LIMIT = 2.0  # seconds per example

COMMENT_LINES = st.sampled_from([
    "/**", "/** ", " /**", "/***/", "/** @a: b */", " */", "*/", " * */", " *", " * ", "",
    " * foo() - Purpose.", " * foo", " * struct s - S.", " * enum - E", " * typedef t - T.", " * DOC: T",
    " * DOC:", " * define X - x", " * @a: x", " * @a.b: y", " * @...: z", " * @: odd", " *   more",
    " * Return: r", " * Context: c", " * NOTE: n", " * Example:: e", " * description:", " * text*/",
    "\t/**", "\t * @m: member", "\t */", "\t/** @m: one */", "bad line", "}", "struct s {", "};",
])
LINES = st.lists(st.one_of(COMMENT_LINES, st.text(max_size=40)), max_size=60)

C_TOKENS = st.sampled_from([
    b"/**\n", b" * f() - F.\n", b" * @a: A.\n", b" */\n", b"/*", b"*/", b"//", b"\n", b"\\\n", b"{", b"}",
    b"(", b")", b"[", b"]", b";", b",", b"#define ", b"#ifdef X\n", b"#endif\n", b"int ", b"f", b"a",
    b"struct ", b"union ", b"enum ", b"typedef ", b"static ", b"__init ", b"__printf(1, 2) ", b"...",
    b"SYSCALL_DEFINE1(", b"TRACE_EVENT(", b"TP_PROTO(", b"struct_group(", b"DECLARE_BITMAP(",
    b"EXPORT_SYMBOL(", b"\"", b"'", b"*", b"=", b" ", b"\t", b"\xff", b"\xc3\xa9",
])


def _check(source, data: bytes, elapsed: float) -> None:
    """Invariants of any extraction result."""
    assert elapsed < TIME_LIMIT
    last_line = data.count(b"\n") + 1
    for symbol in source.symbols:
        first, last = symbol.decl_span
        assert 1 <= first <= last <= last_line, (symbol.kind, symbol.name, symbol.decl_span)
        if symbol.documented and symbol.kind != "doc":
            assert symbol.comment_span[1] < first
    for diagnostic in source.diagnostics:
        assert 0 <= diagnostic.line <= last_line + 1
        assert diagnostic.rule and diagnostic.message


def _extract(data: bytes):
    start = time.perf_counter()
    source = extract_source("fuzz.c", data)
    return source, time.perf_counter() - start


@settings(deadline=None, max_examples=200)
@given(LINES)
def test_comment_reader_never_raises(lines):
    comments, stray = find_comments(lines)
    for doc in comments:
        assert 1 <= doc.start <= doc.end <= max(len(lines), 1)
        assert doc.kind in ("function", "struct", "union", "enum", "typedef", "doc")
    for note in stray:
        assert 1 <= note.line <= len(lines) + 1


@settings(deadline=None, max_examples=200)
@given(LINES, st.integers(0, 70), st.integers(0, 70))
def test_inline_reader_never_raises(lines, first, last):
    doc = DocComment("struct", "s", 1, 1)
    read_inline_docs(doc, lines, first, last)
    assert all(name == name.strip() for name in doc.params)


@settings(deadline=None, max_examples=200)
@given(st.binary(max_size=2000))
def test_extract_random_bytes(data):
    source, elapsed = _extract(data)
    _check(source, data, elapsed)


@settings(deadline=None, max_examples=200)
@given(st.lists(C_TOKENS, max_size=200).map(b"".join))
def test_extract_random_c_tokens(data):
    source, elapsed = _extract(data)
    _check(source, data, elapsed)


def _mutate(draw, original: bytes) -> bytes:
    """``original`` with 1 to 4 random cuts, truncations, insertions, bit
    flips or duplications."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["cut", "truncate", "insert", "flip", "duplicate"]))
        a = draw(st.integers(0, len(data)))
        b = draw(st.integers(a, min(len(data), a + 400)))
        if kind == "cut":
            del data[a:b]
        elif kind == "truncate":
            del data[a:]
        elif kind == "insert":
            data[a:a] = draw(st.one_of(C_TOKENS, st.binary(max_size=20)))
        elif kind == "flip" and a < len(data):
            data[a] ^= 1 << draw(st.integers(0, 7))
        elif kind == "duplicate":
            data[b:b] = data[a:b]
    return bytes(data)


@st.composite
def mutated_fixture(draw):
    return _mutate(draw, draw(st.sampled_from(FIXTURE_BYTES)))


@settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_fixture())
def test_extract_mutated_fixtures(data):
    source, elapsed = _extract(data)
    _check(source, data, elapsed)


@settings(deadline=None, max_examples=200)
@given(st.lists(st.one_of(C_TOKENS, st.binary(max_size=8)), max_size=150).map(b"".join))
def test_blank_attributes_keeps_offsets(data):
    for blanked in (blank_attributes(data), blank_comments(data)):
        assert len(blanked) == len(data)
        assert [i for i, c in enumerate(blanked) if c == 10] == [i for i, c in enumerate(data) if c == 10]


@settings(deadline=None, max_examples=50)
@given(st.sampled_from(FIXTURE_BYTES))
def test_blank_attributes_keeps_fixture_offsets(data):
    blanked = blank_attributes(data)
    assert len(blanked) == len(data)
    assert [i for i, c in enumerate(blanked) if c == 10] == [i for i, c in enumerate(data) if c == 10]
    # only spaces are introduced, except struct_group() rewritten as "struct ...;"
    changed = {blanked[i] for i in range(len(data)) if blanked[i] != data[i]}
    assert changed <= set(b" struct;")


# Real Hyper-V files, mutated: the extractor never raises and stays fast,
# and the page rendered from whatever it finds is always clean reST.
HYPERV_FILES = ["drivers/hv/channel.c", "drivers/hv/ring_buffer.c", "drivers/hv/connection.c",
                "drivers/hv/hv_util.c"]
REAL_TIME_LIMIT = 5.0  # seconds per file, extraction alone


@pytest.fixture(scope="module")
def hyperv_bytes(kernel_tree_path):
    return [(Path(kernel_tree_path) / name).read_bytes() for name in HYPERV_FILES]


@pytest.mark.kernel
@settings(deadline=None, max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_hyperv_files(hyperv_bytes, data):
    mutated = _mutate(data.draw, data.draw(st.sampled_from(hyperv_bytes)))
    source, elapsed = _extract(mutated)
    assert elapsed < REAL_TIME_LIMIT
    _check(source, mutated, 0.0)
    assert check_page(render_page(source), "fuzz.c") == []


PROSE = st.sampled_from([
    "Plain words.", "*", "**", "`", "``", "|", "_", "__", "\\\\", "@a", "%CONST", "&struct s", "f()",
    "$ENV", "::", ".. note::", ".. raw:: html", ".. include:: x", ".. _t: javascript:x", "- item",
    "1. item", "#. item", ":field: value", "+---+---+", "| a | b |", "=====", "-----", "   indented",
    "\\tTab", "<script>", "`link <http://x>`_", ":c:func:`f`", ":download:`x`", "text::", ">>> x",
    "|sub|", "*emph*", "**strong**", "a_b", "_x", "x_", "Example::",
])


def _comment_line(text: str) -> str:
    """``text`` as one line inside a comment (no newline, NUL or comment end)."""
    return text.replace("*/", "* /").replace("\n", " ").replace("\0", " ")


@settings(deadline=None, max_examples=150)
@given(st.lists(st.one_of(PROSE, st.text(max_size=20)), max_size=25),
       st.lists(st.one_of(PROSE, st.text(max_size=12)), max_size=3))
def test_random_comment_text_renders_clean_rst(body, param):
    text = "/**\n * f() - Do f.\n * @a: " + _comment_line(" ".join(param)) + "\n *\n"
    text += "".join(f" * {_comment_line(line)}\n" for line in body) + " */\nint f(int a);\n"
    source = extract_source("fuzz.c", text.encode("utf-8", "surrogatepass"))
    assert [s.name for s in source.documented] == ["f"]
    assert check_page(render_page(source), "fuzz.c") == []
