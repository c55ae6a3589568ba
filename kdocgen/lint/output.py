"""Output formats of ``kdocgen lint``: gcc, json, sarif and github.

Every format lists the findings in :meth:`Finding.sort_key` order, so the
same findings always give the same text.  A finding whose line (or column)
is below 1 concerns the whole file (or line): the formats leave that part
out rather than invent a position.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from .baseline import fingerprint
from .finding import Finding
from .rules import SEVERITIES, rule

FORMATS = ("gcc", "github", "json", "sarif")

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "kdocgenFingerprint/v1"
INFORMATION_URI = "https://docs.kernel.org/doc-guide/kernel-doc.html"
KERNEL_DOC_HELP = "https://docs.kernel.org/doc-guide/kernel-doc.html"

_GITHUB_LEVEL = {"error": "error", "warning": "warning", "note": "notice"}


def render(findings: list[Finding], fmt: str, *, tool_version: str, root: str = "",
           counts: dict[str, int] | None = None) -> str:
    """The findings as text in format ``fmt`` (one of :data:`FORMATS`).

    ``root`` (the linted tree) only matters to SARIF, where it becomes the
    ``%SRCROOT%`` base of the relative paths; ``counts`` (a change's
    ``introduced``, ``fixed`` and ``files``) only to JSON.
    """
    ordered = sorted(findings, key=Finding.sort_key)
    if fmt == "gcc":
        return _lines(gcc_line(f) for f in ordered)
    if fmt == "github":
        return _lines(github_line(f) for f in ordered)
    if fmt == "json":
        return _dump(json_log(ordered, counts))
    if fmt == "sarif":
        return _dump(sarif_log(ordered, tool_version=tool_version, root=root))
    raise ValueError(f"unknown output format {fmt!r} (formats: {', '.join(FORMATS)})")


def _lines(lines) -> str:
    """Lines joined, each ending in a newline ("" for none)."""
    return "".join(line + "\n" for line in lines)


def _dump(data: dict) -> str:
    """Stable, readable JSON text ending in a newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _one_line(text: str) -> str:
    """``text`` with line breaks folded into spaces (line-oriented formats)."""
    return " ".join(text.splitlines()) if ("\n" in text or "\r" in text) else text


# gcc ----------------------------------------------------------------------

def gcc_line(f: Finding) -> str:
    """``path:line:col: severity: message [rule]``, as gcc and kernel-doc print."""
    where = f.path
    if f.line >= 1:
        where += f":{f.line}"
        if f.column >= 1:
            where += f":{f.column}"
    return f"{where}: {f.severity}: {_one_line(f.message)} [{f.rule}]"


# github -------------------------------------------------------------------

def escape_data(text: str) -> str:
    """Escape a workflow command's message (GitHub's ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value (GitHub's ``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(f: Finding) -> str:
    """A GitHub Actions workflow command that annotates the finding."""
    props = [("file", f.path)]
    if f.line >= 1:
        props.append(("line", str(f.line)))
        if f.column >= 1:
            props.append(("col", str(f.column)))
    props.append(("title", f.rule))
    level = _GITHUB_LEVEL.get(f.severity, "warning")
    text = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{level} {text}::{escape_data(f.message)}"


# json ---------------------------------------------------------------------

def json_log(findings: list[Finding], counts: dict[str, int] | None = None) -> dict:
    """The ``--format json`` document (version 1); for a change (``--diff``)
    also the counts of findings ``introduced`` and ``fixed`` and of
    ``changed_files``."""
    summary = {severity: 0 for severity in SEVERITIES}
    for f in findings:
        summary[f.severity] = summary.get(f.severity, 0) + 1
    keys = ("rule", "severity", "path", "line", "column", "message", "symbol")
    log = {
        "version": 1,
        "findings": [{key: getattr(f, key) for key in keys} for f in findings],
        "summary": summary,
    }
    if counts is not None:
        log.update(introduced=counts["introduced"], fixed=counts["fixed"], changed_files=counts["files"])
    return log


# sarif --------------------------------------------------------------------

def sarif_log(findings: list[Finding], *, tool_version: str, root: str = "") -> dict:
    """A SARIF 2.1.0 log with one run holding the findings."""
    rule_ids = sorted({f.rule for f in findings})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    driver = {
        "name": "kdocgen",
        "version": tool_version,
        "semanticVersion": tool_version,
        "informationUri": INFORMATION_URI,
        "rules": [sarif_rule(rule_id) for rule_id in rule_ids],
    }
    run: dict = {"tool": {"driver": driver}}
    if root:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": root_uri(root)}}
    run["results"] = [sarif_result(f, index[f.rule]) for f in findings]
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def root_uri(root: str) -> str:
    """``root`` as an absolute ``file:`` URI ending in a slash."""
    uri = Path(root).resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def rule_name(rule_id: str) -> str:
    """The SARIF ``name`` of a rule: its id in PascalCase (``ParamUndescribed``)."""
    return "".join(part[:1].upper() + part[1:] for part in rule_id.replace("_", "-").split("-"))


def sarif_rule(rule_id: str) -> dict:
    """The ``reportingDescriptor`` of a rule."""
    r = rule(rule_id)
    descriptor = {
        "id": r.id,
        "name": rule_name(r.id),
        "shortDescription": {"text": r.summary},
        "defaultConfiguration": {"level": r.severity},
        "properties": {"tags": ["kernel-doc" if r.kernel_doc else "kdocgen"]},
    }
    if r.kernel_doc:
        descriptor["helpUri"] = KERNEL_DOC_HELP
    return descriptor


def artifact_uri(path: str) -> str:
    """A relative POSIX path as a URI reference (spaces, ``%``, ``#``... escaped)."""
    return quote(path, safe="/-._~!$&'()*+,;=@")


def sarif_location(f: Finding) -> dict:
    """The ``location`` of a finding, relative to ``%SRCROOT%``."""
    physical: dict = {"artifactLocation": {"uri": artifact_uri(f.path), "uriBaseId": SRCROOT}}
    if f.line >= 1:
        region: dict = {"startLine": f.line}
        if f.column >= 1:
            region["startColumn"] = f.column
        if f.snippet:
            region["snippet"] = {"text": f.snippet}
        physical["region"] = region
    location: dict = {"physicalLocation": physical}
    if f.symbol:
        location["logicalLocations"] = [{"name": f.symbol}]
    return location


def sarif_result(f: Finding, rule_index: int) -> dict:
    """The SARIF ``result`` of a finding."""
    return {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": f.severity,
        "message": {"text": f.message},
        "locations": [sarif_location(f)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(f)},
    }
