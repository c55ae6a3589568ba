"""Write per-file pages to disk: ``OUT/<path of the source>.rst``.

A page is only rewritten when its text changed (so Sphinx rebuilds only
what changed), and written atomically (a temporary file renamed in place).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterable

from ..model import SourceFile
from .page import render_page


@dataclass
class WriteResult:
    """What :func:`write_pages` did."""

    written: int = 0
    unchanged: int = 0
    pages: list[Path] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)


def page_path(out: Path, source_path: str) -> Path:
    """Where the page of ``source_path`` goes: ``drivers/hv/channel.c`` ->
    ``OUT/drivers/hv/channel.rst`` (a ``.h`` page keeps ``.h`` in its name:
    ``hyperv.h.rst``, so ``foo.c`` and ``foo.h`` never collide)."""
    rel = PurePosixPath(source_path)
    if rel.is_absolute() or ".." in rel.parts:
        raise ValueError(f"{source_path}: not a path inside the tree")
    name = rel.stem if rel.suffix == ".c" else rel.name
    return out.joinpath(*rel.parent.parts, name + ".rst")


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` atomically unless it is already there."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def write_pages(sources: Iterable[SourceFile], out: Path, other_symbols: bool = True) -> WriteResult:
    """Render and write the page of every source; read errors are reported
    and the other pages still written."""
    result = WriteResult()
    for source in sources:
        for diag in source.diagnostics:
            if diag.severity == "error":
                result.errors.append((f"{diag.path}:{diag.line}", diag.message))
        try:
            path = page_path(out, source.path)
            changed = write_if_changed(path, render_page(source, other_symbols))
        except (OSError, ValueError) as err:
            result.errors.append((source.path, str(err)))
            continue
        result.pages.append(path)
        if changed:
            result.written += 1
        else:
            result.unchanged += 1
    return result
