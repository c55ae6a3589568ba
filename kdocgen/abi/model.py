"""The ABI model: builds, per-build status of symbols, and build differences.

Every ABI data source (DepSurf import, the build scanner) produces an
:class:`AbiData`; the site reads nothing else.  The JSON form is written and
read by :mod:`kdocgen.abi.store` and described by ``schema.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import kinds as _kinds
from ..kinds import AbiSymbolKind, ChangeKind, DeltaKind

#: Status issues in the order DepSurf prints them.
DUPLICATE = "Duplicate"
COLLISION = "Collision"
FULL_INLINE = "Full Inline"
SELECTIVE_INLINE = "Selective Inline"
TRANSFORMATION = "Transformation"
ISSUE_ORDER = (DUPLICATE, COLLISION, FULL_INLINE, SELECTIVE_INLINE, TRANSFORMATION)

#: Collision types (DepSurf's CollisionType values).
COLLISION_TYPES = (
    "Unique Global",
    "Unique Static",
    "Static Duplication",
    "Static-Static Collision",
    "Static-Global Collision",
)
#: Inline types; None in a status means "unknown" (no DWARF).
INLINE_TYPES = ("No", "Full", "Selective")

#: The vocabularies of changes, deltas and symbols: see ``kdocgen.kinds``.
CHANGE_KINDS, DELTA_KINDS, SYMBOL_KINDS = _kinds.CHANGE_KINDS, _kinds.DELTA_KINDS, _kinds.ABI_SYMBOL_KINDS

#: Why a build has no symbol of ours (``BuildStatus.reason``), from its version's
#: source, its config and Makefiles, its symbol tables and, when read, DWARF.
NOT_IN_VERSION = "not in this version"        # that version's source does not define it there
NOT_CONFIGURED = "not configured"             # the file is not built in this configuration
OTHER_ARCH = "other architecture"             # the file is another architecture's
INLINED = "inlined or removed"                # built, no symbol of its own (compiler)
OVERRIDDEN = "overridden"                     # a __weak default replaced by a strong definition
USER_SPACE = "user space"                     # tools/ code: not kernel ABI
UNATTRIBUTED = "unattributed"                 # only a same-named symbol another built file may own
REASONS = (NOT_IN_VERSION, NOT_CONFIGURED, OTHER_ARCH, INLINED, OVERRIDDEN, USER_SPACE, UNATTRIBUTED)


@dataclass(frozen=True)
class Build:
    """One kernel build (version x architecture x flavor)."""

    id: str            # unique key, e.g. "depsurf:5.4.0-1010-azure-amd64"
    name: str          # full name, e.g. "5.4.0-1010-azure-amd64"
    version: str       # kernel version, e.g. "5.4.0"
    arch: str          # amd64, arm64, ...
    flavor: str        # generic, azure, cloud, rt, ...
    group: str         # a row of the matrix: "Regular", "Arch", "Debian bookworm", ...
    label: str         # short label shown in the matrix: "5.4", "arm64", ...
    source: str        # "depsurf" or "scan"
    provenance: dict[str, str] = field(default_factory=dict)  # package, sha256, compiler, dataset commit...
    has_inline_info: bool = True   # DWARF seen: inline status is known
    has_signatures: bool = True    # BTF seen: signatures are known


@dataclass(frozen=True)
class Instance:
    """One definition of the symbol in a build (a DWARF subprogram)."""

    cu_file: str                    # compile unit
    addr: int = 0
    location: str = ""              # declaration file:line
    inlined: bool | None = None     # inlined at some call site
    inline_callers: tuple[str, ...] = ()   # "file:function"
    direct_callers: tuple[str, ...] = ()


@dataclass(frozen=True)
class ElfSymbol:
    """A symbol-table entry of the symbol or one of its compiler clones."""

    name: str                       # "vmbus_post_msg.cold"
    addr: int = 0
    size: int = 0
    bind: str = ""                  # "STB_GLOBAL", "STB_LOCAL", ...
    binary: str = "vmlinux"         # "vmlinux" or the module name


@dataclass
class BuildStatus:
    """What one build has of one symbol."""

    present: bool
    issues: list[str] = field(default_factory=list)   # in ISSUE_ORDER
    binaries: list[str] = field(default_factory=list)  # "vmlinux" and/or module names
    exported: str | None = None     # None unknown, "" no, "EXPORT_SYMBOL", "EXPORT_SYMBOL_GPL", "..._NS..."
    namespace: str = ""             # the export's symbol namespace (EXPORT_SYMBOL_NS), "" when none
    crc: str | None = None
    signature: str | None = None    # C declaration (BTF); struct body for structs
    collision: str | None = None    # one of COLLISION_TYPES
    inline: str | None = None       # one of INLINE_TYPES, None = unknown
    transformation: bool = False
    clones: list[str] = field(default_factory=list)    # suffixed symbol names
    instances: list[Instance] = field(default_factory=list)
    symbols: list[ElfSymbol] = field(default_factory=list)
    callers: list[str] = field(default_factory=list)   # "file:function"
    note: str = ""                  # e.g. "CONFIG_HYPERV=m: not in vmlinux"
    reason: str | None = None       # one of REASONS when absent and the cause is known


@dataclass(frozen=True)
class Change:
    """One change of a symbol between two builds."""

    kind: ChangeKind
    old: str = ""
    new: str = ""


@dataclass
class Delta:
    """The difference of a symbol between two builds of one group."""

    group: str
    old: str                        # build id
    new: str                        # build id
    kind: DeltaKind
    changes: list[Change] = field(default_factory=list)


@dataclass
class AbiSymbol:
    """One symbol (function, struct, tracepoint) across the builds.

    Keyed by (kind, name, file): ``file`` is the defining source file when the
    data source knows it, so a same-named static elsewhere is not ours.
    """

    kind: AbiSymbolKind
    name: str
    file: str | None = None
    status: dict[str, BuildStatus] = field(default_factory=dict)  # build id -> status
    deltas: list[Delta] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.name, self.file or "")


@dataclass
class AbiData:
    """A set of builds and the symbols' status in them."""

    builds: list[Build] = field(default_factory=list)
    symbols: list[AbiSymbol] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)   # human-readable provenance lines

    def build(self, build_id: str) -> Build:
        """The build with this id (KeyError when unknown)."""
        for build in self.builds:
            if build.id == build_id:
                return build
        raise KeyError(build_id)

    def groups(self) -> list[tuple[str, list[Build]]]:
        """Builds by group, groups in first-seen order."""
        out: dict[str, list[Build]] = {}
        for build in self.builds:
            out.setdefault(build.group, []).append(build)
        return list(out.items())


def issues_in_order(issues: set[str] | list[str]) -> list[str]:
    """Status issues sorted as DepSurf prints them."""
    return [i for i in ISSUE_ORDER if i in issues]
