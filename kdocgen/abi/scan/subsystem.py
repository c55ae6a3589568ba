"""Which symbols a scan is restricted to, and which binary each file builds into.

The symbols are the functions defined in a MAINTAINERS entry's files (found
with kdocgen's own extractor), or names from a list.  The file -> module map
is read from the kernel Makefiles (``obj-$(CONFIG_X) += mod.o``,
``mod-y := a.o b.o``), so a static of ``drivers/hv/channel.c`` is looked for
in ``hv_vmbus`` and a same-named symbol elsewhere is a collision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ...maintainers import Entry



@dataclass(frozen=True)
class Wanted:
    """A symbol the scan reports: its kind, name and defining file (or None)."""

    kind: str
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
    """The module of each ``.c`` file in ``files``, from its directory's Makefile."""
    from .kbuild import read_rules

    return FileModules(read_rules(tree, files).module_map())


def wanted_from_sources(sources) -> list[Wanted]:
    """Functions with a body and defined structs of the extracted files (``SourceFile`` objects).

    A header body of a name some ``.c`` file defines is a stub for another
    configuration (``static inline ... { return 0; }``) and is left out.
    """
    out = {}
    for source in sources:
        for sym in source.symbols:
            if sym.kind == "function" and sym.has_body:
                out.setdefault((sym.name, source.path), Wanted("function", sym.name, source.path))
    in_c = {name for name, path in out if path.endswith(".c")}
    kept = [w for (name, path), w in out.items() if path.endswith(".c") or name not in in_c]
    structs = {}
    for source in sources:
        for sym in source.symbols:
            if sym.kind == "struct" and sym.name and sym.params:
                structs.setdefault(sym.name, Wanted("struct", sym.name, source.path))
    return sorted(kept + list(structs.values()), key=lambda w: (w.kind, w.name, w.file or ""))


def wanted_from_list(path: Path) -> list[Wanted]:
    """Names from a file: one per line, ``name`` or ``name<TAB>file``; ``#`` comments."""
    out = []
    for line in path.read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, file = line.partition("\t") if "\t" in line else line.partition(" ")
            out.append(Wanted("function", name.strip(), file.strip() or None))
    return out


def subsystem_wanted(tree: Path, entry: Entry, jobs: int = 1) -> tuple[list[Wanted], FileModules]:
    """The functions of a MAINTAINERS entry's files and their files' modules."""
    from ...extract import extract_many
    from ...maintainers import entry_files

    files = entry_files(tree, entry)
    sources = list(extract_many(tree, files, jobs=jobs))
    return wanted_from_sources(sources), read_kbuild(tree, files)
