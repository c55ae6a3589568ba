"""The landing page of a site (``source/_landing.rst``, included by the
top-level ``index.rst``): what the subsystem is, its figures, and links to
a page per folder (which links to its files' pages), the narrative docs and
the indexes."""

from __future__ import annotations

import posixpath

from ..model import SourceFile
from ..render.inline import escape_all
from .description import page_docname


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole} ({100.0 * part / whole:.1f} %)" if whole else "none"


def _facts(plan) -> list[str]:
    """Lines about the MAINTAINERS entry (status, list, tree, people)."""
    entry = plan.entry
    if entry is None:
        return [f"Documentation generated from {len(plan.files)} selected files."]
    fields = entry.fields
    out = [f"The kernel's MAINTAINERS file lists this subsystem as *{escape_all(entry.name)}*.", ""]
    rows = [("Status", fields.get("S", [])), ("Mailing list", fields.get("L", [])),
            ("Tree", fields.get("T", [])), ("Maintainers", fields.get("M", []))]
    for title, values in rows:
        if values:
            out.append(f":{title}: " + "; ".join(escape_all(v) for v in values))
    return out


def render_landing(plan, sources: list[SourceFile], figures: dict, doc_pages: list[str],
                   page_dir: str = "source") -> str:
    """The landing page text (``page_dir``: the folder of the generated pages)."""
    title = escape_all(plan.title)
    lines = [title, "=" * len(title), ""]
    lines += _facts(plan) + [""]
    lines += [
        ".. list-table:: The subsystem in figures",
        "   :widths: 3 2",
        "",
        "   * - Source files",
        f"     - {figures['files']}",
        "   * - Symbols (functions, types, macros, variables)",
        f"     - {figures['symbols']}",
        "   * - Documented with kernel-doc",
        f"     - {_share(figures['documented'], figures['symbols'])}",
        "   * - Exported (``EXPORT_SYMBOL*``)",
        f"     - {figures['exported']}",
        "   * - Exported and documented",
        f"     - {_share(figures['exported_documented'], figures['exported'])}",
        "",
        "Indexes: :ref:`genindex` (every function, type and macro) and :ref:`search`.",
        "",
    ]
    if doc_pages:
        lines += [".. toctree::", "   :maxdepth: 1", "   :caption: Narrative documentation", ""]
        lines += [f"   {name}" for name in doc_pages] + [""]
    lines += [".. toctree::", "   :maxdepth: 2", "   :caption: Source files", ""]
    lines += [f"   {page_dir}/{rel.removesuffix('.rst')}" for rel in directory_pages(sources, page_dir)]
    lines.append("")
    return "\n".join(lines) + "\n"


#: the folder (below the pages' folder) of the pages listing a folder's files
DIRECTORY_PAGES = "dirs"


def directory_pages(sources: list[SourceFile], page_dir: str = "source") -> dict[str, str]:
    """One page per folder holding files of the site, listing them (path
    relative to the pages' folder -> reST), so that the navigation of a page
    lists the folders and the files of its own folder, not every file."""
    folders: dict[str, list[str]] = {}
    for path in sorted(s.path for s in sources):
        folders.setdefault(posixpath.dirname(path), []).append(path)
    pages = {}
    for folder, paths in sorted(folders.items()):
        title = escape_all(folder or "(top level)")
        count = f"{len(paths)} source file{'' if len(paths) == 1 else 's'}"
        lines = [title, "=" * len(title), "", f"{count} of this site in this folder.", "",
                 ".. toctree::", "   :maxdepth: 1", ""]
        lines += [f"   {posixpath.basename(p)} </{page_docname(p, page_dir)}>" for p in paths]
        pages[f"{DIRECTORY_PAGES}/{folder or '_top'}.rst"] = "\n".join(lines) + "\n"
    return pages
