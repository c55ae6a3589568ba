"""extract_source / extract_file on bad input: it must never raise."""

import time

import pytest

from kdocgen import extract
from kdocgen.extract import extract_file, extract_source
from kdocgen.render.check import check_rst
from kdocgen.render.page import render_page

DOC_F = b"/**\n * f() - Do f.\n * @a: An a.\n */\n"
DOC_S = b"/**\n * struct s - An s.\n * @a: An a.\n */\n"


def summary(source):
    return ([(s.kind, s.name, s.documented, s.decl_span) for s in source.symbols],
            [(d.line, d.rule, d.severity) for d in source.diagnostics])


def test_non_utf8_names_the_line():
    data = b"int a;\n\nchar *s = \"\xff\";\n" + DOC_F + b"int f(int a);\n"
    source = extract_source("x.c", data)
    assert [(d.line, d.rule, d.message, d.severity) for d in source.diagnostics] == [
        (3, "encoding", "invalid UTF-8 byte 0xff; undecodable bytes are shown as U+FFFD", "warning"),
        (5, "no-return", "No description found for return value of 'f'", "warning"),
    ]
    assert [(s.name, s.documented) for s in source.symbols] == [("a", False), ("s", False), ("f", True)]


def test_latin1_in_comment_is_replaced():
    data = b"/**\n * f() - Caf\xe9 au lait.\n */\nvoid f(void);\n"
    source = extract_source("x.c", data)
    assert source.documented[0].purpose == "Caf\ufffd au lait."
    assert [(d.line, d.rule) for d in source.diagnostics] == [(2, "encoding")]


def test_nul_bytes_make_a_binary_file():
    source = extract_source("x.o", DOC_F + b"int f(int a);\n\0\0\0")
    assert source.symbols == []
    assert [(d.path, d.line, d.rule, d.message, d.severity) for d in source.diagnostics] == [
        ("x.o", 1, "binary-file", "binary file (NUL bytes), not read", "error")]


def test_empty_file():
    assert summary(extract_source("x.c", b"")) == ([], [])


def test_unterminated_comment():
    source = extract_source("x.c", DOC_F[:-4] + b" * more text\n\n")
    assert [(d.line, d.rule, d.message) for d in source.diagnostics] == [
        (1, "unterminated-comment", "comment starting here is not closed with '*/' before the end of the file"),
        (2, "cannot-understand", "cannot understand function prototype: 'f'")]
    assert source.symbols == []


def test_unterminated_comment_after_declaration():
    source = extract_source("x.c", b"int g(void);\n/**\n * f() - F.\n")
    assert [(s.name, s.documented) for s in source.symbols] == [("g", False)]
    assert [(d.line, d.rule) for d in source.diagnostics] == [(2, "unterminated-comment"),
                                                              (3, "cannot-understand")]


@pytest.mark.parametrize("data", [b"/**", b"/**\n", b"/**\n\n\n", b"/**\n *"])
def test_lone_opener(data):
    source = extract_source("x.c", data)
    assert source.symbols == []
    assert [(d.line, d.rule) for d in source.diagnostics if d.rule != "not-doc-line"] == [
        (1, "unterminated-comment")]


def test_function_cut_at_end_of_file():
    source = extract_source("x.c", DOC_F + b"int f(int a")
    assert source.documented == []
    assert [(d.line, d.rule) for d in source.diagnostics] == [(2, "cannot-understand")]


def test_body_cut_at_end_of_file():
    source = extract_source("x.c", DOC_F + b"int f(int a)\n{\n\tif (a) {\n")
    assert [(s.name, s.documented, s.decl_span) for s in source.symbols] == [("f", True, (5, 7))]


def test_struct_cut_at_end_of_file():
    source = extract_source("x.c", DOC_S + b"struct s {\n\tint a;\n")
    assert source.documented == []
    assert [d.rule for d in source.diagnostics] == ["cannot-understand"]


def test_macro_cut_at_end_of_file():
    source = extract_source("x.c", b"/**\n * M() - An M.\n * @a: An a.\n */\n#define M(a) \\\n")
    assert [(s.kind, s.name, s.documented, [p.name for p in s.params]) for s in source.symbols] == [
        ("macro", "M", True, ["a"])]
    assert source.diagnostics == []


N = 5000


def timed(data):
    start = time.perf_counter()
    source = extract_source("x.c", data)
    return source, time.perf_counter() - start


@pytest.mark.parametrize("name, data", [
    ("braces", DOC_F + b"int f(int a)\n" + b"{" * N + b"}" * N + b"\n"),
    ("unbalanced braces", b"{" * N + b"\n" + DOC_F + b"int f(int a);\n"),
    ("unbalanced closing", b"}" * N + b"\n" + DOC_F + b"int f(int a);\n"),
    ("parentheses", DOC_F + b"int f(int a) { return " + b"(" * N + b"a" + b")" * N + b"; }\n"),
    ("unbalanced parentheses", b"(" * N + b"\n" + DOC_F + b"int f(int a);\n"),
    ("declarator parentheses", DOC_F + b"int " + b"(" * N + b"f" + b")" * N + b"(int a);\n"),
    ("pointers", DOC_F + b"int " + b"*" * N + b"f(int a);\n"),
    ("brackets", DOC_F + b"int f(int a" + b"[1]" * N + b");\n"),
    ("attribute parentheses", DOC_F + b"int __attribute__(" + b"(" * N + b"x" + b")" * N + b") f(int a);\n"),
    ("macro parentheses", b"/**\n * f() - Do f.\n * @a: An a.\n */\n#define f(a) " + b"(" * N + b"a" + b")" * N + b"\n"),
    ("conditionals", b"#ifdef A\n" * N + DOC_F + b"int f(int a);\n" + b"#endif\n" * N),
    ("conditionals before", b"#ifdef A\n" * N + b"#endif\n" * N + DOC_F + b"int f(int a);\n"),
    ("broken conditionals", b"#ifdef A\nint x = (\n" * N + DOC_F + b"int f(int a);\n"),
])
def test_deep_nesting_function_still_found(name, data):
    source, elapsed = timed(data)
    assert [s.name for s in source.documented] == ["f"]
    assert elapsed < 5


@pytest.mark.parametrize("name, body", [
    ("named structs", b"struct {\n" * N + b"int a;\n" + b"} b;\n" * N),
    ("anonymous unions", b"union {\n" * N + b"int a;\n" + b"};\n" * N),
    ("conditionals", b"#ifdef A\n" * N + b"int a;\n" + b"#endif\n" * N),
])
def test_deep_nesting_in_struct(name, body):
    source, elapsed = timed(DOC_S + b"struct s {\n" + body + b"};\n")
    assert [(s.kind, s.name) for s in source.documented] == [("struct", "s")]
    assert source.documented[0].decl_span[0] == 5
    assert elapsed < 5


def test_deep_nesting_in_enum():
    source, elapsed = timed(b"/**\n * enum e - An e.\n */\nenum e {\n" + b"#ifdef A\n" * N + b"A,\n"
                            + b"#endif\n" * N + b"};\n")
    assert [(s.kind, s.name) for s in source.documented] == [("enum", "e")]
    assert elapsed < 5


def test_many_mismatched_comments_are_linear():
    data = b"".join(b"/**\n * f%d() - F.\n */\nint g%d(void)\n{\n}\n" % (i, i) for i in range(2000))
    source, elapsed = timed(data)
    assert len(source.diagnostics) == 2000
    assert {d.rule for d in source.diagnostics} == {"prototype-mismatch"}
    assert elapsed < 5


def test_extract_file_missing(tmp_path):
    source = extract_file(tmp_path, "missing.c")
    assert source.path == "missing.c" and source.symbols == []
    assert [(d.line, d.rule, d.message, d.severity) for d in source.diagnostics] == [
        (0, "read-error", "cannot read file: No such file or directory", "error")]


def test_extract_file_reads_bytes(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.c").write_bytes(DOC_F + b"void f(int a) { }\n")
    source = extract_file(tmp_path, "sub/a.c")
    assert (source.path, [s.name for s in source.documented], source.diagnostics) == ("sub/a.c", ["f"], [])


def test_extract_file_too_large(tmp_path, monkeypatch):
    monkeypatch.setattr(extract, "MAX_BYTES", 10)
    (tmp_path / "big.c").write_bytes(b"int x;\nint y;\n")
    source = extract_file(tmp_path, "big.c")
    assert [(d.line, d.rule, d.message, d.severity) for d in source.diagnostics] == [
        (0, "read-error", "file too large (14 bytes), not read", "error")]


def test_extract_file_deep_nesting_is_not_a_read_error(tmp_path):
    (tmp_path / "deep.h").write_bytes(DOC_S + b"struct s {\n" + b"struct {\n" * N + b"int a;\n"
                                      + b"} b;\n" * N + b"};\n")
    source = extract_file(tmp_path, "deep.h")
    assert [(s.kind, s.name) for s in source.documented] == [("struct", "s")]
    assert "read-error" not in {d.rule for d in source.diagnostics}


@pytest.mark.parametrize("char", ["\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_other_line_end_characters_stay_inside_their_line(char):
    data = f"/**\n * f() - Do{char}f.\n * @a: x{char}y\n *\n * Body{char}text.\n */\nint f(int a);\n".encode()
    source = extract_source("x.c", data)
    [symbol] = source.documented
    assert (symbol.purpose, symbol.params[0].desc, symbol.decl_span) == ("Do f.", "x y", (7, 7))
    assert check_rst(render_page(source)) == []


def test_crlf_lines():
    source = extract_source("x.c", DOC_F.replace(b"\n", b"\r\n") + b"int f(int a);\r\n")
    assert [(s.name, s.purpose, s.params[0].desc) for s in source.documented] == [("f", "Do f.", "An a.")]


@pytest.mark.parametrize("desc", ["\\\\", "!!!!", "%%%%", "))))", "@@@@"])
def test_punctuation_only_description_renders_clean_rst(desc):
    source = extract_source("x.c", f"/**\n * f() - Do f.\n * @a: {desc}\n */\nint f(int a);\n".encode())
    assert check_rst(render_page(source)) == []
