"""The two kernel-doc dialects (kdocgen.kerneldoc.dialect) on C fixtures.

Expected items, sections and warnings were taken from the kernel's own
kernel-doc run on each fixture: the Perl ``scripts/kernel-doc`` of Linux
6.12 for the 6.x rules, the Python ``tools/docs/kernel-doc`` of Linux 7.2
for the 7.x rules.  Where kdocgen deliberately differs the test says so.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kdocgen.cli import main
from kdocgen.extract import dialect_of, extract_source
from kdocgen.kerneldoc.dialect import DEFAULT, PERL, PYTHON, dialect_for
from kdocgen.model import SourceFile, Symbol

FIXTURES = Path(__file__).parent / "fixtures" / "dialect"


def extract(name: str, dialect) -> SourceFile:
    return extract_source(name, (FIXTURES / name).read_bytes(), dialect=dialect)


def item(source: SourceFile, name: str) -> Symbol:
    [found] = [s for s in source.documented if s.name == name]
    return found


def titles(symbol: Symbol) -> list[str]:
    return [s.title for s in symbol.sections]


def rules(source: SourceFile) -> list[tuple[int, str]]:
    return [(d.line, d.rule) for d in source.diagnostics]


# ---------------------------------------------------------------- versions


@pytest.mark.parametrize("version, generation", [("6.12", "6"), ("5.10", "6"), ("6.19", "6"),
                                                 ("7.0", "7"), ("7.2", "7"), ("8.1", "7")])
def test_dialect_for_version(version, generation):
    dialect = dialect_for(version)
    assert dialect.generation == generation and dialect.version == version


def test_dialect_default_and_bad_version():
    assert dialect_for(None) is DEFAULT is PERL
    assert dialect_for("7.2") is PYTHON
    with pytest.raises(ValueError, match="MAJOR.MINOR"):
        dialect_for("seven")


def test_dialect_of_tree_reads_the_makefile(tmp_path):
    (tmp_path / "Makefile").write_text("# SPDX\nVERSION = 7\nPATCHLEVEL = 2\nSUBLEVEL = 13\n")
    assert dialect_of(tmp_path).python
    assert not dialect_of(tmp_path, "6.12").python
    assert dialect_of(tmp_path / "missing") is DEFAULT


def test_dialect_of_tree_with_the_python_kernel_doc(tmp_path):
    """A 6.x tree that already carries the Python kernel-doc is read with its rules."""
    (tmp_path / "Makefile").write_text("VERSION = 6\nPATCHLEVEL = 16\n")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "kernel-doc").write_text("#!/usr/bin/env perl\n")
    assert not dialect_of(tmp_path).python
    (tmp_path / "scripts" / "kernel-doc.py").write_text("#!/usr/bin/env python3\n")
    dialect = dialect_of(tmp_path)
    assert dialect.python and dialect.version == "6.16"
    assert not dialect_of(tmp_path, "6.16").python  # an explicit version decides by itself


# ---------------------------------------------------------------- sections


def test_blank_line_ends_a_parameter_in_7x_only():
    """An indented paragraph after a blank line: the Description in 7.x, more
    of the last parameter's text in 6.x."""
    new, old = item(extract("dialect_sections.c", PYTHON), "vmbus_open_ring"), \
        item(extract("dialect_sections.c", PERL), "vmbus_open_ring")
    assert titles(new) == ["Description", "Return"]
    assert new.sections[0].body.strip().startswith("The ring is allocated")
    assert new.params[1].desc == "size of the ring in bytes"
    assert titles(old) == ["Return"]
    assert "NUMA node" in old.params[1].desc


def test_note_and_example_keep_their_paragraphs():
    for dialect in (PERL, PYTHON):
        symbol = item(extract("dialect_sections.c", dialect), "vmbus_close_ring")
        assert titles(symbol) == ["Note", "Example", "NOTE"]  # the empty NOTE: is kept
        note = symbol.sections[0].body
        assert "must be idle" in note and "loses packets" in note
        assert symbol.sections[2].body == ""


def test_purpose_goes_on_to_the_next_line():
    for dialect in (PERL, PYTHON):
        source = extract("dialect_sections.c", dialect)
        assert item(source, "vmbus_reset_ring").purpose == "reset a ring buffer to its initial, empty state"
        # "name -" alone on its line: the purpose is on the next one (and still warned about)
        assert item(source, "vmbus_ring_size").purpose == "size of the ring buffer in bytes"
        assert (42, "short-description") in rules(source)


def test_empty_return_then_text():
    """"Return:", a blank line, text: 7.x drops the empty Return and the text
    is the Description; 6.x keeps the Return, empty."""
    assert titles(item(extract("dialect_sections.c", PYTHON), "vmbus_ring_size")) == ["Description"]
    assert titles(item(extract("dialect_sections.c", PERL), "vmbus_ring_size")) == ["Return", "Description"]
    for dialect in (PERL, PYTHON):  # a Return heading was written: no "No description found"
        assert "no-return" not in {r for _, r in rules(extract("dialect_sections.c", dialect))}


# ---------------------------------------------------------------- identifiers


def test_identifier_lines_7x():
    source = extract("dialect_identifiers.c", PYTHON)
    assert [(s.kind, s.name) for s in source.documented] == [
        ("struct", "hv_ring_info"), ("enum", "(anonymous)"), ("function", "hv_ring_op"),
        ("struct", "hv_ring_stats"), ("struct", "hv_ring_pair"), ("macro", "HV_RING_TRACE"),
        ("function", "hv_ring_get"), ("function", "trace_hv_ring_event")]
    messages = {(d.line, d.rule): d.message for d in source.diagnostics}
    assert messages[(4, "not-doc-line")] == "Cannot find identifier on line:\n *"
    assert (5, "short-description") in messages  # "struct NAME." has no purpose
    assert messages[(13, "not-kernel-doc")].startswith("This comment starts with '/**', but isn't a kernel-doc")
    assert (13, "short-description") not in messages
    assert messages[(28, "bad-identifier")] == "enum hv_mode: wrong kernel-doc identifier on prototype"


def test_identifier_lines_6x():
    source = extract("dialect_identifiers.c", PERL)
    assert [(s.kind, s.name) for s in source.documented] == [
        ("enum", "(anonymous)"), ("function", "hv_ring_op"), ("struct", "hv_ring_stats"),
        ("struct", "hv_ring_pair"), ("macro", "HV_RING_TRACE"), ("function", "hv_ring_get"),
        ("function", "trace_hv_ring_event")]
    found = rules(source)
    assert (4, "not-doc-line") in found  # the comment is dropped at the first line without a word
    assert (13, "prototype-mismatch") in found  # "hv ring helper" is taken as a function's name
    assert (28, "bad-identifier") in found


def test_function_comment_over_a_typedef_of_another_name():
    """"hv_ring_desc - ..." over "typedef struct hv_ring_desc {...} hv_ring_desc_t":
    both kernel-docs give up, so does kdocgen."""
    for dialect in (PERL, PYTHON):
        source = extract("dialect_identifiers.c", dialect)
        assert "hv_ring_desc" not in {s.name for s in source.documented}
        assert (36, "cannot-understand") in rules(source)


def test_function_pointer_documented_as_a_function():
    for dialect in (PERL, PYTHON):
        symbol = item(extract("dialect_identifiers.c", dialect), "hv_ring_op")
        assert (symbol.kind, symbol.return_type, [p.name for p in symbol.params]) == ("function", "int", ["ring"])


def test_tagged_struct_group_name_is_a_member_in_6x_only():
    old = item(extract("dialect_identifiers.c", PERL), "hv_ring_stats")
    new_source = extract("dialect_identifiers.c", PYTHON)
    new = item(new_source, "hv_ring_stats")
    assert [p.name for p in old.params] == ["fast", "packets", "bytes"]
    assert [p.name for p in new.params] == ["packets", "bytes"]
    assert [d.message for d in new_source.diagnostics if d.rule == "member-excess"] == [
        "Excess struct member 'fast' description in 'hv_ring_stats'"]


def test_dotted_inline_member_comment_7x():
    """"/** @in.size: ... */" on one line describes a nested member in 7.x."""
    assert {p.name: p.desc for p in item(extract("dialect_identifiers.c", PYTHON), "hv_ring_pair").params} == {
        "in": "the inbound ring", "in.size": "its size"}
    assert {p.name: p.desc for p in item(extract("dialect_identifiers.c", PERL), "hv_ring_pair").params} == {
        "in": "the inbound ring", "in.size": ""}


def test_named_variadic_undescribed_7x():
    new = [d.message for d in extract("dialect_identifiers.c", PYTHON).diagnostics if d.symbol == "HV_RING_TRACE"]
    old = [d.message for d in extract("dialect_identifiers.c", PERL).diagnostics if d.symbol == "HV_RING_TRACE"]
    assert new == ["function parameter 'args' not described in 'HV_RING_TRACE'"]
    assert old == []


# ---------------------------------------------------------------- var comments


def test_var_comments_7x():
    source = extract("var_comments.c", PYTHON)
    assert [(s.kind, s.name, s.purpose) for s in source.documented] == [
        ("var", "hv_ring_count", "number of rings in use"),
        ("var", "hv_ring_limit", "most rings a channel may have"),
        ("var", "hv_ring_list", "every ring of the system"),
        ("var", "hv_ring_names", "names of the ring states, indexed by state")]
    assert titles(item(source, "hv_ring_count")) == ["Description"]
    assert item(source, "hv_ring_limit").value == "16"
    assert item(source, "hv_ring_list").decl_span == (18, 18)
    assert [(d.line, d.message) for d in source.diagnostics] == [
        (26, "int (*hv_ring_poll)(void): can't parse variable"),
        (31, "#define HV_RING_MAGIC 0x1234: can't parse variable")]


def test_var_comments_6x_are_functions_named_var():
    source = extract("var_comments.c", PERL)
    assert source.documented == []
    assert (4, "cannot-understand") in rules(source)


def test_var_items_in_json(tmp_path, capsys):
    (tmp_path / "Makefile").write_text("VERSION = 7\nPATCHLEVEL = 2\n")
    (tmp_path / "v.c").write_bytes((FIXTURES / "var_comments.c").read_bytes())
    assert main(["json", "--srctree", str(tmp_path), "-j", "1", "v.c"]) == 0
    items = json.loads(capsys.readouterr().out)["files"][0]["items"]
    limit = next(i for i in items if i["name"] == "hv_ring_limit")
    assert (limit["kind"], limit["value"], limit["return_type"]) == ("var", "16", "unsigned int")
    assert main(["json", "--srctree", str(tmp_path), "-j", "1", "--kernel-version", "6.12", "v.c"]) == 0
    assert json.loads(capsys.readouterr().out)["files"][0]["items"] == []


def test_bad_kernel_version_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "v.c").write_bytes(b"int x;\n")
    with pytest.raises(SystemExit, match="--kernel-version"):
        main(["json", "--srctree", str(tmp_path), "--kernel-version", "seven", "v.c"])


def test_identifier_search_goes_past_the_comment_7x():
    """"/**" then "*/": 7.x looks for the identifier on the following lines,
    code included ("void f(int *p)" has one and is not kernel-doc), then
    goes on with the next comment."""
    source = extract("dialect_identifiers.c", PYTHON)
    messages = {(d.line, d.rule): d.message for d in source.diagnostics}
    assert messages[(83, "not-doc-line")] == "Cannot find identifier on line:\n */"
    assert messages[(84, "not-kernel-doc")].endswith("\nvoid hv_ring_clear(int *p)")
    assert item(source, "hv_ring_get").purpose == "get a ring"
    old = extract("dialect_identifiers.c", PERL)
    assert (83, "not-doc-line") in rules(old) and item(old, "hv_ring_get").purpose == "get a ring"


@pytest.mark.parametrize("version, rules", [(None, "Python"), ("6.12", "Perl")])
def test_site_reads_with_the_tree_rules(tmp_path, capsys, version, rules):
    """kdocgen site: the tree's version (or --kernel-version) picks the rules,
    the landing page and _site.json say which."""
    tree = tmp_path / "linux"
    (tree / "drivers" / "hv").mkdir(parents=True)
    (tree / "Makefile").write_text("VERSION = 7\nPATCHLEVEL = 2\nSUBLEVEL = 13\n")
    (tree / "drivers" / "hv" / "ring.c").write_bytes((FIXTURES / "var_comments.c").read_bytes())
    out = tmp_path / "source"
    args = ["site", "--srctree", str(tree), "--files", "drivers/hv/ring.c", "--out", str(out), "-j", "1"]
    assert main(args + (["--kernel-version", version] if version else [])) == 0
    site = json.loads((out / "_site.json").read_text())
    assert site["kernel_version"] == (version or "7.2")
    landing = (out / "_landing.rst").read_text()
    assert "Sources: Linux 7.2" in landing and f"the {rules} kernel-doc" in landing
    page = (out / "drivers" / "hv" / "ring.rst").read_text()
    assert ("number of rings in use" in page) == (rules == "Python")


def test_tracepoints_are_documented_by_event_name():
    """"EVENT - ..." documents trace_EVENT; "trace_EVENT - ..." is taken as
    trace_trace_EVENT by both kernel-docs, so kdocgen does not document it."""
    for dialect in (PERL, PYTHON):
        source = extract("dialect_identifiers.c", dialect)
        assert item(source, "trace_hv_ring_event").purpose.startswith("a ring event")
        assert "trace_hv_ring_done" not in {s.name for s in source.documented}
        assert [d.message for d in source.diagnostics if d.rule == "prototype-mismatch"][-1] == (
            "expecting prototype for trace_trace_hv_ring_done(). Prototype was for trace_hv_ring_done() instead")


def test_excess_description_met_twice():
    """6.x warns about an excess description each time it is met (in
    functions, structs and unions), 7.x once."""
    source = (b"/**\n * struct hv_ops - operations\n * @open: open it\n *\t@dev: the device\n"
              b" * @close: close it\n *\t@dev: the device\n */\nstruct hv_ops {\n"
              b"\tint (*open)(struct device *dev);\n\tvoid (*close)(struct device *dev);\n};\n")
    old = [d.line for d in extract_source("x.h", source, dialect=PERL).diagnostics if d.rule == "member-excess"]
    new = [d.line for d in extract_source("x.h", source, dialect=PYTHON).diagnostics if d.rule == "member-excess"]
    assert (old, new) == ([4, 6], [6])
