"""kdocgen lint from the command line: exit codes, formats, baseline, settings."""

import json
from pathlib import Path

import pytest

from kdocgen.cli import main

BAD = "/**\n * f() - F.\n * @a: A.\n */\nint f(int a, int b);\n"
GOOD = "/**\n * g() - G.\n *\n * Return: nothing useful.\n */\nint g(void);\n"


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "linux"
    (root / "drivers" / "w").mkdir(parents=True)
    (root / "MAINTAINERS").write_text("")
    (root / "Makefile").write_text("VERSION = 6\n")
    (root / "drivers" / "w" / "bad.c").write_text(BAD)
    (root / "drivers" / "w" / "good.c").write_text(GOOD)
    return root


def lint(capsys, *args):
    status = main(["lint", *args])
    out = capsys.readouterr()
    return status, out.out, out.err


def test_exit_codes(tree, capsys):
    assert lint(capsys, "--srctree", str(tree), "drivers/w/good.c")[0] == 0
    status, out, _ = lint(capsys, "--srctree", str(tree), "drivers/w/bad.c")
    assert status == 1
    assert "drivers/w/bad.c:5:18: warning: Function parameter or struct member 'b' not described in 'f' " \
           "[param-undescribed]" in out
    assert "drivers/w/bad.c:2:4: warning: No description found for return value of 'f' [no-return]" in out
    assert lint(capsys, "--srctree", str(tree), "no/such.c")[0] == 2
    assert lint(capsys, "--srctree", str(tree), "--select", "no-such-rule", "drivers/w")[0] == 2


def test_directory_and_absolute_paths_find_the_tree(tree, capsys, monkeypatch, tmp_path):
    status, out, _ = lint(capsys, str(tree / "drivers" / "w"))
    assert status == 1 and out.startswith("drivers/w/bad.c:")
    other = tmp_path / "other-linux"  # $KSRC names another tree: the path's own tree wins
    other.mkdir()
    (other / "MAINTAINERS").write_text("")
    (other / "Makefile").write_text("VERSION = 6\n")
    monkeypatch.setenv("KSRC", str(other))
    status, out, _ = lint(capsys, str(tree / "drivers" / "w"))
    assert status == 1 and out.startswith("drivers/w/bad.c:")


def test_fail_on_and_severity_overrides(tree, capsys):
    assert lint(capsys, "--srctree", str(tree), "--fail-on", "error", "drivers/w/bad.c")[0] == 0
    status, out, _ = lint(capsys, "--srctree", str(tree), "--severity", "no-return=error", "drivers/w/bad.c")
    assert status == 1 and "error: No description found" in out
    status, out, _ = lint(capsys, "--srctree", str(tree), "--ignore", "no-return", "--ignore",
                          "param-undescribed", "drivers/w/bad.c")
    assert status == 0 and out == ""


def test_json_and_sarif(tree, capsys):
    _, out, _ = lint(capsys, "--srctree", str(tree), "--format", "json", "drivers/w")
    data = json.loads(out)
    assert data["summary"]["warning"] == 2
    assert {f["rule"] for f in data["findings"]} == {"param-undescribed", "no-return"}
    _, out, _ = lint(capsys, "--srctree", str(tree), "--format", "sarif", "drivers/w")
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0" and len(sarif["runs"][0]["results"]) == 2


def test_baseline_reports_only_new_findings(tree, capsys, tmp_path):
    baseline = tmp_path / "baseline.json"
    assert lint(capsys, "--srctree", str(tree), "--write-baseline", str(baseline), "drivers/w")[0] == 0
    bad = tree / "drivers" / "w" / "bad.c"
    bad.write_text("\n\n/* moved down */\n" + BAD)  # same findings, other lines
    assert lint(capsys, "--srctree", str(tree), "--baseline", str(baseline), "drivers/w")[0] == 0
    bad.write_text(BAD + "/**\n * h() - H.\n */\nint h(int c);\n")
    status, out, _ = lint(capsys, "--srctree", str(tree), "--baseline", str(baseline), "drivers/w")
    assert status == 1 and "'h'" in out and "'f'" not in out
    baseline.write_text("{ broken")
    status, _, err = lint(capsys, "--srctree", str(tree), "--baseline", str(baseline), "drivers/w")
    assert status == 2 and str(baseline) in err


def test_settings_file_in_the_tree(tree, capsys):
    (tree / ".kdocgen.toml").write_text('[lint]\nignore = ["no-return"]\n')
    status, out, _ = lint(capsys, "--srctree", str(tree), "drivers/w/bad.c")
    assert status == 1 and "no-return" not in out and "param-undescribed" in out
    (tree / ".kdocgen.toml").write_text('[lint]\nignor = ["no-return"]\n')
    status, _, err = lint(capsys, "--srctree", str(tree), "drivers/w/bad.c")
    assert status == 2 and ".kdocgen.toml" in err


@pytest.mark.kernel
def test_hyperv_subsystem(kernel_tree_path, capsys):
    status, out, _ = lint(capsys, "--srctree", str(kernel_tree_path), "--subsystem",
                          "Hyper-V/Azure CORE AND DRIVERS", "--format", "json")
    data = json.loads(out)
    assert status == 1
    rules = {f["rule"] for f in data["findings"]}
    assert {"no-return", "exported-undocumented", "looks-like-kernel-doc", "rst-error"} <= rules
    wrong = [f for f in data["findings"] if f["rule"] == "unknown-reference"]
    assert any("vmbus_mmio_allocate" in f["message"] for f in wrong)  # a real slip in vmbus_drv.c
