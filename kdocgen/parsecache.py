"""Parsed files kept on disk between runs, keyed by their bytes: a file
whose bytes did not change is not parsed again (``kdocgen site`` and the
Sphinx extension of the site share one cache folder).

One cache file per source path and extraction options, named from those
and from the code that parses (so a changed kdocgen never reads an old
entry): the SHA-256 of the source bytes, a newline, the pickled
:class:`~kdocgen.model.SourceFile` (or what another step made of the file,
in a folder of its own: the user-space ABI scan's attributes).  An edited
file replaces its entry.
Entries are written atomically; only kdocgen writes them (pickles are
read from nowhere else).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .extract import extract_many
from .kerneldoc.dialect import DEFAULT, Dialect
from .files import write_if_changed
from .model import SourceFile


def digest(data: bytes) -> str:
    """The SHA-256 of ``data``, in hex."""
    return hashlib.sha256(data).hexdigest()


@functools.cache
def code_digest() -> str:
    """A digest of kdocgen's own code and the parser's version: what else
    decides the result of parsing a file."""
    package = Path(__file__).parent
    hasher = hashlib.sha256()
    for path in sorted(package.rglob("*.py")) + sorted(package.rglob("*.scm")):
        hasher.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for dist in ("tree-sitter", "tree-sitter-c"):
        try:
            hasher.update(f"{dist}={metadata.version(dist)}\0".encode())
        except metadata.PackageNotFoundError:
            pass
    return hasher.hexdigest()


@dataclass(frozen=True)
class ParseCache:
    """The cache folder."""

    folder: Path

    def _entry(self, relpath: str, options: str) -> Path:
        name = digest(f"{code_digest()}\0{relpath}\0{options}".encode())[:40]
        return self.folder / f"{name}.pickle"

    def load(self, relpath: str, data_digest: str, options: str):
        """What was kept for ``relpath`` (the model of a file) made from
        bytes with ``data_digest``, if kept."""
        try:
            raw = self._entry(relpath, options).read_bytes()
        except OSError:
            return None
        head, _, body = raw.partition(b"\n")
        if head.decode("ascii", "replace") != data_digest:
            return None
        try:
            return pickle.loads(body)
        except Exception:  # noqa: BLE001 - a damaged entry is parsed again
            return None

    def store(self, relpath: str, data_digest: str, options: str, made) -> None:
        """Keep what was made of ``relpath`` (bytes with ``data_digest``)."""
        body = pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL)
        write_if_changed(self._entry(relpath, options), data_digest.encode("ascii") + b"\n" + body)


def file_digest(path: Path) -> str | None:
    """The digest of a file's bytes (None when it cannot be read)."""
    try:
        return digest(path.read_bytes())
    except OSError:
        return None


def extract_cached(tree: str | os.PathLike, relpaths: list[str], cache: ParseCache | None, jobs: int = 1,
                   with_calls: bool = False,
                   dialect: Dialect = DEFAULT) -> tuple[list[SourceFile], dict[str, str | None]]:
    """The models of ``relpaths`` in order, read with ``dialect``'s rules
    (only files not in ``cache`` are parsed, in ``jobs`` processes) and the
    digest of each file's bytes."""
    options = f"calls={with_calls}\0rules={dialect.generation}:{dialect.version}"
    digests = {rel: file_digest(Path(tree) / rel) for rel in relpaths}
    found: dict[str, SourceFile] = {}
    if cache is not None:
        for rel, data_digest in digests.items():
            kept = cache.load(rel, data_digest, options) if data_digest else None
            if kept is not None:
                found[rel] = kept
    missing = [rel for rel in relpaths if rel not in found]
    for rel, source in zip(missing, extract_many(tree, missing, jobs=jobs, with_calls=with_calls,
                                                 dialect=dialect)):
        found[rel] = source
        # kept only when the file did not change while it was parsed
        known = digests[rel]
        if cache is not None and known and known == file_digest(Path(tree) / rel):
            cache.store(rel, known, options, source)
    return [found[rel] for rel in relpaths], digests
