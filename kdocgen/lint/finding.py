"""A lint finding: what every check produces and every output format reads."""

from __future__ import annotations

from dataclasses import dataclass

from ..kinds import Severity


@dataclass
class Finding:
    """One problem, at the most useful place (1-based line and column)."""

    rule: str
    severity: Severity
    path: str  # relative to the tree, POSIX separators
    line: int
    column: int
    message: str
    symbol: str = ""
    snippet: str = ""  # the source line, for baseline matching that survives line shifts

    def sort_key(self) -> tuple:
        """Findings are always reported in this order."""
        return (self.path, self.line, self.column, self.rule, self.message)
