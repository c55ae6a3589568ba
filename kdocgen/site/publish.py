"""Publish a Sphinx build: the published folder (``_build/html``) is
replaced in one step by a new folder holding exactly the files of this
build, and is never missing or half written.

Sphinx builds into a working folder it keeps between builds (so that it
only writes what changed); its files are never published themselves: each
is hard-linked from the previous published folder when that already holds
it unchanged (same size and modification time), else copied.  Published
files are never written in place, so the links are safe.
"""

from __future__ import annotations

import ctypes
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@dataclass
class Published:
    """What :func:`publish` did."""

    linked: int = 0  # unchanged files, linked from the previous site
    copied: int = 0  # new or changed files
    removed: int = 0  # stale files removed from the working folder


def publish(work: Path, published: Path, keep: Callable[[str], bool]) -> Published:
    """Replace ``published`` by the files of ``work`` that ``keep`` (given
    each POSIX path relative to ``work``) accepts; the others are stale
    outputs of earlier builds and are removed from ``work``."""
    recover(published)
    new = published.with_name(published.name + ".new")
    shutil.rmtree(new, ignore_errors=True)
    new.mkdir(parents=True)
    done = Published()
    for folder, dirnames, filenames in os.walk(work):
        dirnames.sort()
        base = Path(folder)
        rel_base = base.relative_to(work)
        for name in sorted(filenames):
            rel = (rel_base / name).as_posix()
            source = base / name
            if not keep(rel):
                source.unlink()
                done.removed += 1
                continue
            target = new / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if _same_file(source, published / rel):
                os.link(published / rel, target)
                done.linked += 1
            else:
                shutil.copy2(source, target)
                done.copied += 1
    swap_in(new, published)
    return done


def _same_file(source: Path, old: Path) -> bool:
    try:
        mine, theirs = source.stat(), old.lstat()
    except OSError:
        return False
    return mine.st_size == theirs.st_size and mine.st_mtime_ns == theirs.st_mtime_ns \
        and old.is_file() and not old.is_symlink()


def swap_in(new: Path, published: Path) -> None:
    """Make ``new`` the ``published`` folder (in one step where the system
    can exchange two names) and remove the previous one."""
    if not published.exists():
        new.rename(published)
        return
    if _exchange(new, published):
        shutil.rmtree(new)
        return
    old = published.with_name(published.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    published.rename(old)
    new.rename(published)
    shutil.rmtree(old)


def recover(published: Path) -> None:
    """Put back a published folder left as ``.old`` by a build that was
    stopped between the two renames of :func:`swap_in`."""
    old = published.with_name(published.name + ".old")
    if not published.exists() and old.is_dir():
        old.rename(published)


def _exchange(first: Path, second: Path) -> bool:
    """Exchange two paths atomically (Linux ``renameat2``); False when the
    system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0
