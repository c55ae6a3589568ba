"""The JSON form of the ABI model: write, read, validate, merge.

The format is an object ``{"format": "kdocgen-abi", "version": 1, "sources":
[...], "builds": [...], "symbols": [...]}``; ``schema.json`` beside this
module is its JSON Schema.  Reading reports problems as :class:`AbiDataError`
naming the file and, where known, the line.
"""

from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import asdict
from importlib import resources
from pathlib import Path

from ..files import write_if_changed
from .model import (
    AbiData, AbiSymbol, Build, BuildStatus, Change, Delta, ElfSymbol, Instance,
)

FORMAT = "kdocgen-abi"
VERSION = 1


class AbiDataError(Exception):
    """An ABI data file that cannot be read; the message names file and line."""


def schema() -> dict:
    """The JSON Schema of the format."""
    text = resources.files(__package__).joinpath("schema.json").read_text("utf-8")
    return json.loads(text)


def to_dict(data: AbiData) -> dict:
    """The JSON-ready form of ``data`` (deterministic order)."""
    def status(st: BuildStatus) -> dict:
        out = asdict(st)
        # exported "" (known: not exported) differs from None (unknown), so it is kept
        return {k: v for k, v in out.items()
                if v not in (None, [], "", False) or k == "present" or (k == "exported" and v == "")}

    return {
        "format": FORMAT,
        "version": VERSION,
        "sources": list(data.sources),
        "builds": [asdict(b) for b in data.builds],
        "symbols": [
            {
                "kind": s.kind,
                "name": s.name,
                "file": s.file,
                "status": {bid: status(st) for bid, st in s.status.items()},
                "deltas": [asdict(d) for d in s.deltas],
            }
            for s in sorted(data.symbols, key=lambda s: s.key)
        ],
    }


def dumps(data: AbiData) -> str:
    """``data`` as JSON text (byte-identical for equal data)."""
    return json.dumps(to_dict(data), indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def write(data: AbiData, path: Path) -> None:
    """Write ``data`` to ``path`` (gzip-compressed, without time stamp, for .gz)."""
    text = dumps(data).encode("utf-8")
    write_if_changed(path, gzip.compress(text, mtime=0) if path.suffix == ".gz" else text)


def from_dict(obj: dict, origin: str = "<data>") -> AbiData:
    """The model of a parsed JSON document; validates it against the schema."""
    _validate(obj, origin)
    builds = [Build(**b) for b in obj["builds"]]
    known = {b.id for b in builds}
    symbols = []
    for i, s in enumerate(obj["symbols"]):
        status = {}
        for bid, st in s.get("status", {}).items():
            if bid not in known:
                raise AbiDataError(f"{origin}: symbols[{i}] ({s['name']}): unknown build {bid!r}")
            st = dict(st)
            st["instances"] = [Instance(**{**x, "inline_callers": tuple(x.get("inline_callers", ())),
                                              "direct_callers": tuple(x.get("direct_callers", ()))})
                               for x in st.get("instances", [])]
            st["symbols"] = [ElfSymbol(**x) for x in st.get("symbols", [])]
            status[bid] = BuildStatus(**st)
        deltas = [Delta(**{**d, "changes": [Change(**c) for c in d.get("changes", [])]})
                  for d in s.get("deltas", [])]
        symbols.append(AbiSymbol(kind=s["kind"], name=s["name"], file=s.get("file"),
                                 status=status, deltas=deltas))
    return AbiData(builds=builds, symbols=symbols, sources=list(obj.get("sources", [])))


def read(path: Path) -> AbiData:
    """Read an ABI data file (JSON, or gzip-compressed JSON)."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise AbiDataError(f"{path}: cannot read: {err.strerror or err}") from None
    return loads(raw, str(path))


def loads(raw: bytes, origin: str) -> AbiData:
    """The model of the bytes of an ABI data file (``origin`` names it in errors)."""
    try:
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8")
    except (EOFError, gzip.BadGzipFile, zlib.error) as err:
        raise AbiDataError(f"{origin}: broken gzip data: {err}") from None
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise AbiDataError(f"{origin}:{line}: not UTF-8 text") from None
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as err:
        raise AbiDataError(f"{origin}:{err.lineno}:{err.colno}: invalid JSON: {err.msg}") from None
    return from_dict(obj, origin)


def merge(datasets: list[AbiData]) -> AbiData:
    """One dataset of several: builds and symbols united, first wins on clashes."""
    out = AbiData()
    seen_builds: set[str] = set()
    by_key: dict[tuple[str, str, str], AbiSymbol] = {}
    for data in datasets:
        out.sources.extend(s for s in data.sources if s not in out.sources)
        for build in data.builds:
            if build.id not in seen_builds:
                seen_builds.add(build.id)
                out.builds.append(build)
        for sym in data.symbols:
            have = by_key.get(sym.key)
            if have is None:
                by_key[sym.key] = AbiSymbol(sym.kind, sym.name, sym.file, dict(sym.status), list(sym.deltas))
                continue
            for bid, st in sym.status.items():
                have.status.setdefault(bid, st)
            have.deltas.extend(d for d in sym.deltas if d not in have.deltas)
    out.symbols = sorted(by_key.values(), key=lambda s: s.key)
    return out


def _validate(obj: object, origin: str) -> None:
    """Schema check with a readable message (JSON path of the first error)."""
    import jsonschema

    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise AbiDataError(f"{origin}: not a kdocgen ABI data file (\"format\": \"{FORMAT}\" missing)")
    if obj.get("version") != VERSION:
        raise AbiDataError(f"{origin}: ABI data version {obj.get('version')!r}; this kdocgen reads version {VERSION}")
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(obj), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        where = "/".join(str(p) for p in err.absolute_path) or "(top)"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise AbiDataError(f"{origin}: at {where}: {err.message}{more}")


def write_result(data: AbiData, path: Path, failures: int) -> str | None:
    """Write the result of an import or scan to ``path``, unless that would
    replace good data with less: a run that read nothing writes nothing, and
    a run with ``failures`` writes only when ``path`` has no build or symbol
    the new data lacks.  Returns why nothing was written, or None."""
    if not data.builds or not data.symbols:
        return "nothing was read"
    if failures and path.exists():
        try:
            old = read(path)
        except AbiDataError:
            old = AbiData()  # not ABI data: nothing in it to keep
        lost_builds = {b.id for b in old.builds} - {b.id for b in data.builds}
        lost_symbols = {s.key for s in old.symbols} - {s.key for s in data.symbols}
        if lost_builds or lost_symbols:
            return (f"{path} has {len(lost_builds)} build(s) and {len(lost_symbols)} symbol(s) "
                    "this failed run lacks; it is left as it was")
    write(data, path)
    return None
