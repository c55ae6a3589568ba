"""Match a documented entry (name, defining file, kind) to ABI data.

Symbols are keyed by name *and* defining file: a same-named static in
another driver (DepSurf's ``device_show``, ``id_show``, ``chan_to_field``) is
not ours.  When the data knows the defining file, the match is by (name,
file).  When it does not (DepSurf pages), each build is judged by the
locations of its instances: a build whose instances are all defined in other
files holds a *foreign* symbol of that name, not ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import AbiData, AbiSymbol, BuildStatus

#: Ownership of a build's status: ours, another function of that name, or
#: not known (no instance locations in the data).
OURS, FOREIGN, UNKNOWN = "ours", "foreign", "unknown"


@dataclass
class Match:
    """The ABI data of one entry, with each build's ownership."""

    symbol: AbiSymbol
    owner: dict[str, str] = field(default_factory=dict)          # build id -> OURS/FOREIGN/UNKNOWN
    foreign_files: dict[str, list[str]] = field(default_factory=dict)  # build id -> their files

    def status(self, build_id: str) -> BuildStatus | None:
        """Our status in a build (None when absent there or foreign)."""
        status = self.symbol.status.get(build_id)
        if status is None or self.owner.get(build_id) == FOREIGN:
            return None
        return status

    @property
    def all_foreign(self) -> bool:
        """Every build that has the name has someone else's symbol."""
        present = [b for b, st in self.symbol.status.items() if st.present]
        return bool(present) and all(self.owner.get(b) == FOREIGN for b in present)


def _file_of(location: str) -> str:
    """``drivers/hv/connection.c:393`` -> ``drivers/hv/connection.c``."""
    path = location.rsplit(":", 1)[0] if location.rsplit(":", 1)[-1].isdigit() else location
    return path.removeprefix("./")


def instance_files(status: BuildStatus) -> list[str]:
    """Files defining the instances of a status (declaration, else compile unit)."""
    files = {_file_of(i.location) if i.location else _file_of(i.cu_file) for i in status.instances}
    return sorted(f for f in files if f)


def _ownership(status: BuildStatus, path: str) -> tuple[str, list[str]]:
    files = instance_files(status)
    if not files:
        return UNKNOWN, []
    if path in files:
        return OURS, []
    return FOREIGN, files


class AbiIndex:
    """ABI symbols by (kind, name), for matching entries of the site."""

    def __init__(self, data: AbiData):
        self._by_name: dict[tuple[str, str], list[AbiSymbol]] = {}
        for symbol in data.symbols:
            self._by_name.setdefault((symbol.kind, symbol.name), []).append(symbol)

    def candidates(self, kind: str, name: str) -> list[AbiSymbol]:
        """Every symbol of that kind and name, whatever its file."""
        return list(self._by_name.get((kind, name), ()))

    def match(self, kind: str, name: str, path: str) -> Match | None:
        """The data of the entry ``name`` defined in ``path`` (None when the
        data does not know it)."""
        return merged_match(self._matches(kind, name, path))

    def _matches(self, kind: str, name: str, path: str) -> list[Match]:
        """Matches in order: by file, judged per build, another file's."""
        exact, judged, foreign = [], [], []
        for symbol in self.candidates(kind, name):
            if symbol.file is not None:
                theirs = _file_of(symbol.file)
                if theirs == path:
                    exact.append(Match(symbol, {b: OURS for b in symbol.status}))
                else:
                    foreign.append(Match(symbol, {b: FOREIGN for b in symbol.status},
                                         {b: [theirs] for b, st in symbol.status.items() if st.present}))
                continue
            match = Match(symbol)
            for build_id, status in symbol.status.items():
                owner, files = _ownership(status, path) if status.present else (UNKNOWN, [])
                match.owner[build_id] = owner
                if files:
                    match.foreign_files[build_id] = files
            judged.append(match)
        return exact + judged + foreign


def merged_match(matches: list[Match]) -> Match | None:
    """One match of several (one per data source): statuses united, the
    first source winning where two describe the same build."""
    if not matches:
        return None
    if len(matches) == 1:
        return matches[0]
    first = matches[0].symbol
    merged = Match(AbiSymbol(first.kind, first.name, first.file))
    for match in matches:
        for build_id, status in match.symbol.status.items():
            if build_id not in merged.symbol.status:
                merged.symbol.status[build_id] = status
                merged.owner[build_id] = match.owner.get(build_id, UNKNOWN)
                if build_id in match.foreign_files:
                    merged.foreign_files[build_id] = match.foreign_files[build_id]
        merged.symbol.deltas.extend(d for d in match.symbol.deltas if d not in merged.symbol.deltas)
    return merged
