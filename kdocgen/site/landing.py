"""The landing page of a site (``source/_landing.rst``, included by the
top-level ``index.rst``): what the subsystem is, its figures, and links to
every file page, the narrative docs and the indexes."""

from __future__ import annotations

from ..model import SourceFile
from ..render.inline import escape_all
from ..render.write import page_path
from ..sources import tree_version


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole} ({100.0 * part / whole:.1f} %)" if whole else "none"


def _facts(plan) -> list[str]:
    """Lines about the sources and the MAINTAINERS entry (status, list, tree, people)."""
    entry = plan.entry
    rules = plan.rules()
    read = (f"Sources: Linux {tree_version(plan.tree) or 'tree of unknown version'}, "
            f"comments read with the kernel-doc rules of Linux {rules.generation}.x "
            f"({'the Python kernel-doc' if rules.python else 'the Perl kernel-doc'}).")
    if entry is None:
        return [f"Documentation generated from {len(plan.files)} selected files.", "", read]
    fields = entry.fields
    out = [f"The kernel's MAINTAINERS file lists this subsystem as *{escape_all(entry.name)}*.", ""]
    rows = [("Status", fields.get("S", [])), ("Mailing list", fields.get("L", [])),
            ("Tree", fields.get("T", [])), ("Maintainers", fields.get("M", []))]
    for title, values in rows:
        if values:
            out.append(f":{title}: " + "; ".join(escape_all(v) for v in values))
    return out + ["", read]


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
    lines += [".. toctree::", "   :maxdepth: 1", "   :caption: Source files", ""]
    for source in sorted(sources, key=lambda s: s.path):
        docname = page_path_docname(source.path, page_dir)
        lines.append(f"   {source.path} <{docname}>")
    lines.append("")
    return "\n".join(lines) + "\n"


def page_path_docname(source_path: str, page_dir: str = "source") -> str:
    """The Sphinx docname of a file's page: ``source/drivers/hv/channel``."""
    from pathlib import Path
    return f"{page_dir}/{page_path(Path(''), source_path).with_suffix('').as_posix()}"
