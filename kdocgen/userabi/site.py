"""The ABI part of a site: read the plan's ABI files, scan its C files,
write the pages into ``OUT/abi/`` and say what the landing page and the
Sphinx extension need."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..model import SourceFile
from ..files import write_if_changed
from ..parsecache import ParseCache
from ..render.page import file_scope
from .attributes import scan_attributes
from .link import AbiLinks, link_abi
from .parse import abi_files_under_roots, is_abi_file, read_abi_file
from .render import ABI_DIR, Labels, SiteTargets, backlinks, render_pages


@dataclass
class AbiSite:
    """What writing the ABI pages produced."""

    written: list[str] = field(default_factory=list)  # relative to OUT
    toctree: str = ""  # appended to the landing page
    backlinks: dict = field(default_factory=dict)  # for _site.json: ABI files, functions' links
    errors: int = 0  # error messages on the ABI files (bad input: the command fails)


def abi_links(tree: Path, c_files: list[str], abi_files: list[str], scan_roots: bool = False,
              cache: ParseCache | None = None) -> AbiLinks:
    """Read ``abi_files`` (plus, with ``scan_roots``, every ABI file naming
    a root the code owns) and match them to the attributes of ``c_files``
    (scanned files kept in ``cache``)."""
    scan = scan_attributes(tree, c_files, cache)
    names = sorted(set(abi_files) | set(abi_files_under_roots(tree, scan.roots) if scan_roots else []))
    return link_abi([read_abi_file(tree, name) for name in names], scan)


def _function_targets(sources: list[SourceFile], index) -> dict[tuple[str, str], str]:
    """C-domain targets of the functions with an entry: the bare name for a
    canonical entry, else qualified by the file's namespace (as the per-file
    pages place non-canonical entries)."""
    from ..site.index import entry_symbols
    targets: dict[tuple[str, str], str] = {}
    for source in sources:
        scope = file_scope(source.path)
        for symbol in entry_symbols(source):
            if symbol.kind == "function":
                canonical = index.is_canonical(symbol)
                targets.setdefault((source.path, symbol.name),
                                   symbol.name if canonical else f"{scope}.{symbol.name}")
    return targets


def write_abi_pages(plan, sources: list[SourceFile], index, out: Path, progress,
                    cache: ParseCache | None = None) -> AbiSite:
    """Write the ABI pages of ``plan`` (none when it has no ABI files)."""
    if not plan.abi and not plan.abi_scan:
        return AbiSite()
    links = abi_links(plan.tree, plan.files, plan.abi, plan.abi_scan, cache)
    if not links.files:
        return AbiSite()
    for abi in links.files:
        for message in abi.messages:
            progress(f"{message.path}:{message.line}: {message.severity}: {message.message}")
    figures = links.figures()
    progress(f"ABI: {figures['entries']} entries in {figures['files']} files, "
             f"{figures['attributes']} attributes in the code; of {figures['paths']} paths "
             f"{figures['matched']} matched, {figures['by-name']} by name only, {figures['directory']} "
             f"directories, {figures['not-found']} not found; {figures['undocumented']} attributes "
             "undocumented")
    targets = SiteTargets(out.name, _function_targets(sources, index), frozenset(plan.files))
    labels = Labels.of(links)
    site = AbiSite(errors=sum(m.severity == "error" for abi in links.files for m in abi.messages),
                   backlinks={"abi_files": [f.path for f in links.files],
                              "functions": backlinks(links, labels)})
    toc = [".. toctree::", "   :maxdepth: 1", "   :caption: User-space ABI", ""]
    for name, text in render_pages(links, targets, labels).items():
        write_if_changed(out / ABI_DIR / f"{name}.rst", text)
        site.written.append(f"{ABI_DIR}/{name}.rst")
        toc.append(f"   {targets.docname(name)}")
    site.toctree = "\n".join(toc) + "\n\n"
    return site


def abi_files_of(tree: Path, entry) -> list[str]:
    """The ``Documentation/ABI`` files a MAINTAINERS entry lists."""
    from ..maintainers import entry_docs
    return [d for d in entry_docs(tree, entry) if is_abi_file(d)]
