"""reST pages of a subsystem's user-space ABI: one per stability level
(each documented interface with its paths, since-version and date, contact,
description, users, a stability badge, and the code implementing it), and
a report page (documented but not found, defined but undocumented)."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from ..render.inline import escape_all
from ..render.prose import WrappedProse
from ..site.description import DEFAULT_PAGE_DIR
from .attributes import CodeAttribute, Handler
from .link import BY_NAME, DIRECTORY, MATCHED, NOT_FOUND, AbiLinks, Match
from .parse import LEVELS, AbiEntry

ABI_DIR = "userabi"
REPORT = "report"
_LEVEL_TEXT = {
    "stable": "Interfaces their developers declared stable: user space may rely on them without "
              "restriction, and they stay compatible for at least two years.",
    "testing": "Interfaces whose development is done and which are expected to become stable; "
               "they may still gain features, and their users should say so in the entry.",
    "obsolete": "Interfaces still present but due to be removed; the entry says why and when.",
    "removed": "Interfaces that have been taken out of the kernel, kept for the record.",
}
_KIND_TEXT = {"bus": "bus attribute", "driver": "driver attribute", "device": "device attribute",
              "class": "class attribute", "object": "attribute of an object inside a device",
              "debugfs": "debugfs file"}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _literal(text: str) -> str:
    """Inline literal that survives any content."""
    text = " ".join(text.split()).replace("`", "'")
    return f":literal:`{text.replace(chr(92), chr(92) * 2)}`" if text else ""


@dataclass
class SiteTargets:
    """How the ABI pages link into the rest of the site."""

    page_dir: str = DEFAULT_PAGE_DIR
    functions: dict[tuple[str, str], str] = field(default_factory=dict)  # (path, name) -> C target
    source_views: frozenset[str] = frozenset()

    def docname(self, name: str) -> str:
        """The docname of an ABI page (``source/abi/stable``)."""
        return f"{self.page_dir}/{ABI_DIR}/{name}" if self.page_dir else f"{ABI_DIR}/{name}"

    def source_link(self, page: str, path: str, first: int, last: int = 0) -> str:
        """``path`` at lines ``first``-``last``, linked to its source view when there is one."""
        where = f"{path}:{first}" if not last or last == first else f"{path}:{first}-{last}"
        if path not in self.source_views or not first:
            return _literal(where)
        uri = posixpath.relpath(f"src/{path}.html", posixpath.dirname(self.docname(page)))
        return f"`{escape_all(where).replace('<', '%3C')} <{uri}#L{first}>`__"

    def function(self, handler: Handler) -> str:
        """A show/store function, cross-referenced to its entry when it has one."""
        target = self.functions.get((handler.path, handler.function))
        if target is None:
            return _literal(handler.function + "()")
        if target == handler.function:
            return f":c:func:`{target}`"
        return f":c:func:`{handler.function}() <{target}>`"


@dataclass
class Labels:
    """Site-unique reST labels of the entries."""

    entries: dict[int, str] = field(default_factory=dict)

    @classmethod
    def of(cls, links: AbiLinks) -> Labels:
        """Labels for everything ``links`` shows."""
        labels, taken = cls(), set()

        def claim(base: str) -> str:
            label, count = base, 2
            while label in taken:
                label, count = f"{base}-{count}", count + 1
            taken.add(label)
            return label
        for entry in links.entries:
            labels.entries[id(entry)] = claim(f"abi-{entry.level}-{_slug(entry.what[0].path)}")
        return labels


def levels_present(links: AbiLinks) -> list[str]:
    """The stability levels that have entries, in the kernel's order."""
    found = {entry.level for entry in links.entries}
    return [level for level in LEVELS if level in found]


def badge(level: str) -> list[str]:
    """The role definition a page's badges use."""
    return [f".. role:: abi-{level}", f"   :class: kdocgen-userabi-badge kdocgen-userabi-{level}", ""]


def description(entry: AbiEntry) -> list[str]:
    """An entry's description, as comment text: parsed in the site's build
    and made safe there (see :mod:`kdocgen.render.prose`)."""
    if not entry.description.strip():
        return []
    return WrappedProse(entry.file)(entry.description, entry.line)


def _attribute_line(attribute: CodeAttribute, targets: SiteTargets, page: str) -> str:
    """``DEVICE_ATTR_RO(id)`` at file:line; show: id_show() (file:lines)."""
    made = f"{_literal(attribute.written)} ({_KIND_TEXT[attribute.kind]}) at " \
           f"{targets.source_link(page, attribute.path, attribute.line)}"
    if attribute.arrays:
        made += ", listed in " + ", ".join(_literal(f"{array}[]") for array in attribute.arrays)
    for handler in attribute.handlers:
        made += f"; {handler.role}: {targets.function(handler)}"
        if handler.line:
            made += f" at {targets.source_link(page, handler.path, handler.line, handler.end_line)}"
    return made


def _implementation(match: Match, targets: SiteTargets, page: str) -> list[str]:
    head = f"* {_literal(match.what.path)}: "
    if match.status == DIRECTORY:
        return [head + "a directory (other documented paths lie below it)"]
    if match.status == NOT_FOUND:
        return [head + "**not found** in the subsystem's code"]
    note = " (matched by name only: the path's place and the attribute's kind differ)" \
        if match.status == BY_NAME else ""
    out = [head + f"implemented{note} by"]
    for attribute in match.attributes:
        out += ["", "  * " + _attribute_line(attribute, targets, page)]
    return out


def entry_block(entry: AbiEntry, links: AbiLinks, labels: Labels, targets: SiteTargets,
                page: str) -> list[str]:
    """One documented interface."""
    title = escape_all(entry.what[0].path)
    out = [f".. _{labels.entries[id(entry)]}:", "", title, "-" * len(title), "",
           f":abi-{entry.level}:`{entry.level}`", ""]
    since = escape_all(entry.kernel_version)
    if entry.date:
        since = f"{since} ({escape_all(entry.date)})" if since else escape_all(entry.date)
    fields = [("Paths" if len(entry.what) > 1 else "Path", ", ".join(_literal(p) for p in entry.paths)),
              ("Since", since), ("Contact", escape_all(" ".join(entry.contact.split()))),
              ("Documented in", _literal(f"{entry.file}:{entry.line}"))]
    out += [f":{name}: {value}" for name, value in fields if value] + [""]
    if entry.description:
        out += description(entry) + [""]
    if entry.users:
        out += ["**Users**", ""] + [f"| {escape_all(line)}" for line in entry.users.split("\n")] + [""]
    out += ["**In the code**", ""]
    for match in links.of_entry(entry):
        out += _implementation(match, targets, page)
    return out + [""]


def render_level_page(links: AbiLinks, level: str, labels: Labels, targets: SiteTargets) -> str:
    """The page of one stability level."""
    title = f"User-space ABI: {level}"
    entries = [e for e in links.entries if e.level == level]
    out = [f".. kdocgen-abi-level: {level}", "", title, "=" * len(title), ""] + badge(level)
    out += [_LEVEL_TEXT.get(level, ""), "",
            (f"{len(entries)} entries from ``Documentation/ABI/{level}/``; the code behind them "
             "is listed under each, and gaps on :ref:`the report <abi-report>`."), ""]
    for entry in entries:
        out += entry_block(entry, links, labels, targets, level)
    return "\n".join(out).rstrip("\n") + "\n"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = [".. list-table::", "   :header-rows: 1", ""]
    for row in [header] + rows:
        out.append("   * - " + (row[0] or "\\ "))
        out += [f"     - {cell or chr(92) + ' '}" for cell in row[1:]]
    return out + [""]


def render_report_page(links: AbiLinks, labels: Labels, targets: SiteTargets) -> str:
    """Where documentation and code disagree."""
    figures = links.figures()
    title = "User-space ABI: documentation and code"
    out = [".. _abi-report:", "", title, "=" * len(title), ""]
    out += _table(["", "count"], [
        ["ABI files read", str(figures["files"])], ["entries", str(figures["entries"])],
        ["documented paths", str(figures["paths"])],
        ["attributes defined in the code", str(figures["attributes"])],
        ["paths matched to code", str(figures[MATCHED])],
        ["paths matched by name only", str(figures[BY_NAME])],
        ["directories", str(figures[DIRECTORY])], ["documented, not found in the code", str(figures[NOT_FOUND])],
        ["defined in the code, not documented", str(figures["undocumented"])],
        ["problems in the ABI files", str(figures["messages"])]])
    out += _section("Documented but not found in the code",
                    "Paths of ``Documentation/ABI`` that no attribute of the subsystem's C files "
                    "matches (see the matching rule below).",
                    [m for m in links.matches if m.status == NOT_FOUND],
                    lambda m: [f":ref:`{labels.entries[id(m.entry)]}`", _literal(m.what.path),
                               _literal(f"{m.entry.file}:{m.what.line}")], ["entry", "path", "where"])
    out += _section("Defined in the code but not documented",
                    "sysfs attributes and debugfs files of the subsystem that no ``What:`` path names.",
                    links.undocumented,
                    lambda a: [_literal(a.name), _KIND_TEXT[a.kind],
                               _attribute_line(a, targets, REPORT)],
                    ["name", "kind", "defined by"])
    out += _section("Matched by name only", "The path's place (bus, device, object inside a device) "
                    "differs from the kind of the attribute found.",
                    [m for m in links.matches if m.status == BY_NAME],
                    lambda m: [f":ref:`{labels.entries[id(m.entry)]}`", _literal(m.what.path),
                               "; ".join(_attribute_line(a, targets, REPORT) for a in m.attributes)],
                    ["entry", "path", "attributes"])
    problems = [msg for abi in links.files for msg in abi.messages]
    out += _section("Problems in the ABI files", "Lines the ABI reader reported (the rest was read).",
                    problems, lambda d: [_literal(f"{d.path}:{d.line}"), d.severity, escape_all(d.message)],
                    ["where", "severity", "message"])
    out += ["Matching rule", "-------------", ""] + _RULE_TEXT
    return "\n".join(out).rstrip("\n") + "\n"


def _section(title: str, intro: str, items: list, row, header: list[str]) -> list[str]:
    out = [title, "-" * len(title), "", intro, ""]
    if not items:
        return out + ["None.", ""]
    return out + _table(header, [row(item) for item in items])


_RULE_TEXT = [
    ("A documented path names a file by its last component (placeholders such as ``<N>`` match "
    "any text).  Its shape says where the file lives: ``/sys/bus/B/NAME`` is a bus attribute "
    "(``BUS_ATTR_*``), ``/sys/bus/B/drivers/D/NAME`` a driver attribute (``DRIVER_ATTR_*``), "
    "``/sys/bus/B/devices/D/NAME`` or ``/sys/class/C/D/NAME`` a device attribute "
    "(``DEVICE_ATTR*``), a path deeper below a device (``.../devices/<UUID>/channels/<N>/cpu``) "
    "an attribute of an object inside the device (a kobject with its own attribute type, such "
    "as ``VMBUS_CHAN_ATTR``, or a ``bin_attribute``), and ``/sys/kernel/debug/...`` a debugfs "
    "file.  Attributes of that name and kind match; when none has that kind, attributes of that "
    "name in the same file system match by name only.  A path without a match is a directory "
    "when other documented paths lie below it."),
    "",
]


def render_pages(links: AbiLinks, targets: SiteTargets, labels: Labels | None = None) -> dict[str, str]:
    """Every ABI page: ``{name: text}`` (``stable``, ..., ``report``);
    ``labels`` (default: :meth:`Labels.of` ``links``) as :func:`backlinks` got."""
    labels = labels or Labels.of(links)
    pages = {level: render_level_page(links, level, labels, targets) for level in levels_present(links)}
    pages[REPORT] = render_report_page(links, labels, targets)
    return pages


def backlinks(links: AbiLinks, labels: Labels | None = None) -> dict[str, dict[str, list[list[str]]]]:
    """For the Sphinx extension: ``{c path: {function: [[label, text], ...]}}``,
    from each show/store function to the ABI it implements."""
    labels = labels or Labels.of(links)
    found: dict[str, dict[str, list[list[str]]]] = {}
    for attribute in links.scan.attributes:
        matches = links.documenting(attribute)
        pairs = [[labels.entries[id(m.entry)], f"{m.what.path} ({m.entry.level})"] for m in matches] or \
            [["abi-report", f"{attribute.name} (not in Documentation/ABI)"]]
        for handler in attribute.handlers:
            if handler.path and handler.line:
                slot = found.setdefault(handler.path, {}).setdefault(handler.function, [])
                slot += [p for p in pairs if p not in slot]
    return {path: dict(sorted(names.items())) for path, names in sorted(found.items())}
