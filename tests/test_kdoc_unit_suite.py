"""Integration: the Python kernel-doc's own unit suite
(``tools/unittests/kdoc-test.yaml`` of the 7.2 tree, read at test time)
run against kdocgen's items.

Each case gives a C source and what kernel-doc makes of it: a KdocItem
(name, type, sections, parameters), a man page and/or reST.  Every case is
run through ``kdocgen json --kernel-version 7.2`` (which must succeed) and
its items compared with what the man page says (kind, name, purpose,
parameter names, section titles; for KdocItem cases also the parameter
descriptions, section texts and exports).  Cases kdocgen does not pass are
listed in KNOWN_FAILURES with the reason.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kdocgen.cli import main

yaml = pytest.importorskip("yaml")

pytestmark = pytest.mark.kernel

SUITE = "tools/unittests/kdoc-test.yaml"
#: Cases kdocgen does not pass, with the reason (each one checked to fail).
KNOWN_FAILURES: dict[str, str] = {}
#: What kernel-doc writes for parameters that need no description.
_AUTOMATIC = {"void": "no arguments", "...": "variable arguments"}
#: man page sections that are not sections of the comment.
_NOT_SECTIONS = {"NAME", "SYNOPSIS", "ARGUMENTS", "MEMBERS", "CONSTANTS", "SEE ALSO", "INITIALIZATION"}


def _cases(tree: Path) -> list[dict]:
    return yaml.safe_load((tree / SUITE).read_text(encoding="utf-8"))["tests"]


@pytest.fixture(scope="module")
def suite(kernel_tree_72):
    cases = _cases(Path(kernel_tree_72))
    assert len(cases) >= 34
    return {case["name"]: case for case in cases}


def _unquote(text: str) -> str:
    return text.strip().strip('"')


def expected_from_man(man: str) -> dict:
    """Kind, name, purpose, parameter names and section titles from a man page."""
    lines = man.splitlines()
    title = _unquote(re.match(r'\.TH\s+("[^"]*"|\S+)', lines[0]).group(1))
    words = title.split(None, 1)
    kind = words[0] if len(words) == 2 and words[0] in ("var", "struct", "union", "enum", "typedef") else ""
    out = {"kind": kind, "name": words[-1] if kind else title, "purpose": None, "params": [], "sections": [],
           "texts": {}}
    heading, text_of, table_format = "", None, False
    for line in lines[1:]:
        if line.startswith(".TS") or table_format:  # a table's format lines end with "."
            table_format = not line.rstrip().endswith(".") or line.startswith(".TS")
            continue
        head = re.match(r"\.SH\s+(.*)$", line)
        if head:
            heading, text_of = _unquote(head.group(1)), None
            if heading.upper() not in _NOT_SECTIONS:
                out["sections"].append(heading)
                text_of = heading.upper()
            continue
        param = re.match(r'\.IP\s+"([^"]*)"\s+\d+', line)
        if heading == "NAME" and "\\-" in line:
            out["purpose"] = line.split("\\-", 1)[1].strip()
        elif heading.upper() == "SYNOPSIS" and line.startswith(".B ") and not kind:
            out["kind"] = "function"
        elif heading.upper() in ("ARGUMENTS", "MEMBERS", "CONSTANTS") and param:
            out["params"].append(param.group(1))
            text_of = "@" + param.group(1)
        elif text_of and not line.startswith("."):
            out["texts"][text_of] = out["texts"].get(text_of, []) + words_of(line)
    if out["purpose"] is None:  # a DOC block: its title is the only heading
        out.update(kind="doc", purpose="", sections=[], texts={})
    return out


def words_of(text: str) -> list[str]:
    """The words of a text, without man page font changes and escapes."""
    return re.findall(r"\w+", re.sub(r"\\f[BIRP]|\\&|\\\[\w+\]", " ", text))


def _words(text: str) -> str:
    return " ".join(text.split())


def kdocgen_items(case: dict, tmp_path: Path, capsys) -> tuple[list[dict], dict]:
    """``kdocgen json`` on the case's source: (items, whole output)."""
    path = tmp_path / case["fname"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(case["source"], encoding="utf-8")
    capsys.readouterr()
    status = main(["json", "--srctree", str(tmp_path), "--kernel-version", "7.2", "-j", "1", case["fname"]])
    data = json.loads(capsys.readouterr().out)
    assert status == 0, f"kdocgen json failed: {data['warnings']}"
    return data["files"][0]["items"], data


def item_view(item: dict) -> dict:
    """An item of kdocgen's JSON in the terms of the expectations (texts:
    the words of each section and described parameter)."""
    kind = {"macro": "function"}.get(item["kind"], item["kind"])
    params = [p for p in item["params"] if not p["name"].startswith("{unnamed_")]
    texts = {s["title"].upper(): words_of(s["body"]) for s in item["sections"] if s["body"].strip()}
    texts |= {"@" + p["name"]: words_of(p["desc"] or _AUTOMATIC.get(p["name"], "")) for p in params
              if p["desc"] or p["name"] in _AUTOMATIC}
    return {"kind": kind, "name": item["name"], "purpose": _words(item["purpose"]),
            "params": [p["name"] for p in params], "sections": [s["title"] for s in item["sections"]],
            "texts": texts}


def check_case(case: dict, tmp_path: Path, capsys) -> None:
    """Assert that kdocgen's items match every expectation of ``case``."""
    items, _ = kdocgen_items(case, tmp_path, capsys)
    expected = case["expected"]
    assert len(items) == len(expected), [i["name"] for i in items]
    for item, want in zip(items, expected):
        view = item_view(item)
        if "man" in want:
            man = expected_from_man(want["man"])
            man["purpose"] = _words(man["purpose"])
            view["sections"] = [t.upper() for t in view["sections"]]
            man["sections"] = [t.upper() for t in man["sections"]]
            if man["kind"] == "doc":
                view = {**view, "purpose": "", "sections": [], "params": [], "texts": {}}
            assert view == man
        if "kdoc_item" in want:
            check_kdoc_item(item, want["kdoc_item"])


def check_kdoc_item(item: dict, kdoc: dict) -> None:
    """Texts of a case that gives the KdocItem: descriptions and sections."""
    assert item["name"] == kdoc["name"]
    descs = {p["name"]: _words(p["desc"]) for p in item["params"]}
    assert descs == {k: _words(v) for k, v in kdoc.get("parameterdescs", {}).items()}
    assert [p["name"] for p in item["params"]] == kdoc.get("parameterlist", [])
    sections = {s["title"]: _words(s["body"]) for s in item["sections"]}
    assert sections == {k: _words(v) for k, v in kdoc.get("sections", {}).items()}
    if "other_stuff" in kdoc and "purpose" in kdoc["other_stuff"]:
        assert _words(item["purpose"]) == _words(kdoc["other_stuff"]["purpose"])


def test_suite_cases_pass(suite, tmp_path_factory, capsys):
    """At least 32 of the cases pass; the others are the known failures."""
    failed: dict[str, str] = {}
    for name, case in suite.items():
        try:
            check_case(case, tmp_path_factory.mktemp(name), capsys)
        except AssertionError as err:
            failed[name] = str(err).splitlines()[0][:300]
    unexpected = {name: why for name, why in failed.items() if name not in KNOWN_FAILURES}
    assert unexpected == {}
    assert set(failed) == set(KNOWN_FAILURES), "a known failure passes now: update KNOWN_FAILURES"
    assert len(suite) - len(failed) >= 32


def test_exports_of_the_suite(suite, tmp_path, capsys):
    """Cases that list exports: kdocgen's items carry the export."""
    cases = [case for case in suite.values() if case.get("exports")]
    assert cases
    for case in cases:
        items, _ = kdocgen_items(case, tmp_path / case["name"], capsys)
        exports = case["exports"] if isinstance(case["exports"], list) else [case["exports"]]
        assert sorted(i["name"] for i in items if i.get("export")) == sorted(exports)


def test_man_expectations_are_read():
    """The man page reader the suite is checked with, on a page of the suite's form."""
    man = "\n".join([
        '.TH "var ROOT_DEV" 9 "February 2026"  "" "Kernel API Manual"', ".SH NAME",
        "ROOT_DEV \\- system root device", ".SH SYNOPSIS", "unsigned long ROOT_DEV;",
        '.SH "Description"', "text", '.SH "SEE ALSO"', ".PP"])
    assert expected_from_man(man) == {"kind": "var", "name": "ROOT_DEV", "purpose": "system root device",
                                      "params": [], "sections": ["Description"], "texts": {"DESCRIPTION": ["text"]}}
