"""Parse and classify kernel-doc warnings.

The Perl kernel-doc (6.x trees) prints ``FILE:LINE: warning: MESSAGE`` (or
``error:``) on stderr, the Python one (7.x trees) ``Warning: FILE:LINE
MESSAGE``; some messages continue on the next line (the offending source
line).  Each warning is reduced to a *kind* derived from its wording and,
where the wording quotes it, the *symbol* it is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEAD_RE = re.compile(r"^(.+?):(\d+): (warning|error): (.*)$")
HEAD_PY_RE = re.compile(r"^(Warning|Error): (.+?):(\d+):? (.*)$")
PERL_NOISE_RE = re.compile(r" at \S*kernel-doc line \d+")

# (kind, regex); the first group named "sym" is the symbol, "subj" the subject.
RULES: list[tuple[str, re.Pattern]] = [
    ("param-not-described", re.compile(
        r"(?:Function parameter or struct member|^(?:function parameter|struct member|union member)) "
        r"'(?P<subj>.*)' not described in '(?P<sym>.*)'")),
    ("excess-param", re.compile(
        r"Excess (?:function parameter|struct member|union member) '(?P<subj>.*)' "
        r"description in '(?P<sym>.*)'")),
    ("no-return", re.compile(r"No description found for return value of '(?P<sym>.*)'")),
    ("prototype-mismatch", re.compile(
        r"expecting prototype for (?P<sym>.*?)\. Prototype was for (?P<subj>.*) instead")),
    ("cannot-understand-prototype", re.compile(r"cannot understand function prototype")),
    ("not-kernel-doc", re.compile(r"isn't a kernel-doc comment")),
    ("missing-short-desc", re.compile(r"missing initial short description")),
    ("enum-not-described", re.compile(
        r"Enum value '(?P<subj>.*)' not described in enum '(?P<sym>.*)'")),
    ("excess-enum", re.compile(r"Excess enum value '@?(?P<subj>.*)' description in '(?P<sym>.*)'")),
    ("incorrect-format", re.compile(r"Incorrect use of kernel-doc format")),
    ("duplicate-section", re.compile(r"duplicate section name '(?P<subj>.*)'")),
    ("cannot-parse", re.compile(r"Cannot parse (?:struct or union|enum|typedef)!|can't parse variable")),
    ("no-identifier", re.compile(r"^Cannot find identifier on line")),
    ("wrong-identifier", re.compile(r"wrong kernel-doc identifier")),
    ("contents-before-sections", re.compile(r"contents before sections")),
    ("bad-line", re.compile(r"^bad line:|Cannot understand .* I thought it was a doc line", re.S)),
    ("suspicious-ending", re.compile(r"suspicious ending line")),
    ("unrecognized-tracepoint", re.compile(r"Unrecognized tracepoint format")),
    ("no-structured-comments", re.compile(r"no structured comments found")),
]

# Warnings meaning "kernel-doc could not document the declaration".
GAVE_UP_KINDS = ("cannot-understand-prototype", "prototype-mismatch", "cannot-parse")


@dataclass
class KdWarning:
    """One classified warning."""

    path: str
    line: int
    message: str
    kind: str = "other"
    symbol: str = ""
    subject: str = ""

    def key(self, strict: bool = False) -> tuple:
        """Matching key: (path, symbol, kind) plus the subject if strict."""
        base = (self.path, self.symbol, self.kind)
        return base + (self.subject,) if strict else base

    def to_dict(self) -> dict:
        """Plain-dict form used in JSON reports."""
        return {"path": self.path, "line": self.line, "kind": self.kind,
                "symbol": self.symbol, "message": self.message}


def clean_symbol(sym: str) -> str:
    """Strip ``()`` and a leading struct/union/enum/typedef keyword."""
    sym = sym.strip()
    sym = re.sub(r"^(?:struct|union|enum|typedef)\s+", "", sym)
    return sym[:-2] if sym.endswith("()") else sym


def classify(message: str) -> tuple[str, str, str]:
    """Return (kind, symbol, subject) for one warning message."""
    for kind, rx in RULES:
        m = rx.search(message)
        if m:
            groups = m.groupdict()
            return kind, clean_symbol(groups.get("sym") or ""), groups.get("subj") or ""
    return "other", "", ""


def make_warning(path: str, line: int, message: str) -> KdWarning:
    """Build a classified warning."""
    kind, sym, subj = classify(message)
    return KdWarning(path, line, message, kind, sym, subj)


def parse_stderr(text: str, path: str | None = None) -> list[KdWarning]:
    """Parse kernel-doc stderr; continuation lines join the previous warning.

    Perl's own diagnostics (``... at scripts/kernel-doc line N``) are
    dropped.  The Python kernel-doc prints the warnings of every item it
    outputs twice (once when it parses the item, once when it writes it):
    its repeats of a warning already printed are dropped.  If ``path`` is
    given it replaces the printed file name.
    """
    out: list[list] = []
    seen: set[tuple] = set()
    for line in text.splitlines():
        m = HEAD_RE.match(line)
        py = None if m else HEAD_PY_RE.match(line)
        if m:
            out.append([path or m.group(1), int(m.group(2)), m.group(4), False])
        elif py:
            out.append([path or py.group(2), int(py.group(3)), py.group(4), True])
        elif PERL_NOISE_RE.search(line) or line.startswith("Warning: Sphinx"):
            continue
        elif out:
            out[-1][2] += "\n" + line
    unique = []
    for entry in out:
        key = tuple(entry[:3])
        if entry[3] and key in seen:
            continue
        seen.add(key)
        unique.append(entry)
    return [make_warning(p, n, msg) for p, n, msg, _ in unique]
