"""The extractor on every C fixture against its reviewed golden items.

``tests/golden/items/<fixture>.json`` holds every declaration (documented or
not) and every warning of a fixture in the ``kdocgen json --all`` form; it is
written by ``tests/golden/regen.py`` and reviewed in the diff, so a change of
what the extractor makes of a fixture shows up here, field by field.
"""

import importlib.util
import json
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
_spec = importlib.util.spec_from_file_location("golden_regen", GOLDEN / "regen.py")
regen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regen)


@pytest.mark.parametrize("fixture", regen.fixtures(), ids=lambda p: p.name)
def test_items_and_warnings_as_reviewed(fixture):
    golden = GOLDEN / "items" / regen.golden_name(fixture, ".json")
    fresh = json.loads(regen.extract_fixture(fixture))
    assert fresh == json.loads(golden.read_text("utf-8")), "re-run tests/golden/regen.py and review the diff"


def test_every_fixture_has_golden_items():
    have = {p.name for p in (GOLDEN / "items").glob("*.json")}
    assert have == {regen.golden_name(f, ".json") for f in regen.fixtures()}


def test_golden_items_say_something():
    """A golden file of nothing would pass silently: each fixture documents
    items, and the set as a whole carries warnings."""
    loaded = [json.loads(p.read_text("utf-8")) for p in sorted((GOLDEN / "items").glob("*.json"))]
    assert all(any(i["documented"] for f in d["files"] for i in f["items"]) for d in loaded
               if d["files"][0]["path"] not in _WITHOUT_DOCS)
    assert sum(len(d["warnings"]) for d in loaded) > 20


#: Fixtures that hold no kernel-doc item on purpose.
_WITHOUT_DOCS = {"fixtures/indented_comment.c", "fixtures/oneline_comment.c"}
