"""Write per-file pages to disk: ``OUT/<path of the source>.rst``.

A page is only rewritten when its text changed (so Sphinx rebuilds only
what changed), and written atomically (a temporary file renamed in place).
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..extract import extract_file, not_read
from ..files import os_error_text, write_if_changed
from ..kerneldoc.dialect import DEFAULT, Dialect
from ..model import SourceFile
from .page import checked_page


@dataclass
class WriteResult:
    """What :func:`write_files` did."""

    written: int = 0
    unchanged: int = 0
    failed: int = 0  # files not read (their page, if any, kept) or whose page could not be written
    pages: list[Path] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # comment text shown as text


def page_path(out: Path, source_path: str) -> Path:
    """Where the page of ``source_path`` goes: ``drivers/hv/channel.c`` ->
    ``OUT/drivers/hv/channel.rst`` (a ``.h`` page keeps ``.h`` in its name:
    ``hyperv.h.rst``, so ``foo.c`` and ``foo.h`` never collide)."""
    rel = PurePosixPath(source_path)
    if rel.is_absolute() or ".." in rel.parts:
        raise ValueError(f"{source_path}: not a path inside the tree")
    name = rel.stem if rel.suffix == ".c" else rel.name
    return out.joinpath(*rel.parent.parts, name + ".rst")


def write_files(tree: str | os.PathLike, relpaths: list[str], out: Path, other_symbols: bool = True,
                jobs: int = 1, dialect: Dialect = DEFAULT) -> WriteResult:
    """Extract (with ``dialect``'s kernel-doc rules), render and write the
    page of every file of ``tree``, in ``jobs`` worker processes when above 1
    (each file is done where it is read, so nothing piles up in the parent)."""
    items = [(str(tree), rel, str(out), other_symbols, dialect) for rel in relpaths]
    result = WriteResult()
    if jobs <= 1 or len(items) < 8:
        for item in items:
            _add(result, _write_one_file(item))
        return result
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for one in pool.map(_write_one_file, items, chunksize=max(1, min(16, len(items) // (jobs * 8)))):
            _add(result, one)
    return result


_Messages = list[tuple[str, str]]
_Outcome = tuple[Path | None, str, _Messages, _Messages]  # page, "written"/"unchanged"/"failed", errors, warnings


def _write_one_file(item: tuple[str, str, str, bool, Dialect]) -> _Outcome:
    tree, rel, out, other_symbols, dialect = item
    return _write_one_source(extract_file(tree, rel, dialect=dialect), Path(out), other_symbols)


def _write_one_source(source: SourceFile, out: Path, other_symbols: bool) -> _Outcome:
    """The page of one source, its outcome, errors and warnings.  A file
    that could not be read keeps its previous page (none is made empty); it
    gets an empty page, still a target for links, only when it had none."""
    errors = [(f"{d.path}:{d.line}", d.message) for d in source.diagnostics if d.severity == "error"]
    page, problems = checked_page(source, other_symbols)
    warnings = [(f"{p.path}:{p.line}", p.message) for p in problems]
    try:
        path = page_path(out, source.path)
    except ValueError as err:
        return None, "failed", errors + [(source.path, str(err))], warnings
    unread = bool(not_read(source))
    try:
        changed = write_if_changed(path, page) if not (unread and path.exists()) else False
    except OSError as err:
        return None, "failed", errors + [(str(path), f"cannot write the page: {os_error_text(err)}")], warnings
    return path, "failed" if unread else "written" if changed else "unchanged", errors, warnings


def _add(result: WriteResult, one: _Outcome) -> None:
    path, outcome, errors, warnings = one
    result.errors += errors
    result.warnings += warnings
    if path is not None:
        result.pages.append(path)
    if outcome == "written":
        result.written += 1
    elif outcome == "unchanged":
        result.unchanged += 1
    else:
        result.failed += 1
