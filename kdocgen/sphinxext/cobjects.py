"""The C domain's objects, named again only for the pages read again.

The search index and ``objects.inv`` list every object of every domain;
the C domain names each of its objects by walking its symbol tree up to the
root (tens of thousands of them in a large site), at every build.  Here the
list is kept per page in the doctree folder, with the size and time of the
page's doctree: a page whose doctree was not written again (not read again)
has the same objects, so an edit names only the objects of the pages it
read.  The objects are listed page by page; Sphinx's users of the list
(search index, inventory) sort it.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from pathlib import Path

from ..files import write_if_changed
from ..site.record import C_OBJECTS

CObject = tuple[str, str, str, str, str, int]
Stamp = tuple[int, int]


def doctree_stamp(doctrees: Path, docname: str) -> Stamp | None:
    """The size and time of a page's doctree (None: none)."""
    try:
        info = (doctrees / f"{docname}.doctree").stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def name_objects(root, docnames: set[str]) -> dict[str, list[CObject]]:
    """The C objects of ``docnames``, as the C domain lists them."""
    found: dict[str, list[CObject]] = {d: [] for d in docnames}
    for symbol in root.get_all_symbols():
        if symbol.declaration is None or symbol.docname not in found:
            continue
        full_name = symbol.get_full_nested_name()
        found[symbol.docname].append((str(full_name).lstrip("."), full_name.get_display_string().lstrip("."),
                                      symbol.declaration.objectType, symbol.docname,
                                      symbol.declaration.get_newest_id(), 1))
    return found


@dataclass
class CObjects:
    """The objects of a build's pages (kept in ``doctrees``)."""

    doctrees: Path
    pages: dict[str, tuple[Stamp, list[CObject]]] = field(default_factory=dict)

    def listed(self, root, docnames: set[str]) -> list[CObject]:
        """Every object of ``docnames``: kept for the pages whose doctree
        is the one they were named from, named again for the others."""
        kept = self._read()
        stamps = {d: doctree_stamp(self.doctrees, d) for d in sorted(docnames)}
        again = {d for d, stamp in stamps.items() if stamp is None or kept.get(d, (None, []))[0] != stamp}
        named = name_objects(root, again) if again else {}
        self.pages = {d: (stamp, named[d] if d in again else kept[d][1])
                      for d, stamp in stamps.items() if stamp is not None}
        return [item for d in sorted(docnames) for item in (named[d] if d in again else kept[d][1])]

    def save(self) -> None:
        """Keep the lists for the next build (if this one made them)."""
        if self.pages:
            write_if_changed(self.doctrees / C_OBJECTS,
                             pickle.dumps(self.pages, protocol=pickle.HIGHEST_PROTOCOL))

    def _read(self) -> dict[str, tuple[Stamp, list[CObject]]]:
        try:
            pages = pickle.loads((self.doctrees / C_OBJECTS).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
            return {}
        return pages if isinstance(pages, dict) else {}
