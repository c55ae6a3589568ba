"""Cross-check against the kernel's own scripts/kernel-doc on every fixture.

For each fixture, the documented item names and the warning messages (without
line numbers) must equal kernel-doc's, except for the differences listed in
KNOWN below.  Needs perl and the 6.12 tree's
scripts/kernel-doc (the session's kernel tree, see conftest).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kdocgen.extract import extract_source

FIXTURES = Path(__file__).parent / "fixtures" / "c"
pytestmark = [
    pytest.mark.kernel,
    pytest.mark.skipif(shutil.which("perl") is None, reason="perl is needed to run the 6.12 kernel-doc"),
]

_ITEM = re.compile(r"^\.\. c:(function|macro|struct|union|enum|type):: (.*)$|^\.\. _(.+):$", re.M)
_WARNING = re.compile(r"^\S+:\d+: warning: (.*)$", re.M)
NO_COMMENTS = "no structured comments found"

#: fixture -> (items only kdocgen documents, items only kernel-doc documents,
#:             warnings only kdocgen gives, warnings only kernel-doc gives)
KNOWN = {
    # kdocgen documents variables; kernel-doc 6.12 cannot, and quotes the prototype differently.
    "global_vars.c": (
        ["widget_debug", "widget_names", "default_widget_ops"], [],
        ["cannot understand function prototype: 'int widget_debug'",
         "cannot understand function prototype: "
         "'static const char * const widget_names[] = { \"off\", \"on\", }'",
         "cannot understand function prototype: "
         "'const struct widget_ops default_widget_ops = { .probe = widget_probe, }'"],
        ["cannot understand function prototype: 'int widget_debug; '",
         "cannot understand function prototype: 'const char * const widget_names[] = '",
         "cannot understand function prototype: 'const struct widget_ops default_widget_ops = '",
         NO_COMMENTS]),
    # kdocgen documents the struct (with kernel-doc's warning, without its trailing space).
    "struct_as_function.h": (
        ["widget_stats"], [],
        ["cannot understand function prototype: 'struct widget_stats'"],
        ["cannot understand function prototype: 'struct widget_stats '", NO_COMMENTS]),
    # kdocgen does not say that a file has no kernel-doc comment.
    "indented_comment.c": ([], [], [], [NO_COMMENTS]),
    "oneline_comment.c": ([], [], [], [NO_COMMENTS]),
}


def kernel_doc(script: Path, path: Path) -> tuple[list[str], list[str]]:
    """Item names and warning messages of kernel-doc ``script`` on ``path``."""
    run = subprocess.run(["perl", str(script), "-rst", "-sphinx-version", "3.4.3", "-Wall", path.name],
                         cwd=path.parent, capture_output=True, text=True, timeout=60)
    names = []
    for match in _ITEM.finditer(run.stdout):
        if match.group(3):
            names.append(match.group(3))  # a DOC: block's label
        elif match.group(1) == "function":
            names.append(match.group(2).split(" (")[0].split()[-1].lstrip("*"))
        else:
            names.append(match.group(2).strip())
    return names, _WARNING.findall(run.stderr)


def _minus(items: list[str], remove: list[str]) -> list[str]:
    result = list(items)
    for name in remove:
        assert name in result, (name, items)
        result.remove(name)
    return result


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.iterdir()))
def test_same_items_and_warnings_as_kernel_doc(fixture, kernel_tree_path):
    path = FIXTURES / fixture
    kd_names, kd_warnings = kernel_doc(kernel_tree_path / "scripts" / "kernel-doc", path)
    source = extract_source(fixture, path.read_bytes())
    our_names = [s.name for s in source.documented]
    our_warnings = [d.message.split("\n")[0] for d in source.diagnostics]
    only_ours, only_theirs, extra_warnings, missing_warnings = KNOWN.get(fixture, ([], [], [], []))
    assert _minus(our_names, only_ours) == _minus(kd_names, only_theirs)
    assert sorted(_minus(our_warnings, extra_warnings)) == sorted(_minus(kd_warnings, missing_warnings))
