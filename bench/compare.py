"""Match kdocgen items and warnings against kernel-doc's and score them."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from bench.kdrst import PLACEHOLDERS, Item
from bench.kdwarn import GAVE_UP_KINDS, KdWarning, make_warning

FAMILY = {"function": "function", "macro": "function", "var": "var",
          "struct": "struct", "union": "union", "enum": "enum",
          "typedef": "typedef", "doc": "doc"}


def family(kind: str) -> str:
    """Kind family used for matching (function-like kinds are one family)."""
    return FAMILY.get(kind, kind)


def prf(tp: int, n_new: int, n_ref: int) -> dict:
    """Precision, recall and F1 from counts (1.0 when a side is empty)."""
    p = tp / n_new if n_new else 1.0
    r = tp / n_ref if n_ref else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "new": n_new, "ref": n_ref, "precision": p, "recall": r, "f1": f1}


def _rel(path: str, tree: Path | None) -> str:
    """Path relative to the tree when it is absolute inside it."""
    if tree is not None and path.startswith(str(tree) + "/"):
        return path[len(str(tree)) + 1:]
    return path


def kdocgen_items(data: dict, tree: Path | None = None) -> dict[str, list[Item]]:
    """Items per file from kdocgen's JSON, params reduced as kernel-doc lists them.

    For structs/unions only members with a non-empty description count.
    """
    out: dict[str, list[Item]] = defaultdict(list)
    for f in data.get("files", []):
        path = _rel(f["path"], tree)
        for it in f.get("items", []):
            kind = it.get("kind", "")
            params = it.get("params") or []
            if kind in ("struct", "union"):
                params = [p for p in params if (p.get("desc") or "").strip()]
            names = [p.get("name", "") for p in params]
            names = [n for n in names if n not in PLACEHOLDERS]
            name = (it.get("name") or "").strip()
            sections = [s.get("title", "") for s in it.get("sections") or []] if kind != "doc" else []
            out[path].append(Item(kind, name, int(it.get("line") or 0), names,
                                  sections=sections, purpose=it.get("purpose") or ""))
    return dict(out)


_ROLE = re.compile(r":[\w:]+:`|<[^<>`]*>`|\\ ?")


def purpose_words(text: str) -> list[str]:
    """The words of a purpose, without the markup kernel-doc's reST output
    adds (``**param**``, ``:c:func:`f()```, ``:c:type:`struct a <a>```)."""
    return re.findall(r"\w+", _ROLE.sub(" ", text))


def comment_scores(m: "ItemMatch") -> dict:
    """Of the matched items (DOC blocks aside): how many have the same list
    of section titles, and the same purpose (compared word by word)."""
    pairs = [(a, b) for _, a, b in m.pairs if a.kind != "doc"]
    same_sections = sum(1 for a, b in pairs if a.sections == b.sections)
    same_purpose = sum(1 for a, b in pairs if purpose_words(a.purpose) == purpose_words(b.purpose))
    n = len(pairs)
    return {"compared": n, "sections_same": same_sections, "sections_share": same_sections / n if n else 1.0,
            "purpose_same": same_purpose, "purpose_share": same_purpose / n if n else 1.0}


def kdocgen_warnings(data: dict, tree: Path | None = None) -> list[KdWarning]:
    """Classified warnings from kdocgen's JSON."""
    return [make_warning(_rel(w.get("path", ""), tree), int(w.get("line") or 0),
                         w.get("message", "")) for w in data.get("warnings", [])]


@dataclass
class ItemMatch:
    """Outcome of matching two item sets."""

    pairs: list[tuple[str, Item, Item]] = field(default_factory=list)
    missing: list[tuple[str, Item]] = field(default_factory=list)
    extra: list[tuple[str, Item]] = field(default_factory=list)


def _index(items: dict[str, list[Item]]) -> dict[tuple, list[Item]]:
    """Group items by (file, family, name), keeping file order."""
    idx: dict[tuple, list[Item]] = defaultdict(list)
    for path, lst in items.items():
        for it in lst:
            idx[(path, family(it.kind), it.name)].append(it)
    return idx


def match_items(ref: dict[str, list[Item]], new: dict[str, list[Item]]) -> ItemMatch:
    """Pair items by (file, kind family, name); duplicates pair in order."""
    ri, ni = _index(ref), _index(new)
    res = ItemMatch()
    for key in sorted(set(ri) | set(ni)):
        a, b = ri.get(key, []), ni.get(key, [])
        res.pairs.extend((key[0], x, y) for x, y in zip(a, b))
        res.missing.extend((key[0], x) for x in a[len(b):])
        res.extra.extend((key[0], y) for y in b[len(a):])
    return res


def split_kind_differs(m: ItemMatch) -> list[tuple[str, Item, Item]]:
    """Remove from missing/extra the items found on both sides under another kind."""
    by_name = defaultdict(list)
    for path, it in m.extra:
        by_name[(path, it.name)].append(it)
    pairs, keep_missing = [], []
    for path, it in m.missing:
        cands = by_name.get((path, it.name))
        if cands:
            pairs.append((path, it, cands.pop(0)))
        else:
            keep_missing.append((path, it))
    used = {id(b) for _, _, b in pairs}
    m.missing = keep_missing
    m.extra = [(p, it) for p, it in m.extra if id(it) not in used]
    return pairs


def split_gave_up(extra: list[tuple[str, Item]], ref_warnings: list[KdWarning],
                  comment_of: Callable[[str, int], int]) -> tuple[list, list]:
    """Split extra items into (kernel-doc gave up on the same comment, rest).

    ``comment_of(path, line)`` maps a line to the ``/**`` line of the
    comment it belongs to; kernel-doc's warning line is the end of the
    declaration that follows the comment.
    """
    gave_up = defaultdict(list)
    for w in ref_warnings:
        if w.kind in GAVE_UP_KINDS:
            gave_up[(w.path, comment_of(w.path, w.line))].append(w)
    hit, rest = [], []
    for path, it in extra:
        c = comment_of(path, it.line)
        ws = gave_up.get((path, c)) if c else None
        (hit if ws else rest).append((path, it, ws[0] if ws else None))
    return hit, [(p, it) for p, it, _ in rest]


def item_scores(m: ItemMatch, n_kind_differs: int, n_gave_up: int) -> dict:
    """Item P/R/F1 overall and excluding the kernel-doc-gave-up class."""
    tp = len(m.pairs)
    n_new = tp + len(m.extra) + n_kind_differs + n_gave_up
    n_ref = tp + len(m.missing) + n_kind_differs
    same = sum(1 for _, a, b in m.pairs if a.params == b.params)
    return {"all": prf(tp, n_new, n_ref),
            "excluding_gave_up": prf(tp, n_new - n_gave_up, n_ref),
            "params_identical": same, "params_share": same / tp if tp else 1.0}


def warning_scores(ref: list[KdWarning], new: list[KdWarning], strict: bool = False) -> dict:
    """Per-kind and overall P/R/F1 of warnings matched as multisets of keys."""
    rc = Counter(w.key(strict) for w in ref)
    nc = Counter(w.key(strict) for w in new)
    kinds = sorted({k[2] for k in rc} | {k[2] for k in nc})
    out = {}
    for kind in kinds:
        r = Counter({k: v for k, v in rc.items() if k[2] == kind})
        n = Counter({k: v for k, v in nc.items() if k[2] == kind})
        out[kind] = prf(sum((r & n).values()), sum(n.values()), sum(r.values()))
    out["ALL"] = prf(sum((rc & nc).values()), sum(nc.values()), sum(rc.values()))
    return out


def warning_diffs(ref: list[KdWarning], new: list[KdWarning]) -> tuple[list, list]:
    """Warnings only kernel-doc printed and warnings only kdocgen printed."""
    def leftover(a, b):
        budget = Counter(w.key() for w in b)
        out = []
        for w in a:
            if budget[w.key()] > 0:
                budget[w.key()] -= 1
            else:
                out.append(w)
        return out
    return leftover(ref, new), leftover(new, ref)


def top_files(m: ItemMatch, differs: list, n: int) -> list[tuple[str, int]]:
    """Files with the most item differences (missing + extra + param lists)."""
    c = Counter(p for p, _ in m.missing) + Counter(p for p, _ in m.extra)
    c += Counter(p for p, a, b in m.pairs if a.params != b.params)
    c += Counter(p for p, _, _ in differs)
    return c.most_common(n)
