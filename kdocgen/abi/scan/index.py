"""The per-build index: everything a scan learned of one build, cacheable as JSON.

It holds every function symbol of vmlinux and of each module (clones
included), the exports with CRCs, the BTF prototypes and, when debug
information was read, the DWARF subprograms.  Classification for any symbol
set works from it alone, so a cached index makes a re-scan free.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..model import Build
from .dwarf import Subprogram
from .elfsyms import Export, FuncSym

_BIND = {"STB_LOCAL": "l", "STB_GLOBAL": "g", "STB_WEAK": "w"}
_UNBIND = {v: k for k, v in _BIND.items()}


@dataclass
class BinaryIndex:
    """One binary of a build (``vmlinux`` or a module)."""

    name: str
    path: str = ""
    funcs: list[FuncSym] = field(default_factory=list)
    exports: dict[str, Export] = field(default_factory=dict)
    signatures: dict[str, str] = field(default_factory=dict)
    structs: dict[str, str] = field(default_factory=dict)     # BTF struct name -> definition
    subprograms: list[Subprogram] = field(default_factory=list)
    has_btf: bool = False
    has_dwarf: bool = False


@dataclass
class BuildIndex:
    """A scanned build."""

    build: Build
    binaries: list[BinaryIndex] = field(default_factory=list)   # vmlinux first
    exports_known: bool = True      # vmlinux export kinds are known
    config: dict[str, str] | None = None    # CONFIG_X -> y/m/value; None when the build has no config file

    def binary(self, name: str) -> BinaryIndex | None:
        """The binary called ``name`` (None when the build has none)."""
        for binary in self.binaries:
            if binary.name == name:
                return binary
        return None


def to_json(index: BuildIndex) -> dict:
    """The JSON-ready form (compact: symbols as ``[name, bind, size]``)."""
    return {
        "build": asdict(index.build),
        "exports_known": index.exports_known,
        "config": dict(sorted(index.config.items())) if index.config is not None else None,
        "binaries": [{
            "name": b.name, "path": b.path, "has_btf": b.has_btf, "has_dwarf": b.has_dwarf,
            "funcs": [[f.name, _BIND.get(f.bind, f.bind), f.size, *([f.file] if f.file else [])]
                      for f in b.funcs],
            "exports": {k: list(v) for k, v in sorted(b.exports.items())},
            "signatures": dict(sorted(b.signatures.items())),
            "structs": dict(sorted(b.structs.items())),
            "subprograms": [{**asdict(s), "inline_callers": sorted(s.inline_callers)} for s in b.subprograms],
        } for b in index.binaries],
    }


def from_json(obj: dict) -> BuildIndex:
    """The index of its JSON form (KeyError/TypeError/ValueError on bad data)."""
    binaries = []
    for b in obj["binaries"]:
        binaries.append(BinaryIndex(
            name=b["name"], path=b["path"], has_btf=b["has_btf"], has_dwarf=b["has_dwarf"],
            funcs=[FuncSym(f[0], _UNBIND.get(f[1], f[1]), f[2], *f[3:]) for f in b["funcs"]],
            exports={k: (v[0], v[1], v[2] if len(v) > 2 else "") for k, v in b["exports"].items()},
            signatures=dict(b["signatures"]), structs=dict(b["structs"]),
            subprograms=[Subprogram(**{**s, "inline_callers": set(s["inline_callers"])}) for s in b["subprograms"]],
        ))
    return BuildIndex(build=Build(**obj["build"]), binaries=binaries, exports_known=obj["exports_known"],
                      config=obj.get("config"))
