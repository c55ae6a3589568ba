"""The JSON form of the ABI model: round trip, determinism, broken files, merge."""

import gzip
import json
from pathlib import Path

import pytest

from kdocgen.abi.model import (
    AbiData,
    AbiSymbol,
    Build,
    BuildStatus,
    Change,
    Delta,
    ElfSymbol,
    Instance,
)
from kdocgen.abi.store import AbiDataError, dumps, merge, read, to_dict, write

FIXTURES = Path(__file__).parent / "fixtures" / "depsurf"


def _build(name: str, group: str = "Regular", label: str = "") -> Build:
    version, _rev, flavor, arch = name.split("-")
    return Build(id=f"scan:{name}", name=name, version=version, arch=arch, flavor=flavor,
                 group=group, label=label or version, source="scan",
                 provenance={"package": f"linux-image-{name}"}, has_inline_info=False)


def sample() -> AbiData:
    """A small hand-made dataset using every part of the model."""
    a, b = _build("6.1.0-1-generic-amd64"), _build("6.12.0-2-generic-amd64")
    present = BuildStatus(
        present=True, issues=["Selective Inline", "Transformation"], binaries=["hv_vmbus"],
        exported="EXPORT_SYMBOL_GPL", crc="0x1234abcd", signature="int f(void *p, u32 n);",
        collision="Unique Global", inline="Selective", transformation=True, clones=["f.cold"],
        instances=[Instance("drivers/x/y.c", 16, "drivers/x/y.c:10", True, ("drivers/x/z.c:g",), ("drivers/x/y.c:h",))],
        symbols=[ElfSymbol("f", 4096, 64, "STB_GLOBAL", "hv_vmbus"), ElfSymbol("f.cold", 8192, 8, "STB_LOCAL", "hv_vmbus")],
        callers=["drivers/x/y.c:h"], note="module")
    sym = AbiSymbol("function", "f", "drivers/x/y.c",
                    status={a.id: BuildStatus(present=False), b.id: present},
                    deltas=[Delta("Regular", a.id, b.id, "added")])
    other = AbiSymbol("struct", "s", None, status={a.id: BuildStatus(True, signature="struct s {\n    int a;\n};")},
                      deltas=[Delta("Regular", a.id, b.id, "changed", [Change("Field added", "", "int b")])])
    return AbiData(builds=[a, b], symbols=[other, sym], sources=["hand-made for the tests"])


def test_round_trip_equal_and_byte_identical(tmp_path):
    data = sample()
    path = tmp_path / "abi.json"
    write(data, path)
    back = read(path)
    assert back.builds == data.builds
    assert {s.key: s for s in back.symbols} == {s.key: s for s in data.symbols}
    assert dumps(back) == path.read_text("utf-8")
    assert [s.key for s in back.symbols] == sorted(s.key for s in data.symbols)


def test_gzip_is_deterministic(tmp_path):
    data = sample()
    one, two = tmp_path / "1.json.gz", tmp_path / "2.json.gz"
    write(data, one)
    write(read(one), two)
    assert one.read_bytes() == two.read_bytes()
    assert gzip.decompress(one.read_bytes()).decode("utf-8") == dumps(data)


def test_depsurf_import_round_trips(tmp_path):
    from kdocgen.abi.depsurf import read_depsurf

    data, errors = read_depsurf([FIXTURES])
    assert errors == []
    path = tmp_path / "d.json"
    write(data, path)
    back = read(path)
    assert back.symbols == data.symbols and back.builds == data.builds


def _write_obj(tmp_path: Path, obj) -> Path:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(obj, indent=1), "utf-8")
    return path


def test_invalid_json_names_file_and_line(tmp_path):
    path = tmp_path / "bad.json"
    text = dumps(sample())
    lines = text.splitlines(keepends=True)
    lines[5] = lines[5].rstrip("\n") + " ]]\n"
    path.write_text("".join(lines), "utf-8")
    with pytest.raises(AbiDataError, match=rf"^{path}:6:\d+: invalid JSON"):
        read(path)


@pytest.mark.parametrize("mangle, message", [
    (lambda o: o.update(version=2), "version 2"),
    (lambda o: o.pop("format"), "not a kdocgen ABI data file"),
    (lambda o: o["symbols"][0]["status"].update({"scan:6.1.0-1-generic-amd64": {"present": "yes"}}),
     "'yes' is not of type 'boolean'"),
    (lambda o: o["builds"][0].pop("group"), "'group' is a required property"),
    (lambda o: o["symbols"][1]["status"].update({"scan:nowhere": {"present": True}}), "unknown build 'scan:nowhere'"),
])
def test_broken_data_is_an_abi_data_error(tmp_path, mangle, message):
    obj = to_dict(sample())
    mangle(obj)
    path = _write_obj(tmp_path, obj)
    with pytest.raises(AbiDataError) as err:
        read(path)
    assert str(err.value).startswith(str(path))
    assert message in str(err.value)


@pytest.mark.parametrize("damage", [
    lambda raw: raw[: len(raw) // 2],                               # truncated
    lambda raw: raw[:30] + bytes(40) + raw[70:],                    # corrupted in the middle
])
def test_broken_gzip_is_an_abi_data_error(tmp_path, damage):
    good = tmp_path / "good.json.gz"
    write(sample(), good)
    bad = tmp_path / "bad.json.gz"
    bad.write_bytes(damage(good.read_bytes()))
    with pytest.raises(AbiDataError, match=rf"^{bad}: broken gzip data"):
        read(bad)


def test_not_utf8_and_missing_file(tmp_path):
    path = tmp_path / "latin.json"
    path.write_bytes(b'{\n"format": "caf\xe9"}')
    with pytest.raises(AbiDataError, match=rf"^{path}:2: not UTF-8"):
        read(path)
    with pytest.raises(AbiDataError, match="cannot read"):
        read(tmp_path / "missing.json")


def test_merge_unites_builds_and_first_wins():
    first = sample()
    second = sample()
    extra = _build("6.13.0-1-generic-amd64")
    second.builds.append(extra)
    f = next(s for s in second.symbols if s.name == "f")
    f.status[extra.id] = BuildStatus(True)
    f.status[first.builds[0].id] = BuildStatus(True, note="second")
    merged = merge([first, second])
    assert [b.id for b in merged.builds] == [b.id for b in first.builds] + [extra.id]
    mf = next(s for s in merged.symbols if s.name == "f")
    assert mf.status[first.builds[0].id].present is False      # first wins
    assert mf.status[extra.id].present is True                  # new build added
    assert len(mf.deltas) == 1


def test_schema_vocabularies_are_the_model_types():
    """The JSON schema enforces on reading what the Literal types of
    kdocgen.kinds enforce in the code: the two lists are the same."""
    import json as _json
    from importlib.resources import files

    from kdocgen import kinds

    schema = _json.loads(files("kdocgen.abi").joinpath("schema.json").read_text("utf-8"))
    enums = []

    def walk(node):
        if isinstance(node, dict):
            if "enum" in node:
                enums.append(tuple(node["enum"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(schema)
    for vocabulary in (kinds.CHANGE_KINDS, kinds.DELTA_KINDS, kinds.ABI_SYMBOL_KINDS):
        assert vocabulary in enums


def test_kind_checks_name_the_bad_value():
    from kdocgen import kinds

    assert kinds.change_kind("Param added") == "Param added"
    with pytest.raises(ValueError, match="unknown change kind 'Param moved'"):
        kinds.change_kind("Param moved")
    with pytest.raises(ValueError, match="unknown declaration kind"):
        kinds.symbol_kind("fucntion")
