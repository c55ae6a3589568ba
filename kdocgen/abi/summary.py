"""What the site shows of one symbol's ABI status: a category, a symbol and
a colour per build, and the one-line summary facts.

The categories are shared by the per-entry matrix, the overview table and
the heatmap, so a colour means the same everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lookup import FOREIGN, Match
from .model import (
    COLLISION,
    DUPLICATE,
    FULL_INLINE,
    INLINED,
    NOT_CONFIGURED,
    NOT_IN_VERSION,
    OTHER_ARCH,
    OVERRIDDEN,
    REASONS,
    SELECTIVE_INLINE,
    UNATTRIBUTED,
    USER_SPACE,
    TRANSFORMATION,
    AbiData,
    Build,
    BuildStatus,
    Delta,
)


@dataclass(frozen=True)
class Category:
    """A cell kind: its key, matrix symbol, colour and legend text."""

    key: str
    symbol: str
    colour: str
    label: str


#: Cell categories: first why a build has no symbol of ours (its absence
#: reason), then from the worst to the best issue (a present build's category
#: is its worst issue).  Symbols are DepSurf's (∅ S F D C T, ✓ for no issue),
#: plus M (in a module), ≠ (only another function of that name) and one per reason.
CATEGORIES = (
    Category("absent", "∅", "#d9d9d9", "absent (no reason known)"),
    Category("version", "–", "#f2f2f2", "not in this version's source"),
    Category("config", "○", "#e3e3e3", "not built in this configuration"),
    Category("arch", "A", "#ececec", "other architecture"),
    Category("user", "U", "#ececec", "user-space code (tools/), not kernel ABI"),
    Category("overridden", "W", "#c6c6e6", "__weak default replaced by a strong definition"),
    Category("unattributed", "?", "#f7ec9c", "only a same-named symbol of another built file (no debug info to tell)"),
    Category("inlined", "I", "#f6c1b2", "built, no symbol: inlined or removed by the compiler"),
    Category("foreign", "≠", "#b3b3cc", "only in another file (another function of this name, or moved)"),
    Category("full", "F", "#d7301f", "fully inlined (no symbol)"),
    Category("transformation", "T", "#fc8d59", "transformed (compiler clone)"),
    Category("collision", "C", "#8856a7", "name collision"),
    Category("duplicate", "D", "#9ebcda", "duplicate instances"),
    Category("selective", "S", "#fdd49e", "selectively inlined"),
    Category("module", "M", "#74a9cf", "present in a module"),
    Category("ok", "✓", "#41ab5d", "present, no issue"),
)
CATEGORY = {c.key: c for c in CATEGORIES}
#: Issue -> category, in order of severity (worst first).
ISSUE_CATEGORY = {FULL_INLINE: "full", TRANSFORMATION: "transformation", COLLISION: "collision",
                  DUPLICATE: "duplicate", SELECTIVE_INLINE: "selective"}
ISSUE_LETTER = {DUPLICATE: "D", COLLISION: "C", FULL_INLINE: "F", SELECTIVE_INLINE: "S",
                TRANSFORMATION: "T"}
CHANGE_SYMBOL = "Δ"
#: Absence reason -> category.
REASON_CATEGORY = {NOT_IN_VERSION: "version", NOT_CONFIGURED: "config", OTHER_ARCH: "arch",
                   USER_SPACE: "user", OVERRIDDEN: "overridden", UNATTRIBUTED: "unattributed",
                   INLINED: "inlined"}
#: Said on hover of the cells of builds scanned without debug information.
NO_DWARF = "scanned without debug information: inlining not known"


def version_key(version: str) -> tuple[int, ...]:
    """``5.4.0`` -> (5, 4, 0), for ordering builds by kernel version."""
    return tuple(int(n) for n in re.findall(r"\d+", version)[:3])


def modules_of(status: BuildStatus) -> list[str]:
    """The modules (not vmlinux) a status places the symbol in."""
    return [b for b in status.binaries if b != "vmlinux"]


def worst_issue(issues: list[str]) -> str | None:
    """The most severe of ``issues`` (None when there is none)."""
    return next((i for i in ISSUE_CATEGORY if i in issues), None)


def category(status: BuildStatus | None, foreign: bool = False) -> str:
    """The category key of one build's status."""
    if status is None or not status.present:
        if foreign:
            return "foreign"
        return REASON_CATEGORY.get(status.reason or "", "absent") if status is not None else "absent"
    issue = worst_issue(status.issues)
    if issue:
        return ISSUE_CATEGORY[issue]
    return "module" if modules_of(status) else "ok"


def cell_symbol(status: BuildStatus | None, foreign: bool, changed: bool) -> str:
    """The matrix text of one build: ∅, ≠, ✓, or M and the issue letters; Δ when changed."""
    if status is None or not status.present:
        text = CATEGORY[category(status, foreign)].symbol
    else:
        letters = "".join(ISSUE_LETTER[i] for i in ISSUE_LETTER if i in status.issues)
        text = ("M" if modules_of(status) else "") + letters or "✓"
    return text + (CHANGE_SYMBOL if changed else "")


def status_text(status: BuildStatus | None, foreign_files: list[str] | None = None) -> str:
    """A build's status in words: ``Absent``, ``Transformation, Selective Inline``..."""
    if foreign_files:
        return "Absent here; a function of this name is defined in " + ", ".join(foreign_files)
    if status is None or not status.present:
        if status is not None and status.reason:
            return f"Absent: {status.reason}" + (f" ({status.note})" if status.note else "")
        return "Absent" + (f" ({status.note})" if status is not None and status.note else "")
    words = ", ".join(status.issues) or "OK"
    modules = modules_of(status)
    return words + (f" (in module {', '.join(modules)})" if modules else "")


@dataclass
class Cell:
    """One build of the matrix."""

    build: Build
    status: BuildStatus | None      # ours, None when absent or foreign
    category: str
    symbol: str
    state: str                      # the status in words

    @property
    def present(self) -> bool:
        return self.status is not None and self.status.present

    @property
    def found(self) -> BuildStatus:
        """The status of a present cell (an error to ask of another)."""
        if self.status is None:
            raise ValueError(f"{self.symbol}: no status in {self.build.id}")
        return self.status

    @property
    def title(self) -> str:
        """Full build name and status, shown on hover."""
        dwarf = "" if self.build.has_inline_info else f" [{NO_DWARF}]"
        return f"{self.build.name}: {self.state}{dwarf}"


@dataclass
class EntryAbi:
    """Everything the site shows of one symbol's ABI status."""

    name: str
    kind: str
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)   # group -> cells
    changes: list[Delta] = field(default_factory=list)                 # all but "no change"
    foreign_files: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)                   # "depsurf", "scan"

    @property
    def cells(self) -> list[Cell]:
        return [cell for _, cells in self.rows for cell in cells]

    @property
    def present(self) -> list[Cell]:
        return [c for c in self.cells if c.present]

    @property
    def all_foreign(self) -> bool:
        return not self.present and any(c.category == "foreign" for c in self.cells)

    def versions_seen(self) -> tuple[Build, Build] | None:
        """The builds of the lowest and highest kernel version it is present in."""
        builds = sorted((c.build for c in self.present), key=lambda b: (version_key(b.version), b.name))
        return (builds[0], builds[-1]) if builds else None

    def binaries(self) -> list[str]:
        """Where it lives: vmlinux and/or module names, over the present builds."""
        found: set[str] = set()
        for cell in self.present:
            found.update(cell.found.binaries)
        return sorted(found, key=lambda b: (b != "vmlinux", b))

    def exports(self) -> str:
        """Export status over the present builds that know it (HTML-free
        text), e.g. "EXPORT_SYMBOL_GPL in 5 of 5 builds", "not exported"."""
        known = [c.found.exported for c in self.present if c.found.exported is not None]
        if not known:
            return ""
        kinds = sorted({k for k in known if k})
        if not kinds:
            return "not exported"
        counted = ", ".join(f"{kind} in {known.count(kind)}" for kind in kinds)
        return f"exported ({counted} of {len(known)} builds that record exports)"

    def reasons(self) -> list[str]:
        """The absence reasons of the builds without a symbol, in REASONS order."""
        seen = {c.status.reason for c in self.cells if c.status is not None and not c.present}
        return [r for r in REASONS if r in seen]

    def worst(self) -> str | None:
        """The worst issue over the present builds."""
        issues = {i for c in self.present for i in c.found.issues}
        return worst_issue(sorted(issues))



def entry_abi(data: AbiData, match: Match) -> EntryAbi:
    """The site's view of a matched symbol over every build of ``data``."""
    symbol = match.symbol
    deltas = [d for d in symbol.deltas if d.kind != "no change"
              and FOREIGN not in (match.owner.get(d.old), match.owner.get(d.new))]
    changed_in = {d.new for d in deltas if d.kind == "changed"}
    out = EntryAbi(symbol.name, symbol.kind, changes=deltas)
    foreign: set[str] = set()
    for group, builds in data.groups():
        cells = []
        for build in builds:
            ours = match.status(build.id)
            is_foreign = match.owner.get(build.id) == FOREIGN
            files = match.foreign_files.get(build.id) if is_foreign else None
            foreign.update(files or ())
            cat = category(ours, is_foreign)
            cells.append(Cell(build, ours, cat, cell_symbol(ours, is_foreign, build.id in changed_in),
                              status_text(ours, files)))
        out.rows.append((group, cells))
    out.foreign_files = sorted(foreign)
    out.sources = sorted({b.source for b in data.builds if b.id in symbol.status})
    return out
