"""The closed vocabularies of the model, as types a checker can hold code to.

Kinds and severities travel as plain strings (they are written to JSON and
compared everywhere), but every field that holds one is annotated with one
of these ``Literal`` types, and ``mypy`` (run by ``make test``, with
``strict_equality``) rejects an assignment or a comparison with a string
outside the set: a typo such as ``kind == "fucntion"`` is an error, not a
branch that is never taken.
"""

from __future__ import annotations

from typing import Literal, get_args

#: What a declaration of a source file is (``Symbol.kind``); ``doc`` is a
#: ``DOC:`` block.
SymbolKind = Literal["function", "struct", "union", "enum", "typedef", "macro", "var", "doc"]

#: How bad a problem is: kernel-doc's warnings and errors, lint's notes.
Severity = Literal["error", "warning", "note"]

#: Kinds of change between two builds (DepSurf's BaseChange names).
ChangeKind = Literal[
    "Param added", "Param removed", "Param reordered", "Param type changed",
    "Return type changed",
    "Field added", "Field removed", "Field type changed",
    "Field offset changed", "Field size changed", "Size changed",
    "Value added", "Value removed", "Value changed",
    "Event changed", "Func changed", "Format changed", "Config changed",
]

#: Kinds of difference between two builds of a symbol.
DeltaKind = Literal["no change", "changed", "added", "removed"]

#: The kinds of symbol the ABI data describes.
AbiSymbolKind = Literal["function", "struct", "tracepoint"]

SYMBOL_KINDS: tuple[SymbolKind, ...] = get_args(SymbolKind)
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
CHANGE_KINDS: tuple[ChangeKind, ...] = get_args(ChangeKind)
DELTA_KINDS: tuple[DeltaKind, ...] = get_args(DeltaKind)
ABI_SYMBOL_KINDS: tuple[AbiSymbolKind, ...] = get_args(AbiSymbolKind)


def _checked(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r} (one of: {', '.join(allowed)})")
    return value


def change_kind(value: str) -> ChangeKind:
    """``value`` as a change kind; ValueError when it is none."""
    return _checked(value, CHANGE_KINDS, "change kind")  # type: ignore[return-value]


def delta_kind(value: str) -> DeltaKind:
    """``value`` as a delta kind; ValueError when it is none."""
    return _checked(value, DELTA_KINDS, "difference kind")  # type: ignore[return-value]


def abi_symbol_kind(value: str) -> AbiSymbolKind:
    """``value`` as an ABI symbol kind; ValueError when it is none."""
    return _checked(value, ABI_SYMBOL_KINDS, "symbol kind")  # type: ignore[return-value]


def symbol_kind(value: str) -> SymbolKind:
    """``value`` as a declaration kind; ValueError when it is none."""
    return _checked(value, SYMBOL_KINDS, "declaration kind")  # type: ignore[return-value]


def severity(value: str) -> Severity:
    """``value`` as a severity; ValueError when it is none."""
    return _checked(value, SEVERITIES, "severity")  # type: ignore[return-value]
