"""Lint rules: for each, a case that fires (rule, line, column) and one that must not."""

from pathlib import Path

import pytest

from kdocgen.lint.rules import RULES
from kdocgen.lint.run import expand_paths, lint


def run(tmp_path: Path, text: str, name: str = "drivers/x.c", extra: dict | None = None, scope=None):
    tree = tmp_path / "tree"
    files = {name: text, **(extra or {})}
    for rel, body in files.items():
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(body)
    return [(f.rule, f.line, f.column) for f in lint(tree, [name], reference_scope=scope or [])]


GOOD = """\
/**
 * widget_get() - Take a reference on a widget.
 * @w: The widget.
 *
 * Return: The widget.
 */
struct widget *widget_get(struct widget *w)
{
	return w;
}
EXPORT_SYMBOL(widget_get);
"""

CASES = {
    "param-undescribed": ("/**\n * f() - F.\n * @a: A.\n */\nvoid f(int a, int count);\n", (5, 19)),
    "param-excess": ("/**\n * f() - F.\n * @a: A.\n * @b: B.\n */\nvoid f(int a);\n", (4, 4)),
    "member-excess": ("/**\n * struct s - S.\n * @a: A.\n * @zz: Z.\n */\nstruct s { int a; };\n", (4, 4)),
    "no-return": ("/**\n * f() - F.\n */\nint f(void);\n", (2, 4)),
    "prototype-mismatch": ("/**\n * f() - F.\n */\nvoid g(void);\n", (2, 4)),
    "not-kernel-doc": ("/**\n * This is just prose.\n */\nint x;\n", (2, 4)),
    "short-description": ("/**\n * f()\n */\nvoid f(void);\n", (2, 4)),
    "enum-undescribed": ("/**\n * enum e - E.\n * @A: A.\n */\nenum e { A, B };\n", (5, 13)),
    "enum-excess": ("/**\n * enum e - E.\n * @A: A.\n * @Z: Z.\n */\nenum e { A };\n", (4, 4)),
    "inline-format": ("/**\n * struct s - S.\n */\nstruct s {\n\t/**\n\t * no name here\n\t */\n\tint a;\n};\n", (6, 5)),
    "duplicate-section": ("/**\n * f() - F.\n *\n * Note: one\n *\n * Note: two\n */\nvoid f(void);\n", (6, 4)),
    "rst-error": ("/**\n * f() - F.\n *\n * Text\n *     indented oddly\n * back\n */\nvoid f(void);\n", (6, 4)),
    "rst-not-allowed": ("/**\n * f() - F.\n *\n * Text\n *\n * .. note::\n *\n *    .. raw:: html\n *\n *       <b>x</b>\n"
                        " */\nvoid f(void);\n", (8, 7)),
    "looks-like-kernel-doc": ("/*\n * f() - F.\n * @a: A.\n */\nvoid f(int a);\n", (1, 1)),
    "exported-undocumented": ("int g(void)\n{\n\treturn 0;\n}\nEXPORT_SYMBOL_GPL(g);\n", (5, 19)),
    "unknown-reference": ("/**\n * f() - F, see no_such_fn() and &struct nowhere.\n */\nvoid f(void);\n", (2, 17)),
    "unterminated-comment": ("int a;\n/* open\n", (2, 1)),
    "cut-off-declaration": ("/**\n * f() - F.\n *\n * Return: 0.\n */\nint f(void)\n{\n\tif (x) {\n", (6, 1)),
}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires_at_the_right_place(tmp_path, rule_id):
    text, place = CASES[rule_id]
    found = [(line, col) for rid, line, col in run(tmp_path, text) if rid == rule_id]
    assert found and found[0] == place


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_is_quiet_on_good_code(tmp_path, rule_id):
    assert [f for f in run(tmp_path, GOOD, extra={"include/w.h": "struct widget { int a; };\n"},
                           scope=["include/*.h"]) if f[0] == rule_id] == []


def test_every_rule_has_a_case():
    reachable_elsewhere = {"cannot-understand", "cannot-parse", "bad-identifier", "not-doc-line",
                           "bad-line", "suspicious-end", "encoding", "binary-file", "read-error",
                           # tests/test_userabi.py
                           "abi-malformed", "abi-attribute-not-found", "abi-undocumented-attribute"}
    assert set(RULES) - set(CASES) <= reachable_elsewhere


def test_other_kernel_doc_rules(tmp_path):
    assert ("cannot-parse", 2, 4) in run(tmp_path, "/**\n * struct s - S.\n */\nint s(void);\n")
    assert ("bad-line", 3, 1) in run(tmp_path, "/**\n * f() - F.\nno star here\n */\nvoid f(void);\n")
    assert ("suspicious-end", 3, 4) in run(tmp_path, "/**\n * f() - F.\n * end*/\nvoid f(void);\n")
    tree = tmp_path / "bytes"
    (tree / "drivers").mkdir(parents=True)
    (tree / "drivers" / "y.c").write_bytes(b"int a;\n/* \xff */\n")
    assert [(f.rule, f.line) for f in lint(tree, ["drivers/y.c"], reference_scope=[])] == [("encoding", 2)]


def test_references_resolve_in_the_scope(tmp_path):
    text = "/**\n * f() - F, uses &struct widget and widget_init().\n */\nvoid f(void);\n"
    header = {"include/w.h": "struct widget {\n\tint a;\n};\nint widget_init(void);\n"}
    assert [r for r in run(tmp_path, text, extra=header, scope=["include/*.h"]) if r[0] == "unknown-reference"] == []
    assert len([r for r in run(tmp_path, text, extra=header, scope=[]) if r[0] == "unknown-reference"]) == 2


def test_expand_paths(tmp_path):
    tree = tmp_path / "t"
    (tree / "a" / "b").mkdir(parents=True)
    for name in ("a/x.c", "a/b/y.h", "a/b/z.txt"):
        (tree / name).write_text("")
    assert expand_paths(tree, ["a"]) == ["a/b/y.h", "a/x.c"]
    assert expand_paths(tree, [str(tree / "a" / "x.c")]) == ["a/x.c"]
    with pytest.raises(FileNotFoundError):
        expand_paths(tree, ["nope.c"])
