"""Every error says what is wrong and where: output paths that cannot be
folders, symlink loops, text that is not UTF-8, inputs that would otherwise
be skipped in silence, members nested past the limit."""

import pytest

from kdocgen.abi.depsurf import read_depsurf
from kdocgen.cli import main
from kdocgen.extract import extract_source

DOC_F = b"/**\n * f() - Do f.\n * @a: An a.\n */\nint f(int a);\n"
PAGE_TITLE = "# Function: <code>x</code>\n"


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "good.c").write_bytes(DOC_F)
    (tmp_path / "MAINTAINERS").write_text("")
    return tmp_path


@pytest.mark.parametrize("command", ["rst", "man", "site"])
def test_out_naming_a_file(tree, capsys, command):
    (tree / "taken").write_text("a file\n")
    files = ["--files", "d/good.c"] if command == "site" else ["d/good.c"]
    assert main([command, "--srctree", str(tree), "--out", str(tree / "taken"), "-j", "1", *files]) == 2
    err = capsys.readouterr().err
    assert err == f"kdocgen {command}: --out {tree / 'taken'}: exists and is not a directory\n"
    assert (tree / "taken").read_text() == "a file\n"


def test_out_below_a_file(tree, capsys):
    (tree / "taken").write_text("a file\n")
    assert main(["rst", "--srctree", str(tree), "--out", str(tree / "taken" / "pages"), "d/good.c"]) == 2
    assert (f"--out {tree / 'taken' / 'pages'}: cannot create the directory: {tree / 'taken'}: "
            "a file is in the way of a directory") in capsys.readouterr().err


def test_page_folder_blocked_by_a_file_blames_the_output(tree, capsys):
    out = tree / "out"
    out.mkdir()
    (out / "d").write_text("in the way\n")
    assert main(["rst", "--srctree", str(tree), "--out", str(out), "-j", "1", "d/good.c"]) == 1
    err = capsys.readouterr().err
    assert f"{out / 'd' / 'good.rst'}: error: cannot write the page: {out / 'd'}: a file is in the way" in err
    assert "d/good.c:" not in err and "Errno" not in err


def test_lint_symlink_loop(tree, capsys):
    (tree / "d" / "loop.c").symlink_to("loop.c")
    assert main(["lint", "--srctree", str(tree), "d/loop.c"]) == 2
    assert capsys.readouterr().err == "kdocgen lint: d/loop.c: too many levels of symbolic links\n"


def test_pyproject_not_utf8_names_file_line_and_column(tree, capsys):
    (tree / "pyproject.toml").write_bytes(b"[tool.kdocgen.lint]\nfail-on = \"error\"\n# caf\xe9\n")
    assert main(["lint", "--srctree", str(tree), "d/good.c"]) == 2
    assert capsys.readouterr().err == f"kdocgen lint: {tree / 'pyproject.toml'}:3:6: not UTF-8 text (byte 0xe9)\n"


def test_tool_kdocgen_that_is_not_a_table(tree, capsys):
    (tree / "pyproject.toml").write_text("[tool]\nkdocgen = 5\n")
    assert main(["lint", "--srctree", str(tree), "d/good.c"]) == 2
    assert "tool.kdocgen: expected a table ([tool.kdocgen.lint]), not 5" in capsys.readouterr().err


def test_lint_encoding_error_at_the_bytes_column(tree, capsys):
    (tree / "d" / "latin.c").write_bytes(b"/**\n * f() - Caf\xe9 au lait.\n * @a: An a.\n */\nint f(int a);\n")
    main(["lint", "--srctree", str(tree), "d/latin.c"])
    assert "d/latin.c:2:13: error: invalid UTF-8 byte 0xe9" in capsys.readouterr().out


def test_depsurf_page_not_utf8_names_the_line(tmp_path):
    (tmp_path / "bad.md").write_bytes(PAGE_TITLE.encode() + b"\n## Status\n\xff\n")
    _, errors = read_depsurf([tmp_path])
    assert errors == [f"{tmp_path / 'bad.md'}:4:1: not UTF-8 text (byte 0xff)"]


def test_depsurf_nothing_skipped_in_silence(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "empty.md").write_text("")
    (tmp_path / "pages" / "notes.md").write_text("Some notes.\n")
    (tmp_path / "named.md").write_text("Not a page either.\n")
    (tmp_path / "none").mkdir()
    said = []
    data, errors = read_depsurf([tmp_path / "pages", tmp_path / "named.md", tmp_path / "none"], said.append)
    assert data.symbols == []
    assert errors == [f"{tmp_path / 'none'}: no DepSurf pages (*.md files) in this folder",
                      f"{tmp_path / 'pages' / 'empty.md'}: empty file, not a DepSurf page",
                      f"{tmp_path / 'named.md'}:1: not a DepSurf page (no '# Function: <code>...' title)"]
    assert said == [f"{tmp_path / 'pages' / 'notes.md'}: not a DepSurf page (no '# Function: <code>...' title); "
                    "skipped"]


def test_members_past_the_nesting_limit_are_said_not_read():
    depth = 1002
    body = b"struct {\n" * depth + b"int deep;\n" + b"".join(b"} l%d;\n" % i for i in reversed(range(depth)))
    deepest = ".".join(f"l{i}" for i in range(depth)) + ".deep"
    data = (b"/**\n * struct s - An s.\n * @l0: Outer.\n * @" + deepest.encode() + b": Deepest.\n */\n"
            b"struct s {\n" + body + b"};\n")
    source = extract_source("x.c", data)
    assert [(d.line, d.rule, d.message) for d in source.diagnostics] == [
        (1007, "nesting-limit", "members of 's' nested more than 1000 levels deep are not read")]
