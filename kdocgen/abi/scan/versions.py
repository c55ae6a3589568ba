"""What each kernel version's own source says: which functions exist where.

For every version a scan covers, its ``linux-source-X.Y`` tree (only the
subsystem's files, the Makefiles and the ``.c`` files searched for
same-named definitions) gives the functions each file defines (``__weak``
and ``static`` marked), the Kbuild rule of each file, and the other files of
the tree that define a function of the same name (a symbol of theirs is not
ours).  The classifier reads a build's version from here, so a function
removed before the newest version is still listed, and an absence can be
explained: not in this version, not configured, another architecture...
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .kbuild import Kbuild, read_rules
from .subsystem import Wanted

#: Directories never linked into a kernel (searched for nothing).
_SKIP_DIRS = ("tools/", "Documentation/", "samples/", "scripts/", "usr/", "LICENSES/")
#: A definition's head at the start of a line: ``type name(`` (not a statement, not a macro).
_HEAD = re.compile(rb"^(?![ \t#/*}])(?:[^;=(){}\n]|\(\([^()\n]*\)\))*?\b([A-Za-z_]\w*)\s*\((?!\()", re.M)
_WEAK = re.compile(r"\b__weak\b|__attribute__\s*\(\(\s*(?:__)?weak")


@dataclass(frozen=True)
class Definition:
    """How a version's file defines a function."""

    weak: bool = False
    static: bool = False


@dataclass
class VersionSource:
    """One kernel version's source facts for a scan."""

    version: str                                              # "6.1"
    files: set[str] = field(default_factory=set)                                # the subsystem's files
    defined: dict[tuple[str, str], Definition] = field(default_factory=dict)   # (name, file) -> how
    structs: set[tuple[str, str]] = field(default_factory=set)                 # (name, file)
    kbuild: Kbuild = field(default_factory=Kbuild)
    others: dict[str, list[str]] = field(default_factory=dict)                 # name -> other defining .c files

    def definers(self, name: str) -> list[str]:
        """The subsystem's files that define ``name`` in this version."""
        return sorted(f for n, f in self.defined if n == name)


def series(version: str) -> str:
    """``6.1.192`` -> ``6.1``."""
    return ".".join(version.split(".")[:2])


def version_source(tree: Path, sources, version: str, cache: Path | None = None) -> VersionSource:
    """The facts of one version from its tree and its extracted subsystem files (``SourceFile``s)."""
    out = VersionSource(version)
    for source in sources:
        out.files.add(source.path)
        for sym in source.symbols:
            if sym.kind == "function" and sym.has_body:
                out.defined.setdefault((sym.name, source.path), Definition(
                    weak=bool(_WEAK.search(sym.decl)), static=sym.storage == "static" or
                    sym.decl.lstrip().startswith("static")))
            elif sym.kind == "struct" and sym.name and sym.params:
                out.structs.add((sym.name, source.path))
    ours = {f for _n, f in out.defined}
    names = {n for n, f in out.defined if f.endswith(".c")}
    out.others = other_definitions(tree, names, ours, cache)
    files = sorted(ours | {f for files in out.others.values() for f in files})
    out.kbuild = read_rules(tree, files)
    return out


def other_definitions(tree: Path, names: set[str], ours: set[str], cache: Path | None = None) -> dict[str, list[str]]:
    """``name -> [file]``: the ``.c`` files outside ``ours`` that define a function called ``name``.

    Kernel style puts a definition's head at the start of a line and its
    ``{`` after the parameter list; a prototype ends with ``;`` first.  The
    result is cached under ``cache`` by tree and names.
    """
    key = hashlib.sha256(json.dumps([str(tree), sorted(names), sorted(ours)]).encode()).hexdigest()[:24]
    path = cache / f"others-{key}.json.gz" if cache else None
    if path is not None and path.is_file():
        try:
            return json.loads(gzip.decompress(path.read_bytes()))
        except (OSError, EOFError, ValueError):
            pass
    wanted = {n.encode() for n in names}
    found: dict[str, set[str]] = {}
    for rel in _c_files(tree):
        if rel in ours:
            continue
        try:
            text = (tree / rel).read_bytes()
        except OSError:
            continue
        for match in _HEAD.finditer(text):
            name = match.group(1)
            if name in wanted and _is_definition(text, match.end()):
                found.setdefault(name.decode(), set()).add(rel)
    result = {n: sorted(f) for n, f in sorted(found.items())}
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(json.dumps(result).encode(), mtime=0))
    return result


def _is_definition(text: bytes, start: int) -> bool:
    """True when the parameter list opened before ``start`` is followed by a body."""
    depth, pos, end = 1, start, min(len(text), start + 4000)
    while pos < end and depth:
        char = text[pos]
        depth += (char == 40) - (char == 41)      # ( and )
        pos += 1
    rest = text[pos:pos + 400]
    brace, semi = rest.find(b"{"), rest.find(b";")
    return brace >= 0 and (semi < 0 or brace < semi)


def _c_files(tree: Path):
    """Relative paths of the tree's ``.c`` files, sorted, outside never-linked directories."""
    out = []
    for root, dirs, files in os.walk(tree):
        rel_root = os.path.relpath(root, tree)
        rel_root = "" if rel_root == "." else rel_root + "/"
        dirs[:] = sorted(d for d in dirs if not (rel_root + d + "/").startswith(_SKIP_DIRS))
        out += [rel_root + f for f in files if f.endswith(".c")]
    return sorted(out)


def union_wanted(versions: list[VersionSource]) -> list[Wanted]:
    """Every function and struct some version defines (functions in ``.c`` files
    win over a header's stub of the same name in that version; ``tools/`` is user
    space and left out)."""
    out: set[Wanted] = set()
    struct_files: dict[str, str] = {}
    for source in sorted(versions, key=lambda v: [int(n) for n in v.version.split(".")], reverse=True):
        in_c = {n for n, f in source.defined if f.endswith(".c")}
        out.update(Wanted("function", n, f) for n, f in source.defined
                   if not f.startswith("tools/") and (f.endswith(".c") or n not in in_c))
        for name, file in sorted(source.structs):
            if not file.startswith("tools/"):
                struct_files.setdefault(name, file)      # the newest version's file
    out.update(Wanted("struct", n, f) for n, f in struct_files.items())
    return sorted(out, key=lambda w: (w.kind, w.name, w.file or ""))
