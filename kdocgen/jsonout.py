"""The stable machine-readable form of the model (``kdocgen json``).

Format (keep it stable, other tools read it)::

    {"files": [{"path": ..., "items": [{"kind", "name", "line", "purpose",
                "params": [{"name", "type", "desc"}], "sections": [{"title", "body"}], ...}]}],
     "warnings": [{"path", "line", "message"}]}

``items`` are the documented symbols; with ``all_symbols`` every declaration
is listed and each item says whether it is ``documented``.
"""

from __future__ import annotations

import json
from typing import IO, Iterable

from .model import SourceFile, Symbol


def item(symbol: Symbol, all_symbols: bool = False) -> dict:
    """One symbol as a JSON-ready dict."""
    data = {
        "kind": symbol.kind,
        "name": symbol.name,
        "line": symbol.line,
        "purpose": symbol.purpose,
        "params": [{"name": p.name, "type": p.type, "desc": p.desc, "depth": p.depth}
                   for p in symbol.params],
        "sections": [{"title": s.title, "body": s.body} for s in symbol.sections],
    }
    if symbol.kind in ("function", "typedef", "var") and symbol.return_type:
        data["return_type"] = symbol.return_type
    data["decl_lines"] = list(symbol.decl_span)
    if symbol.comment_span[0]:
        data["comment_lines"] = list(symbol.comment_span)
    if symbol.storage:
        data["storage"] = symbol.storage
    if symbol.export:
        data["export"] = symbol.export
    if symbol.decl:
        data["decl"] = symbol.decl
    if symbol.is_pointer_typedef:
        data["function_pointer"] = True
    if symbol.value:
        data["value"] = symbol.value
    if all_symbols:
        data["documented"] = symbol.documented
    return data


def file_entry(source: SourceFile, all_symbols: bool = False) -> dict:
    """One file as a JSON-ready dict."""
    symbols = source.symbols if all_symbols else source.documented
    return {"path": source.path, "items": [item(s, all_symbols) for s in symbols]}


def write_json(sources: Iterable[SourceFile], out: IO[str], all_symbols: bool = False) -> int:
    """Write the whole document, streaming file by file; return the warning count."""
    warnings: list[dict] = []
    out.write('{"files":[')
    for index, source in enumerate(sources):
        if index:
            out.write(",")
        out.write(json.dumps(file_entry(source, all_symbols), ensure_ascii=False))
        warnings.extend({"path": d.path, "line": d.line, "message": d.message, "rule": d.rule,
                         "severity": d.severity, "symbol": d.symbol}
                        for d in source.diagnostics)
    out.write('],"warnings":')
    out.write(json.dumps(warnings, ensure_ascii=False))
    out.write("}\n")
    return len(warnings)
