"""The user-space ABI checks of a lint run that includes ``Documentation/ABI``
files: malformed entries, documented paths no attribute of the linted C
files implements, and attributes of those files no entry documents."""

from __future__ import annotations

from pathlib import Path

from ..kinds import Severity
from ..userabi.link import NOT_FOUND
from ..userabi.site import abi_links
from .checks import _line, column_of
from .finding import Finding
from .rules import rule


def _finding(rule_id: str, severity: Severity, lines: list[str], path: str, line: int, word: str, message: str,
             symbol: str) -> Finding:
    text = _line(lines, line)
    return Finding(rule_id, severity, path, max(line, 1), column_of(text, word), message, symbol, text.strip())


def abi_findings(tree: Path, c_files: list[str], abi_files: list[str]) -> list[Finding]:
    """Findings of the ABI files against the attributes of ``c_files``."""
    links = abi_links(Path(tree), c_files, abi_files)
    abi_lines = {abi.path: abi.lines for abi in links.files}
    found = []
    for abi in links.files:
        for msg in abi.messages:
            severity = "error" if msg.severity == "error" else rule("abi-malformed").severity
            found.append(_finding("abi-malformed", severity, abi.lines, msg.path, msg.line, "", msg.message, ""))
    for match in links.matches:
        if match.status == NOT_FOUND:
            found.append(_finding("abi-attribute-not-found", rule("abi-attribute-not-found").severity,
                                  abi_lines.get(match.entry.file, []), match.entry.file, match.what.line,
                                  match.what.path, f"'{match.what.path}' is documented but no attribute of "
                                  "the checked code defines it", match.what.path))
    for attribute in links.undocumented:
        what = "debugfs file" if attribute.kind == "debugfs" else f"sysfs {attribute.kind} attribute"
        found.append(_finding("abi-undocumented-attribute", rule("abi-undocumented-attribute").severity,
                              links.scan.lines.get(attribute.path, []), attribute.path, attribute.line,
                              attribute.name, f"{what} '{attribute.name}' ({attribute.written}) is not "
                              "documented in the Documentation/ABI files checked", attribute.name))
    return found
