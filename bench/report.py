"""Human-readable and JSON reports for ``bench/parity.py``."""

from __future__ import annotations

from collections import Counter

from bench.kdrst import Item


def pct(x: float) -> str:
    """Format a share as a percentage."""
    return f"{100 * x:.2f}%"


def kinds_line(items: dict[str, list[Item]]) -> str:
    """``N items (kind n, ...)`` summary."""
    c = Counter(it.kind for lst in items.values() for it in lst)
    detail = ", ".join(f"{k} {v}" for k, v in c.most_common())
    return f"{sum(c.values())} items ({detail})"


def warn_line(warnings: list) -> str:
    """``N warnings (kind n, ...)`` summary."""
    c = Counter(w.kind for w in warnings)
    detail = ", ".join(f"{k} {v}" for k, v in c.most_common())
    return f"{len(warnings)} warnings ({detail})"


def score_line(label: str, s: dict) -> str:
    """One P/R/F1 line."""
    return (f"  {label:<34} P {pct(s['precision']):>8}  R {pct(s['recall']):>8}  "
            f"F1 {pct(s['f1']):>8}   (match {s['tp']}, kdocgen {s['new']}, kernel-doc {s['ref']})")


def item_label(path: str, it: Item) -> str:
    """``path:line kind name``."""
    return f"{path}:{it.line} {it.kind} {it.name}"


def print_reference(info: dict, items: dict, warnings: list) -> None:
    """Reference-side summary."""
    print(f"Files: {info['n_files']} from {info['source']} "
          f"({info['n_missing']} missing, ignored)")
    print(f"kernel-doc: {kinds_line(items)}")
    print(f"kernel-doc -Wall: {warn_line(warnings)}")


def print_items(r: dict, show: int) -> None:
    """Item scores, classes, top files and examples."""
    s = r["item_scores"]
    print("\nItems (matched by file, kind family, name):")
    print(score_line("all items", s["all"]))
    print(score_line("excluding kernel-doc gave up", s["excluding_gave_up"]))
    print(f"  matched items with identical parameter names: {s['params_identical']}"
          f"/{s['all']['tp']} ({pct(s['params_share'])})")
    cs = r["comment_scores"]
    print(f"  matched items (DOC aside) with the same section titles: {cs['sections_same']}"
          f"/{cs['compared']} ({pct(cs['sections_share'])})")
    print(f"  matched items (DOC aside) with the same purpose: {cs['purpose_same']}"
          f"/{cs['compared']} ({pct(cs['purpose_share'])})")
    c = r["classes"]
    print("  differences: " + ", ".join(f"{k} {len(v)}" for k, v in c.items()))
    print("\nTop differing files:")
    for path, n in r["top_files"]:
        print(f"  {n:5d}  {path}")
    _examples("missing in kdocgen", c["missing"], show, lambda d: d["item"])
    _examples("extra in kdocgen", c["extra"], show, lambda d: d["item"])
    _examples("kernel-doc gave up here; kdocgen documents it", c["gave_up"], show,
              lambda d: f"{d['item']}\n      kernel-doc: {d['warning']}")
    _examples("kind differs", c["kind_differs"], show,
              lambda d: f"{d['ref']}  vs kdocgen {d['new']}")
    _examples("parameter list differs", c["params_differ"], show,
              lambda d: f"{d['item']}\n      kernel-doc: {d['ref_params']}"
                        f"\n      kdocgen:    {d['new_params']}")
    _examples("section titles differ", c["sections_differ"], show,
              lambda d: f"{d['item']}\n      kernel-doc: {d['ref_sections']}"
                        f"\n      kdocgen:    {d['new_sections']}")
    _examples("purpose differs", c["purpose_differs"], show,
              lambda d: f"{d['item']}\n      kernel-doc: {d['ref_purpose']}"
                        f"\n      kdocgen:    {d['new_purpose']}")


def _examples(title: str, rows: list, show: int, fmt) -> None:
    """Print up to ``show`` rows of one class."""
    print(f"\n{title}: {len(rows)}" + (f" (showing {min(show, len(rows))})" if rows else ""))
    for d in rows[:show]:
        print(f"  {fmt(d)}")


def print_warnings(r: dict, show: int) -> None:
    """Warning scores per kind and examples."""
    print("\nWarnings (matched by file, symbol, kind; multiset):")
    for kind, s in r["warning_scores"].items():
        print(score_line(kind, s))
    st = r["warning_scores_strict"]["ALL"]
    print(score_line("ALL, also matching the subject", st))
    _examples("warnings only kernel-doc printed", r["warnings_missing"], show, _wfmt)
    _examples("warnings only kdocgen printed", r["warnings_extra"], show, _wfmt)


def _wfmt(w: dict) -> str:
    """One warning row."""
    msg = w["message"].replace("\n", " | ")
    return f"{w['path']}:{w['line']} [{w['kind']}] {msg[:160]}"
