"""Load ABI data for the site: kdocgen ABI JSON files (``.json``,
``.json.gz``) and DepSurf pages (folders of ``.md`` pages, or single pages).

A source that cannot be read gives one message naming the file (and line);
the others are still loaded.
"""

from __future__ import annotations

from pathlib import Path

from .model import AbiData
from .store import AbiDataError, merge, read


def _is_json(path: Path) -> bool:
    return path.name.endswith((".json", ".json.gz"))


def load_abi(paths: list[Path]) -> tuple[AbiData, list[str]]:
    """The merged data of ``paths`` (first wins on clashes), and the errors
    as ``file[:line]: message``."""
    datasets: list[AbiData] = []
    errors: list[str] = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            errors.append(f"{path}: no such file or folder")
        elif path.is_file() and _is_json(path):
            try:
                datasets.append(read(path))
            except AbiDataError as err:
                errors.append(str(err))
        elif path.is_dir() or path.suffix == ".md":
            data, problems = _read_depsurf(path)
            errors += problems
            if data is not None:
                datasets.append(data)
        else:
            errors.append(f"{path}: not ABI data (expected .json, .json.gz, a DepSurf page or folder)")
    return merge(datasets), errors


def _read_depsurf(path: Path) -> tuple[AbiData | None, list[str]]:
    """DepSurf pages through the importer (:mod:`kdocgen.abi.depsurf`)."""
    from .depsurf import read_depsurf
    return read_depsurf([path])


def load_site_abi(paths: list[str] | None, say=print) -> tuple[AbiData | None, int]:
    """``kdocgen site --abi``: the data of ``paths`` (None when there are
    none), after reporting each error with ``say``; and the error count."""
    if not paths:
        return None, 0
    data, errors = load_abi([Path(p) for p in paths])
    for error in errors:
        say(error)
    return data, len(errors)
