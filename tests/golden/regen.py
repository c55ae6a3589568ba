"""Regenerate the golden files of the C fixtures in tests/fixtures/c.

    python tests/golden/regen.py        # rewrite tests/golden/pages/*.rst and items/*.json
    git diff tests/golden               # review every change by eye

Per fixture: its reST page (``pages/``) and what the extractor makes of it
(``items/``: every declaration, documented or not, and the warnings, in the
``kdocgen json --all`` form).  The test suite compares fresh output with
these files.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "c"
PAGES = HERE / "pages"
ITEMS = HERE / "items"


def render_fixture(path: Path) -> str:
    """The page of one fixture, as kdocgen renders it."""
    sys.path.insert(0, str(ROOT))
    from kdocgen.extract import extract_source
    from kdocgen.render.page import render_page
    return render_page(extract_source(f"fixtures/{path.name}", path.read_bytes()))


def extract_fixture(path: Path) -> str:
    """The extractor's items and warnings for one fixture, as indented JSON."""
    import io
    import json
    sys.path.insert(0, str(ROOT))
    from kdocgen.extract import extract_source
    from kdocgen.jsonout import write_json
    out = io.StringIO()
    write_json([extract_source(f"fixtures/{path.name}", path.read_bytes())], out, all_symbols=True)
    return json.dumps(json.loads(out.getvalue()), indent=1, ensure_ascii=False) + "\n"


def golden_name(path: Path, suffix: str = ".rst") -> str:
    return path.name.replace(".", "_") + suffix


def fixtures() -> list[Path]:
    """The C fixtures, in name order."""
    return sorted(p for p in FIXTURES.iterdir() if p.suffix in (".c", ".h"))


def main() -> int:
    PAGES.mkdir(exist_ok=True)
    ITEMS.mkdir(exist_ok=True)
    for path in fixtures():
        (PAGES / golden_name(path)).write_text(render_fixture(path))
        (ITEMS / golden_name(path, ".json")).write_text(extract_fixture(path))
    print(f"wrote {len(fixtures())} pages to {PAGES} and their items to {ITEMS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
