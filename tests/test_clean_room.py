"""Integration: kdocgen's code is its own.

The brief forbids committing code copied from the kernel's kernel-doc.  A
re-implementation of kernel-doc's behaviour needs its output strings and
warning wording, but not its regular expressions: every regular-expression
looking string literal of kdocgen's Python code (``kdocgen/`` and
``bench/``) of 10 or more characters is searched, verbatim, in the 6.12
tree's Perl ``scripts/kernel-doc`` and in the 7.2 tree's Python kernel-doc
(``tools/docs/kernel-doc``, ``tools/lib/python/kdoc/``).  None may be found.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.kernel

ROOT = Path(__file__).resolve().parents[1]
#: Pieces that only a regular expression is made of.
REGEX_MARKS = ("\\s", "\\S", "\\w", "\\W", "\\d", "\\b", "(?:", "(?P", "[^", ".*",
               ".+", "\\(", "\\)", "\\[", "\\*", "\\$", "\\{", "|", "^", "$")
MIN_LENGTH = 10


def regex_literals(path: Path) -> list[tuple[int, str]]:
    """The regular-expression looking string literals of a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if len(text) >= MIN_LENGTH and sum(m in text for m in REGEX_MARKS) >= 2:
                found.append((node.lineno, text))
    return found


def kernel_doc_sources(tree_612: Path, tree_72: Path) -> dict[str, str]:
    """The text of both trees' kernel-doc implementations, by path."""
    paths = [tree_612 / "scripts" / "kernel-doc", tree_72 / "tools" / "docs" / "kernel-doc"]
    paths += sorted((tree_72 / "tools" / "lib" / "python" / "kdoc").glob("*.py"))
    return {str(p): p.read_text(encoding="utf-8", errors="replace")
            for p in paths if p.is_file()}


def test_marks_find_a_regex_and_not_prose(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('A = r"^\\s*(\\w+)\\s*\\("\nB = "Excess function parameter"\n')
    assert [text for _, text in regex_literals(sample)] == ["^\\s*(\\w+)\\s*\\("]


def test_no_regex_of_the_kernels_kernel_doc_in_kdocgen(kernel_tree_path, kernel_tree_72):
    sources = kernel_doc_sources(Path(kernel_tree_path), Path(kernel_tree_72))
    assert len(sources) >= 3, sources.keys()
    copied = []
    for path in sorted([*ROOT.glob("kdocgen/**/*.py"), *ROOT.glob("bench/**/*.py")]):
        for line, text in regex_literals(path):
            where = [name for name, body in sources.items() if text in body]
            if where:
                copied.append(f"{path.relative_to(ROOT)}:{line}: {text!r} is in {where[0]}")
    assert not copied, "\n".join(copied)
