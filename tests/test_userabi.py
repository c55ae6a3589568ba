"""User-space ABI: the Documentation/ABI reader, attribute discovery, the
matching rule, the pages and the lint rules, on fixtures written for them
(``tests/fixtures/userabi/tree``: a MAINTAINERS entry, two ABI files and a
driver)."""

import json
import shutil
from pathlib import Path

import pytest

from kdocgen.lint.run import lint
from kdocgen.render.check import check_page
from kdocgen.userabi.attributes import scan_attributes
from kdocgen.userabi.link import (
    DIRECTORY,
    MATCHED,
    NOT_FOUND,
    link_abi,
    location_of,
    name_pattern,
)
from kdocgen.userabi.parse import (
    abi_files_under_roots,
    is_abi_file,
    level_of,
    parse_abi_text,
    read_abi_file,
)
from kdocgen.userabi.render import SiteTargets, render_pages
from kdocgen.userabi.site import abi_links

TREE = Path(__file__).parent / "fixtures" / "userabi" / "tree"
STABLE = "Documentation/ABI/stable/sysfs-bus-widget"
TESTING = "Documentation/ABI/testing/debugfs-widget"
DRIVER = "drivers/widget/widget.c"


def line_of(path: str, text: str) -> int:
    """1-based line of the first line of ``path`` starting with ``text``."""
    lines = (TREE / path).read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(text))


@pytest.fixture(scope="module")
def links():
    return abi_links(TREE, [DRIVER], [STABLE, TESTING])


# ------------------------------------------------------------------ reader


def test_levels_from_folders():
    assert level_of(STABLE) == "stable" and level_of(TESTING) == "testing"
    assert level_of("Documentation/ABI/README") == ""
    assert is_abi_file(STABLE) and not is_abi_file("Documentation/ABI/README")
    assert not is_abi_file("drivers/widget/widget.c")


def test_entries_fields_and_lines():
    abi = read_abi_file(TREE, STABLE)
    paths = [e.paths for e in abi.entries]
    assert paths[0] == ["/sys/bus/widget/autoprobe"]
    # two What: lines make one entry with two paths, each with its own line
    two = abi.entries[1]
    assert two.paths == ["/sys/bus/widget/devices/<ID>/serial", "/sys/bus/widget/devices/<ID>/label"]
    assert [w.line for w in two.what] == [line_of(STABLE, "What:\t\t/sys/bus/widget/devices/<ID>/serial"),
                                          line_of(STABLE, "What:\t\t/sys/bus/widget/devices/<ID>/label")]
    assert two.date == "April 2020" and two.kernel_version == "5.8"
    assert two.contact == "Ada Example <ada@example.org>"
    assert two.users.split("\n") == ["widgetctl", "widget-monitor (https://example.org/widget-monitor)"]
    assert two.level == "stable"


def test_description_continuation_and_rest():
    abi = read_abi_file(TREE, STABLE)
    first, two = abi.entries[0], abi.entries[1]
    assert first.description == "Whether new widgets are probed as they appear.\nReads 0 or 1."
    assert two.description.split("\n") == [
        "The widget's serial number and its label, as text.", "", "Both are read-only:", "",
        "- ``serial`` is fixed at manufacture;", "- ``label`` comes from the firmware."]
    assert not check_page(two.description)


def test_preamble_is_not_an_entry_nor_a_problem():
    abi = read_abi_file(TREE, STABLE)
    assert all(m.line > line_of(STABLE, "What:") for m in abi.messages)
    assert abi.entries[0].line == line_of(STABLE, "What:")


def test_malformed_lines_reported_and_the_rest_read():
    abi = read_abi_file(TREE, STABLE)
    by_line = {m.line: m for m in abi.messages}
    missing_colon = line_of(STABLE, "KernelVersion\t5.13")
    assert "'KernelVersion' is not followed by ':'" in by_line[missing_colon].message
    assert by_line[missing_colon].path == STABLE
    assert "second 'Date:'" in by_line[line_of(STABLE, "Date:\t\tJune 2021")].message
    errors = next(e for e in abi.entries if e.paths[0].endswith("/errors"))
    assert errors.kernel_version == "5.13"
    assert errors.description == "Errors counted on the lane."
    # entries after the problems are still read
    assert abi.entries[-1].paths == ["/sys/bus/widget/drivers/widget/bind_count"]


def test_fields_before_what_and_empty_what():
    text = ("Date:\t\tJan 2020\nDescription:\tNo path.\n\nWhat:\nDate:\t\tFeb 2020\n\n"
            "What:\t\t/sys/class/gadget/mode\nDescription:\tThe mode.\n")
    abi = parse_abi_text(text, "Documentation/ABI/testing/sysfs-class-gadget")
    assert [(m.line, m.severity) for m in abi.messages] == [(1, "error"), (4, "error")]
    assert "without a 'What:' before it" in abi.messages[0].message
    assert "without a path" in abi.messages[1].message
    assert [e.paths for e in abi.entries] == [["/sys/class/gadget/mode"]]
    assert abi.entries[0].level == "testing"


def test_entry_without_description_warns():
    abi = parse_abi_text("What:\t/sys/bus/x/y\nDate:\t2020\n", "Documentation/ABI/testing/x")
    assert [(m.line, m.severity) for m in abi.messages] == [(1, "warning")]
    assert abi.entries[0].paths == ["/sys/bus/x/y"]


def test_unreadable_file_is_a_message(tmp_path):
    abi = read_abi_file(tmp_path, "Documentation/ABI/stable/missing")
    assert abi.entries == [] and abi.messages[0].severity == "error"
    assert "cannot read" in abi.messages[0].message


def test_files_found_by_root(tmp_path):
    shutil.copytree(TREE, tmp_path / "tree")
    other = tmp_path / "tree" / "Documentation/ABI/testing/sysfs-bus-gizmo"
    other.write_text("What:\t\t/sys/bus/gizmo/x\nDescription:\tx\n")
    found = abi_files_under_roots(tmp_path / "tree", ["/sys/bus/widget", "/sys/kernel/debug/widget"])
    assert found == [STABLE, TESTING]


# ------------------------------------------------------------ attributes


def test_attribute_discovery():
    scan = scan_attributes(TREE, [DRIVER])
    got = {a.name: (a.kind, a.written, a.mode, [(h.role, h.function) for h in a.handlers])
           for a in scan.attributes}
    assert got == {
        "serial": ("device", "DEVICE_ATTR_RO(serial)", "0444", [("show", "serial_show")]),
        "label": ("device", "DEVICE_ATTR(label, ...)", "0444",
                  [("show", "label_show"), ("store", "label_store")]),
        "secret": ("device", "DEVICE_ATTR_ADMIN_RO(secret)", "0400", [("show", "secret_show")]),
        "power": ("device", "DEVICE_ATTR_RO(power)", "0444", [("show", "power_show")]),
        "autoprobe": ("bus", "BUS_ATTR_RO(autoprobe)", "0444", [("show", "autoprobe_show")]),
        "rescan": ("bus", "BUS_ATTR_WO(rescan)", "0200", [("store", "rescan_store")]),
        "speed": ("object", "LANE_ATTR(speed, ...)", "0644",
                  [("show", "lane_speed_show"), ("store", "lane_speed_store")]),
        "errors": ("object", "LANE_ATTR_RO(errors)", "0444", [("show", "errors_show")]),
        "dump": ("object", "struct bin_attribute lane_dump", "0400", [("mmap", "lane_dump_mmap")]),
        "trace_level": ("debugfs", 'debugfs_create_file("trace_level", ...)', "0644",
                        [("get", "trace_level_get"), ("set", "trace_level_set")]),
        "resets": ("debugfs", 'debugfs_create_u32("resets", ...)', "0444", []),
    }
    assert scan.roots == ["/sys/bus/widget", "/sys/kernel/debug/widget"]


def test_attribute_and_handler_lines():
    scan = scan_attributes(TREE, [DRIVER])
    serial = next(a for a in scan.attributes if a.name == "serial")
    assert serial.line == line_of(DRIVER, "static DEVICE_ATTR_RO(serial);")
    show = serial.handlers[0]
    assert (show.path, show.line) == (DRIVER, line_of(DRIVER, "static ssize_t serial_show("))
    assert show.end_line == show.line + 3
    assert serial.arrays == ["widget_dev_attrs"]
    speed = next(a for a in scan.attributes if a.name == "speed")
    assert speed.line == line_of(DRIVER, "static LANE_ATTR(speed")
    assert speed.variable == "lane_attr_speed"


def test_unreadable_c_file_is_a_message():
    scan = scan_attributes(TREE, [DRIVER, "drivers/widget/gone.c"])
    assert [m.path for m in scan.messages] == ["drivers/widget/gone.c"]
    assert scan.attributes


# ----------------------------------------------------------------- rule


@pytest.mark.parametrize("path, where", [
    ("/sys/bus/vmbus/hibernation", "bus"),
    ("/sys/bus/vmbus/devices/<UUID>/id", "device"),
    ("/sys/bus/vmbus/devices/<UUID>/channels/<N>/cpu", "object"),
    ("/sys/bus/vmbus/drivers/hv_netvsc/new_id", "driver"),
    ("/sys/class/net/<iface>/mtu", "device"),
    ("/sys/class/gadget/version", "class"),
    ("/sys/kernel/debug/hyperv/<UUID>/fuzz_test_state", "debugfs"),
    ("/sys/bus/vmbus/devices/.../driver_override", "devices"),
    ("/sys/devices/system/cpu/online", "devices"),
    ("/proc/sys/kernel/foo", "other"),
])
def test_location_of(path, where):
    assert location_of(path) == where


def test_name_patterns():
    assert name_pattern("/sys/bus/vmbus/devices/<UUID>/channels/<N>") is None
    assert name_pattern("/sys/class/hwmon/hwmon*/in<N>_input").fullmatch("in0_input")
    assert not name_pattern("/sys/class/hwmon/hwmon*/in<N>_input").fullmatch("in0_label")
    assert name_pattern("/sys/x/{enable,disable}").fullmatch("disable")
    assert name_pattern("/sys/x/speed").fullmatch("speed") and not name_pattern("/sys/x/speed").fullmatch("speeds")


def test_matching(links):
    status = {m.what.path.rsplit("/", 1)[-1]: (m.status, [a.name for a in m.attributes]) for m in links.matches}
    assert status == {
        "autoprobe": (MATCHED, ["autoprobe"]), "serial": (MATCHED, ["serial"]),
        "label": (MATCHED, ["label"]), "<L>": (DIRECTORY, []), "speed": (MATCHED, ["speed"]),
        "errors": (MATCHED, ["errors"]), "colour": (NOT_FOUND, []), "bind_count": (NOT_FOUND, []),
        "trace_level": (MATCHED, ["trace_level"]),
    }
    assert sorted(a.name for a in links.undocumented) == ["dump", "power", "rescan", "resets", "secret"]


def test_kind_decides_between_same_names():
    scan = scan_attributes(TREE, [DRIVER])
    abi = parse_abi_text("What:\t/sys/bus/widget/devices/<ID>/errors\nDescription:\tx\n\n"
                         "What:\t/sys/bus/widget/errors\nDescription:\ty\n", "Documentation/ABI/testing/t")
    matches = link_abi([abi], scan).matches
    # the only "errors" is a lane (object) attribute: matched by name only, never as exact
    assert [m.status for m in matches] == ["by-name", "by-name"]


# ----------------------------------------------------------------- pages


def test_pages_parse_cleanly_and_show_everything(links):
    pages = render_pages(links, SiteTargets("source", {(DRIVER, "serial_show"): "serial_show"},
                                            frozenset([DRIVER])))
    assert sorted(pages) == ["report", "stable", "testing"]
    for name, text in pages.items():
        assert not check_page(text), name
    stable = pages["stable"]
    assert ".. role:: abi-stable" in stable and stable.count(":abi-stable:`stable`") == 7
    assert ":c:func:`serial_show`" in stable
    assert "listed in :literal:`widget_dev_attrs[]`" in stable
    assert "`drivers/widget/widget.c:" in stable and "../../src/drivers/widget/widget.c.html#L" in stable
    assert "``label_show()``" not in stable and ":literal:`label_show()`" in stable
    assert "a directory (other documented paths lie below it)" in stable
    assert stable.count("**not found**") == 2
    report = pages["report"]
    for name in ("secret", "power", "rescan", "dump", "resets"):
        assert f":literal:`{name}`" in report
    assert "/sys/bus/widget/devices/<ID>/colour" in report
    assert "'KernelVersion' is not followed by ':'" in report


def test_descriptions_are_comment_text():
    """Plain descriptions are written converted; the rest goes to the
    comment-text directive, which parses it in the site's build."""
    from kdocgen.render.check import check_page
    from kdocgen.userabi.parse import AbiEntry
    from kdocgen.userabi.render import description

    def entry(text):
        return AbiEntry("Documentation/ABI/testing/sysfs-x", "testing", 12, description=text)
    assert description(entry("Plain text.")) == ["Plain text."]
    assert description(entry("Text with *unclosed emphasis")) == ["Text with \\*unclosed emphasis"]
    wrapped = description(entry(".. include:: /etc/passwd"))
    assert wrapped[0] == ".. kdocgen-comment:: Documentation/ABI/testing/sysfs-x:12"
    problems = check_page("\n".join(wrapped) + "\n")
    assert [p.message for p in problems] == [
        'Documentation/ABI/testing/sysfs-x:12: "include" directive not allowed in comment text; shown as text']
    assert description(entry("  ")) == []


# ------------------------------------------------------------------ site


def test_site_pages_landing_backlinks_deterministic(tmp_path):
    from kdocgen.site.build import build_site_source, plan_site
    plan = plan_site(TREE, "WIDGET BUS DRIVER")
    assert plan.abi == [STABLE, TESTING] and plan.files == [DRIVER]
    quiet = lambda message: None
    build_site_source(plan, tmp_path / "a" / "source", progress=quiet)
    build_site_source(plan, tmp_path / "b" / "source", progress=quiet)
    a, b = tmp_path / "a" / "source", tmp_path / "b" / "source"
    names = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    assert {"userabi/stable.rst", "userabi/testing.rst", "userabi/report.rst"} <= set(names)
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert "   source/userabi/stable" in (a / "_landing.rst").read_text()
    site = json.loads((a / "_site.json").read_text())
    assert site["user_abi"]["abi_files"] == [STABLE, TESTING]
    backlinks = site["user_abi"]["functions"][DRIVER]
    assert backlinks["serial_show"] == [["abi-stable-sys-bus-widget-devices-id-serial",
                                         "/sys/bus/widget/devices/<ID>/serial (stable)"]]
    assert backlinks["rescan_store"] == [["abi-report", "rescan (not in Documentation/ABI)"]]
    assert "userabi/report.rst" in json.loads((a / "_generated.json").read_text())


def test_site_without_abi_files_has_no_pages(tmp_path):
    from kdocgen.site.build import build_site_source, plan_site
    plan = plan_site(TREE, files=[DRIVER])
    build_site_source(plan, tmp_path / "source", progress=lambda message: None)
    assert not (tmp_path / "source" / "userabi").exists()
    plan.abi_scan = True  # roots of the code find both ABI files
    build_site_source(plan, tmp_path / "source", progress=lambda message: None)
    assert (tmp_path / "source" / "userabi" / "testing.rst").is_file()


# ------------------------------------------------------------------ lint


def test_lint_rules_point_at_lines():
    findings = lint(TREE, [DRIVER, STABLE, TESTING])
    abi = sorted((f.rule, f.path, f.line, f.severity) for f in findings if f.rule.startswith("abi-"))
    expected = sorted(
        [("abi-attribute-not-found", STABLE, line_of(STABLE, "What:\t\t/sys/bus/widget/devices/<ID>/colour"),
          "warning"),
         ("abi-attribute-not-found", STABLE, line_of(STABLE, "What:\t\t/sys/bus/widget/drivers/"), "warning"),
         ("abi-malformed", STABLE, line_of(STABLE, "KernelVersion\t5.13"), "warning"),
         ("abi-malformed", STABLE, line_of(STABLE, "Date:\t\tJune 2021"), "warning"),
         ("abi-malformed", STABLE, line_of(STABLE, "Description:\tAn entry someone"), "warning")]
        + [("abi-undocumented-attribute", DRIVER, line_of(DRIVER, text), "note") for text in (
            "static DEVICE_ATTR_ADMIN_RO(secret);", "static DEVICE_ATTR_RO(power);",
            "static BUS_ATTR_WO(rescan);", "static struct bin_attribute lane_dump",
            '\tdebugfs_create_u32("resets"')])
    assert abi == expected
    not_found = next(f for f in findings if f.rule == "abi-attribute-not-found")
    assert not_found.column == len("What:\t\t") + 1 and "colour" in not_found.snippet


def test_lint_without_abi_files_has_no_abi_findings():
    assert not [f for f in lint(TREE, [DRIVER]) if f.rule.startswith("abi-")]


def test_lint_cli_subsystem_includes_abi_files(capsys):
    from kdocgen.cli import main
    status = main(["lint", "--srctree", str(TREE), "--subsystem", "WIDGET BUS DRIVER", "-j", "1",
                   "--select", "kdocgen"])
    out = capsys.readouterr().out
    assert status == 1
    assert f"{STABLE}:{line_of(STABLE, 'What:		/sys/bus/widget/devices/<ID>/colour')}:" in out
    assert "[abi-attribute-not-found]" in out and "[abi-undocumented-attribute]" in out


def test_sphinx_site_links_both_ways(tmp_path):
    """The fixture's site built as ``make html`` builds it, with -W."""
    from sphinx.cmd.build import build_main

    from kdocgen.site.build import build_site_source, plan_site
    root = Path(__file__).resolve().parents[1]
    for name in ("conf.py", "index.rst"):
        shutil.copy(root / name, tmp_path / name)
    build_site_source(plan_site(TREE, "WIDGET BUS DRIVER"), tmp_path / "source", progress=lambda m: None)
    html = tmp_path / "_build"
    status = build_main(["-W", "--keep-going", "-q", "-b", "html", "-w", str(tmp_path / "warnings.txt"),
                         "-d", str(tmp_path / "doctrees"), str(tmp_path), str(html)])
    assert status == 0, (tmp_path / "warnings.txt").read_text()
    stable = (html / "source" / "userabi" / "stable.html").read_text()
    assert stable.count('<span class="kdocgen-userabi-badge kdocgen-userabi-stable">stable</span>') == 7
    assert 'href="../drivers/widget/widget.html#c.serial_show"' in stable
    assert 'href="../drivers/widget/widget.html#c.lane_speed_store"' in stable
    serial = line_of(DRIVER, "static DEVICE_ATTR_RO(serial);")
    assert f'href="../../src/drivers/widget/widget.c.html#L{serial}"' in stable
    page = (html / "source" / "drivers" / "widget" / "widget.html").read_text()
    # serial, label x2, secret, power, autoprobe, rescan, speed x2, errors, dump, trace_level x2
    assert page.count('class="kdocgen-userabi-backlink"') == 13
    assert 'href="../../userabi/stable.html#abi-stable-sys-bus-widget-devices-id-serial"' in page
    assert 'href="../../userabi/report.html#abi-report"' in page
    assert "kdocgen-userabi.css" in stable
    assert "User-space ABI" in (html / "index.html").read_text()


def test_site_command_reports_malformed_abi_and_renders_the_rest(tmp_path, capsys):
    from kdocgen.cli import main
    tree = tmp_path / "tree"
    shutil.copytree(TREE, tree)
    abi = tree / TESTING
    abi.write_text("Date:\t\tMay 2023\n\n" + abi.read_text())
    out = tmp_path / "source"
    status = main(["site", "--srctree", str(tree), "--subsystem", "WIDGET BUS DRIVER", "--out", str(out),
                   "-j", "1"])
    err = capsys.readouterr().err
    assert status == 1
    assert f"{TESTING}:1: error: 'Date:' without a 'What:' before it" in err
    assert "trace_level" in (out / "userabi" / "testing.rst").read_text()
    assert (out / "userabi" / "stable.rst").is_file()
    abi.write_text(abi.read_text().split("\n\n", 1)[1])
    assert main(["site", "--srctree", str(tree), "--subsystem", "WIDGET BUS DRIVER", "--out", str(out),
                 "-j", "1"]) == 0


def test_field_name_in_the_wrong_case_is_read_with_a_warning():
    abi = parse_abi_text("what:\t/sys/bus/x/y\nDate:\t2020\nDescription:\tY.\n", "Documentation/ABI/testing/x")
    assert [(m.line, m.severity, m.message) for m in abi.messages] == [
        (1, "warning", "'what:' is spelt 'What:'; read as 'What:'")]
    assert abi.entries[0].paths == ["/sys/bus/x/y"] and abi.entries[0].date == "2020"


def test_only_newline_ends_a_line():
    # form feed, lone CR, NEL and U+2028 inside entry 1 do not shift entry 2's line
    text = ("What:\t/sys/bus/x/a\nDescription:\tOne\fstill\rone\x85line\u2028here.\n\n"
            "What:\t/sys/bus/x/b\nDescription:\tTwo.\n")
    abi = parse_abi_text(text, "Documentation/ABI/testing/x")
    assert [(w.path, w.line) for e in abi.entries for w in e.what] == [("/sys/bus/x/a", 1), ("/sys/bus/x/b", 4)]
    assert abi.entries[0].description == "One still one line here."
    assert abi.messages == []
