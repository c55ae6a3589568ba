"""extract_source / extract_file on bad input: it must never raise."""

import json
import time

import pytest

from kdocgen import extract
from kdocgen.cli import main
from kdocgen.extract import extract_file, extract_source
from kdocgen.render.check import check_page
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
        (3, "encoding", "invalid UTF-8 byte 0xff; undecodable bytes are shown as U+FFFD", "error"),
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
    assert [(d.line, d.rule, d.severity) for d in source.diagnostics] == [
        (2, "cannot-understand", "warning"), (5, "cut-off-declaration", "warning")]


def test_body_cut_at_end_of_file():
    """What was read of a cut-off function is documented; the cut is a
    warning (kernel-doc's unit suite ends sources inside function bodies)."""
    source = extract_source("x.c", DOC_F + b"int f(int a)\n{\n\tif (a) {\n")
    assert [(s.name, s.documented, s.decl_span) for s in source.symbols] == [("f", True, (5, 7))]
    assert [(d.line, d.rule, d.severity) for d in source.diagnostics if d.rule == "cut-off-declaration"] == [
        (5, "cut-off-declaration", "warning")]


def test_json_succeeds_on_a_cut_off_body(tmp_path, capsys):
    (tmp_path / "x.c").write_bytes(DOC_F + b"int f(int a)\n{\n")
    assert main(["json", "--srctree", str(tmp_path), "-j", "1", "x.c"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [i["name"] for i in data["files"][0]["items"]] == ["f"]
    assert "cut-off-declaration" in [w["rule"] for w in data["warnings"]]


def test_struct_cut_at_end_of_file():
    source = extract_source("x.c", DOC_S + b"struct s {\n\tint a;\n")
    assert source.documented == []
    assert [(d.line, d.rule) for d in source.diagnostics] == [(2, "cannot-understand"), (5, "cut-off-declaration")]


@pytest.mark.parametrize("name, data", [
    ("conditional braces", DOC_F + b"int f(int a)\n{\n#ifdef A\n\tif (a) {\n#else\n\tif (!a) {\n#endif\n"
                                   b"\t\ta++;\n\t}\n\treturn a;\n}\n"),
    ("braces in strings", DOC_F + b"int f(int a)\n{\n\tputs(\"{{\");\n\treturn '{';\n}\n"),
    ("ends with preprocessor", DOC_F + b"int f(int a);\n#ifdef A\nint g(\n#endif\n"),
    ("ends with a macro call", DOC_F + b"int f(int a);\nmodule_init(f)\n"),
    ("undocumented tail", DOC_F + b"int f(int a);\nstatic const int table[] = {\n\t1,\n"),
])
def test_complete_endings_are_not_cut_off(name, data):
    assert "cut-off-declaration" not in {d.rule for d in extract_source("x.c", data).diagnostics}


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
    assert check_page(render_page(source)) == []


def test_crlf_lines():
    source = extract_source("x.c", DOC_F.replace(b"\n", b"\r\n") + b"int f(int a);\r\n")
    assert [(s.name, s.purpose, s.params[0].desc) for s in source.documented] == [("f", "Do f.", "An a.")]


@pytest.mark.parametrize("desc", ["\\\\", "!!!!", "%%%%", "))))", "@@@@"])
def test_punctuation_only_description_renders_clean_rst(desc):
    source = extract_source("x.c", f"/**\n * f() - Do f.\n * @a: {desc}\n */\nint f(int a);\n".encode())
    assert check_page(render_page(source)) == []


# Through the command line: one message naming the file (and line), the
# other files still done, a non-zero exit status, never a traceback.
BAD_FILES = {
    "non-UTF-8": (b"/**\n * g() - Caf\xe9.\n */\nint g(void);\n", 2, "invalid UTF-8 byte 0xe9"),
    "binary": (b"\x7fELF\x02\x01\x01\0\0\0" * 50, 1, "binary file (NUL bytes), not read"),
    "unterminated comment": (b"int g;\n/**\n * g() - G.\n", 2, "not closed with '*/'"),
    "missing": (None, 0, "cannot read file: No such file or directory"),
    "a directory": ("dir", 0, "cannot read file: Is a directory"),
    "too large": (b"int x;\n" * 20, 0, "file too large (140 bytes), not read"),
}


#: Declarations cut off by the end of the file: warnings, the run succeeds.
CUT_FILES = {
    "cut declaration": b"/**\n * g() - G.\n */\nint g(int a,\n",
    "cut body": b"/**\n * g() - G.\n */\nint g(void)\n{\n\tif (x) {\n",
}


@pytest.fixture
def cli_tree(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "good.c").write_bytes(DOC_F + b"int f(int a);\n")
    return tmp_path


@pytest.mark.parametrize("command", ["json", "rst"])
@pytest.mark.parametrize("case", sorted(CUT_FILES))
def test_cli_cut_off_file(cli_tree, capsys, command, case):
    (cli_tree / "d" / "bad.c").write_bytes(CUT_FILES[case])
    out = ["--out", str(cli_tree / "out")] if command == "rst" else []
    status = main([command, "--srctree", str(cli_tree), "-j", "1", "d/bad.c", "d/good.c", *out])
    err = capsys.readouterr()
    assert status == 0
    assert "error" not in err.err and "Traceback" not in err.err
    if command == "json":
        warnings = json.loads(err.out)["warnings"]
        assert [(w["path"], w["line"], w["severity"]) for w in warnings if w["rule"] == "cut-off-declaration"] == [
            ("d/bad.c", 4, "warning")]


@pytest.mark.parametrize("command", ["json", "rst"])
@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_cli_bad_file(cli_tree, capsys, monkeypatch, command, case):
    data, line, message = BAD_FILES[case]
    if case == "too large":
        monkeypatch.setattr(extract, "MAX_BYTES", 100)
    if data == "dir":
        (cli_tree / "d" / "bad.c").mkdir()
    elif data is not None:
        (cli_tree / "d" / "bad.c").write_bytes(data)
    out = ["--out", str(cli_tree / "out")] if command == "rst" else []
    status = main([command, "--srctree", str(cli_tree), "-j", "1", "d/bad.c", "d/good.c", *out])
    err = capsys.readouterr()
    assert status == 1
    [error] = [ln for ln in err.err.splitlines() if "error" in ln]
    assert error.startswith(f"d/bad.c:{line}: error: ") and message in error
    assert "Traceback" not in err.err
    if command == "json":
        files = {f["path"]: f for f in json.loads(err.out)["files"]}
        assert [i["name"] for i in files["d/good.c"]["items"]] == ["f"]
    else:
        assert ".. c:function:: int f(int a)" in (cli_tree / "out" / "d" / "good.rst").read_text()


@pytest.mark.parametrize("command", ["json", "rst"])
def test_cli_deep_nesting_is_no_error(cli_tree, capsys, command):
    (cli_tree / "d" / "deep.c").write_bytes(DOC_F + b"int f(int a)\n{" + b"{(" * N + b")}" * N + b"}\n")
    out = ["--out", str(cli_tree / "out")] if command == "rst" else []
    assert main([command, "--srctree", str(cli_tree), "-j", "1", "d/deep.c", *out]) == 0
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["site", "--out", "OUT"], "KSRC=TREE: not a kernel tree (no MAINTAINERS)"),
    (["site", "--srctree", "KERNEL", "--subsystem", "No Such Entry", "--out", "OUT"],
     "no MAINTAINERS entry named 'No Such Entry'"),
    (["lint", "--srctree", "KERNEL", "--subsystem", "No Such Entry"], "no MAINTAINERS entry named 'No Such Entry'"),
    (["lint", "--srctree", "KERNEL", "d/missing.c"], "d/missing.c: no such file or directory"),
])
def test_cli_bad_tree_or_entry(tmp_path, capsys, monkeypatch, args, message):
    kernel = tmp_path / "kernel"
    kernel.mkdir()
    (kernel / "MAINTAINERS").write_text("HYPOTHETICAL DRIVER\nM:\tA <a@example.org>\nF:\td/\n")
    (kernel / "Makefile").write_text("VERSION = 6\n")
    monkeypatch.setenv("KSRC", str(tmp_path))
    subst = {"OUT": str(tmp_path / "out"), "KERNEL": str(kernel)}
    assert main([subst.get(a, a) for a in args]) == 2
    err = capsys.readouterr().err
    assert message.replace("TREE", str(tmp_path)) in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_cli_json_ksrc_not_a_tree(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KSRC", str(tmp_path))
    with pytest.raises(SystemExit) as exit_:
        main(["json", "d/good.c"])
    assert str(exit_.value) == f"kdocgen: KSRC={tmp_path}: not a kernel tree (no MAINTAINERS)"


@pytest.mark.parametrize("name, data, message", [
    ("broken.json", b'{"symbols": [', "broken.json:1:14: invalid JSON"),
    ("partial.json", b'{"schema": 1, "symbols": [{"name": "x"', "partial.json:1:39: invalid JSON"),
    ("missing.json", None, "missing.json: no such file or folder"),
])
def test_cli_site_with_bad_abi_data(cli_tree, capsys, name, data, message):
    if data is not None:
        (cli_tree / name).write_bytes(data)
    out = cli_tree / "out"
    status = main(["site", "--srctree", str(cli_tree), "--files", "d/good.c", "--abi", str(cli_tree / name),
                   "--out", str(out), "-j", "1"])
    err = capsys.readouterr().err
    assert status == 1
    [line] = [ln for ln in err.splitlines() if name in ln]
    assert line.startswith(f"kdocgen site: {cli_tree / name}{message[len(name):]}")
    assert "Traceback" not in err
    assert (out / "d" / "good.rst").is_file()
