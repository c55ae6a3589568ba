"""The two versions of each file a change touches: from git (a revision
against the working tree, the index or another revision) or from a unified
diff and a plain directory (the patch applied to it, or already applied).

Each :class:`FileChange` holds both versions' bytes and the file's part of
the diff, which says the lines the change touched.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable

from .patch import FilePatch, apply, parse_patch

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's empty tree object


class ChangeError(Exception):
    """A revision, repository or patch that cannot give the two versions."""


@dataclass
class FileChange:
    """One touched file: its old and new path and bytes (None where the
    change adds or deletes it) and its part of the diff."""

    old_path: str | None
    new_path: str | None
    old: bytes | None
    new: bytes | None
    patch: FilePatch


def _check_paths(patch: FilePatch, where: str) -> None:
    """:class:`ChangeError` unless both paths of ``patch`` stay inside the tree."""
    for path in (patch.old_path, patch.new_path):
        if path is not None and (not path or PurePosixPath(path).is_absolute() or ".." in PurePosixPath(path).parts):
            raise ChangeError(f"{where}: path {path!r} is outside the tree")


# git ----------------------------------------------------------------------

def _git(tree: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Output of ``git -C tree ARGS``, or :class:`ChangeError` with git's message."""
    try:
        done = subprocess.run(["git", "-C", str(tree), *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise ChangeError("git is not installed (needed for --diff)") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ChangeError(f"git {args[0]}: {message[-1] if message else f'exit status {done.returncode}'}")
    return done.stdout


def _commit(tree: Path, rev: str) -> str:
    """The commit ``rev`` names (the empty tree for HEAD of a repository
    without commits: then every file is new)."""
    try:
        return _git(tree, "rev-parse", "--verify", "--end-of-options", f"{rev}^{{commit}}").decode().strip()
    except ChangeError:
        if rev == "HEAD" and not _git(tree, "rev-list", "-n", "1", "--all"):
            return EMPTY_TREE
        raise ChangeError(f"--diff {rev}: not a commit of the repository at {tree}") from None


def _blobs(tree: Path, names: list[str]) -> dict[str, bytes]:
    """The contents of ``REV:path`` objects, read by one ``git cat-file``."""
    if not names:
        return {}
    out = _git(tree, "cat-file", "--batch", stdin="".join(n + "\n" for n in names).encode())
    found, at = {}, 0
    for name in names:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if header[-1] == b"missing" or len(header) != 3:
            raise ChangeError(f"git cat-file: {name}: no such object")
        size = int(header[2])
        found[name] = out[at:at + size]
        at += size + 1
    return found


def git_changes(tree: Path, rev: str, staged: bool = False, paths: list[str] | None = None,
                wanted: Callable[[str], bool] = lambda path: True) -> list[FileChange]:
    """The changes from ``rev`` to the working tree (to the index with
    ``staged``), or between two commits for ``A..B`` (``A...B``: from
    their merge base), limited to ``paths`` and to files ``wanted`` keeps."""
    tree = Path(tree)
    try:
        prefix = _git(tree, "rev-parse", "--show-prefix").decode().strip()
    except ChangeError:
        raise ChangeError(f"--diff: {tree} is not in a git work tree") from None
    new_rev = None
    if "..." in rev:
        base, new_rev = rev.split("...", 1)
        old = _git(tree, "merge-base", _commit(tree, base or "HEAD"), _commit(tree, new_rev or "HEAD")).decode().strip()
        new_rev = _commit(tree, new_rev or "HEAD")
    elif ".." in rev:
        base, new_rev = rev.split("..", 1)
        old, new_rev = _commit(tree, base or "HEAD"), _commit(tree, new_rev or "HEAD")
    else:
        old = _commit(tree, rev)
    args = ["-c", "core.quotePath=false", "diff", "--no-color", "--no-ext-diff", "--no-textconv",
            "-M", "-U0", "--relative", "--src-prefix=a/", "--dst-prefix=b/"]
    args += ["--cached", old] if staged and new_rev is None else [old] + ([new_rev] if new_rev else [])
    text = _git(tree, *args, "--", *(paths or [])).decode("utf-8", "surrogateescape")
    patches = parse_patch(text, "git diff") if text.strip() else []
    patches = [p for p in patches if not p.binary and wanted(p.path)]
    for p in patches:
        _check_paths(p, "git diff")
    names = [f"{old}:{prefix}{p.old_path}" for p in patches if p.old_path is not None]
    if new_rev:
        names += [f"{new_rev}:{prefix}{p.new_path}" for p in patches if p.new_path is not None]
    elif staged:
        names += [f":{prefix}{p.new_path}" for p in patches if p.new_path is not None]
    blobs = _blobs(tree, names)
    changes = []
    for p in patches:
        old_data = blobs[f"{old}:{prefix}{p.old_path}"] if p.old_path is not None else None
        if p.new_path is None:
            new_data = None
        elif new_rev:
            new_data = blobs[f"{new_rev}:{prefix}{p.new_path}"]
        elif staged:
            new_data = blobs[f":{prefix}{p.new_path}"]
        else:
            new_data = _read(tree, p.new_path, "git diff")
        changes.append(FileChange(p.old_path, p.new_path, old_data, new_data, p))
    return changes


# a patch and a directory ------------------------------------------------------

def _read(tree: Path, path: str, where: str) -> bytes:
    try:
        return (tree / path).read_bytes()
    except OSError as err:
        raise ChangeError(f"{where}: {path}: cannot read: {err.strerror or err}") from None


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _versions(tree: Path, p: FilePatch, source: str) -> tuple[bytes | None, bytes | None]:
    """Old and new bytes of one file of a patch: the tree holds the old
    version (the patch is applied) or already the new one (it is undone)."""
    where = f"{source}:{p.at}"
    if p.old_path is None or p.new_path is None:  # an added or deleted file: all its lines are in the patch
        side = "\n".join(line[1:] for hunk in p.hunks for line in hunk.lines) + "\n"
        return (None, _encode(side)) if p.old_path is None else (_encode(side), None)
    old_file, new_file = tree / p.old_path, tree / p.new_path
    if old_file.is_file():
        old_data = old_file.read_bytes()
        applied = apply(_decode(old_data), p)
        if applied is not None:
            return old_data, _encode(applied)
    if new_file.is_file():
        new_data = new_file.read_bytes()
        undone = apply(_decode(new_data), p, reverse=True)
        if undone is not None:
            return _encode(undone), new_data
    if not old_file.is_file() and not new_file.is_file():
        raise ChangeError(f"{where}: {p.path}: no such file in {tree}")
    raise ChangeError(f"{source}:{p.hunks[0].at}: {p.path}: the patch does not apply to {tree}, neither "
                      "to the file as it is nor reversed")


def patch_changes(tree: Path, text: str, source: str = "<patch>",
                  wanted: Callable[[str], bool] = lambda path: True) -> list[FileChange]:
    """The changes a unified diff makes to the files of ``tree``."""
    changes = []
    for p in parse_patch(text, source):
        if p.binary or not wanted(p.path):
            continue
        _check_paths(p, f"{source}:{p.at}")
        if not p.hunks:
            if p.old_path and p.new_path:  # a pure rename: same bytes on both sides
                data = _read(tree, p.new_path if (tree / p.new_path).is_file() else p.old_path, source)
                changes.append(FileChange(p.old_path, p.new_path, data, data, p))
            continue
        old, new = _versions(tree, p, source)
        changes.append(FileChange(p.old_path, p.new_path, old, new, p))
    return changes
