"""The site description: one typed object, written by ``kdocgen site`` and
read by every part of the Sphinx extension."""

from pathlib import Path

import pytest

from kdocgen.site.description import (SITE_DATA, SiteDescription, SiteDescriptionError, page_docname,
                                      read_description, write_description)


def _description(**changes) -> SiteDescription:
    values = dict(tree=Path("/k"), title="Hyper-V", files=("drivers/hv/channel.c", "include/linux/hyperv.h"),
                  page_dir="source", callers={"vmbus_open": (("hv_probe", "drivers/hv/vmbus_drv.c"),)},
                  defined={"vmbus_open": "drivers/hv/channel.c"}, abi="_abi.json",
                  user_abi={"functions": {}}, cache=Path("/cache"))
    values.update(changes)
    return SiteDescription(**values)


def test_written_and_read_back_unchanged(tmp_path):
    description = _description()
    path = write_description(description, tmp_path)
    assert path == tmp_path / SITE_DATA
    assert SiteDescription.from_value(read_description(tmp_path)) == description
    assert path.read_text() == description.to_json()  # deterministic: the same text again
    assert SiteDescription.from_value(read_description(tmp_path)).to_json() == path.read_text()


def test_without_optional_parts():
    description = _description(abi=None, cache=None, callers={}, user_abi={})
    assert SiteDescription.from_value(eval_json(description.to_json())) == description
    assert '"abi"' not in description.to_json() and '"cache"' not in description.to_json()


def eval_json(text):
    import json
    return json.loads(text)


def test_no_description_is_no_site(tmp_path):
    assert read_description(tmp_path) == {}
    (tmp_path / SITE_DATA).write_text("{not json")
    assert read_description(tmp_path) == {}
    assert SiteDescription.from_value({}) is None and SiteDescription.from_value(None) is None


@pytest.mark.parametrize("value, message", [
    ([1], "expected a JSON object, not list"),
    ({"files": []}, "no 'tree'"),
    ({"tree": "/k", "files": ["a.c", "/etc/passwd"]}, "'files' must be a list of tree-relative paths"),
    ({"tree": "/k", "files": ["../x.c"]}, "'files' must be a list of tree-relative paths"),
    ({"tree": "/k", "files": "a.c"}, "'files' must be a list"),
    ({"tree": "/k", "callers": {"f": [["g"]]}}, "'callers' must map a function to \\[caller, file\\] pairs"),
    ({"tree": "/k", "defined": {"f": 3}}, "'defined' must map a function to its file"),
    ({"tree": "/k", "title": 5}, "'title' must be a string"),
    ({"tree": "/k", "user_abi": []}, "'user_abi' must be an object"),
])
def test_a_wrong_description_says_what_is_wrong(value, message):
    with pytest.raises(SiteDescriptionError, match=message):
        SiteDescription.from_value(value)


def test_docnames_of_pages():
    site = _description()
    assert site.docname("drivers/hv/channel.c") == "source/drivers/hv/channel"
    assert site.docname("include/linux/hyperv.h") == "source/include/linux/hyperv.h"
    assert page_docname("drivers/hv/channel.c", "") == "drivers/hv/channel"
    assert site.in_pages("source/drivers/hv/channel") and not site.in_pages("index")
    assert SiteDescription.from_value({"tree": "/k", "files": ["a.c", "a.c"]}).files == ("a.c",)
    assert SiteDescription.from_value({"tree": "/k"}).page_dir == "source"


def test_a_bad_description_in_a_build_is_a_warning_not_a_crash(tmp_path):
    from sphinx.cmd.build import build_main

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text("extensions = ['kdocgen.sphinxext']\nkdocgen_site = {'files': ['a.c']}\n")
    (src / "index.rst").write_text("Title\n=====\n\nText.\n")
    warnings = tmp_path / "warnings.txt"
    status = build_main(["-q", "-b", "html", "-w", str(warnings), str(src), str(tmp_path / "out")])
    assert status == 0
    assert "kdocgen_site: no 'tree' (the kernel tree the pages document); the site features are off" \
        in warnings.read_text()
    assert (tmp_path / "out" / "index.html").is_file()
