"""Match documented ABI paths to the attributes the code defines.

The rule, for each ``What:`` path:

1. Its last component is the file name; placeholders in it (``<N>``, ``*``,
   ``{a,b}``) match any text.  A last component that is only a placeholder
   names no file.
2. The path's shape says where the file lives: ``/sys/bus/B/NAME`` a bus
   attribute, ``/sys/bus/B/drivers/D/NAME`` a driver's, ``/sys/bus/B/devices/
   D/NAME`` or ``/sys/class/C/D/NAME`` a device's, anything deeper below a
   device (``/sys/bus/vmbus/devices/<UUID>/channels/<N>/cpu``) an attribute
   of an object inside the device (a kobject with its own attribute type:
   ``VMBUS_CHAN_ATTR``, a ``bin_attribute``), ``/sys/kernel/debug/...`` a
   debugfs file.
3. The attributes of that name and kind match.  When none has that kind,
   those of that name in the same file system match "by name only" (shown
   as such).
4. A path with no match is a *directory* when other documented paths lie
   below it, else *not found*.

Attributes no path matches are *undocumented*.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .attributes import KINDS, AttributeScan, CodeAttribute
from .parse import AbiEntry, AbiFile, WhatPath

MATCHED, BY_NAME, DIRECTORY, NOT_FOUND = "matched", "by-name", "directory", "not-found"
_SYSFS = frozenset(KINDS) - {"debugfs"}
_ACCEPTS = {"bus": {"bus"}, "driver": {"driver"}, "device": {"device"}, "class": {"class"},
            "object": {"object"}, "devices": {"device", "object"}, "debugfs": {"debugfs"},
            "sysfs": set(_SYSFS), "other": set(KINDS)}
_PLACEHOLDER = re.compile(r"<[^<>/]*>|\*|\{[^{}/]*\}|\.\.\.")


@dataclass
class Match:
    """What one documented path was matched to."""

    entry: AbiEntry
    what: WhatPath
    location: str
    status: str
    attributes: list[CodeAttribute] = field(default_factory=list)


@dataclass
class AbiLinks:
    """The documented entries, the code's attributes, and how they match."""

    files: list[AbiFile]
    scan: AttributeScan
    matches: list[Match] = field(default_factory=list)
    undocumented: list[CodeAttribute] = field(default_factory=list)

    @property
    def entries(self) -> list[AbiEntry]:
        """Every entry, in file order."""
        return [entry for abi in self.files for entry in abi.entries]

    def of_entry(self, entry: AbiEntry) -> list[Match]:
        """The matches of ``entry``'s paths."""
        return [m for m in self.matches if m.entry is entry]

    def documenting(self, attribute: CodeAttribute) -> list[Match]:
        """The documented paths ``attribute`` implements."""
        return [m for m in self.matches if any(a is attribute for a in m.attributes)]

    def figures(self) -> dict[str, int]:
        """Counts for reports and the landing page."""
        count = {status: sum(m.status == status for m in self.matches)
                 for status in (MATCHED, BY_NAME, DIRECTORY, NOT_FOUND)}
        return {"files": len(self.files), "entries": len(self.entries), "paths": len(self.matches),
                "attributes": len(self.scan.attributes), "undocumented": len(self.undocumented),
                "messages": sum(len(f.messages) for f in self.files), **count}


def location_of(path: str) -> str:
    """Where a documented path lives (see the module's rule 2)."""
    parts = [p for p in path.split("/") if p]
    if "..." in parts:
        return "devices" if parts[:1] == ["sys"] and "debug" not in parts[1:3] else "other"
    if parts[:3] == ["sys", "kernel", "debug"]:
        return "debugfs"
    if parts[:2] == ["sys", "bus"] and len(parts) >= 4:
        if len(parts) == 4:
            return "bus"
        if parts[3] in ("drivers", "devices") and len(parts) >= 6:
            return ("driver" if parts[3] == "drivers" else "device") if len(parts) == 6 else "object"
    if parts[:2] == ["sys", "class"] and len(parts) >= 4:
        return {4: "class", 5: "device"}.get(len(parts), "object")
    if parts[:2] == ["sys", "devices"]:
        return "devices"
    return "sysfs" if parts[:1] == ["sys"] else "other"


def name_pattern(path: str) -> re.Pattern[str] | None:
    """The file names a path's last component stands for (None: only a
    placeholder, no file named)."""
    last = path.rstrip("/").rsplit("/", 1)[-1].strip()
    if not last or _PLACEHOLDER.fullmatch(last) and not last.startswith("{"):
        return None
    pieces, at = [], 0
    for match in _PLACEHOLDER.finditer(last):
        pieces.append(re.escape(last[at:match.start()]))
        token = match.group()
        if token.startswith("{"):
            pieces.append("(?:" + "|".join(re.escape(t.strip()) for t in token[1:-1].split(",")) + ")")
        else:
            pieces.append(".+")
        at = match.end()
    pieces.append(re.escape(last[at:]))
    return re.compile("".join(pieces))


def _candidates(what: str, attributes: list[CodeAttribute]) -> tuple[str, list[CodeAttribute]]:
    pattern = name_pattern(what)
    if pattern is None:
        return NOT_FOUND, []
    named = [a for a in attributes if pattern.fullmatch(a.name)]
    accepts = _ACCEPTS[location_of(what)]
    exact = [a for a in named if a.kind in accepts]
    if exact:
        return MATCHED, exact
    same_fs = {"debugfs"} if "debugfs" in accepts and len(accepts) == 1 else _SYSFS
    loose = [a for a in named if a.kind in same_fs]
    return (BY_NAME, loose) if loose else (NOT_FOUND, [])


def link_abi(files: list[AbiFile], scan: AttributeScan) -> AbiLinks:
    """Match every documented path of ``files`` to ``scan``'s attributes."""
    links = AbiLinks(files, scan)
    every = [w.path.rstrip("/") for abi in files for entry in abi.entries for w in entry.what]
    for abi in files:
        for entry in abi.entries:
            for what in entry.what:
                status, found = _candidates(what.path, scan.attributes)
                if not found:
                    below = what.path.rstrip("/") + "/"
                    status = DIRECTORY if any(p.startswith(below) for p in every) else NOT_FOUND
                links.matches.append(Match(entry, what, location_of(what.path), status, found))
    used = {id(a) for m in links.matches for a in m.attributes}
    links.undocumented = [a for a in scan.attributes if id(a) not in used]
    return links
