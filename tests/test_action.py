"""The GitHub Action (action.yml): valid metadata, and its steps run by a
local runner (tests/actionrunner.py) on fixture repositories."""

import json
import os
import shutil
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")
jsonschema = pytest.importorskip("jsonschema")

from actionrunner import condition, evaluate, offline_python, run_action  # noqa: E402
from gitrepo import git, init_repo  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = Path(__file__).parent / "fixtures" / "schemas" / "github-action.json"
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

SOURCE = """\
/**
 * w_send() - Send a buffer.
 * @chan: The channel.
 *
 * Return: 0 or a negative errno.
 */
int w_send(int chan)
{
\treturn 0;
}

/**
 * w_old() - Has had a problem for long.
 */
int w_old(int x);
"""


def _action():
    return yaml.safe_load((ROOT / "action.yml").read_text())


def _validator():
    schema = json.loads(SCHEMA.read_text())
    return jsonschema.Draft7Validator(schema)


def test_action_metadata_is_valid():
    errors = sorted(_validator().iter_errors(_action()), key=str)
    assert errors == []
    assert set(_action()["inputs"]) == {"paths", "diff-base", "fail-on", "format"}


def test_the_schema_catches_broken_metadata():
    action = _action()
    del action["runs"]
    action["inputs"]["format"]["requierd"] = True
    messages = [e.message for e in _validator().iter_errors(action)]
    assert any("'runs' is a required property" in m for m in messages)
    assert any("requierd" in m for m in messages)


def test_expressions():
    contexts = {"inputs": {"format": "SARIF", "diff-base": ""}, "steps": {"lint": {"outputs": {"f": "x"}}}}
    assert evaluate("inputs.format == 'sarif'", contexts) is True
    assert evaluate("inputs.diff-base || 'none'", contexts) == "none"
    assert evaluate("!(steps.lint.outputs.f != '')", contexts) is False
    assert condition("inputs.format == 'sarif'", contexts, "failure") is False
    assert condition("always() && inputs.format == 'sarif'", contexts, "failure") is True


@pytest.fixture
def pull_request(tmp_path):
    """A kernel-like repository whose HEAD (the pull request) adds an
    undocumented parameter; returns (workspace, base commit)."""
    repo = init_repo(tmp_path / "linux", {"drivers/w/w.c": SOURCE})
    base = git(repo, "rev-parse", "HEAD")
    (repo / "drivers" / "w" / "w.c").write_text(SOURCE.replace("int w_send(int chan)", "int w_send(int chan, int len)"))
    git(repo, "commit", "-q", "-am", "w: len")
    return repo, base


def _run(tmp_path, workspace, inputs, event):
    python = offline_python(tmp_path / "offline")
    return run_action(ROOT, inputs, workspace=workspace, temp=tmp_path / "runner-temp", github=event,
                      env={"PATH": f"{python}{os.pathsep}{os.environ['PATH']}"}), python / "pip.log"


def test_pull_request_annotations(tmp_path, pull_request):
    workspace, base = pull_request
    run, pip_log = _run(tmp_path, workspace, {}, {"event_name": "pull_request",
                                                  "event": {"pull_request": {"base": {"sha": base}}}})
    assert pip_log.read_text().split() == ["install", "--quiet", str(ROOT)]
    lint = run.step("Doc-lint")
    assert lint.status == "failure", lint.stderr
    assert lint.stdout == ("::warning file=drivers/w/w.c,line=7,col=26,title=param-undescribed::Function parameter "
                           "or struct member 'len' not described in 'w_send'\n")
    assert "1 findings introduced, 0 fixed in 1 changed file" in lint.stderr
    assert not run.step("Upload SARIF").ran and run.status == "failure"


def test_sarif_is_written_and_uploaded_even_when_the_lint_fails(tmp_path, pull_request):
    workspace, base = pull_request
    run, _ = _run(tmp_path, workspace, {"format": "sarif", "diff-base": base}, {"event_name": "workflow_dispatch"})
    assert run.step("Doc-lint").status == "failure"
    upload = run.step("Upload SARIF")
    assert upload.ran and upload.uses == "github/codeql-action/upload-sarif@v3"
    sarif = Path(upload.with_["sarif_file"])
    assert run.outputs["sarif-file"] == str(sarif)
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["param-undescribed"]


def test_push_fail_on_and_whole_files(tmp_path, pull_request):
    workspace, base = pull_request
    run, _ = _run(tmp_path, workspace, {"fail-on": "error", "format": "gcc"},
                  {"event_name": "push", "event": {"before": base}})
    lint = run.step("Doc-lint")
    assert lint.status == "success" and lint.stdout.count("\n") == 1 and "'len'" in lint.stdout
    run, _ = _run(tmp_path, workspace, {"diff-base": "none", "paths": "drivers/w", "format": "gcc"},
                  {"event_name": "push", "event": {"before": "0" * 40}})
    lint = run.step("Doc-lint")
    assert lint.status == "failure" and "'len'" in lint.stdout and "'x'" in lint.stdout
    run, _ = _run(tmp_path, workspace, {}, {"event_name": "workflow_dispatch"})
    lint = run.step("Doc-lint")
    assert lint.status == "failure" and "no diff base" in lint.stdout and lint.stderr == ""
