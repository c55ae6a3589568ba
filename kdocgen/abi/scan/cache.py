"""The per-build cache: one gzipped index per build under ``~/.cache/kdocgen/abi/``."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

from ...files import write_if_changed
from .index import BuildIndex, from_json, to_json

#: Bump when the index content changes, so old cache entries are ignored.
SCANNER_VERSION = 4


def default_root() -> Path:
    """``$KDOCGEN_CACHE/abi`` or ``~/.cache/kdocgen/abi``."""
    from ...sources import cache_dir
    return cache_dir() / "abi"


class IndexCache:
    """Build indexes by key (a package name and version, or a digest of local files)."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, key: str) -> Path:
        safe = re.sub(r"[^A-Za-z0-9.+_-]", "_", key)
        return self.root / "index" / f"{safe}-v{SCANNER_VERSION}.json.gz"

    def get(self, key: str) -> BuildIndex | None:
        """The cached index, or None (missing or unreadable entries are ignored)."""
        try:
            return from_json(json.loads(gzip.decompress(self.path(key).read_bytes())))
        except (OSError, EOFError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, index: BuildIndex) -> None:
        """Store ``index`` (atomically)."""
        write_if_changed(self.path(key),
                         gzip.compress(json.dumps(to_json(index), separators=(",", ":")).encode(), mtime=0))


def digest_key(origin: str, files: dict[str, bytes]) -> str:
    """A key for local inputs: sha256 over their origin and the names and contents of the files read."""
    h = hashlib.sha256(origin.encode())
    for name in sorted(files):
        data = files[name]
        h.update(b"\0%s\0%d\0" % (name.encode(), len(data)))
        h.update(data)
    return "local-" + h.hexdigest()[:24]
