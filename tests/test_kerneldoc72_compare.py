"""Cross-check against the Python kernel-doc of the 7.2 tree on every C
fixture (tests/fixtures/c and tests/fixtures/dialect), read with the 7.x
rules: the same items (kind, name, parameters, section titles, purpose)
and the same warnings (kind, symbol, subject), except for the differences
listed in KNOWN.  Uses the 7.2 tree of the ``kernel_tree_72`` fixture.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kdocgen.extract import extract_source
from kdocgen.kerneldoc.dialect import PYTHON

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.compare import purpose_words  # noqa: E402
from bench.kdrst import parse_rst  # noqa: E402
from bench.kdwarn import make_warning, parse_stderr  # noqa: E402

pytestmark = pytest.mark.kernel

ROOT = Path(__file__).parent / "fixtures"
FIXTURES = sorted([*(ROOT / "c").iterdir(), *(ROOT / "dialect").iterdir()])
#: fixture -> (items only kdocgen gives, items only kernel-doc gives,
#:             warnings only kdocgen gives, warnings only kernel-doc gives)
KNOWN = {
    # kdocgen documents variables under "name - ..." comments; kernel-doc cannot.
    "global_vars.c": ([("var", "widget_debug"), ("var", "widget_names"), ("var", "default_widget_ops")],
                      [], [], []),
    # kdocgen documents the struct written as "name - ..." (with kernel-doc's warning).
    "struct_as_function.h": ([("struct", "widget_stats")], [], [], []),
    # kernel-doc 7.2 keeps the continued lines and comments of the macro in its
    # prototype and reads "pos->next" as a parameter.
    "macro_multiline.h": ([("function", "widget_for_each", ["pos", "bus"])],
                          [("function", "widget_for_each", ["pos", "pos->next"])],
                          [], [("excess-param", "widget_for_each", "bus"),
                               ("param-not-described", "widget_for_each", "pos->next")]),
    # kdocgen keeps the described members of a typedef'd struct; kernel-doc shows none.
    "typedefs.h": ([("typedef", "widget_pos_t", ["x", "y"])], [("typedef", "widget_pos_t", [])], [], []),
    # kernel-doc 7.2 reads "typedef enum NAME { ... } NAME_t;" only without NAME.
    "typedef_enum.h": ([("enum", "widget_named")], [], [], [("cannot-parse", "", "")]),
}


def kernel_doc(script: Path, path: Path) -> tuple[list, list]:
    """Items and warnings of the 7.2 kernel-doc on ``path``."""
    def run(*args):
        return subprocess.run([sys.executable, str(script), *args, path.name], cwd=path.parent,
                              capture_output=True, text=True, timeout=120)
    items = parse_rst(run("-rst", "-enable-lineno").stdout)
    return items, parse_stderr(run("-none", "-Wall").stderr, path.name)


def view(kind: str, name: str, params, sections, purpose: str) -> tuple:
    """What is compared of an item (members of structs: not, kernel-doc
    lists only the described ones)."""
    kind = "function" if kind == "macro" else kind
    return (kind, name, None if kind in ("struct", "union") else list(params),
            [] if kind == "doc" else list(sections), [] if kind == "doc" else purpose_words(purpose))


def _minus(items: list, keys: list) -> list:
    out = list(items)
    for key in keys:
        found = [i for i in out if i[:len(key)] == key]
        assert found, (key, items)
        out.remove(found[0])
    return out


@pytest.mark.parametrize("fixture", [p.name for p in FIXTURES])
def test_same_as_python_kernel_doc(kernel_tree_72, fixture):
    path = next(p for p in FIXTURES if p.name == fixture)
    ref_items, ref_warnings = kernel_doc(Path(kernel_tree_72) / "tools" / "docs" / "kernel-doc", path)
    source = extract_source(path.name, path.read_bytes(), dialect=PYTHON)
    ours = [view(s.kind, s.name, [p.name for p in s.params if not p.name.startswith("{")],
                 [t.title for t in s.sections], s.purpose) for s in source.documented]
    theirs = [view(i.kind, i.name, i.params, i.sections, i.purpose) for i in ref_items]
    only_ours, only_theirs, extra_warnings, missing_warnings = KNOWN.get(fixture, ([], [], [], []))
    assert _minus(ours, only_ours) == _minus(theirs, only_theirs)
    our_warnings = sorted((w.kind, w.symbol, w.subject) for w in
                          (make_warning(path.name, d.line, d.message) for d in source.diagnostics))
    their_warnings = sorted((w.kind, w.symbol, w.subject) for w in ref_warnings)
    assert _minus(our_warnings, extra_warnings) == _minus(their_warnings, missing_warnings)
