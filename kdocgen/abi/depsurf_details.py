"""One DepSurf status entry (line and ``<details>`` blocks) as a BuildStatus.

Two detail styles exist: the current one (``**Collision:**``, ``**Inline:**``,
``**Transformation:**``, ``**Instances:**`` and ``**Symbols:**`` blocks) and
the seed one (a ``json`` block holding the DWARF func group).  Struct pages
hold a ``c`` block with the layout; tracepoint pages ``Event:`` and
``Function:`` ``c`` blocks, kept together as the signature.

Seed-format signatures (``void * buffer``, no ``;``) are rewritten to the
current spelling (``void *buffer``, trailing ``;``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..cparse.members import split_args
from . import model
from .depsurf_page import Block, PageError, RawStatus
from .model import BuildStatus, ElfSymbol, Instance

#: Both InlineType vocabularies (before and after March 2025).
INLINE_NAMES = {"No": "No", "Full": "Full", "Selective": "Selective",
                "Not inlined": "No", "Fully inlined": "Full", "Partially inlined": "Selective"}
COLLISION_ISSUE = {"Static Duplication": model.DUPLICATE, "Static-Static Collision": model.COLLISION,
                   "Static-Global Collision": model.COLLISION}
_INLINED = {"not declared, inlined", "declared, inlined"}

_KEY = re.compile(r"^\*\*(\w+):\*\*\s*(.*)$")
_INSTANCE_HEAD = re.compile(r"^In (\S.*) \(([0-9a-fA-F]+)\)$")
_SYMBOL = re.compile(r"^([0-9a-fA-F]+)-([0-9a-fA-F]+): (\S+) \((\w+)\)$")
_POINTER_SPACE = re.compile(r"\*\s+(?=[\w*)(])")
_TYPE_THEN_NAME = re.compile(r"^(.*\(\*\)\s*\(.*\))\s+(\w+)$")


def normalize_decl(text: str) -> str:
    """A declaration in the current spelling: ``void *buffer``, ``void (*cb)(void *)``,
    ending in ``;`` (seed-format ones have neither)."""
    text = text.strip()
    if text.endswith(";"):
        return text
    text = _POINTER_SPACE.sub("*", text)
    if text.endswith(")") and "{" not in text:
        start = _params_start(text)
        if start > 0:
            params = [normalize_param(p) for p in split_args(text[start + 1:-1])]
            text = text[:start + 1] + ", ".join(params) + ")"
    return text + ";"


def _params_start(text: str) -> int:
    """Index of the ``(`` that opens the parameter list ending ``text``."""
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return -1


def normalize_param(text: str) -> str:
    """A parameter or field text in the current spelling (``void * p``, ``void (*)(int) cb``)."""
    text = _POINTER_SPACE.sub("*", text.strip())
    if m := _TYPE_THEN_NAME.match(text):
        return m.group(1).replace("(*)", f"(*{m.group(2)})", 1)
    return text


def build_status(raw: RawStatus, kind: str, name: str) -> BuildStatus:
    """The status of ``name`` (a ``kind`` symbol) that one entry describes."""
    if raw.details is None:
        if not raw.absent and kind == "function":
            raise PageError(raw.line, "function present without details")
        return BuildStatus(present=not raw.absent, issues=list(raw.issues))
    status = BuildStatus(present=True, issues=list(raw.issues))
    fences = [b for b in raw.details if b.kind == "fence"]
    if any(b.info == "json" for b in fences):
        _seed_details(raw, status, name)
    elif kind == "tracepoint":
        _tracepoint_details(raw.details, status)
    else:
        _current_details(raw.details, status, name)
    if status.symbols:
        status.binaries = ["vmlinux"]
    return status


def _current_details(blocks: list[Block], status: BuildStatus, name: str) -> None:
    """The ``**Key:**`` blocks, instance and symbol fences of the current format."""
    target = ""
    for block in blocks:
        if block.kind == "fence" and block.info == "c":
            if status.signature is not None:
                raise PageError(block.line, "second signature block")
            status.signature = normalize_decl(block.text)
        elif block.kind == "fence" and target == "Instances":
            status.instances.append(_instance(block))
        elif block.kind == "fence" and target == "Symbols":
            status.symbols.extend(_symbols(block))
        elif block.kind == "para" and (m := _KEY.match(block.text)):
            target = _key_value(m.group(1), m.group(2), block.line, status)
        else:
            raise PageError(block.line, f"unexpected block in details: {block.text[:60]!r}")
    status.callers = _callers(status.instances)
    status.clones = _clones(status.symbols, name)


def _key_value(key: str, value: str, line: int, status: BuildStatus) -> str:
    """Store one ``**Key:** value``; the key when a fenced list follows."""
    if key == "Collision":
        status.collision = _checked(value, model.COLLISION_TYPES, line)
    elif key == "Inline":
        status.inline = INLINE_NAMES.get(value) or _checked(value, (), line)
    elif key == "Transformation":
        status.transformation = _checked(value, ("True", "False"), line) == "True"
    elif key in ("Instances", "Symbols") and not value:
        return key
    else:
        raise PageError(line, f"unknown detail {key!r}")
    return ""


def _checked(value: str, allowed, line: int) -> str:
    if value not in allowed:
        raise PageError(line, f"unknown value {value!r}")
    return value


def _instance(block: Block) -> Instance:
    """One ``In cu (addr)`` / ``Location:`` / ``Inline:`` / callers fence."""
    lines = block.text.splitlines()
    head = _INSTANCE_HEAD.match(lines[0]) if lines else None
    if not head:
        raise PageError(block.line + 1, "instance block without 'In <file> (<addr>)'")
    fields: dict[str, Any] = {"cu_file": head.group(1), "addr": int(head.group(2), 16)}
    callers: dict[str, list[str]] = {"Inline callers:": [], "Direct callers:": []}
    current = None
    for n, line in enumerate(lines[1:], start=block.line + 2):
        if line.startswith("Location: "):
            fields["location"] = line[len("Location: "):]
        elif line.startswith("Inline: "):
            fields["inlined"] = _checked(line[len("Inline: "):], ("True", "False"), n) == "True"
        elif line in callers:
            current = callers[line]
        elif line.startswith("  - ") and current is not None:
            current.append(line[4:])
        else:
            raise PageError(n, f"unreadable instance line {line[:60]!r}")
    return Instance(**fields, inline_callers=tuple(callers["Inline callers:"]),
                    direct_callers=tuple(callers["Direct callers:"]))


def _symbols(block: Block) -> list[ElfSymbol]:
    """``start-end: name (bind)`` lines."""
    out = []
    for n, line in enumerate(block.text.splitlines(), start=block.line + 1):
        m = _SYMBOL.match(line)
        if not m:
            raise PageError(n, f"unreadable symbol line {line[:60]!r}")
        start, end = int(m.group(1), 16), int(m.group(2), 16)
        out.append(ElfSymbol(m.group(3), start, end - start, m.group(4)))
    return out


def _tracepoint_details(blocks: list[Block], status: BuildStatus) -> None:
    """``Event:`` and ``Function:`` blocks, joined into one C text."""
    parts, label = [], ""
    for block in blocks:
        if block.kind == "para" and block.text in ("Event:", "Function:") and not label:
            label = block.text
        elif block.kind == "fence" and block.info == "c" and label:
            parts.append(normalize_decl(block.text))
            label = ""
        else:
            raise PageError(block.line, f"unexpected block in tracepoint details: {block.text[:60]!r}")
    status.signature = "\n\n".join(parts) or None


def _seed_details(raw: RawStatus, status: BuildStatus, name: str) -> None:
    """The ``json`` func group of the seed format (and its ``c`` signature)."""
    for block in raw.details or ():
        if block.kind == "fence" and block.info == "c" and status.signature is None:
            status.signature = normalize_decl(block.text)
        elif block.kind == "fence" and block.info == "json":
            _func_group(block, status)
        else:
            raise PageError(block.line, f"unexpected block in details: {block.text[:60]!r}")
    status.callers = _callers(status.instances)
    status.clones = _clones(status.symbols, name)
    status.transformation = bool(status.clones)
    if raw.absent:
        # "Absent" then meant "no BTF FUNC": the func group says what DWARF saw.
        derived = {COLLISION_ISSUE.get(status.collision or ""),
                   {"Full": model.FULL_INLINE, "Selective": model.SELECTIVE_INLINE}.get(status.inline or ""),
                   model.TRANSFORMATION if status.transformation else None}
        status.issues = model.issues_in_order({d for d in derived if d})


def _func_group(block: Block, status: BuildStatus) -> None:
    try:
        group = json.loads(block.text)
        status.collision = group["collision_type"]
        status.inline = INLINE_NAMES[group["inline_type"]]
        status.instances = [
            Instance(cu_file=f["file"], addr=int(f["addr"]), location=f.get("loc", ""),
                     inlined=f.get("inline") in _INLINED,
                     inline_callers=tuple(f.get("caller_inline", ())),
                     direct_callers=tuple(f.get("caller_func", ())))
            for f in group["funcs"]]
        status.symbols = [ElfSymbol(s["name"], int(s["addr"]), int(s.get("size", 0)), s.get("bind", ""))
                          for s in group["symbols"]]
    except json.JSONDecodeError as err:
        raise PageError(block.line + err.lineno, f"invalid JSON in func group: {err.msg}") from None
    except (KeyError, TypeError, ValueError) as err:
        raise PageError(block.line + 1, f"func group JSON lacks or mangles {err}") from None
    _checked(status.collision, model.COLLISION_TYPES, block.line + 1)


def _callers(instances: list[Instance]) -> list[str]:
    """Direct callers of all instances, each once, in order of appearance."""
    return list(dict.fromkeys(c for inst in instances for c in inst.direct_callers))


def _clones(symbols: list[ElfSymbol], name: str) -> list[str]:
    """Symbol names with a compiler suffix (``name.cold``, ``name.isra.0``)."""
    return list(dict.fromkeys(s.name for s in symbols if s.name.startswith(name + ".")))
