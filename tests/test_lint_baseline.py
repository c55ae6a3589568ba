"""Baselines: findings that moved stay matched, new ones are reported."""

import json
from collections import Counter
from dataclasses import replace

import pytest

from kdocgen.lint.baseline import (BaselineError, fingerprint, load_baseline, new_findings,
                                   write_baseline)
from kdocgen.lint.finding import Finding


def _finding(line=10, message="Function parameter or struct member 'x' not described in 'f'",
             snippet="int f(int x)", symbol="f", path="drivers/a.c"):
    return Finding("param-undescribed", "warning", path, line, 5, message, symbol, snippet)


def test_fingerprint_ignores_position_and_whitespace():
    f = _finding()
    assert fingerprint(f) == fingerprint(replace(f, line=99, column=1))
    assert fingerprint(f) == fingerprint(replace(f, snippet="  int   f(int x)\t"))
    assert len(fingerprint(f)) == 32 and int(fingerprint(f), 16) >= 0


@pytest.mark.parametrize("change", [
    {"rule": "param-excess"}, {"path": "drivers/b.c"}, {"symbol": "g"},
    {"snippet": "int f(long x)"}, {"message": "Function parameter 'y' not described"},
])
def test_fingerprint_tells_findings_apart(change):
    assert fingerprint(_finding()) != fingerprint(replace(_finding(), **change))


def test_baseline_survives_line_shift_and_catches_new(tmp_path):
    path = tmp_path / "baseline.json"
    old = [_finding(10), _finding(20, message="other", symbol="g", snippet="int g(void)")]
    write_baseline(path, old)
    baseline = load_baseline(path)
    shifted = [replace(f, line=f.line + 7) for f in old]
    assert new_findings(shifted, baseline) == []
    added = _finding(50, message="new problem", symbol="h", snippet="int h(int q)")
    assert new_findings([*shifted, added], baseline) == [added]


def test_second_identical_finding_is_new(tmp_path):
    path = tmp_path / "baseline.json"
    write_baseline(path, [_finding(10)])
    twin = _finding(11)
    assert new_findings([_finding(12), twin], load_baseline(path)) == [_finding(12)]


def test_counts_absorb_as_many_as_recorded(tmp_path):
    path = tmp_path / "b.json"
    write_baseline(path, [_finding(1), _finding(2), _finding(3)])
    baseline = load_baseline(path)
    assert baseline == Counter({fingerprint(_finding()): 3})
    assert new_findings([_finding(5), _finding(6)], baseline) == []
    assert new_findings([_finding(i) for i in range(4)], baseline) == [_finding(3)]
    assert baseline == Counter({fingerprint(_finding()): 3})  # not consumed


def test_baseline_file_is_stable_and_reviewable(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    findings = [_finding(3, path="z.c"), _finding(1), _finding(2), _finding(9, symbol="g", message="m")]
    write_baseline(a, findings)
    write_baseline(b, list(reversed(findings)))
    assert a.read_text() == b.read_text()
    data = json.loads(a.read_text())
    assert data["version"] == 1 and data["tool"].startswith("kdocgen ")
    assert [(e["path"], e["symbol"], e["count"]) for e in data["findings"]] == [
        ("drivers/a.c", "f", 2), ("drivers/a.c", "g", 1), ("z.c", "f", 1)]
    assert set(data["findings"][0]) == {"fingerprint", "rule", "path", "symbol", "message", "count"}
    assert len(a.read_text().splitlines()) == 4 + 3 + 2  # one line per entry


def test_empty_baseline_round_trip(tmp_path):
    path = tmp_path / "sub" / "empty.json"
    write_baseline(path, [])
    assert load_baseline(path) == Counter()
    assert new_findings([_finding()], load_baseline(path)) == [_finding()]


@pytest.mark.parametrize("text, reason", [
    ("{not json", "not valid JSON (line 1"),
    ("[]", "not a kdocgen baseline"),
    ('{"version": 2, "findings": []}', "unsupported baseline version 2"),
    ('{"findings": []}', "unsupported baseline version None"),
    ('{"version": 1, "findings": {}}', "'findings' is not a list"),
    ('{"version": 1, "findings": [3]}', "findings[0] is not an object"),
    ('{"version": 1, "findings": [{"count": 1}]}', "findings[0] has no fingerprint"),
    ('{"version": 1, "findings": [{"fingerprint": "ab", "count": 0}]}', "positive integer"),
])
def test_broken_baseline_errors(tmp_path, text, reason):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(BaselineError) as exc:
        load_baseline(path)
    assert str(exc.value).startswith(f"{path}: ")
    assert reason in str(exc.value)
    assert exc.value.path == path


def test_missing_and_binary_baseline(tmp_path):
    with pytest.raises(BaselineError, match="no such baseline file"):
        load_baseline(tmp_path / "missing.json")
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(BaselineError, match="not UTF-8"):
        load_baseline(tmp_path / "bin.json")
    with pytest.raises(BaselineError, match="directory"):
        load_baseline(tmp_path)


def test_unwritable_baseline(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(BaselineError, match="cannot write"):
        write_baseline(tmp_path / "file" / "b.json", [])
