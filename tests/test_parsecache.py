"""The cache of parsed files: a file is parsed again exactly when its bytes,
the extraction options or kdocgen's code changed, or its entry is damaged;
what comes out of the cache equals a fresh parse."""

from pathlib import Path

import pytest

from kdocgen import parsecache
from kdocgen.extract import extract_file
from kdocgen.parsecache import ParseCache, extract_cached

ONE = b"/**\n * one() - The first.\n * @x: An x.\n */\nint one(int x)\n{\n\treturn two(x);\n}\n"
TWO = ONE.replace(b"The first.", b"The first, edited.")


@pytest.fixture
def tree(tmp_path) -> Path:
    (tmp_path / "linux/drivers").mkdir(parents=True)
    (tmp_path / "linux/drivers/one.c").write_bytes(ONE)
    return tmp_path / "linux"


def _purpose(source) -> str:
    return next(s for s in source.symbols if s.name == "one").purpose


def test_unchanged_bytes_are_not_parsed_again(tree, tmp_path, parsed):
    cache = ParseCache(tmp_path / "cache")
    first, digests = extract_cached(tree, ["drivers/one.c"], cache, with_calls=True)
    assert parsed == ["drivers/one.c"] and digests["drivers/one.c"] == parsecache.digest(ONE)
    (tree / "drivers/one.c").touch()
    again, _ = extract_cached(tree, ["drivers/one.c"], cache, with_calls=True)
    assert parsed == ["drivers/one.c"]  # not parsed a second time
    assert again == first == [extract_file(tree, "drivers/one.c", with_calls=True)]


def test_edited_bytes_are_parsed_again(tree, tmp_path, parsed):
    cache = ParseCache(tmp_path / "cache")
    extract_cached(tree, ["drivers/one.c"], cache)
    (tree / "drivers/one.c").write_bytes(TWO)
    [source], _ = extract_cached(tree, ["drivers/one.c"], cache)
    assert parsed == ["drivers/one.c", "drivers/one.c"] and _purpose(source) == "The first, edited."
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 1  # the entry was replaced, not added


def test_other_options_have_their_own_entry(tree, tmp_path, parsed):
    cache = ParseCache(tmp_path / "cache")
    [plain], _ = extract_cached(tree, ["drivers/one.c"], cache)
    [with_calls], _ = extract_cached(tree, ["drivers/one.c"], cache, with_calls=True)
    assert parsed == ["drivers/one.c", "drivers/one.c"]
    assert plain != with_calls and with_calls == extract_file(tree, "drivers/one.c", with_calls=True)


def test_changed_code_never_reads_an_old_entry(tree, tmp_path, parsed, monkeypatch):
    cache = ParseCache(tmp_path / "cache")
    extract_cached(tree, ["drivers/one.c"], cache)
    monkeypatch.setattr(parsecache, "code_digest", lambda: "another kdocgen")
    extract_cached(tree, ["drivers/one.c"], cache)
    assert parsed == ["drivers/one.c", "drivers/one.c"]


def test_a_damaged_entry_is_parsed_again(tree, tmp_path, parsed):
    cache = ParseCache(tmp_path / "cache")
    extract_cached(tree, ["drivers/one.c"], cache)
    [entry] = (tmp_path / "cache").glob("*.pickle")
    entry.write_bytes(entry.read_bytes()[:-20])
    [source], _ = extract_cached(tree, ["drivers/one.c"], cache)
    assert len(parsed) == 2 and source == extract_file(tree, "drivers/one.c")


def test_an_unreadable_file_is_not_kept(tree, tmp_path, parsed):
    cache = ParseCache(tmp_path / "cache")
    [source], digests = extract_cached(tree, ["drivers/gone.c"], cache)
    assert digests == {"drivers/gone.c": None} and source.diagnostics
    assert not list((tmp_path / "cache").glob("*.pickle"))


WRAPPER_H = b"#define GIZMO_ATTR(_name) struct device_attribute gizmo_attr_##_name = __ATTR_RO(_name)\n"
GIZMO_C = b"static ssize_t speed_show(struct device *dev, char *buf)\n{\n\treturn 0;\n}\nstatic GIZMO_ATTR(speed);\n"
OTHER_C = b"static DEVICE_ATTR_RO(serial);\n"


def _attribute_tree(root: Path) -> Path:
    for rel, data in {"include/gizmo.h": WRAPPER_H, "drivers/gizmo.c": GIZMO_C, "drivers/other.c": OTHER_C}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def test_attribute_scan_parses_only_what_changed(tmp_path, monkeypatch):
    from kdocgen.userabi import attributes
    tree, cache, files = _attribute_tree(tmp_path / "linux"), ParseCache(tmp_path / "cache"), []
    real = attributes._Scanner.run

    def counting(scanner):
        files.append(scanner.file.path)
        return real(scanner)
    monkeypatch.setattr(attributes._Scanner, "run", counting)
    names = ["drivers/gizmo.c", "drivers/other.c", "include/gizmo.h"]

    def scan():
        found = attributes.scan_attributes(tree, names, cache)
        return [(a.path, a.name, a.macro, a.mode, [(h.role, h.function, h.line) for h in a.handlers])
                for a in found.attributes]
    fresh = scan()
    assert fresh == [("drivers/gizmo.c", "speed", "GIZMO_ATTR", "0444", [("show", "speed_show", 1)]),
                     ("drivers/other.c", "serial", "DEVICE_ATTR_RO", "0444", [("show", "serial_show", 0)])]
    assert scan() == fresh and files == names  # the second scan parsed nothing
    files.clear()
    (tree / "drivers/other.c").write_bytes(OTHER_C + b"static DEVICE_ATTR_RO(label);\n")
    assert len(scan()) == 3 and files == ["drivers/other.c"]
    files.clear()
    (tree / "include/gizmo.h").write_bytes(WRAPPER_H.replace(b"__ATTR_RO", b"__ATTR_WO"))  # seen by every file
    assert scan()[0][3] == "0200" and files == names
