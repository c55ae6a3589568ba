"""The ABI overview page of a site (``source/abi/index.rst``): heatmap,
aggregates per build, coverage, a sortable and filterable table of the
functions, structs with layout changes, tracepoints.

Also writes what the Sphinx extension reads (``source/_abi.json``).
"""

from __future__ import annotations

import io
import posixpath
from dataclasses import dataclass
from html import escape
from pathlib import Path

from ..model import SourceFile
from ..files import write_if_changed
from ..render.write import page_path
from .heatmap import HeatmapRow, area_of, draw_heatmap
from .lookup import AbiIndex, Match
from .model import ISSUE_ORDER, REASONS, AbiData
from .render import PROVENANCE, build_text, matrix
from .store import dumps
from .summary import CATEGORIES, NO_DWARF, EntryAbi, entry_abi, modules_of

ABI_JSON = "_abi.json"
PAGE_DIR = "abi"
#: Flavors of cloud kernels ("cloud-flavor-only" filter).
CLOUD_FLAVORS = ("azure", "aws", "gcp", "cloud", "oracle", "ibm", "kvm")


@dataclass
class SiteEntry:
    """One entry of the site and its ABI view (None when the data lacks it)."""

    kind: str
    name: str
    path: str
    canonical: bool
    abi: EntryAbi | None


def site_entries(data: AbiData, sources: list[SourceFile], is_canonical) -> list[SiteEntry]:
    """Function definitions and structs of the site, matched to the data."""
    index = AbiIndex(data)
    out, seen = [], set()
    for source in sorted(sources, key=lambda s: s.path):
        for symbol in source.symbols:
            is_function = symbol.kind == "function" and symbol.has_body
            if not (is_function or symbol.kind == "struct") or (symbol.kind, symbol.name, source.path) in seen:
                continue
            seen.add((symbol.kind, symbol.name, source.path))
            match = index.match(symbol.kind, symbol.name, source.path)
            out.append(SiteEntry(symbol.kind, symbol.name, source.path, is_canonical(symbol),
                                 entry_abi(data, match) if match else None))
    return out


def _href(entry: SiteEntry) -> str:
    """The entry's URL relative to the overview page."""
    page = page_path(Path(""), entry.path).with_suffix(".html").as_posix()
    url = posixpath.relpath(page, PAGE_DIR)
    return url + (f"#c.{entry.name}" if entry.canonical else "")


def _link(entry: SiteEntry) -> str:
    return f'<a href="{escape(_href(entry))}"><code>{escape(entry.name)}</code></a>'


def _raw(html: str) -> list[str]:
    return [".. raw:: html", "", "   " + html, ""]


def _scroll(table: str) -> str:
    """A wide table in a box that scrolls sideways."""
    return f'<div class="abi-scroll">{table}</div>'


def _section(title: str) -> list[str]:
    return [title, "-" * len(title), ""]


def _flags(abi: EntryAbi) -> dict[str, bool]:
    """The table's filter flags of one function."""
    present = abi.present
    flavors = {c.build.flavor for c in present}
    return {
        "generic": any(c.build.flavor == "generic" for c in present),
        "module": bool(present) and all(modules_of(c.found) and "vmlinux" not in c.found.binaries
                                        for c in present),
        "cloud": bool(flavors) and flavors <= set(CLOUD_FLAVORS),
        "changed": any(d.kind == "changed" for d in abi.changes),
    }


FILTERS = (("generic", "present in generic builds"), ("module", "module-only"),
           ("cloud", "cloud-flavor-only"), ("changed", "changed somewhere"))


def _abi(entry: SiteEntry) -> EntryAbi:
    """The ABI status of an entry the overview lists (only those with one)."""
    if entry.abi is None:
        raise ValueError(f"{entry.name}: listed without ABI status")
    return entry.abi


def _function_row(entry: SiteEntry) -> str:
    abi = _abi(entry)
    flags = _flags(abi)
    seen = abi.versions_seen()
    worst = abi.worst() or ("" if abi.present else "Absent")
    attrs = " ".join(f'data-{k}="{int(v)}"' for k, v in flags.items())
    groups = "".join(f'<td data-sort="{sum(c.present for c in cells)}">'
                     f'{sum(c.present for c in cells)}/{len(cells)}</td>' for _, cells in abi.rows)
    first, last = (build_text(seen[0]), build_text(seen[1])) if seen else ("", "")
    changed = sum(d.kind == "changed" for d in abi.changes)
    reasons = "|" + "|".join(abi.reasons()) + "|"
    return (f'<tr {attrs} data-issue="{escape(worst)}" data-reasons="{escape(reasons)}"><td>{_link(entry)}</td>'
            f"<td>{escape(entry.path)}</td>{groups}"
            f"<td>{escape(first)}</td><td>{escape(last)}</td>"
            f"<td>{escape(', '.join(abi.binaries()))}</td><td>{escape(worst)}</td>"
            f'<td data-sort="{changed}">{changed or ""}</td></tr>')


def function_table(data: AbiData, entries: list[SiteEntry]) -> str:
    """The sortable, filterable table of the functions the data knows."""
    groups = "".join(f"<th>{escape(g)}</th>" for g, _ in data.groups())
    checks = "".join(f'<label><input type="checkbox" data-filter="{k}"> {escape(t)}</label> '
                     for k, t in FILTERS)
    issues = "".join(f'<option value="{escape(i)}">{escape(i)}</option>'
                     for i in ("Absent", *ISSUE_ORDER))
    reasons = "".join(f'<option value="{escape(r)}">{escape(r)}</option>' for r in REASONS)
    controls = (f'<div class="abi-filters">{checks}<label>worst issue <select data-filter="issue">'
                f'<option value="">any</option>{issues}</select></label> '
                f'<label>absent somewhere because <select data-filter="reason">'
                f'<option value="">any</option>{reasons}</select></label> '
                '<label>name <input type="search" data-filter="text" size="16"></label> '
                '<span class="abi-count"></span></div>')
    rows = "".join(_function_row(e) for e in entries)
    head = (f"<tr><th>Function</th><th>File</th>{groups}<th>First</th><th>Last</th>"
            "<th>In</th><th>Worst issue</th><th>Changes</th></tr>")
    return controls + _scroll(f'<table class="abi-table" data-sortable="1"><thead>{head}</thead>'
                              f"<tbody>{rows}</tbody></table>")


def _provenance_text(items) -> str:
    return "; ".join(f"{escape(k)}: {escape(v)}" for k, v in sorted(items))


def builds_table(data: AbiData, entries: list[SiteEntry]) -> str:
    """Per build: functions present, the count of each issue, and provenance
    (what all builds of a source share is said once, under the table)."""
    head = "".join(f"<th>{escape(i)}</th>" for i in ISSUE_ORDER)
    rows = []
    shared: dict[str, set] = {}
    for build in data.builds:
        items = set(build.provenance.items())
        shared[build.source] = shared[build.source] & items if build.source in shared else items
    for build in (b for _, group in data.groups() for b in group):
        cells = [c for e in entries for c in _abi(e).present if c.build.id == build.id]
        counts = "".join(f"<td>{sum(i in c.found.issues for c in cells)}</td>" for i in ISSUE_ORDER)
        counts += f"<td>{_absent_counts(entries, build.id)}</td>"
        changed = sum(1 for e in entries for d in _abi(e).changes if d.new == build.id and d.kind == "changed")
        prov = _provenance_text(set(build.provenance.items()) - shared[build.source])
        rows.append(f'<tr><td>{escape(build.group)}</td><td>{escape(build.label)}</td>'
                    f"<td><code>{escape(build.name)}</code></td><td>{escape(build.source)}</td>"
                    f'<td>{len(cells)}</td>{counts}<td>{changed}</td><td class="abi-prov">{prov}</td></tr>')
    common = "".join(f'<p class="abi-prov">All {escape(source)} builds: {_provenance_text(items)}</p>'
                     for source, items in sorted(shared.items()) if items)
    return _scroll('<table class="abi-table" data-sortable="1"><thead><tr><th>Group</th><th>Label</th>'
                   f"<th>Build</th><th>Source</th><th>Present</th>{head}<th>Absent, by reason</th><th>Changed</th>"
                   "<th>Provenance</th>"
                   f"</tr></thead><tbody>{''.join(rows)}</tbody></table>") + common


def _absent_counts(entries: list[SiteEntry], build_id: str) -> str:
    """``reason: count`` of the functions a build has no symbol of."""
    counts: dict[str, int] = {}
    for entry in entries:
        for cell in _abi(entry).cells:
            if cell.build.id == build_id and not cell.present:
                reason = cell.status.reason if cell.status is not None else None
                counts[reason or "unknown"] = counts.get(reason or "unknown", 0) + 1
    order = [*REASONS, "unknown"]
    return ", ".join(f"{escape(r)} {counts[r]}" for r in order if r in counts)


def _name_list(names: list[str]) -> str:
    return ", ".join(f"<code>{escape(n)}</code>" for n in names) or "none"


def coverage(data: AbiData, entries: list[SiteEntry]) -> str:
    """Functions defined in the sources vs. those the data knows, both ways."""
    functions = [e for e in entries if e.kind == "function"]
    known = [e for e in functions if e.abi and not e.abi.all_foreign]
    foreign = [e for e in functions if e.abi and e.abi.all_foreign]
    unknown = [e for e in functions if not e.abi]
    defined = {e.name for e in functions}
    extra = sorted({s.name for s in data.symbols if s.kind == "function" and s.name not in defined})
    items = [
        (f"Functions defined in the site's sources: <strong>{len(functions)}</strong>", ""),
        (f"&hellip; that the data knows: <strong>{len(known)}</strong>", ""),
        (f"&hellip; whose name the data knows only from other files: <strong>{len(foreign)}</strong>",
         _name_list([e.name for e in foreign])),
        (f"&hellip; that the data does not know: <strong>{len(unknown)}</strong>",
         _name_list(sorted({e.name for e in unknown}))),
        (f"Functions in the data not defined in the site's sources: <strong>{len(extra)}</strong>",
         _name_list(extra)),
    ]
    out = []
    for head, names in items:
        out.append(f"<li>{head}" + (f"<details><summary>list</summary><p>{names}</p></details>"
                                    if names else "") + "</li>")
    return '<ul class="abi-coverage">' + "".join(out) + "</ul>"


def struct_table(entries: list[SiteEntry]) -> str:
    """Structs the data knows: presence and layout changes."""
    rows = []
    for entry in entries:
        abi = _abi(entry)
        layout = [f"{escape(c.kind)} <code>{escape(c.old or c.new)}</code>"
                  for d in abi.changes for c in d.changes]
        rows.append(f"<tr><td>{_link(entry)}</td><td>{escape(entry.path)}</td>"
                    f'<td data-sort="{len(abi.present)}">{len(abi.present)}/{len(abi.cells)}</td>'
                    f'<td data-sort="{len(layout)}">{"; ".join(layout[:6])}'
                    f'{" &hellip;" if len(layout) > 6 else ""}</td></tr>')
    return ('<table class="abi-table" data-sortable="1"><thead><tr><th>Struct</th><th>File</th>'
            f"<th>Present</th><th>Layout changes</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def matrix_table(data: AbiData, symbols: list, head: str, with_file: bool = False) -> str:
    """Symbols with no entry of their own in the site, each with its matrix."""
    rows = []
    for symbol in sorted(symbols, key=lambda s: s.key):
        abi = entry_abi(data, Match(symbol))
        changed = sum(d.kind == "changed" for d in abi.changes)
        file = f"<td>{escape(symbol.file or '')}</td>" if with_file else ""
        rows.append(f"<tr><td><code>{escape(symbol.name)}</code></td>{file}"
                    f'<td data-sort="{len(abi.present)}">{len(abi.present)}/{len(abi.cells)}</td>'
                    f'<td data-sort="{changed}">{changed or ""}</td><td>{matrix(abi)}</td></tr>')
    files = "<th>File</th>" if with_file else ""
    return _scroll(f'<table class="abi-table" data-sortable="1"><thead><tr><th>{escape(head)}</th>{files}'
                   f"<th>Present</th><th>Changes</th><th>Builds</th></tr></thead><tbody>{''.join(rows)}"
                   "</tbody></table>")


def tracepoint_table(data: AbiData) -> str:
    """Every tracepoint of the data, with its matrix."""
    return matrix_table(data, [s for s in data.symbols if s.kind == "tracepoint"], "Tracepoint")


def other_versions(data: AbiData, entries: list[SiteEntry]) -> list:
    """Functions of the data whose defining file is not among the site's
    sources, or that the site's version of that file does not define (removed
    or moved before the site's tree)."""
    defined = {(e.name, e.path) for e in entries if e.kind == "function"}
    return [s for s in data.symbols if s.kind == "function" and s.file and (s.name, s.file) not in defined
            and any(st.present for st in s.status.values())]


def heatmap_rows(entries: list[SiteEntry]) -> list[HeatmapRow]:
    """The functions the data knows, by area, then by first build present, then name."""
    rows = []
    for e in entries:
        if e.kind == "function" and e.abi and not e.abi.all_foreign:
            cats = [c.category for c in e.abi.cells]
            first = next((i for i, c in enumerate(e.abi.cells) if c.present), len(cats))
            rows.append(((area_of(e.path), first, e.name, e.path), HeatmapRow(e.name, area_of(e.path), cats)))
    return [row for _, row in sorted(rows, key=lambda r: r[0])]


def _legend() -> str:
    items = "".join(f'<span class="abi-cell abi-{c.key}" style="background:{c.colour}">'
                    f"{escape(c.symbol)}</span> {escape(c.label)} " for c in CATEGORIES)
    return (f'<p class="abi-legend">{items}<span class="abi-cell">Δ</span> changed since the previous build '
            f'<span class="abi-cell abi-nodbg">&nbsp;</span> dashed: {escape(NO_DWARF)} (an absence '
            "there may be a full inline elsewhere; it is never counted as a change)</p>")


def overview_page(data: AbiData, entries: list[SiteEntry], heatmap: str | None) -> str:
    """The reST text of the overview page."""
    functions = [e for e in entries if e.kind == "function" and e.abi and not e.abi.all_foreign]
    structs = [e for e in entries if e.kind == "struct" and e.abi and e.abi.present]
    sources = sorted({b.source for b in data.builds})
    prov = "".join(f"<li>{PROVENANCE.get(s, escape(s))}</li>" for s in sources)
    prov += "".join(f"<li>{escape(line)}</li>" for line in data.sources)
    lines = ["ABI status", "==========", ""]
    lines += _raw(f"<p>Where each function of this site exists as a callable symbol in "
                  f"{len(data.builds)} kernel builds, and how the compiler changed it "
                  f"(inlining, clones, collisions). Every entry of the site that the data knows "
                  f"has the same status in its own <em>ABI status</em> section.</p><ul>{prov}</ul>"
                  + _legend())
    if heatmap:
        lines += _section("Heatmap")
        alt = f"ABI status of {len(functions)} functions in {len(data.builds)} builds"
        lines += [f".. image:: {heatmap}", f"   :alt: {alt}", f"   :target: {heatmap}",
                  "   :class: abi-heatmap", ""]
    lines += _section("Builds") + _raw(builds_table(data, functions))
    lines += _section("Coverage") + _raw(coverage(data, entries))
    lines += _section("Functions") + _raw(function_table(data, functions))
    if structs:
        lines += _section("Structs") + _raw(struct_table(structs))
    others = other_versions(data, entries)
    if others:
        lines += _section("Only in other versions")
        lines += _raw(f"<p>{len(others)} functions the data has in some build but the site's tree "
                      "does not define in that file (removed or moved before it, or in files it "
                      "lacks); each version's own source lists them.</p>"
                      + matrix_table(data, others, "Function", with_file=True))
    if any(s.kind == "tracepoint" for s in data.symbols):
        lines += _section("Tracepoints") + _raw(tracepoint_table(data))
    return "\n".join(lines) + "\n"


def landing_text(page_dir: str) -> str:
    """What the landing page gets: a toctree with the overview (``page_dir``:
    the folder of the generated pages, as the landing page's toctrees name it)."""
    return (".. toctree::\n   :maxdepth: 1\n   :caption: ABI status\n\n"
            f"   ABI status of the functions, structs and tracepoints <{page_dir}/{PAGE_DIR}/index>\n")


def write_abi_site(data: AbiData, sources: list[SourceFile], is_canonical, out: Path) -> list[str]:
    """Write ``_abi.json``, the overview page and its heatmap under ``out``;
    return the paths written, relative to ``out``."""
    entries = site_entries(data, sources, is_canonical)
    write_if_changed(out / ABI_JSON, dumps(data))
    rows = heatmap_rows(entries)
    builds = [b for _, group in data.groups() for b in group]
    heatmap = "heatmap.png" if rows and builds else None    # nothing to draw: no picture
    if heatmap:
        picture = io.BytesIO()
        draw_heatmap(rows, builds, picture, "ABI status per build")
        write_if_changed(out / PAGE_DIR / heatmap, picture.getvalue())
    write_if_changed(out / PAGE_DIR / "index.rst", overview_page(data, entries, heatmap))
    return [ABI_JSON, f"{PAGE_DIR}/index.rst"] + ([f"{PAGE_DIR}/{heatmap}"] if heatmap else [])
