"""Whole-site outputs of an HTML build, cheaper when few pages changed
(active with a site description, ``kdocgen_site``):

- ``genindex.html`` is written again only when what it is made of changed:
  the index entries of every page and what every page shares (code,
  configuration, navigation, theme, static files).  An edit that changes
  no index entry keeps the page of the last build, which is the same bytes;
- every domain's objects are listed once per build: the search index and
  ``objects.inv`` both list all of them (tens of thousands of C objects,
  each named by walking the C domain's symbol tree); the C domain's are
  named again only for the pages read again (:mod:`.cobjects`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Iterator

from sphinx.util._serialise import stable_hash

from ..parsecache import digest
from .cobjects import CObjects
from .outputs import build_outputs
from .sourceview import enabled, shared_key
from ..site.description import site_of
from ..site.record import GENINDEX_KEY

_CATEGORIES = frozenset({"env", "html"})


def genindex_key(app) -> str:
    """What ``genindex.html`` is made of, as a digest."""
    entries = app.env.get_domain("index").entries
    settings = sorted(f"{item.name}={stable_hash(item.value)}" for item in app.config.filter(_CATEGORIES)
                      if " at 0x" not in repr(item.value))  # not an object's address
    parts = [shared_key(app), *settings, repr(sorted(entries.items()))]
    return digest("\n".join(parts).encode())


def keep_genindex(app) -> None:
    """builder-inited: the builder writes the general index only when its key
    changed (or the page is missing)."""
    builder = app.builder
    if site_of(app) is None or not enabled(builder) or not hasattr(builder, "write_genindex"):
        return
    write = builder.write_genindex

    def write_genindex() -> None:
        record = Path(app.doctreedir) / GENINDEX_KEY
        build_outputs(app).add("genindex")
        if builder.config.html_split_index:
            record.unlink(missing_ok=True)
            write()
            return
        key = genindex_key(app)
        if Path(builder.get_outfilename("genindex")).is_file() and _read(record) == key:
            return
        record.unlink(missing_ok=True)
        write()
        record.write_text(key, encoding="ascii")

    builder.write_genindex = write_genindex


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii")
    except (OSError, ValueError):
        return ""


def list_objects_once(app, builder) -> None:
    """write-started: every domain's ``get_objects`` computed at its first
    call of the writing phase (nothing is declared then), then repeated."""
    if site_of(app) is None or not enabled(builder):
        return
    env = app.env
    for domain in env.domains.values():
        if domain.name == "c" and "root_symbol" in domain.data:
            app.kdocgen_c_objects = kept = CObjects(Path(app.doctreedir))
            root = domain.data["root_symbol"]
            domain.get_objects = _once(lambda: kept.listed(root, set(env.all_docs)))
        else:
            domain.get_objects = _once(domain.get_objects)


def _once(get_objects: Callable[[], Iterable[tuple]]) -> Callable[[], Iterator[tuple]]:
    listed: list[list[tuple]] = []

    def objects() -> Iterator[tuple]:
        if not listed:
            listed.append(list(get_objects()))
        return iter(listed[0])
    return objects


def forget_objects(app, exception) -> None:
    """build-finished: the C objects kept for the next build (when this one
    succeeded); the domains list their objects afresh again."""
    kept = getattr(app, "kdocgen_c_objects", None)
    if kept is not None and exception is None:
        kept.save()
    app.kdocgen_c_objects = None
    for domain in app.env.domains.values():
        domain.__dict__.pop("get_objects", None)


def setup_wholesite(app) -> None:
    """Register the handlers."""
    app.connect("builder-inited", keep_genindex)
    app.connect("write-started", list_objects_once)
    app.connect("build-finished", forget_objects)
