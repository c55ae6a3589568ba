"""The site description: what ``kdocgen site`` tells the Sphinx extension.

``kdocgen site`` writes it as ``<page_dir>/_site.json``; the site's
``conf.py`` passes that JSON as the ``kdocgen_site`` configuration value;
the extension turns it into one frozen :class:`SiteDescription` when the
configuration is ready (:func:`describe_site`) and every part of the
extension reads that object (:func:`site_of`).  This module is the only one
that writes or reads the format.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Mapping

from ..files import write_if_changed
from ..render.write import page_path

#: The file name of the description in the page folder.
SITE_DATA = "_site.json"
#: The page folder when a description does not say.
DEFAULT_PAGE_DIR = "source"


class SiteDescriptionError(ValueError):
    """A ``kdocgen_site`` value that is not a site description."""


@dataclass(frozen=True)
class SiteDescription:
    """A kdocgen site, as the Sphinx extension needs to know it."""

    tree: Path                                   # the kernel tree the pages document
    title: str
    files: tuple[str, ...]                       # tree-relative C files with a page
    page_dir: str = DEFAULT_PAGE_DIR             # folder of the generated pages in the Sphinx source
    callers: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)  # function -> (caller, file)
    defined: Mapping[str, str] = field(default_factory=dict)   # function -> the file defining it
    abi: str | None = None                       # the ABI data file in page_dir, when there is one
    user_abi: Mapping[str, Any] = field(default_factory=dict)  # Documentation/ABI backlinks
    cache: Path | None = None                    # the parse cache folder of ``kdocgen site``

    def docname(self, path: str) -> str:
        """The docname of the page of the tree-relative C file ``path``."""
        return page_docname(path, self.page_dir)

    def in_pages(self, docname: str) -> bool:
        """Whether ``docname`` is one of the generated pages."""
        return docname.startswith(self.page_dir + "/") if self.page_dir else True

    def page_folder(self, srcdir: str | Path) -> Path:
        """The folder of the generated pages inside the Sphinx source ``srcdir``."""
        return Path(srcdir) / self.page_dir

    def to_json(self) -> str:
        """The description as ``kdocgen site`` writes it (deterministic)."""
        data: dict[str, Any] = {
            "tree": str(self.tree), "title": self.title, "files": list(self.files),
            "page_dir": self.page_dir, "callers": {k: [list(c) for c in v] for k, v in self.callers.items()},
            "defined": dict(self.defined), "user_abi": self.user_abi,
        }
        if self.abi is not None:
            data["abi"] = self.abi
        if self.cache is not None:
            data["cache"] = str(self.cache)
        return json.dumps(data, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_value(cls, value: object) -> "SiteDescription | None":
        """The description a ``kdocgen_site`` value holds: None when it is
        empty (not a kdocgen site); SiteDescriptionError when it is wrong."""
        if not value:
            return None
        if not isinstance(value, Mapping):
            raise SiteDescriptionError(f"expected a JSON object, not {type(value).__name__}")
        tree = _text(value, "tree")
        if not tree:
            raise SiteDescriptionError("no 'tree' (the kernel tree the pages document)")
        files = value.get("files", [])
        if not isinstance(files, list) or not all(isinstance(f, str) and _inside(f) for f in files):
            raise SiteDescriptionError("'files' must be a list of tree-relative paths")
        callers = value.get("callers", {})
        if not isinstance(callers, Mapping) or not all(
                isinstance(pairs, list) and all(isinstance(p, list) and len(p) == 2 for p in pairs)
                for pairs in callers.values()):
            raise SiteDescriptionError("'callers' must map a function to [caller, file] pairs")
        defined = value.get("defined", {})
        if not isinstance(defined, Mapping) or not all(isinstance(v, str) for v in defined.values()):
            raise SiteDescriptionError("'defined' must map a function to its file")
        user_abi = value.get("user_abi")
        user_abi = {} if user_abi is None else user_abi
        if not isinstance(user_abi, Mapping):
            raise SiteDescriptionError("'user_abi' must be an object")
        cache = _text(value, "cache")
        return cls(tree=Path(tree), title=_text(value, "title"), files=tuple(dict.fromkeys(files)),
                   page_dir=_text(value, "page_dir", DEFAULT_PAGE_DIR).strip("/"),
                   callers={k: tuple((str(a), str(b)) for a, b in v) for k, v in callers.items()},
                   defined=dict(defined), abi=_text(value, "abi") or None, user_abi=user_abi,
                   cache=Path(cache) if cache else None)


def page_docname(path: str, page_dir: str = DEFAULT_PAGE_DIR) -> str:
    """The docname of the page of the tree-relative C file ``path``."""
    page = page_path(Path(""), path).with_suffix("").as_posix()
    return f"{page_dir}/{page}" if page_dir else page


def write_description(description: SiteDescription, out: Path) -> Path:
    """Write ``description`` into the page folder ``out`` (only if it changed)."""
    path = out / SITE_DATA
    write_if_changed(path, description.to_json())
    return path


def read_description(out: Path) -> dict:
    """The raw description in the page folder ``out`` (``{}`` when there is
    none or it is not JSON: then the Sphinx source is not a kdocgen site),
    as ``conf.py`` passes it to the extension."""
    try:
        data = json.loads((out / SITE_DATA).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def describe_site(app, config) -> None:
    """config-inited: turn ``kdocgen_site`` into the application's site
    description (a bad value is a warning naming it, and no site)."""
    try:
        app.kdocgen_site = SiteDescription.from_value(config.kdocgen_site)
    except SiteDescriptionError as err:
        from sphinx.util import logging
        logging.getLogger(__name__).warning("kdocgen_site: %s; the site features are off", err,
                                            type="kdocgen", subtype="site")
        app.kdocgen_site = None


def site_of(app) -> SiteDescription | None:
    """The site description of a Sphinx application (None: not a kdocgen site)."""
    return getattr(app, "kdocgen_site", None)


def _text(value: Mapping, key: str, default: str = "") -> str:
    item = value.get(key, default)
    if item is None:
        return default
    if not isinstance(item, str):
        raise SiteDescriptionError(f"'{key}' must be a string")
    return item


def _inside(path: str) -> bool:
    """Whether ``path`` is a relative path that stays inside the tree."""
    rel = PurePosixPath(path)
    return bool(path) and not rel.is_absolute() and ".." not in rel.parts


def setup_description(app) -> None:
    """Register ``kdocgen_site`` (once per application, whichever part of the
    extension asks first) and read it as soon as the configuration is ready.

    Its rebuild mode is "": a changed description re-reads no page by
    itself; each page depends on its own page data (see site/build.py)."""
    if "kdocgen_site" not in app.config:
        app.add_config_value("kdocgen_site", {}, "", [dict])
        app.connect("config-inited", describe_site, priority=100)
