"""Import DepSurf pages (function, struct, tracepoint) into the ABI model.

``read_depsurf(paths)`` reads page files and folders of pages in both formats
that DepSurf published (see ``FORMAT.md`` of the shared data): the current
one (``⚠️``, short labels, ``**Collision:**``... blocks, no Added/Removed
differences) and the older seed one (``❓``, full image names, a ``json``
func-group block, Added/Removed differences).  A page that cannot be read is
reported as ``file:line: message``; the other pages are still imported.

Choices:

* **Presence** follows the current DepSurf rule: a symbol exists in an image
  when BTF or DWARF knows it.  A seed-format ``Absent`` entry that carries a
  func group (DWARF saw the function, BTF did not) is therefore *present*,
  with its issues taken from the group: ``"inline_type": "Full"`` gives
  ``Full Inline`` (and ``Static Duplication`` gives ``Duplicate``), exactly
  as the current format shows the same function.
* **Binaries**: DepSurf looks only at vmlinux, so a status with ELF symbols
  is in ``["vmlinux"]``; a fully inlined function is in no binary.
* **Defining file**: the file of every instance's ``Location`` (or compile
  unit) over all images, when that is a single file; otherwise (a collision
  of same-named statics) ``None``, and the instances tell the definitions
  apart.
* **Differences**: those a page prints are kept; the pairs it leaves out
  (Added/Removed, dropped by the current format) are computed from the
  per-image signatures (:mod:`kdocgen.abi.diff`).
* **Tracepoints**: the signature is the ``Event:`` struct and the
  ``Function:`` prototype, separated by a blank line.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..files import utf8_error_position
from ..kinds import ChangeKind, abi_symbol_kind, change_kind, delta_kind
from .depsurf_builds import (
    DEFAULT_IMAGE,
    GROUPS,
    build_id,
    depsurf_builds,
    resolve_label,
)
from .depsurf_details import build_status, normalize_decl, normalize_param
from .depsurf_page import PageError, RawPage, parse_page
from .diff import compute_delta, delta_pairs
from .model import AbiData, AbiSymbol, BuildStatus, Change, Delta

#: Files of the data folder that are not pages.
NOT_PAGES = {"README.md", "FORMAT.md", "SOURCE.md", "LICENSE.md", "CHANGELOG.md"}
#: DepSurf compares Arch and Flavor images with the default image.
BASELINES = {"Arch": build_id(DEFAULT_IMAGE), "Flavor": build_id(DEFAULT_IMAGE)}
_PAGE_TITLE = re.compile(r"# \w+: <code>")
_COMMIT = re.compile(r"^\| `([\w-]+)/[^|]*\|[^|]*\| `([0-9a-f]{40})`", re.MULTILINE)


def page_files(paths: list[Path]) -> tuple[dict[Path, bool], list[str]]:
    """The page files named by ``paths`` (files, or folders searched for
    ``*.md``), each with whether it was named itself; and the errors (a
    missing path, a folder without pages)."""
    files: dict[Path, bool] = {}
    errors = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.md") if p.name not in NOT_PAGES and p.is_file())
            if not found:
                errors.append(f"{path}: no DepSurf pages (*.md files) in this folder")
            for page in found:
                files.setdefault(page, False)
        elif path.is_file():
            if path.name not in NOT_PAGES:
                files[path] = True
        else:
            errors.append(f"{path}: no such file or directory")
    return files, errors


def read_depsurf(paths: list[Path], progress=None) -> tuple[AbiData, list[str]]:
    """The ABI data of the DepSurf pages under ``paths`` and the ``file:line: message`` errors.

    When several pages describe the same symbol, a current-format page wins
    over a seed-format one.  A ``.md`` file of a folder that is not a page
    (notes) is skipped, and said so through ``progress``; an empty one, or
    one named itself, is an error.
    """
    files, errors = page_files(paths)
    builds = depsurf_builds(_provenance(paths))
    data = AbiData(builds=builds, sources=_sources(paths))
    by_key: dict[tuple[str, str, str], tuple[tuple[bool, str], AbiSymbol]] = {}
    for n, (path, named) in enumerate(files.items(), start=1):
        text, problem = _page_text(path, named)
        if problem:
            errors.append(problem)
            continue
        if text is None:
            if progress:
                progress(f"{path}: not a DepSurf page (no '# Function: <code>...' title); skipped")
            continue
        try:
            page = parse_page(text)
            symbol = page_symbol(page, builds)
        except PageError as err:
            errors.append(f"{path}:{err.line}: {err.message}" if err.line else f"{path}: {err.message}")
            continue
        rank = (older_format(page), str(path))
        if symbol.key not in by_key or rank < by_key[symbol.key][0]:
            by_key[symbol.key] = (rank, symbol)
        if progress and n % 100 == 0:
            progress(f"{n}/{len(files)} pages")
    data.symbols = sorted((symbol for _rank, symbol in by_key.values()), key=lambda s: s.key)
    return data, errors


def _page_text(path: Path, named: bool) -> tuple[str | None, str]:
    """The text of a page file; None for a folder's file that is no page;
    or an error message."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        return None, f"{path}: cannot read: {err.strerror or err}"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return None, f"{path}:{utf8_error_position(err)}: not UTF-8 text (byte 0x{raw[err.start]:02x})"
    if not text.strip():
        return None, f"{path}: empty file, not a DepSurf page"
    if not _PAGE_TITLE.match(text):
        return None, f"{path}:1: not a DepSurf page (no '# Function: <code>...' title)" if named else ""
    return text, ""


def older_format(page: RawPage) -> bool:
    """Whether a page is in the seed format (its newer page, if any, is preferred)."""
    return any(s.marker == "❓" or s.label == resolve_label(s.group, s.label) for s in page.statuses)


def _change_kind(change) -> ChangeKind:
    """A printed change's kind, which must be one DepSurf defines."""
    try:
        return change_kind(change.kind)
    except ValueError as err:
        raise PageError(change.line, str(err)) from None


def page_symbol(page: RawPage, builds) -> AbiSymbol:
    """The model of one parsed page."""
    symbol = AbiSymbol(kind=abi_symbol_kind(page.kind), name=page.name)
    for raw in page.statuses:
        image = resolve_label(raw.group, raw.label)
        if image is None:
            raise PageError(raw.line, f"unknown image label {raw.label!r} in group {raw.group}")
        if build_id(image) in symbol.status:
            raise PageError(raw.line, f"second status for image {raw.label!r}")
        symbol.status[build_id(image)] = build_status(raw, page.kind, page.name)
    missing = [b.label for b in builds if b.id not in symbol.status]
    if missing:
        raise PageError(page.statuses[-1].line, f"no status for image(s) {', '.join(missing)} (truncated page?)")
    symbol.file = defining_file(symbol.status.values())
    symbol.deltas = _deltas(page, symbol, builds)
    return symbol


def defining_file(statuses) -> str | None:
    """The one file all instances are declared in, or None."""
    files = {(inst.location.rsplit(":", 1)[0] if inst.location else inst.cu_file)
             for st in statuses for inst in st.instances}
    return files.pop() if len(files) == 1 else None


def _deltas(page: RawPage, symbol: AbiSymbol, builds) -> list[Delta]:
    """The page's differences, completed with the computed ones it leaves out."""
    printed: dict[tuple[str, str, str], Delta] = {}
    lines: dict[tuple[str, str, str], int] = {}
    for raw in page.deltas:
        old = resolve_label(raw.group, raw.old_label, diff_side=True)
        new = resolve_label(raw.group, raw.new_label, diff_side=True)
        if old is None or new is None:
            bad = raw.old_label if old is None else raw.new_label
            raise PageError(raw.line, f"unknown image label {bad!r} in group {raw.group}")
        changes = [Change(_change_kind(c), normalize_param(c.old), normalize_param(c.new)) for c in raw.changes]
        if raw.kind == "changed" and not changes:
            raise PageError(raw.line, "'Changed' entry without changes")
        key = (raw.group, build_id(old), build_id(new))
        _check_declaration(raw, symbol.status[key[2] if raw.kind == "added" else key[1]])
        printed[key], lines[key] = Delta(*key, delta_kind(raw.kind), changes), raw.line
    out = []
    for pair in delta_pairs(builds, BASELINES):
        delta = printed.pop(pair, None) or compute_delta(symbol, *pair)
        if delta is not None:
            out.append(delta)
    if printed:
        key = next(iter(printed))
        raise PageError(lines[key], f"difference between {key[1]} and {key[2]} is not a {key[0]} pair DepSurf compares")
    return out


def _check_declaration(raw, side: BuildStatus) -> None:
    """The declaration an Added/Removed entry shows must be that image's signature."""
    if raw.decl is not None and normalize_decl(raw.decl) != side.signature:
        raise PageError(raw.line, f"{raw.kind} declaration {raw.decl!r} is not the image's signature")


def _sources(paths: list[Path]) -> list[str]:
    return [f"DepSurf pages ({', '.join(GROUPS)} images) read from {', '.join(p.name or str(p) for p in paths)}"]


def _provenance(paths: list[Path]) -> dict[str, str]:
    """The dataset commits named by a SOURCE.md beside or above the pages."""
    for path in paths:
        for folder in [path if path.is_dir() else path.parent, *path.resolve().parents][:3]:
            source = folder / "SOURCE.md"
            if source.is_file():
                text = source.read_text("utf-8", "replace")
                return {f"commit {m.group(1)}": m.group(2) for m in _COMMIT.finditer(text)}
    return {}
