"""The lint rules: stable ids, default severities, one-line descriptions.

Rule ids never change once published (baselines and CI configurations
refer to them).  The first group are kernel-doc's own checks (same wording
as ``scripts/kernel-doc -Wall``); the second group are kdocgen's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..kinds import SEVERITIES, Severity

__all__ = ["SEVERITIES", "Rule", "RULES", "rule"]


@dataclass(frozen=True)
class Rule:
    """A lint rule."""

    id: str
    severity: Severity
    summary: str
    kernel_doc: bool = False


_KERNEL_DOC: list[tuple[str, Severity, str]] = [
    ("param-undescribed", "warning", "A function parameter or struct member is not described."),
    ("param-excess", "warning", "A described function parameter does not exist."),
    ("member-excess", "warning", "A described struct/union member does not exist."),
    ("no-return", "warning", "No description found for the return value."),
    ("prototype-mismatch", "warning", "The comment names another symbol than the prototype."),
    ("cannot-understand", "warning", "kernel-doc cannot understand the prototype."),
    ("cannot-parse", "error", "The declaration cannot be parsed as the comment says (struct, enum)."),
    ("not-kernel-doc", "warning", "A comment starts with /** but is not a kernel-doc comment."),
    ("short-description", "warning", "The short description after the name is missing."),
    ("enum-undescribed", "warning", "An enum constant is not described."),
    ("enum-excess", "warning", "A described enum constant does not exist."),
    ("inline-format", "warning", "Incorrect use of inline member comments."),
    ("duplicate-section", "warning", "A section appears twice in one comment."),
    ("bad-identifier", "warning", "The identifier line of a comment is malformed."),
    ("not-doc-line", "warning", "The line after /** is not a kernel-doc name line."),
    ("bad-line", "warning", "A comment line does not start with '*'."),
    ("suspicious-end", "warning", "The comment's last line holds text before */."),
]

_KDOCGEN: list[tuple[str, Severity, str]] = [
    ("rst-error", "warning", "The comment's reST, as the site renders it, has a docutils error."),
    ("rst-not-allowed", "warning", "The comment uses markup comment text may not use (raw, include, "
                                   "images, unknown directives ...); the site shows it as text."),
    ("looks-like-kernel-doc", "warning", "A /* comment looks like kernel-doc but does not start with /**."),
    ("exported-undocumented", "note", "A symbol exported with EXPORT_SYMBOL* has no kernel-doc."),
    ("unknown-reference", "note", "&struct foo or func() names something not found in the tree."),
    ("abi-malformed", "warning", "A Documentation/ABI entry is malformed (file and line of the problem)."),
    ("abi-attribute-not-found", "warning", "A documented Documentation/ABI path is not defined by the checked code."),
    ("abi-undocumented-attribute", "note", "A sysfs attribute or debugfs file of the code is not in Documentation/ABI."),
    ("unterminated-comment", "error", "A comment is not closed before the end of the file."),
    ("cut-off-declaration", "error", "A documented declaration is cut off by the end of the file."),
    ("encoding", "warning", "The file is not valid UTF-8."),
    ("binary-file", "error", "The file is binary."),
    ("read-error", "error", "The file cannot be read."),
    ("nesting-limit", "warning", "Struct or union members nested too deep to be read (over 1000 levels)."),
]

RULES: dict[str, Rule] = {rule_id: Rule(rule_id, sev, text, True) for rule_id, sev, text in _KERNEL_DOC}
RULES.update({rule_id: Rule(rule_id, sev, text) for rule_id, sev, text in _KDOCGEN})


def rule(rule_id: str) -> Rule:
    """The rule with ``rule_id`` (unknown ids get a warning-level rule)."""
    return RULES.get(rule_id) or Rule(rule_id, "warning", rule_id)
