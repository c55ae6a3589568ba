"""Doc-lint of a change: the findings it introduced and those it fixed.

Both versions of every touched file are linted (each in a folder of its
own, with the references looked up in the real tree) and their findings
compared.  A finding of the new version is matched to one of the old by
the baseline's :func:`~.baseline.fingerprint` (rule, path, symbol, source
line, message: not the line number, so moved code matches), then by the
same without the source line (a reworded line keeps its old problems).
A new finding left unmatched is *introduced* when the change touched it:
its line was added or rewritten, or the comment or declaration it belongs
to has a changed line (renaming a parameter in the prototype is the fault
of the change even where the comment did not change).  Old findings left
unmatched are *fixed*.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Hashable

from ..kerneldoc.dialect import DEFAULT, Dialect
from .baseline import fingerprint
from .checks import Region
from .finding import Finding
from .names import default_scope
from .run import lint_results
from .versions import FileChange


@dataclass
class ChangeReport:
    """What a change did to the findings of the files it touched."""

    introduced: list[Finding] = field(default_factory=list)  # new version's paths and lines
    fixed: list[Finding] = field(default_factory=list)  # old version's paths and lines
    files: int = 0  # touched files linted

    def counts(self) -> dict[str, int]:
        return {"introduced": len(self.introduced), "fixed": len(self.fixed), "files": self.files}


@dataclass
class _Touched:
    """The lines a change touched in one file's new version."""

    added_file: bool
    added: set[int]
    removed_after: set[int]
    regions: list[Region]

    def covers(self, f: Finding) -> bool:
        """Whether the change touched the finding's line or the comment and
        declaration it belongs to."""
        if self.added_file or f.line < 1:
            return True
        around = [r for r in self.regions if r.first <= f.line <= r.last]
        around = [r for r in around if r.symbol == f.symbol] or around
        for region in around or [Region(f.line, f.line, "")]:
            if any(region.first <= n <= region.last for n in self.added):
                return True
            if any(region.first <= n < region.last for n in self.removed_after):
                return True
        return False


def _write(root: Path, path: str, data: bytes) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def _unmatched(new: list[Finding], old: list[tuple[Finding, Finding]], key: Callable[[Finding], Hashable]
               ) -> tuple[list[Finding], list[tuple[Finding, Finding]]]:
    """The findings of ``new`` and the (as compared, as found) pairs of
    ``old`` that ``key`` does not pair up; each old finding pairs with at
    most one new one, in report order."""
    pool: dict[Hashable, list[int]] = defaultdict(list)
    for index, (f, _) in enumerate(old):
        pool[key(f)].append(index)
    left, used = [], set()
    for f in new:
        same = pool.get(key(f))
        if same:
            used.add(same.pop(0))
        else:
            left.append(f)
    return left, [pair for index, pair in enumerate(old) if index not in used]


def _problem(f: Finding) -> tuple[str, str, str, str]:
    """The fingerprint without the source line: the same problem of the same symbol."""
    return (f.rule, f.path, f.symbol, f.message)


def compare(old: list[Finding], new: list[Finding], renamed: dict[str, str],
            touched: dict[str, _Touched]) -> tuple[list[Finding], list[Finding]]:
    """(introduced, fixed) of a change, from the findings of its two versions
    (``renamed`` maps old paths to new ones)."""
    pairs = [(replace(f, path=renamed.get(f.path, f.path)), f) for f in old]
    new_left, old_left = _unmatched(new, pairs, fingerprint)
    new_left, old_left = _unmatched(new_left, old_left, _problem)
    introduced = [f for f in new_left if f.path in touched and touched[f.path].covers(f)]
    fixed = [found for _, found in old_left]
    return sorted(introduced, key=Finding.sort_key), sorted(fixed, key=Finding.sort_key)


def lint_change(tree: Path, changes: list[FileChange], jobs: int = 1, reference_scope: list[str] | None = None,
                keep: Callable[[list[Finding]], list[Finding]] = lambda findings: findings,
                dialect: Dialect = DEFAULT) -> ChangeReport:
    """Lint both versions of the files of ``changes`` and compare them;
    ``keep`` filters each version's findings (the settings' rules and
    severities) before the comparison; both versions are read with
    ``dialect``'s kernel-doc rules."""
    olds = {c.old_path: c.old for c in changes if c.old is not None and c.old_path}
    news = {c.new_path: c.new for c in changes if c.new is not None and c.new_path}
    scope = reference_scope if reference_scope is not None else default_scope(sorted({*olds, *news}))
    with tempfile.TemporaryDirectory(prefix="kdocgen-change-") as tmp:
        sides = []
        for name, files in (("old", olds), ("new", news)):
            root = Path(tmp, name)
            root.mkdir()
            for path, data in files.items():
                _write(root, path, data)
            findings, results = lint_results(root, sorted(files), jobs, scope, scope_tree=Path(tree),
                                             dialect=dialect)
            sides.append((keep(findings), results))
    (old, _), (new, new_results) = sides
    regions = {result.path: result.regions for result in new_results}
    touched = {c.new_path: _touched(c, regions.get(c.new_path, [])) for c in changes if c.new_path in news}
    renamed = {c.old_path: c.new_path for c in changes if c.old_path and c.new_path}
    introduced, fixed = compare(old, new, renamed, touched)
    return ChangeReport(introduced, fixed, len(changes))


def _touched(change: FileChange, regions: list[Region]) -> _Touched:
    return _Touched(change.old is None, change.patch.added_lines(), change.patch.removal_points(), regions)
