"""The pre-commit hook and the GitLab CI snippet, run as pre-commit and a
GitLab runner would run them, on fixture repositories."""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gitrepo import git, init_repo
from kdocgen.cli import main

yaml = pytest.importorskip("yaml")
ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

SOURCE = "/**\n * w_go() - Go.\n * @a: A.\n */\nvoid w_go(int a);\n\n/**\n * w_old() - Old.\n */\nvoid w_old(int x);\n"


@pytest.fixture
def repo(tmp_path):
    return init_repo(tmp_path / "linux", {"lib/w.c": SOURCE, "lib/notes.txt": "not C\n"})


def _hook(hook_id):
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    return next(h for h in hooks if h["id"] == hook_id)


def _run_hook(hook_id, repo, monkeypatch, capsys):
    """Run a hook as pre-commit does: from the top of the repository, its
    entry followed by the staged files its ``files`` pattern matches."""
    hook = _hook(hook_id)
    staged = git(repo, "diff", "--cached", "--name-only").split()
    files = [f for f in staged if re.search(hook["files"], f)]
    argv = shlex.split(hook["entry"])
    assert argv[:2] == ["kdocgen", "lint"]
    monkeypatch.chdir(repo)
    monkeypatch.delenv("KSRC", raising=False)
    status = main(argv[1:] + files)
    return status, capsys.readouterr().out


def test_the_hook_lints_only_the_staged_change(repo, monkeypatch, capsys):
    text = SOURCE.replace("void w_go(int a);", "void w_go(int a, int staged);")
    (repo / "lib" / "w.c").write_text(text)
    git(repo, "add", "lib/w.c")
    (repo / "lib" / "w.c").write_text(text.replace("void w_old(int x);", "void w_old(int x, int unstaged);"))
    (repo / "lib" / "notes.txt").write_text("changed\n")
    git(repo, "add", "lib/notes.txt")
    status, out = _run_hook("kdocgen-lint", repo, monkeypatch, capsys)
    assert status == 1
    assert out == "lib/w.c:5:22: warning: Function parameter or struct member 'staged' not described in 'w_go' " \
                  "[param-undescribed]\n"
    status, out = _run_hook("kdocgen-lint-files", repo, monkeypatch, capsys)
    assert status == 1 and "'x'" in out and "'staged'" in out  # whole files: the old finding too


def test_the_hook_passes_a_fix(repo, monkeypatch, capsys):
    (repo / "lib" / "w.c").write_text(SOURCE.replace(" * w_old() - Old.\n", " * w_old() - Old.\n * @x: X.\n"))
    git(repo, "add", "lib/w.c")
    assert _run_hook("kdocgen-lint", repo, monkeypatch, capsys) == (0, "")


def _gitlab_script(tmp_path, repo, env):
    """The job's script as the GitLab runner runs it (bash, in the clone),
    with kdocgen already installed (before_script needs the network)."""
    job = yaml.safe_load((ROOT / "docs" / "ci" / "gitlab-ci.yml").read_text())["kernel-doc-lint"]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "kdocgen").write_text(f'#!/bin/sh\nexec {sys.executable} -m kdocgen "$@"\n')
    (bin_dir / "kdocgen").chmod(0o755)
    variables = {k: str(v) for k, v in job["variables"].items()}
    script = "\n".join(job["script"])
    done = subprocess.run(["bash", "-e", "-c", script], cwd=repo, capture_output=True, text=True,
                          env={**os.environ, **variables, **env, "PATH": f"{bin_dir}:{os.environ['PATH']}"})
    return done.returncode, done.stdout, (repo / "kdocgen-lint.txt").read_text()


def test_gitlab_merge_request_push_and_paths(tmp_path, repo):
    base = git(repo, "rev-parse", "HEAD")
    (repo / "lib" / "w.c").write_text(SOURCE.replace("void w_go(int a);", "void w_go(int a, int b);"))
    git(repo, "commit", "-q", "-am", "w: b")
    status, log, artifact = _gitlab_script(tmp_path, repo, {"CI_MERGE_REQUEST_DIFF_BASE_SHA": base})
    assert status == 1 and log == artifact == (
        "lib/w.c:5:22: warning: Function parameter or struct member 'b' not described in 'w_go' "
        "[param-undescribed]\n")
    status, log, _ = _gitlab_script(tmp_path, repo, {"CI_COMMIT_BEFORE_SHA": base, "KDOCGEN_FAIL_ON": "error"})
    assert status == 0 and "'b'" in log and "'x'" not in log
    status, log, _ = _gitlab_script(tmp_path, repo, {"CI_COMMIT_BEFORE_SHA": "0" * 40, "KDOCGEN_PATHS": "lib"})
    assert status == 1 and "'b'" in log and "'x'" in log
