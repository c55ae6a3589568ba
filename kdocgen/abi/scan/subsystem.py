"""Which symbols a scan is restricted to, and which binary each file builds into.

The symbols are the functions defined in a MAINTAINERS entry's files (each
version's, see :mod:`.versions`), or names from a list.  The file -> module map
is read from the kernel Makefiles (``obj-$(CONFIG_X) += mod.o``,
``mod-y := a.o b.o``), so a static of ``drivers/hv/channel.c`` is looked for
in ``hv_vmbus`` and a same-named symbol elsewhere is a collision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ...kinds import AbiSymbolKind
from .kbuild import read_rules




@dataclass(frozen=True)
class Wanted:
    """A symbol the scan reports: its kind, name and defining file (or None)."""

    kind: AbiSymbolKind
    name: str
    file: str | None = None


@dataclass
class FileModules:
    """Source file (kernel-relative ``.c``) -> the module it is linked into."""

    modules: dict[str, str] = field(default_factory=dict)

    def module_of(self, path: str | None) -> str | None:
        """The module name (underscores) of ``path``; None when unknown."""
        return self.modules.get(path or "")


def read_kbuild(tree: Path, files: list[str]) -> FileModules:
    """The module of each ``.c`` file in ``files``, from the Makefiles (:mod:`.kbuild`)."""
    return FileModules(read_rules(tree, files).module_map())


def wanted_from_list(path: Path) -> list[Wanted]:
    """Names from a file: one per line, ``name`` or ``name<TAB>file``; ``#`` comments."""
    out = []
    for line in path.read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, file = line.partition("\t") if "\t" in line else line.partition(" ")
            out.append(Wanted("function", name.strip(), file.strip() or None))
    return out
