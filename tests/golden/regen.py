"""Regenerate the golden reST pages: one per C fixture in tests/fixtures/c.

    python tests/golden/regen.py        # rewrite tests/golden/pages/*.rst
    git diff tests/golden/pages         # review every change by eye

The test suite compares freshly rendered pages with these files.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "c"
PAGES = HERE / "pages"


def render_fixture(path: Path) -> str:
    """The page of one fixture, as kdocgen renders it."""
    sys.path.insert(0, str(ROOT))
    from kdocgen.extract import extract_source
    from kdocgen.render.page import render_page
    return render_page(extract_source(f"fixtures/{path.name}", path.read_bytes()))


def golden_name(path: Path) -> str:
    return path.name.replace(".", "_") + ".rst"


def main() -> int:
    PAGES.mkdir(exist_ok=True)
    for path in sorted(FIXTURES.iterdir()):
        if path.suffix in (".c", ".h"):
            (PAGES / golden_name(path)).write_text(render_fixture(path))
    print(f"wrote {len(list(PAGES.glob('*.rst')))} pages to {PAGES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
