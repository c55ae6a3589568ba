"""Inline status from DWARF: which functions are inlined, where, and kept out of line.

For every subprogram of the (wanted) compile units: its declaration
``file:line``, whether it is external, how many call sites inline it and in
which callers, and whether an out-of-line copy (possibly a compiler clone)
exists.  Module debug files are relocatable and have their DWARF relocated;
linked images are not.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from elftools.common.exceptions import DWARFError, ELFError

from .elfsyms import open_elf


@dataclass
class Subprogram:
    """What DWARF says of one function (one abstract definition)."""

    name: str
    cu: str
    decl: str = ""                 # "file:line"
    external: bool = False
    inline_attr: int = 0           # DW_AT_inline (0 = not an inline candidate)
    inlined_sites: int = 0
    inline_callers: set[str] = field(default_factory=set)
    out_of_line: bool = False

    @property
    def inline(self) -> str:
        """"Full", "Selective" or "No"."""
        if self.inlined_sites == 0:
            return "No"
        return "Selective" if self.out_of_line else "Full"


def analyse(data: bytes, origin: str, keep_cu=lambda name: True) -> list[Subprogram]:
    """The subprograms of the compile units ``keep_cu(cu name)`` accepts."""
    elf = open_elf(data, origin)
    if not elf.has_dwarf_info():
        return []
    try:
        dwarf = elf.get_dwarf_info(relocate_dwarf_sections=elf["e_type"] == "ET_REL")
        found: dict[int, Subprogram] = {}
        for cu in dwarf.iter_CUs():
            top = cu.get_top_DIE()
            cu_name = _text(top.attributes.get("DW_AT_name"))
            if keep_cu(cu_name):
                _walk_cu(dwarf, cu, cu_name, found)
    except (DWARFError, ELFError, KeyError, IndexError, ValueError, AttributeError) as err:
        raise ValueError(f"{origin}: unreadable DWARF: {err}") from None
    return sorted(found.values(), key=lambda s: (s.name, s.cu, s.decl))


def _walk_cu(dwarf, cu, cu_name: str, found: dict[int, Subprogram]) -> None:
    """Record every subprogram and inlined call of one compile unit."""
    comp_dir = _text(cu.get_top_DIE().attributes.get("DW_AT_comp_dir"))
    files = [_relative(f, comp_dir) for f in _file_names(dwarf, cu)]
    for die in cu.iter_DIEs():
        if die.tag == "DW_TAG_subprogram":
            abstract = _origin(die)
            sub = _subprogram(abstract, cu_name, files, found)
            if sub is not None and ("DW_AT_low_pc" in die.attributes or "DW_AT_ranges" in die.attributes):
                sub.out_of_line = True
        elif die.tag == "DW_TAG_inlined_subroutine":
            sub = _subprogram(_origin(die), cu_name, files, found)
            if sub is not None:
                sub.inlined_sites += 1
                caller = _caller(die)
                if caller:
                    sub.inline_callers.add(f"{cu_name}:{caller}")


def _relative(path: str, comp_dir: str) -> str:
    """``path`` relative to the compilation directory when below it."""
    if comp_dir and path.startswith(comp_dir.rstrip("/") + "/"):
        return path[len(comp_dir.rstrip("/")) + 1:]
    return path


def _origin(die):
    """The abstract DIE of a concrete or inlined instance (the DIE itself if none)."""
    seen = 0
    while "DW_AT_abstract_origin" in die.attributes and seen < 4:
        die = die.get_DIE_from_attribute("DW_AT_abstract_origin")
        seen += 1
    if "DW_AT_specification" in die.attributes:
        die = die.get_DIE_from_attribute("DW_AT_specification")
    return die


def _subprogram(die, cu_name: str, files: list[str], found: dict[int, Subprogram]) -> Subprogram | None:
    """The record of an abstract subprogram DIE (created on first sight)."""
    name = _text(die.attributes.get("DW_AT_name"))
    if not name:
        return None
    sub = found.get(die.offset)
    if sub is None:
        attrs = die.attributes
        index = attrs["DW_AT_decl_file"].value if "DW_AT_decl_file" in attrs else None
        decl = ""
        if index is not None and 0 <= index < len(files):
            decl = f"{files[index]}:{attrs['DW_AT_decl_line'].value if 'DW_AT_decl_line' in attrs else 0}"
        origin_cu = _text(die.cu.get_top_DIE().attributes.get("DW_AT_name")) or cu_name
        sub = Subprogram(name=name, cu=origin_cu, decl=decl,
                         external=bool(attrs["DW_AT_external"].value) if "DW_AT_external" in attrs else False,
                         inline_attr=attrs["DW_AT_inline"].value if "DW_AT_inline" in attrs else 0)
        found[die.offset] = sub
    return sub


def _caller(die) -> str:
    """The name of the concrete function an inlined call sits in."""
    parent = die.get_parent()
    while parent is not None and parent.tag != "DW_TAG_subprogram":
        parent = parent.get_parent()
    if parent is None:
        return ""
    return _text(_origin(parent).attributes.get("DW_AT_name"))


def _file_names(dwarf, cu) -> list[str]:
    """Line-program file names by DW_AT_decl_file index (DWARF 4 and 5 numbering)."""
    program = dwarf.line_program_for_CU(cu)
    if program is None:
        return []
    dirs = [_text(d) for d in program["include_directory"]]
    names = []
    for entry in program["file_entry"]:
        name = _text(entry.name)
        index = entry.dir_index
        if program.header.version < 5:
            index -= 1
        directory = dirs[index] if 0 <= index < len(dirs) else ""
        names.append(os.path.normpath(os.path.join(directory, name)) if directory and not name.startswith("/") else name)
    if program.header.version < 5:
        names.insert(0, "")
    return names


def _text(value) -> str:
    if value is None:
        return ""
    value = getattr(value, "value", value)
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
