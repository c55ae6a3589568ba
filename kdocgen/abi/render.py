"""The ABI section of one entry, as HTML: a one-line summary, the matrix of
groups x builds, collapsible details per build, the differences, and where
the data comes from.

Pure functions of an :class:`~kdocgen.abi.summary.EntryAbi`; links to other
entries come from a ``link(name) -> href or None`` callback, so this module
knows nothing of Sphinx.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from .model import Build, BuildStatus, Delta
from .summary import CATEGORY, Cell, EntryAbi, modules_of

Link = Callable[[str], "str | None"]

#: What each data source can and cannot see, said under every section.
PROVENANCE = {
    "depsurf": ("DepSurf (Ubuntu kernel images; MIT): it examines vmlinux only, so "
                "<em>Absent = not in vmlinux</em> &mdash; code built as a module "
                "(e.g. with <code>CONFIG_HYPERV=m</code>) shows as absent."),
    "scan": "kdocgen's scan of kernel packages (vmlinux and modules: symbols, BTF, DWARF when available).",
}


def _no_link(_name: str) -> None:
    return None


def summary_line(entry: EntryAbi) -> str:
    """The one-line summary (HTML)."""
    total = len(entry.cells)
    if entry.all_foreign:
        files = ", ".join(f"<code>{escape(f)}</code>" for f in entry.foreign_files)
        return (f"<strong>ABI status:</strong> not in the data for this file &mdash; the data knows "
                f"<code>{escape(entry.name)}</code> only as defined in {files} (another function "
                "of the same name, or this one before it moved).")
    groups = "; ".join(f"{escape(group)} {sum(c.present for c in cells)}/{len(cells)}"
                       for group, cells in entry.rows)
    parts = [f"present in {len(entry.present)} of {total} builds ({groups})"]
    seen = entry.versions_seen()
    if seen:
        first, last = seen
        parts.append(f"first seen {_build_ref(first)}, last seen {_build_ref(last)}")
        parts.append("lives in " + ", ".join(f"<code>{escape(b)}</code>" for b in entry.binaries()))
        exports = entry.exports()
        if exports:
            parts.append(exports)
        worst = entry.worst()
        parts.append(f"worst issue: <strong>{escape(worst)}</strong>" if worst else "no issue")
    if entry.foreign_files:
        parts.append("other functions of this name in " +
                     ", ".join(f"<code>{escape(f)}</code>" for f in entry.foreign_files))
    return "<strong>ABI status:</strong> " + "; ".join(parts) + "."


def build_text(build: Build) -> str:
    """A short name of a build: ``5.15``, ``5.4 azure``."""
    short = ".".join(build.version.split(".")[:2])
    if build.label in (short, build.version) or build.label.startswith(short + " "):
        return build.label if build.label != build.version else short
    return f"{short} {build.label}"


def _build_ref(build: Build) -> str:
    return f'<abbr title="{escape(build.name)}">{escape(build_text(build))}</abbr>'


def _cell(cell: Cell) -> str:
    colour = CATEGORY[cell.category].colour
    nodbg = "" if cell.build.has_inline_info else " abi-nodbg"
    return (f'<td class="abi-cell abi-{cell.category}{nodbg}" style="background:{colour}" '
            f'title="{escape(cell.title)}"><span class="abi-sym">{escape(cell.symbol)}</span>'
            f'<span class="abi-lbl">{escape(cell.build.label)}</span></td>')


def matrix(entry: EntryAbi) -> str:
    """The groups x builds table, a symbol and colour per build, full names on hover."""
    rows = []
    for group, cells in entry.rows:
        rows.append(f'<tr><th scope="row">{escape(group)}</th>{"".join(_cell(c) for c in cells)}</tr>')
    return '<table class="abi-matrix">' + "".join(rows) + "</table>"


def _code_list(items: list[str]) -> str:
    return ", ".join(f"<code>{escape(i)}</code>" for i in items)


def _callers(callers: list[str], link: Link) -> str:
    """``file:function`` callers, linked to their entries when in the site."""
    out = []
    for caller in sorted(dict.fromkeys(callers)):
        path, _, name = caller.rpartition(":")
        href = link(name)
        title = f' title="{escape(path)}"' if path else ""
        text = f"<code>{escape(name)}()</code>"
        out.append(f'<a href="{escape(href)}"{title}>{text}</a>' if href else f"<span{title}>{text}</span>")
    return ", ".join(out)


def _symbols(status: BuildStatus) -> str:
    """The ELF symbols a probe hits: name, address range, binding, binary."""
    items = []
    for sym in status.symbols:
        where = [sym.bind] if sym.bind else []
        if sym.size:
            where.append(f"{sym.size} bytes")
        if sym.addr:
            where.append(f"{sym.addr:#x}")
        where.append(sym.binary)
        items.append(f"<li><code>{escape(sym.name)}</code> ({escape(', '.join(where))})</li>")
    return "<ul>" + "".join(items) + "</ul>"


def _instances(status: BuildStatus, link: Link) -> str:
    items = []
    for inst in status.instances:
        text = f"in <code>{escape(inst.cu_file)}</code>"
        if inst.location:
            text += f", declared at <code>{escape(inst.location)}</code>"
        if inst.inlined is not None:
            text += ", inlined" if inst.inlined else ", not inlined"
        if inst.inline_callers:
            text += "; inlined into " + _callers(list(inst.inline_callers), link)
        if inst.direct_callers:
            text += "; called by " + _callers(list(inst.direct_callers), link)
        items.append(f"<li>{text}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def build_detail(status: BuildStatus, build: Build, link: Link) -> str:
    """The body of one build's detail block (the build's provenance is on the
    overview page, so builds with the same details share a block)."""
    out = []
    if status.signature:
        out.append(f'<pre class="abi-sig">{escape(status.signature)}</pre>')
    facts = []
    if status.binaries:
        facts.append("In " + _code_list(status.binaries))
    if status.exported is not None:
        namespace = f" (namespace <code>{escape(status.namespace)}</code>)" if status.namespace else ""
        facts.append(f"Exported: {escape(status.exported) if status.exported else 'no'}{namespace}")
    if status.collision:
        facts.append(f"Collision: {escape(status.collision)}")
    if status.inline or not build.has_inline_info:
        facts.append(f"Inline: {escape(status.inline or 'unknown (no DWARF)')}")
    if status.transformation or status.clones:
        facts.append("Transformation: " + (_code_list(status.clones) if status.clones else "yes"))
    if status.note:
        facts.append(escape(status.note))
    if facts:
        out.append('<p class="abi-facts">' + "; ".join(facts) + ".</p>")
    if status.symbols:
        out.append("<p><strong>Symbols</strong> (what a probe attaches to):</p>" + _symbols(status))
    if status.instances:
        out.append("<p><strong>Instances:</strong></p>" + _instances(status, link))
    if status.callers:
        out.append("<p><strong>Callers:</strong> " + _callers(status.callers, link) + "</p>")
    return "".join(out)


def details(entry: EntryAbi, link: Link = _no_link) -> str:
    """A collapsible block per build where present; consecutive builds with
    the same detail share one block."""
    blocks: list[tuple[list[Cell], str]] = []
    for cell in entry.present:
        body = build_detail(cell.found, cell.build, link)
        if blocks and blocks[-1][1] == body and blocks[-1][0][-1].state == cell.state:
            blocks[-1][0].append(cell)
        else:
            blocks.append(([cell], body))
    out = []
    for cells, body in blocks:
        names = ", ".join(f"<code>{escape(c.build.name)}</code>" for c in cells)
        state = escape(cells[0].state)
        out.append(f'<details class="abi-build"><summary>In {names}: {state}</summary>'
                   f'{body or "<p>No details in the data.</p>"}</details>')
    return "".join(out) + absences(entry)


def absences(entry: EntryAbi) -> str:
    """Why the other builds have no symbol of it: one line per reason and note."""
    reasons: dict[str, list[Cell]] = {}
    for cell in entry.cells:
        if not cell.present and cell.status is not None and (cell.status.reason or cell.status.note):
            reasons.setdefault(cell.state, []).append(cell)
    items = "".join(f"<li>{', '.join(_build_ref(c.build) for c in cells)}: {escape(state)}</li>"
                    for state, cells in reasons.items())
    return f'<p><strong>Absent:</strong></p><ul class="abi-absent">{items}</ul>' if items else ""


def _change(delta: Delta, builds: dict[str, Build]) -> str:
    old, new = builds.get(delta.old), builds.get(delta.new)
    pair = (f"{_build_ref(old) if old else escape(delta.old)} and "
            f"{_build_ref(new) if new else escape(delta.new)}")
    head = f"{escape(delta.kind.capitalize())} between {pair} ({escape(delta.group)})"
    items = []
    for change in delta.changes:
        if change.old and change.new:
            what = f"<code>{escape(change.old)}</code> &#10145; <code>{escape(change.new)}</code>"
        else:
            what = f"<code>{escape(change.old or change.new)}</code>"
        items.append(f"<li>{escape(change.kind)}: {what}</li>")
    return f"<li>{head}" + (f"<ul>{''.join(items)}</ul>" if items else "") + "</li>"


def differences(entry: EntryAbi) -> str:
    """The list of differences between builds (empty when there are none)."""
    if not entry.changes:
        return ""
    builds = {c.build.id: c.build for c in entry.cells}
    items = "".join(_change(d, builds) for d in entry.changes)
    return f'<p><strong>Differences:</strong></p><ul class="abi-diffs">{items}</ul>'


def provenance(entry: EntryAbi) -> str:
    """Where the data comes from, with its caveats."""
    notes = [PROVENANCE.get(source, escape(source)) for source in entry.sources]
    modules = sorted({m for c in entry.present for m in modules_of(c.found)})
    if "depsurf" in entry.sources and modules:
        notes.append(f"Where DepSurf says absent, look at the scanned builds: there "
                     f"<code>{escape(entry.name)}</code> lives in {_code_list(modules)}.")
    return '<p class="abi-prov">Data: ' + " ".join(notes) + "</p>" if notes else ""


def entry_section(entry: EntryAbi, link: Link = _no_link) -> str:
    """The whole ABI section of an entry."""
    summary = f'<p class="abi-summary">{summary_line(entry)}</p>'
    if entry.all_foreign:
        return f'<div class="kdocgen-abi">{summary}{provenance(entry)}</div>'
    parts = [summary, matrix(entry)]
    detail = details(entry, link)
    if detail:
        parts.append(f'<details class="abi-details"><summary>Details per build</summary>{detail}</details>')
    parts += [differences(entry), provenance(entry)]
    return '<div class="kdocgen-abi">' + "".join(p for p in parts if p) + "</div>"
