"""The kernel-doc drop-in on kdocgen's own kernel-style fixtures.

The golden files under tests/fixtures/dropin/golden/ are what each tree's
kernel-doc printed for these fixtures (tests/fixtures/dropin/regen.py
writes them); ``kdocgen kernel-doc`` must print the same bytes, the same
warnings and end with the same status.
"""

from __future__ import annotations

import io
import json
import os
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from kdocgen.dropin import command
from kdocgen.dropin.highlight import PERL_RULES, highlight_rst
from kdocgen.dropin.proto import split_prototype

HERE = Path(__file__).resolve().parent / "fixtures" / "dropin"
REGEN = HERE / "regen.py"


def _load_regen():
    import importlib.util
    spec = importlib.util.spec_from_file_location("dropin_regen", REGEN)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


regen = _load_regen()
CASES = [(dialect, fixture, name) for dialect in ("perl", "python") for fixture in regen.FIXTURES
         for name in regen.FLAG_SETS]


def run_dropin(argv: list[str], cwd: Path) -> dict:
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            status = command.main(argv)
    finally:
        os.chdir(old)
    return {"stdout": out.getvalue(), "stderr": err.getvalue(), "status": status}


@pytest.mark.parametrize("dialect,fixture,name", CASES)
def test_same_output_as_kernel_doc(dialect, fixture, name):
    golden = json.loads((HERE / "golden" / dialect / f"{fixture}.{name}.json").read_text())
    argv = ["--kernel-version", regen.VERSIONS[dialect], *regen.flags(dialect, name), fixture]
    got = run_dropin(argv, HERE)
    assert got["stdout"] == golden["stdout"]
    if name == "function" and dialect == "perl":  # the Perl tool lists names not found in hash order
        assert sorted(got["stderr"].splitlines()) == sorted(golden["stderr"].splitlines())
    else:
        assert got["stderr"] == golden["stderr"]
    assert got["status"] == golden["status"]


def test_unknown_flag_is_a_usage_error(capsys):
    assert command.main(["--kernel-version", "6.12", "-frobnicate", "x.c"]) == 1
    assert "Argument unknown!" in capsys.readouterr().err


def test_missing_file_is_an_error_not_a_traceback(tmp_path, capsys):
    status = command.main(["--kernel-version", "6.12", "-rst", "-sphinx-version", "3.4.3",
                           str(tmp_path / "absent.c")])
    err = capsys.readouterr().err
    assert "Error: Cannot open file" in err and "absent.c" in err
    assert status == 1


def test_man_is_dispatched_or_refused_clearly(tmp_path, capsys):
    source = tmp_path / "one.c"
    source.write_text("/**\n * one() - the one\n */\nint one(void);\n")
    status = command.main(["--kernel-version", "6.12", "-man", str(source)])
    captured = capsys.readouterr()
    try:
        import kdocgen.dropin.man  # noqa: F401
    except ImportError:
        assert status == 1 and "not available" in captured.err
    else:
        assert status == 0 and captured.out


def test_prototype_split():
    proto = split_prototype("static inline int __must_check kref_get(struct kref *kref, void (*f)(int a, int b)) ")
    assert proto is not None
    assert (proto.return_type, proto.name) == ("int", "kref_get")
    assert [(p.name, p.text) for p in proto.params] == [("kref", "struct kref *kref"),
                                                       ("f", "void (*f)(int a, int b)")]
    macro = split_prototype("#define WIDGET_MAX 16 ")
    assert macro is not None and macro.object_macro and macro.name == "WIDGET_MAX"


def test_7x_prototype_annotations_removed_anywhere():
    """7.x removes storage words and annotations wherever they are, an
    attribute call leaving the blank after it; never from macros."""
    later = split_prototype("__attribute_const__ __always_inline static bool widget_ok(int n)", True)
    assert later is not None and later.return_type == "bool"
    attribute = split_prototype("static __attribute__((const)) bool widget_even(int n)", True)
    assert attribute is not None and attribute.return_type == " bool"
    macro = split_prototype("#define widget_each(__w, __sched) x", True)
    assert macro is not None and [p.name for p in macro.params] == ["__w", "__sched"]


def test_highlight_skips_literal_blocks():
    text = "See %CONST and &struct foo::\n\n  @not_here &x\n\nBack to @param.\n"
    assert highlight_rst(text, PERL_RULES) == [
        "See ``CONST`` and :c:type:`struct foo <foo>`::", "", "  @not_here &x", "",
        "Back to **param**."]


def test_export_lines_as_each_dialect_reads_them():
    from kdocgen.dropin.select import exported_name, exported_symbols
    assert exported_name("EXPORT_SYMBOL(foo);") == "foo"
    assert exported_name("EXPORT_SYMBOL(foo)") == ""  # 6.x wants the ';'
    assert exported_name("EXPORT_SYMBOL(foo)", python=True) == "foo"
    assert exported_name("EXPORT_SYMBOL_NS_GPL(foo, CXL);") == "foo"
    assert exported_name('EXPORT_SYMBOL_NS_GPL(foo, "CXL");') == ""
    assert exported_name('EXPORT_SYMBOL_NS_GPL(foo, "CXL");', python=True) == "foo"
    assert exported_name('EXPORT_SYMBOL_NS_GPL(foo, "CXL" );', python=True) == ""
    assert exported_name("EXPORT_SYMBOL_NS_GPL(foo, CXL);", python=True) == ""
    assert exported_symbols(["EXPORT_SYMBOL(kmalloc_noprof);"], set(), python=True) == {"kmalloc"}
    assert exported_symbols(["EXPORT_SYMBOL(kmalloc_noprof);"], set()) == {"kmalloc_noprof"}
