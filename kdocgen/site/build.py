"""Prepare the Sphinx source of a subsystem's site (what ``make html`` runs
before ``sphinx-build``): per-file pages, narrative docs, landing page, and
``source/_site.json`` for the Sphinx extension.

Generated pages that no longer correspond to a source file are removed;
hand-written pages (anything not listed in the previous manifest) never are.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..abi.overview import ABI_JSON
from ..extract import dialect_of, not_read
from ..kerneldoc.dialect import Dialect
from ..maintainers import Entry, entry_docs, entry_files, find_entry, read_maintainers
from ..abi.model import AbiData
from ..model import SourceFile
from ..render.page import render_page
from ..render.prose import WrappedProse
from ..files import write_if_changed
from ..parsecache import code_digest, digest, extract_cached
from ..render.write import page_path
from ..userabi.parse import is_abi_file
from ..userabi.site import write_abi_pages
from .index import SiteIndex, build_index, entry_symbols
from .landing import directory_pages, render_landing
from .description import SITE_DATA, SiteDescription, write_description
from .memo import PAGE_DATA, SiteMemo

MANIFEST = "_generated.json"
DEFAULT_SUBSYSTEM = "Hyper-V/Azure CORE AND DRIVERS"


@dataclass
class SitePlan:
    """What a site is made of."""

    tree: Path
    title: str
    files: list[str]
    docs: list[str] = field(default_factory=list)
    entry: Entry | None = None
    abi: list[str] = field(default_factory=list)  # Documentation/ABI files of the entry
    abi_scan: bool = False  # also ABI files naming the code's sysfs/debugfs roots
    dialect: Dialect | None = None  # kernel-doc rules (None: the tree's own)

    def rules(self) -> Dialect:
        """The kernel-doc rules the site's files are read with."""
        return self.dialect or dialect_of(self.tree)


def plan_site(tree: Path, subsystem: str | None = None, files: list[str] | None = None,
              entry: Entry | None = None, version: str | None = None) -> SitePlan:
    """The files of a site: explicit ``files``, else a MAINTAINERS entry's
    (``entry`` when already found, else ``subsystem`` read from the tree),
    read with the kernel-doc rules of ``version`` (default: the tree's)."""
    tree = Path(tree)
    dialect = dialect_of(tree, version)
    if files:
        return SitePlan(tree, "Selected files", sorted(dict.fromkeys(files)), dialect=dialect)
    entry = entry or find_entry(read_maintainers(tree), subsystem or DEFAULT_SUBSYSTEM)
    all_docs = entry_docs(tree, entry)
    docs = [d for d in all_docs if d.endswith(".rst")]
    return SitePlan(tree, entry.name, entry_files(tree, entry), docs, entry, [d for d in all_docs if is_abi_file(d)],
                    dialect=dialect)


def _progress(message: str) -> None:
    print(f"kdocgen site: {message}", file=sys.stderr, flush=True)


class SiteError(Exception):
    """Files of a site that cannot be documented at all (nothing is written)."""


@dataclass
class AbiInput:
    """ABI data for a site, read only when the ABI pages must be made."""

    key: str = ""  # digest of where the data comes from ("": unknown, always made)
    data: AbiData | None = None
    loader: Callable[[], AbiData] | None = None

    def load(self) -> AbiData:
        """The data (read once)."""
        if self.data is None:
            if self.loader is None:
                raise ValueError("ABI input without data or loader")
            self.data = self.loader()
        return self.data


@dataclass
class SiteResult:
    """What :func:`build_site_source` did."""

    figures: dict
    written: list[str]  # relative to the output folder
    abi_part: dict | None = None  # the ABI pages: their key and files


def build_site_source(plan: SitePlan, out: Path, jobs: int = 1, progress=_progress,
                      abi: AbiData | AbiInput | None = None, memo: SiteMemo | None = None) -> SiteResult:
    """Write the pages of ``plan`` into ``out`` (the ``source/`` folder), with
    the ABI data ``abi`` if given; with ``memo``, files parsed before and ABI
    pages made from the same data and entries are reused.  A file that
    cannot be read raises :class:`SiteError` before anything is written."""
    progress(f"reading {len(plan.files)} files")
    sources, digests = extract_cached(plan.tree, plan.files, memo.parsed if memo else None, jobs,
                                      with_calls=True, dialect=plan.rules())
    unread = [d for source in sources for d in not_read(source)]
    if unread:
        raise SiteError("; ".join(f"{d.path}: {d.message}" for d in unread))
    for source in sources:
        for diag in source.diagnostics:
            if diag.severity == "error":
                progress(f"{diag.path}:{diag.line}: error: {diag.message}")
    index = build_index(sources)
    figures = site_figures(sources)
    previous = _read_manifest(out)
    written: list[str] = []
    progress(f"writing {len(sources)} pages")
    for source in sources:
        page = page_path(out, source.path)
        text = _page(source, index, memo, digests[source.path], page)
        if text is not None:
            write_if_changed(page, text)
        written.append(page.relative_to(out).as_posix())
    for rel, text in directory_pages(sources, out.name).items():
        write_if_changed(out / rel, text)
        written.append(rel)
    written += _copy_docs(plan, out)
    user_abi = write_abi_pages(plan, sources, index, out, progress, memo.scanned if memo else None)
    written += user_abi.written
    figures["abi_errors"] = user_abi.errors
    for rel, text in page_data(sources, index, user_abi.backlinks, abi is not None, digests).items():
        write_if_changed(out / PAGE_DATA / f"{rel}.txt", text)
        written.append(f"{PAGE_DATA}/{rel}.txt")
    landing = render_landing(plan, sources, figures, [_docname(out, p) for p in _top_docs(out, written)],
                             out.name)
    landing += user_abi.toctree
    abi_part = None
    if abi is not None:
        from ..abi.overview import landing_text
        abi_part = _abi_pages(abi if isinstance(abi, AbiInput) else AbiInput(data=abi), sources, index, out,
                              memo, progress)
        written += abi_part["written"]
        landing += "\n" + landing_text(out.name)
    write_if_changed(out / "_landing.rst", landing)
    write_description(_description(plan, out, index, abi_json=ABI_JSON if abi is not None else None,
                                   user_abi=user_abi.backlinks,
                                   cache=memo.cache.resolve() if memo is not None else None), out)
    _remove_stale(out, previous, set(written))
    write_if_changed(out / MANIFEST, json.dumps(sorted(written), indent=0) + "\n")
    return SiteResult(figures, written + ["_landing.rst", SITE_DATA, MANIFEST], abi_part)


def _page(source: SourceFile, index: SiteIndex, memo: SiteMemo | None, data_digest: str | None,
          target: Path) -> str | None:
    """The page of ``source``; with ``memo``, rendered only when the file or
    its entries' labels and canonical status changed, and None when
    ``target`` already holds it as the last run left it."""
    def render() -> str:
        return render_page(source, site=index, prose=WrappedProse(source.path))
    if memo is None or not data_digest:
        return render()
    entries = [(index.label(s), index.is_canonical(s)) for s in entry_symbols(source)]
    key = digest(f"{code_digest()}\n{data_digest}\n{entries!r}".encode())
    return memo.page(source.path, key, render, target)


def page_data(sources: list[SourceFile], index: SiteIndex, user_abi: dict, with_abi: bool,
              digests: dict[str, str | None]) -> dict[str, str]:
    """Per file, a digest of what its page shows: the file's bytes, its call
    lists, User-space ABI links, and (with ABI data) which functions the
    site defines.  Written to ``PAGE_DATA/<path>.txt``, the one file the
    page depends on: a page is read again when its digest changes, not when
    its file is only touched or a file calling into it changes."""
    defined = sorted(index.defined) if with_abi else []
    out = {}
    for source in sources:
        calls = [(s.name, [c for c in s.calls if c in index.defined], index.callers.get(s.name, []))
                 for s in source.symbols if s.kind == "function" and s.has_body]
        backlinks = (user_abi.get("functions") or {}).get(source.path)
        out[source.path] = digest(repr((digests.get(source.path), calls, backlinks, defined)).encode()) + "\n"
    return out


def _abi_pages(abi: AbiInput, sources: list[SourceFile], index: SiteIndex, out: Path, memo: SiteMemo | None,
               progress) -> dict:
    """The ABI overview and data file: made again only when the data or the
    site's functions and structs changed."""
    from ..abi.overview import write_abi_site
    entries = sorted({(s.path, s.kind, s.name, s.has_body, s.storage, s.export, index.is_canonical(s))
                      for source in sources for s in source.symbols if s.kind in ("function", "struct")})
    key = digest(f"{abi.key}\n{out.name}\n{entries!r}".encode()) if abi.key else ""
    kept = memo.abi_part(key) if memo is not None and key else None
    if kept is not None:
        return kept
    progress("writing the ABI overview")
    files = write_abi_site(abi.load(), sources, index.is_canonical, out)
    if memo is not None:
        slices = {source.path: {(s.kind, s.name) for s in source.symbols if s.kind in ("function", "struct")}
                  for source in sources}
        memo.keep_abi_data(abi.data, out / ABI_JSON, slices)
    return {"key": key, "written": files}


def _docname(out: Path, rel: str) -> str:
    return f"{out.name}/{rel.rsplit('.', 1)[0]}"


_TOCTREE_ENTRY = re.compile(r"^\s{2,}(?:[^<\n]*<)?([\w./-]+?)>?\s*$")


def _top_docs(out: Path, written: list[str]) -> list[str]:
    """The narrative pages no other narrative page's toctree includes."""
    docs = [p for p in written if p.startswith("Documentation/")]
    included: set[str] = set()
    for rel in docs:
        base = Path(rel).parent
        in_toctree = False
        for line in (out / rel).read_text(encoding="utf-8", errors="replace").splitlines():
            if line.strip().startswith(".. toctree::"):
                in_toctree = True
            elif in_toctree and line.strip() and not line.startswith((" ", "\t")):
                in_toctree = False
            elif in_toctree and not line.strip().startswith(":"):
                entry = _TOCTREE_ENTRY.match(line)
                if entry:
                    included.add((base / entry.group(1)).as_posix())
    return [rel for rel in docs if rel.rsplit(".", 1)[0] not in included]


def site_figures(sources: list[SourceFile]) -> dict:
    """Counts for the landing page."""
    symbols = [s for src in sources for s in entry_symbols(src) if s.kind != "doc"]
    exported = [s for s in symbols if s.export]
    return {
        "files": len(sources),
        "symbols": len(symbols),
        "documented": sum(s.documented for s in symbols),
        "exported": len(exported),
        "exported_documented": sum(s.documented for s in exported),
        "doc_blocks": sum(s.kind == "doc" for src in sources for s in src.documented),
    }


def _copy_docs(plan: SitePlan, out: Path) -> list[str]:
    """Copy the subsystem's narrative reST pages under ``out/``."""
    copied = []
    for rel in plan.docs:
        target = out / rel
        try:
            text = (plan.tree / rel).read_text(encoding="utf-8", errors="replace")
        except OSError as err:
            _progress(f"{rel}: cannot read ({err.strerror}); left out")
            continue
        write_if_changed(target, text)
        copied.append(rel)
    return copied


def _description(plan: SitePlan, out: Path, index: SiteIndex, abi_json: str | None, user_abi: dict,
                 cache: Path | None) -> SiteDescription:
    """What the Sphinx extension is told of the site."""
    return SiteDescription(tree=plan.tree.resolve(), title=plan.title, files=tuple(plan.files),
                           kernel_version=plan.rules().version, page_dir=out.name,
                           callers={name: tuple((c, p) for c, p in pairs) for name, pairs in index.callers.items()},
                           defined={name: path for name, (path, _) in index.defined.items()},
                           abi=abi_json, user_abi=user_abi, cache=cache)


def _read_manifest(out: Path) -> list[str]:
    try:
        return json.loads((out / MANIFEST).read_text())
    except (OSError, ValueError):
        return []


def _remove_stale(out: Path, previous: list[str], current: set[str]) -> None:
    """Remove pages generated last time whose source is gone."""
    for rel in previous:
        if rel in current or ".." in Path(rel).parts:
            continue
        stale = out / rel
        if stale.is_file():
            stale.unlink()
            for parent in stale.parents:
                if parent == out or any(parent.iterdir()):
                    break
                parent.rmdir()


def clean_generated(out: Path) -> None:
    """Remove every generated page (hand-written ones stay)."""
    _remove_stale(out, _read_manifest(out), set())
    for name in (MANIFEST, SITE_DATA, "_landing.rst"):
        (out / name).unlink(missing_ok=True)

