"""DepSurf import: fixture pages of both formats, broken pages, diffs, and the
real Hyper-V DepSurf data (tests/fixtures/depsurf/hyperv-pages.tar.xz: status
matrix, format agreement)."""

import csv
from pathlib import Path

import pytest

from kdocgen.abi.cli import cmd_import_depsurf
from kdocgen.abi.depsurf import read_depsurf
from kdocgen.abi.depsurf_builds import IMAGES, build_id, resolve_label
from kdocgen.abi.diff import (
    compute_delta,
    compute_deltas,
    delta_pairs,
    diff_signatures,
    parse_signature,
)
from kdocgen.abi.model import AbiSymbol, BuildStatus, Change
from kdocgen.abi.store import dumps, read
from kdocgen.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "depsurf"

AZURE = build_id("5.4.0-1010-azure-amd64")
V515, V65, V68 = (build_id(n) for n in ("5.15.0-25-generic-amd64", "6.5.0-9-generic-amd64", "6.8.0-31-generic-amd64"))


def _one(path: Path) -> AbiSymbol:
    data, errors = read_depsurf([path])
    assert errors == []
    assert len(data.symbols) == 1
    return data.symbols[0]


# --- fixture pages -------------------------------------------------------------------------------

def test_current_format_fixture():
    sym = _one(FIXTURES / "current")
    assert (sym.kind, sym.name, sym.file) == ("function", "demo_send_msg", "drivers/demo/conn.c")
    st = sym.status[V515]
    assert st.present and st.issues == ["Selective Inline", "Transformation"]
    assert st.signature == "int demo_send_msg(void *buf, size_t len, bool (*done)(int));"
    assert (st.collision, st.inline, st.transformation) == ("Unique Static", "Selective", True)
    assert st.clones == ["demo_send_msg.cold"] and st.binaries == ["vmlinux"]
    assert [(s.name, s.addr, s.size, s.bind) for s in st.symbols] == [
        ("demo_send_msg", 0xffffffff81000100, 0x80, "STB_LOCAL"),
        ("demo_send_msg.cold", 0xffffffff81000900, 0x20, "STB_LOCAL")]
    assert st.instances[0].inline_callers == ("drivers/demo/conn.c:demo_flush",)
    assert st.callers == ["drivers/demo/conn.c:demo_open", "drivers/demo/chan.c:demo_close"]
    full = sym.status[AZURE]
    assert full.present and full.issues == ["Duplicate", "Full Inline"]
    assert full.signature is None and full.binaries == [] and len(full.instances) == 2
    absent = [b for b, s in sym.status.items() if not s.present]
    assert len(absent) == 21 and len(sym.status) == 25


def test_seed_format_reads_like_current():
    """Same function in both formats: same model (signatures respelled, the
    seed trap "Absent + inline_type Full" read as Full Inline)."""
    seed, current = _one(FIXTURES / "seed"), _one(FIXTURES / "current")
    assert seed.status[AZURE].issues == ["Duplicate", "Full Inline"]
    assert seed == current


def test_deltas_printed_and_computed():
    sym = _one(FIXTURES / "current")
    kinds = [(d.old, d.new, d.kind) for d in sym.deltas]
    assert kinds == [
        (build_id("5.13.0-19-generic-amd64"), V515, "added"),
        (V515, build_id("5.19.0-21-generic-amd64"), "removed"),
        (build_id("6.2.0-20-generic-amd64"), V65, "added"),
        (V65, V68, "changed")]
    printed = sym.deltas[-1]
    assert printed.changes == [Change("Param added", "", "bool wait"),
                               Change("Param type changed", "size_t len", "u32 len")]
    assert compute_delta(sym, "Regular", V65, V68) == printed


# --- broken pages --------------------------------------------------------------------------------

def _broken(tmp_path: Path, edit) -> tuple[str, list[str], list[str]]:
    good = (FIXTURES / "current" / "demo_send_msg.md").read_text("utf-8")
    lines = good.splitlines(keepends=True)
    bad_text, line = edit(lines)
    (tmp_path / "ok.md").write_text(good.replace("demo_send_msg", "demo_other"), "utf-8")
    (tmp_path / "bad.md").write_text(bad_text, "utf-8")
    data, errors = read_depsurf([tmp_path])
    return line, errors, [s.name for s in data.symbols]


def _line_of(lines: list[str], text: str) -> int:
    return next(i for i, s in enumerate(lines, 1) if text in s)


@pytest.mark.parametrize("edit, message", [
    (lambda ls: ("".join(ls[:_line_of(ls, "**Transformation:** True") + 4]),
                 _line_of(ls, "**Instances:**") + 2), "not closed"),
    (lambda ls: ("".join(ls[:_line_of(ls, "In <code>6.2</code>") - 1]), _line_of(ls, "In <code>5.19</code>")),
     "no status for image(s) 6.2"),
    (lambda ls: ("".join(ls).replace("In <code>5.0</code>: Absent ⚠️", "In <code>5.0</code>: Gone ⚠️"),
                 _line_of(ls, "In <code>5.0</code>")), "unknown status 'Gone'"),
    (lambda ls: ("".join(ls).replace("In <code>4.8</code>", "In <code>4.9</code>"),
                 _line_of(ls, "In <code>4.8</code>")), "unknown image label '4.9'"),
    (lambda ls: ("".join(ls).replace("Location: drivers/demo/conn.c:42", "garbage here", 1),
                 _line_of(ls, "Location: drivers/demo/conn.c:42")), "unreadable instance line"),
    (lambda ls: ("".join(ls).replace("**Inline:** Selective", "**Inline:** Sometimes", 1),
                 _line_of(ls, "**Inline:** Selective")), "unknown value 'Sometimes'"),
    (lambda ls: ("".join(ls).replace("<li>\nIn <code>4.10</code>", "<li>\nsome garbage\nIn <code>4.10</code>", 1),
                 _line_of(ls, "In <code>4.10</code>")), "unreadable status line 'some garbage'"),
    (lambda ls: ("".join(ls).replace("Changed between <code>6.5</code>", "Changed between <code>6.2</code>"),
                 _line_of(ls, "Changed between")), "is not a Regular pair"),
])
def test_broken_page_reports_file_and_line(tmp_path, edit, message):
    line, errors, imported = _broken(tmp_path, edit)
    assert len(errors) == 1
    assert errors[0].startswith(f"{tmp_path / 'bad.md'}:{line}: ")
    assert message in errors[0]
    assert imported == ["demo_other"]


def test_broken_seed_pages(tmp_path):
    good = (FIXTURES / "seed" / "demo_send_msg.md").read_text("utf-8")
    added = good.index("Added between <code>6.2.0-20")
    wrong_decl = good[:added] + good[added:].replace("size_t len", "int len", 1)
    json_start = good.index('"collision_type": "Unique Global"')
    bad_json = good[:json_start] + good[json_start:].replace('",', '"', 1)
    (tmp_path / "decl.md").write_text(wrong_decl, "utf-8")
    (tmp_path / "json.md").write_text(bad_json, "utf-8")
    data, errors = read_depsurf([tmp_path])
    assert data.symbols == []
    line_added = good[:added].count("\n") + 1
    line_json = good[:json_start].count("\n") + 2
    assert errors == [
        (f"{tmp_path / 'decl.md'}:{line_added}: added declaration "
         "'int demo_send_msg(void * buf, int len, bool (*)(int) done)' is not the image's signature"),
        f"{tmp_path / 'json.md'}:{line_json}: invalid JSON in func group: Expecting ',' delimiter"]


def test_non_pages_are_skipped(tmp_path):
    (tmp_path / "README.md").write_text("# Not a page\n", "utf-8")
    (tmp_path / "notes.md").write_text("Some notes.\n", "utf-8")
    (tmp_path / "x.md").write_bytes((FIXTURES / "current" / "demo_send_msg.md").read_bytes())
    data, errors = read_depsurf([tmp_path, tmp_path / "README.md", tmp_path / "missing"])
    assert [s.name for s in data.symbols] == ["demo_send_msg"]
    assert errors == [f"{tmp_path / 'missing'}: no such file or directory"]


def test_cli_exit_status_output_and_determinism(tmp_path, capsys):
    out1, out2 = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    assert main(["abi", "import-depsurf", str(FIXTURES), "-o", str(out1)]) == 0
    assert main(["abi", "import-depsurf", str(FIXTURES), "-o", str(out2)]) == 0
    assert out1.read_bytes() == out2.read_bytes()
    data = read(out1)
    assert [s.name for s in data.symbols] == ["demo_send_msg"] and len(data.builds) == 25
    bad = tmp_path / "bad.md"
    bad.write_text("# Function: <code>x</code>\n\n## Status\n<b>Regular</b>\n<ul>\n<li>\nIn <code>4.4</code>: ✅\n",
                   "utf-8")
    capsys.readouterr()
    assert main(["abi", "import-depsurf", str(FIXTURES / "current"), str(bad), "-o", str(out1)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:7: " in err and "1 page(s) failed" in err
    assert [s.name for s in read(out1).symbols] == ["demo_send_msg"]
    assert cmd_import_depsurf  # the handler the parser dispatches to


# --- diff ----------------------------------------------------------------------------------------

def test_parse_signature_members():
    sig = parse_signature("int f(void *buffer, bool (*cb)(int), char name[16]);")
    assert (sig.kind, sig.name, sig.return_type) == ("function", "f", "int")
    assert [m.text for m in sig.members] == ["void *buffer", "bool (*cb)(int)", "char name[16]"]
    assert parse_signature("void g();").members == ()
    layout = parse_signature("struct s {\n    __u32 a;\n    int (*probe)(struct d *);\n};")
    assert [(m.name, m.text) for m in layout.members] == [("a", "__u32 a"), ("probe", "int (*probe)(struct d *)")]


def test_diff_function_changes():
    changes = diff_signatures("function", "void f(int a, char *b, long c);", "int f(char *b, u32 a, bool d);")
    assert changes == [Change("Param added", "", "bool d"), Change("Param removed", "long c", ""),
                       Change("Param reordered", "a, b", "b, a"),
                       Change("Param type changed", "int a", "u32 a"),
                       Change("Return type changed", "void", "int")]
    assert diff_signatures("function", "int f(void *p);", "int f(void *p);") == []


def test_diff_struct_and_tracepoint():
    old, new = "struct s {\n    __u32 a;\n    __u64 v[2];\n};", "struct s {\n    __u64 v[3];\n    __u8 b;\n};"
    assert diff_signatures("struct", old, new) == [
        Change("Field added", "", "__u8 b"), Change("Field removed", "__u32 a", ""),
        Change("Field type changed", "__u64 v[2]", "__u64 v[3]")]
    tp_old = "struct trace_event_raw_e {\n    u32 x;\n};\n\nvoid trace_event_raw_event_e(void *__data, u32 x);"
    tp_new = tp_old.replace("u32 x;", "u64 x;")
    assert [c.kind for c in diff_signatures("tracepoint", tp_old, tp_new)] == ["Event changed"]


def test_delta_pairs_and_compute():
    data, _ = read_depsurf([FIXTURES / "current"])
    base = build_id("5.4.0-26-generic-amd64")
    pairs = delta_pairs(data.builds, {"Arch": base, "Flavor": base})
    assert len(pairs) == 16 + 4 + 4
    assert pairs[16] == ("Arch", base, build_id("5.4.0-26-generic-arm64"))
    assert len(delta_pairs(data.builds)) == 16 + 3 + 3
    sym = AbiSymbol("function", "f", status={
        data.builds[0].id: BuildStatus(True, signature="int f(int a);"),
        data.builds[1].id: BuildStatus(True, signature="int f(long a);"),
        data.builds[2].id: BuildStatus(False)})
    deltas = compute_deltas(sym, data.builds[:4])
    assert [d.kind for d in deltas] == ["changed", "removed"]


# --- the real DepSurf data -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def real(depsurf_data):
    folders = ["functions", "structs", "tracepoints"]
    return {f: read_depsurf([depsurf_data / f]) for f in folders + ["seed-format"]}


def test_every_real_page_imports(real, depsurf_data):
    counts = {}
    for folder, (data, errors) in real.items():
        assert errors == [], errors[:5]
        counts[folder] = len(data.symbols)
    assert counts == {"functions": 408, "structs": 92, "tracepoints": 26, "seed-format": 22}
    data, errors = read_depsurf([depsurf_data])
    assert errors == [] and len(data.symbols) == 408 + 92 + 26


def status_cell(status) -> str:
    """``Absent``, ``OK`` or the issues joined with ``+``: the status matrix's spelling."""
    if status is None or not status.present:
        return "Absent"
    return "+".join(status.issues) or "OK"


def test_status_matrix_all_408_functions(real, depsurf_data):
    data, _ = real["functions"]
    by_name = {s.name: s for s in data.symbols}
    with open(depsurf_data / "hyperv-status-matrix.tsv", encoding="utf-8") as f:
        rows = list(csv.reader((line for line in f if not line.startswith("#")), delimiter="\t"))
    header, rows = rows[0], rows[1:]
    assert len(rows) == 408 and len(header) == 26
    columns = [build_id(resolve_label(*col.split(":"))) for col in header[1:]]
    assert columns == [build_id(name) for _g, _l, name, _c in IMAGES]
    mismatches = [(row[0], col, cell, status_cell(by_name[row[0]].status.get(col)))
                  for row in rows for col, cell in zip(columns, row[1:])
                  if status_cell(by_name[row[0]].status.get(col)) != cell]
    assert mismatches == []


def test_vmbus_post_msg_as_in_seed(real):
    sym = next(s for s in real["functions"][0].symbols if s.name == "vmbus_post_msg")
    assert sym.file == "drivers/hv/connection.c"
    for bid, st in sym.status.items():
        assert st.present == (bid == AZURE)
    azure = sym.status[AZURE]
    assert azure.issues == ["Transformation"] and azure.clones == ["vmbus_post_msg.cold"]
    assert azure.signature == "int vmbus_post_msg(void *buffer, size_t buflen, bool can_sleep);"


def test_both_formats_agree(real, depsurf_data):
    """Seed pages vs current pages of the same functions: statuses, files, deltas."""
    current = {s.name: s for s in real["functions"][0].symbols}
    seed = real["seed-format"][0].symbols
    traps = 0
    for sym in seed:
        other = current[sym.name]
        assert sym.file == other.file
        assert sym.status == other.status, sym.name
        assert sym.deltas == other.deltas, sym.name
        raw = (depsurf_data / "seed-format" / f"{sym.name}.md").read_text("utf-8")
        traps += raw.count('"inline_type": "Full"')
    assert traps > 0  # the "Absent + Full" trap is exercised


def test_computed_deltas_reproduce_printed(real):
    """Every printed difference (the 'Changed' entries of current pages, every
    entry of seed pages) is what the per-build signatures give."""
    checked = changed = 0
    for folder in ("functions", "structs", "tracepoints", "seed-format"):
        for sym in real[folder][0].symbols:
            for delta in sym.deltas:
                assert compute_delta(sym, delta.group, delta.old, delta.new) == delta, (sym.name, delta)
                checked += 1
                changed += delta.kind == "changed"
    assert changed >= 16 + 9 and checked > 1000


def test_collision_keeps_instances(real):
    sym = next(s for s in real["functions"][0].symbols if s.name == "id_show")
    assert sym.file is None
    files = {i.location.split(":")[0] for st in sym.status.values() for i in st.instances}
    assert len(files) > 1


def test_real_import_is_deterministic(real, depsurf_data):
    again, _ = read_depsurf([depsurf_data / "functions"])
    assert dumps(again) == dumps(real["functions"][0])


def test_struct_layout_changes():
    from kdocgen.abi.diff import diff_signatures
    old = ("struct demo {\n\tint a; /* 0 4 */\n\tstruct {\n\t\tshort x; /* 4 2 */\n\t} config; /* 4 2 */\n"
           "\tlong b; /* 8 8 */\n}; /* size: 16 */")
    new = ("struct demo {\n\tint a; /* 0 4 */\n\tstruct {\n\t\tint x; /* 4 4 */\n\t} config; /* 4 4 */\n"
           "\tlong b; /* 8 8 */\n}; /* size: 16, packed */")
    kinds = [(c.kind, c.old, c.new) for c in diff_signatures("struct", old, new)]
    assert ("Field size changed", "config: 2", "config: 4") in kinds
    assert ("Size changed", "16 bytes", "16 bytes, packed") in kinds
    moved = new.replace("long b; /* 8 8 */", "long b; /* 16 8 */")
    assert ("Field offset changed", "b at 8", "b at 16") in \
        [(c.kind, c.old, c.new) for c in diff_signatures("struct", new, moved)]
    assert diff_signatures("struct", old, old) == []
