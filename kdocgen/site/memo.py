"""What ``kdocgen site`` did last time, so that it does nothing when none of
its inputs changed, and reads no ABI data when the ABI part is the same.

A record per output folder, in the cache folder: a digest of every input
(the code, the plan, the bytes of the source files, narrative pages, ABI
files, MAINTAINERS and ABI data), the figures, and the size and time of
each file written (they are only ever written by kdocgen, so a changed one
means someone else changed it, and the step runs again).
"""

from __future__ import annotations

import functools
import json
import pickle
from dataclasses import dataclass
from pathlib import Path

from ..files import write_if_changed
from ..parsecache import ParseCache, code_digest, digest, file_digest

#: below the pages' folder: per file of the site, a digest of the site data
#: its page shows besides its source (``build.page_data``); the Sphinx
#: extension makes the page depend on it
PAGE_DATA = "_pagedata"


def folder_digest(path: Path) -> str:
    """A digest of a file's bytes, or of every file below a folder (with
    their relative names); "" when missing."""
    if path.is_file():
        return file_digest(path) or ""
    if not path.is_dir():
        return ""
    parts = [f"{p.relative_to(path).as_posix()}={file_digest(p)}" for p in sorted(path.rglob("*")) if p.is_file()]
    return digest("\n".join(parts).encode())


def inputs_digest(plan, abi_key: str, out: Path) -> str:
    """A digest of everything the pages of ``plan`` are made from."""
    tree = plan.tree
    parts = [code_digest(), str(tree.resolve()), plan.title, out.name, repr(plan.abi_scan), abi_key,
             "MAINTAINERS=" + (file_digest(tree / "MAINTAINERS") or "")]
    parts += [f"{name}={file_digest(tree / name)}" for name in [*plan.files, *plan.docs, *plan.abi]]
    if plan.abi_scan:  # which ABI files name the code's roots depends on all of them
        parts.append("Documentation/ABI=" + folder_digest(tree / "Documentation" / "ABI"))
    return digest("\n".join(parts).encode())


def _stat(path: Path) -> list[int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]


@dataclass(frozen=True)
class SiteMemo:
    """The record of one output folder in a cache folder."""

    cache: Path
    out: Path

    @property
    def parsed(self) -> ParseCache:
        """The cache of parsed files."""
        return ParseCache(self.cache / "parsed")

    @property
    def scanned(self) -> ParseCache:
        """The cache of files scanned for user-space ABI attributes."""
        return ParseCache(self.cache / "attributes")

    @property
    def _record(self) -> Path:
        return self.cache / f"site-{digest(str(self.out.resolve()).encode())[:16]}.json"

    def _read(self) -> dict:
        try:
            data = json.loads(self._record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def unchanged(self, inputs: str) -> dict | None:
        """The figures of the last run when it had the same ``inputs`` and
        its files are as it left them; else None."""
        record = self._read()
        if record.get("inputs") != inputs or not self._files_kept(record.get("outputs")):
            return None
        return record.get("figures")

    def _files_kept(self, outputs) -> bool:
        return isinstance(outputs, dict) and bool(outputs) and all(
            _stat(self.out / rel) == kept for rel, kept in outputs.items())

    def remember(self, inputs: str, figures: dict, written: list[str], abi_part: dict | None) -> None:
        """Record a successful run that wrote ``written`` (relative to the
        output folder)."""
        record = {"inputs": inputs, "figures": figures, "abi": abi_part,
                  "outputs": {rel: _stat(self.out / rel) for rel in sorted(written)}}
        write_if_changed(self._record, json.dumps(record, indent=0, sort_keys=True) + "\n")

    def abi_part(self, key: str) -> dict | None:
        """The ABI part of the last run (its key and files) when ``key`` is
        the same and its files are as it left them."""
        part = self._read().get("abi")
        if not isinstance(part, dict) or part.get("key") != key:
            return None
        written = part.get("written")
        outputs = {rel: self._read().get("outputs", {}).get(rel) for rel in written or []}
        return part if self._files_kept(outputs) else None

    def page(self, rel: str, key: str, render, target: Path | None = None) -> str | None:
        """The page ``rel`` as rendered last time with the same ``key``
        (what it is made of), else ``render()`` (and kept); None when
        ``target``, the file it was written to, is as the last run left it
        (nothing to read or write)."""
        entry = self.cache / "pages" / f"{digest(rel.encode())[:40]}.rst"
        try:
            with entry.open("rb") as kept:
                if kept.readline().rstrip(b"\n").decode("ascii", "replace") == key:
                    if target is not None and self._left_as_is(target):
                        return None
                    return kept.read().decode("utf-8")
        except OSError:
            pass
        text = render()
        write_if_changed(entry, key.encode("ascii") + b"\n" + text.encode("utf-8"))
        return text

    def _left_as_is(self, path: Path) -> bool:
        """Whether ``path`` (below the output folder) is as the last run left it."""
        kept = self._outputs.get(path.relative_to(self.out).as_posix())
        return kept is not None and _stat(path) == kept

    @functools.cached_property
    def _outputs(self) -> dict:
        outputs = self._read().get("outputs")
        return outputs if isinstance(outputs, dict) else {}

    def keep_abi_data(self, data, json_path: Path, slices: dict) -> None:
        """Keep ``data`` for readers of ``json_path`` (the site's
        ``_abi.json``), whole and per file (``slices``: path -> the
        (kind, name) pairs of its entries): :func:`kept_abi_data` spares them
        the JSON, its schema check and, for one page, the rest of the data."""
        from ..abi.model import AbiData
        name = file_digest(json_path)
        if not name:
            return
        folder = self.cache / "abi" / name[:40]
        write_if_changed(folder / "all.pickle", pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        for path, keys in slices.items():
            part = AbiData(builds=data.builds, sources=data.sources,
                           symbols=[s for s in data.symbols if (s.kind, s.name) in keys])
            write_if_changed(folder / f"{digest(path.encode())[:40]}.pickle",
                             pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL))


def kept_abi_data(cache: Path, raw: bytes, path: str | None = None):
    """The ABI data kept for an ``_abi.json`` with bytes ``raw`` (only the
    symbols named like the entries of file ``path``, if given), or None."""
    name = f"{digest(path.encode())[:40]}.pickle" if path else "all.pickle"
    try:
        return pickle.loads((cache / "abi" / digest(raw)[:40] / name).read_bytes())
    except Exception:  # noqa: BLE001 - missing or damaged: read the JSON instead
        return None
