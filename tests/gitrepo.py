"""Fixture git repositories for the tests of doc-lint on changes."""

import subprocess
from pathlib import Path


def git(repo: Path, *args: str) -> str:
    """The output of ``git -C repo ARGS`` (stripped); fails the test on an error."""
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


def init_repo(root: Path, files: dict[str, str], commit: bool = True) -> Path:
    """A new repository at ``root`` holding ``files`` (path -> text), committed
    as "base" by a configured author unless ``commit`` is false (only added)."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "dev@example.org")
    git(root, "config", "user.name", "Dev")
    git(root, "add", ".")
    if commit:
        git(root, "commit", "-q", "-m", "base")
    return root
