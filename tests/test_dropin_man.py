"""kernel-doc's ``-man`` output from kdocgen's model (kdocgen.dropin.man).

Fast tests: the golden pages of tests/fixtures/dropin_man (kernel-style C
files written for kdocgen; the pages were made by the trees' kernel-doc,
see regen.py there) for both dialects, and the text transforms.
Kernel-marked tests run the trees' kernel-doc at test time: byte equality
on real files of each tree, and the man cases of the 7.2 unit suite.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from kdocgen.dropin.man import ManOptions, man_date_from, write_man
from kdocgen.dropin.mantext import highlight, highlight_lines
from kdocgen.extract import extract_source
from kdocgen.kerneldoc.dialect import PERL, PYTHON, Dialect

FIXTURES = Path(__file__).parent / "fixtures" / "dropin_man"
STAMP = "2024-01-01"
DIALECTS = {"perl": PERL, "python": PYTHON}


def man_of(path: str, data: bytes, dialect: Dialect, **options) -> str:
    """kdocgen's man output for a file given by name and bytes."""
    source = extract_source(path, data, dialect=dialect)
    opts = ManOptions(path=path, date=man_date_from(STAMP, dialect), text=data.decode("utf-8", "replace"),
                      **options)
    return write_man(source, source.documented, dialect, opts)


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
@pytest.mark.parametrize("name", sorted(p.stem for p in FIXTURES.glob("*.c")))
def test_golden_pages(name, dialect):
    data = (FIXTURES / f"{name}.c").read_bytes()
    want = (FIXTURES / f"{name}.{dialect}.man").read_text()
    assert man_of(f"{name}.c", data, DIALECTS[dialect]) == want


def test_fixtures_have_both_goldens():
    for source in FIXTURES.glob("*.c"):
        for dialect in DIALECTS:
            assert (FIXTURES / f"{source.stem}.{dialect}.man").is_file()


# -- text transforms ----------------------------------------------------------

@pytest.mark.parametrize("text, want", [
    ("call foo() now", "call \\fBfoo\\fP now"),
    ("%NULL or %-EINVAL", "NULL or -EINVAL"),
    ("see &struct widget and &enum kind", "see \\fIstruct widget\\fP and \\fIenum kind\\fP"),
    ("@w->ops and @a.b and @args...", "\\fIw->ops\\fP and \\fIa.b\\fP and \\fIargs...\\fP"),
    ("&widget.flags or &w->f or &plain", "\\fIwidget.flags\\fP or \\fIw->f\\fP or \\fIplain\\fP"),
    ("a``b``c but not ``d``", "abc but not ``d``"),
    ("lone @ sign", "lone \\fI\\fP sign"),
])
def test_highlight(text, want):
    assert highlight(text) == want


def test_perl_lines_strip_indent_and_guard_dots():
    assert highlight_lines("\n  one\n.two\n\n", python=False) == "\none\n\\&.two\n"


def test_python_lines_paragraphs_and_lists():
    text = "intro\n\n- first\n* second\n3) third\n"
    assert highlight_lines(text, python=True) == "intro\n.PP\n\n.IP \\[bu]\nfirst\n.IP \\[bu]\nsecond\n.IP 3\nthird\n"


def test_python_literal_block_and_table():
    text = "Example::\n\n    code here\nafter\n\n=== ===\na   b\n=== ===\n"
    out = highlight_lines(text, python=True)
    assert "Example:\n.nf\n\n    code here\n\n.fi\n" in out
    assert "\n.TS\nbox;\nl\tl.\na\tb\n.TE\n" in out


@pytest.mark.parametrize("stamp, want", [("2024-01-01", "January 2024"), ("Mar 05 2023", "March 2023"),
                                         ("Tue Feb 06 10:00:00 2024", "February 2024")])
def test_man_date_from_timestamp(stamp, want):
    assert man_date_from(stamp, PERL) == want


def test_man_date_without_timestamp_uses_now():
    assert man_date_from(None, PYTHON, now=datetime(2025, 7, 1)) == "July 2025"
    assert man_date_from("not a date", PERL, now=datetime(2025, 7, 1)) == "July 2025"


def test_iso_timestamp_read_by_perl_dialect_only():
    stamp, now = "2024-03-05T10:00:00", datetime(2025, 7, 1)
    assert man_date_from(stamp, PERL, now=now) == "March 2024"
    assert man_date_from(stamp, PYTHON, now=now) == "July 2025"


def test_modulename_in_title_lines():
    data = (FIXTURES / "docs.c").read_bytes()
    perl = man_of("docs.c", data, PERL, modulename="Widgets")
    python = man_of("sub/docs.c", data, PYTHON)
    assert perl.startswith('.TH "Widgets" 9 "Widgets" "January 2024" "API Manual" LINUX\n')
    assert '"January 2024" "sub" "Kernel API Manual"' in python.splitlines()[0]


def test_python_writes_tails_for_items_not_printed():
    data = (FIXTURES / "functions.c").read_bytes()
    source = extract_source("functions.c", data, dialect=PYTHON)
    first = source.documented[:1]
    opts = ManOptions("functions.c", "January 2024", text=data.decode())
    out = write_man(source, first, PYTHON, opts)
    assert out.count(".TH ") == 1
    assert out.count('.SH "SEE ALSO"') == len(source.documented)
    assert write_man(source, first, PERL, opts).count('.SH "SEE ALSO"') == 0


def test_unreadable_path_gives_output_not_traceback(tmp_path):
    data = (FIXTURES / "types.c").read_bytes()
    source = extract_source("types.c", data, dialect=PERL)
    opts = ManOptions(str(tmp_path / "missing.c"), "January 2024")
    out = write_man(source, source.documented, PERL, opts)
    assert out.startswith(".TH ")


# -- against the trees' kernel-doc ---------------------------------------------

REAL_612 = ["include/linux/kref.h", "drivers/dma-buf/dma-buf.c", "include/linux/dma-buf.h",
            "include/drm/drm_ioctl.h", "mm/util.c", "include/uapi/drm/i915_drm.h",
            "Documentation/gpu/rfc/i915_vm_bind.h", "arch/x86/include/uapi/asm/sgx.h", "include/linux/list.h",
            "lib/bitmap.c", "include/linux/skbuff.h"]
REAL_72 = ["include/linux/kref.h", "drivers/dma-buf/dma-buf.c", "include/linux/dma-buf.h",
           "include/drm/drm_ioctl.h", "mm/util.c", "Documentation/gpu/rfc/i915_vm_bind.h",
           "arch/x86/include/uapi/asm/sgx.h", "include/linux/list.h", "lib/bitmap.c", "include/linux/skbuff.h",
           "include/uapi/drm/i915_drm.h", "include/net/page_pool/types.h", "include/crypto/aes.h",
           "drivers/media/dvb-frontends/af9013.h"]


def tree_man(tree: Path, path: str) -> str:
    """The tree's own ``kernel-doc -man path`` (run in the tree)."""
    python = tree / "tools" / "docs" / "kernel-doc"
    command = [sys.executable, str(python)] if python.is_file() else ["perl", str(tree / "scripts" / "kernel-doc")]
    env = dict(os.environ, KBUILD_BUILD_TIMESTAMP=STAMP)
    run = subprocess.run([*command, "-man", path], cwd=tree, env=env, capture_output=True, text=True,
                         errors="replace", check=True)
    return run.stdout


@pytest.mark.kernel
@pytest.mark.parametrize("path", REAL_612)
def test_same_bytes_as_perl_kernel_doc(kernel_tree_path, path):
    tree = Path(kernel_tree_path)
    assert man_of(path, (tree / path).read_bytes(), PERL) == tree_man(tree, path)


@pytest.mark.kernel
@pytest.mark.parametrize("path", REAL_72)
def test_same_bytes_as_python_kernel_doc(kernel_tree_72, path):
    tree = Path(kernel_tree_72)
    assert man_of(path, (tree / path).read_bytes(), PYTHON) == tree_man(tree, path)


def _no_date(text: str) -> str:
    """The unit suite's comparison: outer blanks stripped, the date of each
    ``.TH`` line emptied."""
    lines = text.strip().split("\n")
    for i, line in enumerate(lines):
        if line.startswith(".TH"):
            parts = shlex.split(line)
            if len(parts) > 3:
                parts[3] = ""
            lines[i] = " ".join(parts)
    return "\n".join(lines)


def _suite_man_cases(tree: Path) -> list[tuple[str, str, str, str]]:
    """(name, fname, source, man) of the unit-suite cases with a man page."""
    yaml = pytest.importorskip("yaml")
    tests = yaml.safe_load((tree / "tools/unittests/kdoc-test.yaml").read_text(encoding="utf-8"))["tests"]
    cases = []
    for case in tests:
        for expected in case["expected"]:
            if expected.get("man") and case.get("source"):
                cases.append((case["name"], case["fname"], case["source"], expected["man"]))
    return cases


@pytest.mark.kernel
def test_unit_suite_man_cases(kernel_tree_72):
    cases = _suite_man_cases(Path(kernel_tree_72))
    assert len(cases) >= 30
    failed = [name for name, fname, source, man in cases
              if _no_date(man_of(fname, source.encode(), PYTHON)) != _no_date(man)]
    assert failed == []
