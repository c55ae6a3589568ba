"""Baselines: adopt the linter on a tree that already has many findings.

A baseline file records the findings of today; later runs report only the
findings it does not hold.  Findings are matched by :func:`fingerprint`,
which leaves out line and column, so a finding whose code merely moved
(lines added above it) stays matched.  Matching counts: a baseline entry
with ``count`` N absorbs at most N findings of that fingerprint, so a
second identical problem in the same function is still reported.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from .. import __version__
from ..files import write_if_changed
from .finding import Finding

BASELINE_VERSION = 1
_ENTRY_KEYS = ("fingerprint", "rule", "path", "symbol", "message", "count")


class BaselineError(Exception):
    """A baseline file that cannot be used: missing, unreadable or malformed."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


def normalise_snippet(text: str) -> str:
    """The source line with runs of white space folded into one space."""
    return " ".join(text.split())


def fingerprint(f: Finding) -> str:
    """A stable id of a finding that ignores where in the file it is.

    Hashes rule, path, symbol, the normalised source line and the message.
    Line and column are left out so that edits elsewhere in the file do not
    turn old findings into new ones.  The message is taken as it is:
    messages name symbols and parameters, never line numbers, and keeping
    them tells apart two problems of one symbol (two undescribed parameters).
    """
    parts = (f.rule, f.path, f.symbol, normalise_snippet(f.snippet), f.message)
    digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def baseline_entries(findings: list[Finding]) -> list[dict]:
    """One entry per fingerprint with its count, in a stable order."""
    counts: Counter[str] = Counter()
    first: dict[str, Finding] = {}
    for f in sorted(findings, key=Finding.sort_key):
        key = fingerprint(f)
        counts[key] += 1
        first.setdefault(key, f)
    entries = [
        {"fingerprint": key, "rule": f.rule, "path": f.path, "symbol": f.symbol,
         "message": f.message, "count": counts[key]}
        for key, f in first.items()
    ]
    return sorted(entries, key=lambda e: (e["path"], e["rule"], e["symbol"], e["message"], e["fingerprint"]))


def dumps_baseline(findings: list[Finding]) -> str:
    """The text of a baseline file: JSON with one entry per line (small diffs)."""
    lines = [json.dumps(e, ensure_ascii=False) for e in baseline_entries(findings)]
    head = (f'{{\n  "version": {BASELINE_VERSION},\n'
            f'  "tool": {json.dumps(f"kdocgen {__version__}")},\n  "findings": [')
    if not lines:
        return head + "]\n}\n"
    return head + "\n" + ",\n".join("    " + line for line in lines) + "\n  ]\n}\n"


def write_baseline(path: Path | str, findings: list[Finding]) -> None:
    """Record ``findings`` in the baseline file ``path`` (replaced atomically)."""
    path = Path(path)
    try:
        write_if_changed(path, dumps_baseline(findings))
    except OSError as exc:
        raise BaselineError(path, f"cannot write: {exc.strerror or exc}") from None


def _read(path: Path) -> object:
    """The JSON value of the file, or :class:`BaselineError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(path, "no such baseline file (create it with --write-baseline)") from None
    except IsADirectoryError:
        raise BaselineError(path, "is a directory, not a baseline file") from None
    except UnicodeDecodeError:
        raise BaselineError(path, "not a baseline file (not UTF-8 text)") from None
    except OSError as exc:
        raise BaselineError(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(path, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None


def _entry_count(path: Path, number: int, entry: object) -> tuple[str, int]:
    """The fingerprint and count of the ``number``-th entry, validated."""
    if not isinstance(entry, dict):
        raise BaselineError(path, f"findings[{number}] is not an object")
    key = entry.get("fingerprint")
    if not isinstance(key, str) or not key:
        raise BaselineError(path, f"findings[{number}] has no fingerprint")
    count = entry.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise BaselineError(path, f"findings[{number}].count must be a positive integer, not {count!r}")
    return key, count


def load_baseline(path: Path | str) -> Counter[str]:
    """The fingerprints of a baseline file with how often each may occur."""
    path = Path(path)
    data = _read(path)
    if not isinstance(data, dict) or "findings" not in data:
        raise BaselineError(path, "not a kdocgen baseline (expected an object with 'version' and 'findings')")
    version = data.get("version")
    if version != BASELINE_VERSION:
        raise BaselineError(path, f"unsupported baseline version {version!r} (this kdocgen reads version "
                                  f"{BASELINE_VERSION}; write it anew with --write-baseline)")
    entries = data["findings"]
    if not isinstance(entries, list):
        raise BaselineError(path, "'findings' is not a list")
    counts: Counter[str] = Counter()
    for number, entry in enumerate(entries):
        key, count = _entry_count(path, number, entry)
        counts[key] += count
    return counts


def new_findings(findings: list[Finding], baseline: Counter[str]) -> list[Finding]:
    """The findings the baseline does not absorb, in report order.

    Each baseline entry absorbs one finding with its fingerprint; when a
    fingerprint occurs more often than recorded, the later ones are new.
    ``baseline`` is not changed.
    """
    left = Counter(baseline)
    fresh = []
    for f in sorted(findings, key=Finding.sort_key):
        key = fingerprint(f)
        if left[key] > 0:
            left[key] -= 1
        else:
            fresh.append(f)
    return fresh
