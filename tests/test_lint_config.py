"""Lint settings: discovery, loading, validation, CLI precedence, use."""

from pathlib import Path

import pytest

from kdocgen.lint.config import (ConfigError, LintConfig, apply, fails, find_config, is_active,
                                 load_config, merge, path_matcher)
from kdocgen.lint.finding import Finding


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _f(rule, severity="warning", path="drivers/a.c", line=1):
    return Finding(rule, severity, path, line, 1, f"{rule} here", "sym", "")


# discovery ------------------------------------------------------------------

def test_find_kdocgen_toml_upward(tmp_path):
    cfg = _write(tmp_path / ".kdocgen.toml", "")
    (tmp_path / "drivers" / "hv").mkdir(parents=True)
    assert find_config(tmp_path / "drivers" / "hv") == cfg.resolve()


def test_pyproject_needs_kdocgen_table(tmp_path):
    _write(tmp_path / "pyproject.toml", "[tool.kdocgen.lint]\nfail-on = 'error'\n")
    _write(tmp_path / "sub" / "pyproject.toml", "[project]\nname = 'x'\n")
    assert find_config(tmp_path / "sub") == (tmp_path / "pyproject.toml").resolve()


def test_nearest_wins(tmp_path):
    _write(tmp_path / ".kdocgen.toml", "")
    near = _write(tmp_path / "a" / "pyproject.toml", "[tool.kdocgen]\n")
    (tmp_path / "a" / "b").mkdir()
    assert find_config(tmp_path / "a" / "b") == near.resolve()
    nearer = _write(tmp_path / "a" / "b" / ".kdocgen.toml", "")
    assert find_config(tmp_path / "a" / "b") == nearer.resolve()


def test_kdocgen_toml_beats_pyproject_in_same_folder(tmp_path):
    _write(tmp_path / "pyproject.toml", "[tool.kdocgen.lint]\n")
    cfg = _write(tmp_path / ".kdocgen.toml", "")
    assert find_config(tmp_path) == cfg.resolve()


def test_no_config(tmp_path):
    if any((p / ".kdocgen.toml").exists() or (p / "pyproject.toml").exists() for p in tmp_path.parents):
        pytest.skip("a settings file above the temporary folder")
    assert find_config(tmp_path) is None
    assert load_config(None) == LintConfig()


def test_broken_pyproject_on_the_way_is_an_error(tmp_path):
    _write(tmp_path / "pyproject.toml", "[tool.kdocgen\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        find_config(tmp_path)


# loading --------------------------------------------------------------------

FULL = """\
select = ["kernel-doc", "rst-error"]
ignore = ["no-return"]
fail-on = "error"
baseline = "ci/baseline.json"
references = ["include/**"]
exclude = ["drivers/staging"]

[severity]
param-excess = "error"
encoding = "off"
"""


def test_load_kdocgen_toml_top_level(tmp_path):
    cfg = load_config(_write(tmp_path / ".kdocgen.toml", FULL))
    assert cfg.select == ("kernel-doc", "rst-error")
    assert cfg.ignore == ("no-return",)
    assert cfg.fail_on == "error"
    assert cfg.baseline == tmp_path.resolve() / "ci" / "baseline.json"
    assert cfg.references == ("include/**",)
    assert cfg.exclude == ("drivers/staging",)
    assert dict(cfg.severity) == {"encoding": "off", "param-excess": "error"}
    assert cfg.source == tmp_path / ".kdocgen.toml"


def test_load_kdocgen_toml_lint_table_and_pyproject_agree(tmp_path):
    body = FULL.replace("[severity]", "[lint.severity]")
    a = load_config(_write(tmp_path / "a" / ".kdocgen.toml", "[lint]\n" + body))
    b = load_config(_write(tmp_path / "b" / "pyproject.toml",
                           "[tool.kdocgen.lint]\n" + FULL.replace("[severity]", "[tool.kdocgen.lint.severity]")))
    top = load_config(_write(tmp_path / "c" / ".kdocgen.toml", FULL))
    for cfg in (a, b):
        assert (cfg.select, cfg.ignore, cfg.fail_on, dict(cfg.severity), cfg.exclude) == (
            top.select, top.ignore, top.fail_on, dict(top.severity), top.exclude)
    assert b.baseline == (tmp_path / "b").resolve() / "ci" / "baseline.json"


def test_defaults():
    cfg = LintConfig()
    assert cfg.select == ("all",) and cfg.fail_on == "warning" and cfg.baseline is None
    assert cfg.references is None and cfg.exclude == () and dict(cfg.severity) == {}


@pytest.mark.parametrize("name, text, expected", [
    (".kdocgen.toml", "selct = ['all']\n", "unknown key 'selct' (did you mean 'select'?)"),
    (".kdocgen.toml", "[lint]\nfail_on = 'error'\n", "unknown key 'lint.fail_on' (did you mean 'lint.fail-on'?)"),
    (".kdocgen.toml", "select = ['param-undescribd']\n", "select: unknown rule id 'param-undescribd' "
                                                         "(did you mean 'param-undescribed'?)"),
    (".kdocgen.toml", "ignore = ['nope']\n", "ignore: unknown rule id 'nope'"),
    (".kdocgen.toml", "select = 3\n", "select: expected a list of strings, not 3"),
    (".kdocgen.toml", "select = ['']\n", "select: empty entry"),
    (".kdocgen.toml", "fail-on = 'fatal'\n", "fail-on: expected one of error, warning, note, not 'fatal'"),
    (".kdocgen.toml", "fail-on = 'off'\n", "fail-on: expected one of error, warning, note"),
    (".kdocgen.toml", "[severity]\nbogus = 'error'\n", "severity: unknown rule id 'bogus'"),
    (".kdocgen.toml", "[severity]\nencoding = 'loud'\n", "severity.encoding: expected one of error, warning, note, off"),
    (".kdocgen.toml", "severity = 'error'\n", "severity: expected a table of rule id = level, not 'error'"),
    (".kdocgen.toml", "baseline = 1\n", "baseline: expected a file path"),
    (".kdocgen.toml", "exclude = [1]\n", "exclude: expected a list of strings"),
    (".kdocgen.toml", "lint = 3\n", "lint: expected a table"),
    (".kdocgen.toml", "select = ['all']\n[lint]\nselect = ['all']\n", "'select' is set both"),
    (".kdocgen.toml", "select = [\n", "invalid TOML"),
    ("pyproject.toml", "[tool.kdocgen]\nselect = ['all']\n", "unknown key 'tool.kdocgen.select' "
                                                              "(lint settings go under [tool.kdocgen.lint])"),
    ("pyproject.toml", "[tool.kdocgen.lint]\nfoo = 1\n", "unknown key 'tool.kdocgen.lint.foo'"),
    ("pyproject.toml", "[tool.kdocgen.lint]\nfail-on = 2\n", "tool.kdocgen.lint.fail-on: expected one of"),
    ("pyproject.toml", "[project]\nname = 'x'\n", "no [tool.kdocgen] table"),
])
def test_bad_config_errors(tmp_path, name, text, expected):
    path = _write(tmp_path / name, text)
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    message = str(exc.value)
    assert message.startswith(f"{path}: "), message
    assert expected in message, message


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "nope.toml")


# command line ---------------------------------------------------------------

def test_cli_wins_over_config(tmp_path):
    cfg = load_config(_write(tmp_path / ".kdocgen.toml", FULL))
    merged = merge(cfg, select=["all"], ignore=None, severity=["param-excess=note", "rst-error=off"],
                   fail_on="note", baseline="other.json")
    assert merged.select == ("all",)
    assert merged.ignore == ("no-return",)  # not given: the file's
    assert dict(merged.severity) == {"encoding": "off", "param-excess": "note", "rst-error": "off"}
    assert merged.fail_on == "note"
    assert merged.baseline == Path("other.json")
    assert merged.exclude == cfg.exclude and merged.source == cfg.source


def test_cli_nothing_given_changes_nothing(tmp_path):
    cfg = load_config(_write(tmp_path / ".kdocgen.toml", FULL))
    assert merge(cfg, select=None, ignore=None, severity=None, fail_on=None, baseline=None) == cfg


def test_cli_comma_lists_and_dict_severity():
    merged = merge(LintConfig(), select=["param-excess,rst-error", "encoding"], ignore="no-return",
                   severity={"encoding": "error"}, exclude=["a/*,b"])
    assert merged.select == ("param-excess", "rst-error", "encoding")
    assert merged.ignore == ("no-return",)
    assert dict(merged.severity) == {"encoding": "error"}
    assert merged.exclude == ("a/*", "b")


@pytest.mark.parametrize("options, expected", [
    ({"select": ["bogus"]}, "command line: --select: unknown rule id 'bogus'"),
    ({"severity": ["encoding"]}, "command line: --severity: expected RULE=LEVEL, not 'encoding'"),
    ({"severity": ["encoding=loud"]}, "command line: --severity.encoding: expected one of"),
    ({"fail_on": "fatal"}, "command line: --fail-on: expected one of"),
])
def test_cli_errors(options, expected):
    with pytest.raises(ConfigError) as exc:
        merge(LintConfig(), **options)
    assert str(exc.value).startswith(expected)


def test_merge_rejects_unknown_option():
    with pytest.raises(TypeError):
        merge(LintConfig(), colour="red")


# use ------------------------------------------------------------------------

def test_selection_specific_beats_group():
    cfg = LintConfig(select=("kernel-doc", "rst-error"), ignore=("no-return",))
    assert is_active(cfg, "param-undescribed")  # group kernel-doc
    assert is_active(cfg, "rst-error")  # named
    assert not is_active(cfg, "no-return")  # named in ignore
    assert not is_active(cfg, "encoding")  # kdocgen group not selected
    cfg = LintConfig(select=("param-excess",), ignore=("kernel-doc",))
    assert is_active(cfg, "param-excess") and not is_active(cfg, "param-undescribed")
    assert not is_active(LintConfig(ignore=("all",)), "rst-error")


def test_apply_select_ignore_severity_exclude():
    cfg = LintConfig(select=("all",), ignore=("no-return",),
                     severity={"param-excess": "error", "encoding": "off"}, exclude=("drivers/staging",))
    findings = [_f("param-excess", line=2), _f("no-return"), _f("encoding"), _f("rst-error", line=1),
                _f("rst-error", path="drivers/staging/x.c")]
    kept = apply(cfg, findings)
    assert [(f.rule, f.severity) for f in kept] == [("rst-error", "warning"), ("param-excess", "error")]
    assert findings[0].severity == "warning"  # input not changed


def test_fails_threshold():
    notes = [_f("exported-undocumented", "note")]
    warnings = [_f("rst-error", "warning")]
    assert fails(LintConfig(), warnings) and not fails(LintConfig(), notes)
    assert fails(LintConfig(fail_on="note"), notes)
    assert not fails(LintConfig(fail_on="error"), warnings)
    assert fails(LintConfig(fail_on="error"), [_f("read-error", "error")])
    assert not fails(LintConfig(), [])


def test_path_matcher():
    match = path_matcher(["drivers/staging/", "*.h", "./fs/ext4/*.c"])
    assert match("drivers/staging/a/b.c") and match("drivers/staging")
    assert match("include/linux/x.h") and match("fs/ext4/inode.c")
    assert not match("drivers/stagingx/a.c") and not match("fs/ext2/inode.c")
    assert not path_matcher([])("a.c")
