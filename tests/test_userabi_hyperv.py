"""User-space ABI on the real Hyper-V files: every one of the 25 stable
vmbus entries is found in the code or reported, as read in
``drivers/hv/vmbus_drv.c`` (6.12)."""

from pathlib import Path

import pytest

from kdocgen.maintainers import entry_files, find_entry, read_maintainers
from kdocgen.userabi.link import DIRECTORY, MATCHED, NOT_FOUND
from kdocgen.userabi.parse import read_abi_file
from kdocgen.userabi.site import abi_files_of, abi_links

pytestmark = pytest.mark.kernel

STABLE = "Documentation/ABI/stable/sysfs-bus-vmbus"
DEBUGFS = "Documentation/ABI/testing/debugfs-hyperv"
VMBUS = "drivers/hv/vmbus_drv.c"
DEVICE = "/sys/bus/vmbus/devices/<UUID>/"
CHANNEL = DEVICE + "channels/<N>/"

#: documented path -> (how the code defines it, its handler functions), read in vmbus_drv.c
STABLE_IN_CODE = {
    "/sys/bus/vmbus/hibernation": ("BUS_ATTR_RO(hibernation)", ["hibernation_show"]),
    **{DEVICE + name: (f"DEVICE_ATTR_RO({name})", [f"{name}_show"])
       for name in ("id", "class_id", "device_id", "channel_vp_mapping", "device", "vendor", "numa_node")},
    # channel attributes: a kobject of their own, VMBUS_CHAN_ATTR* (chan_attr_<name>)
    CHANNEL + "cpu": ("VMBUS_CHAN_ATTR(cpu, ...)", ["target_cpu_show", "target_cpu_store"]),
    **{CHANNEL + name: (f"VMBUS_CHAN_ATTR_RO({name})", [f"{name}_show"])
       for name in ("in_mask", "out_mask", "read_avail", "write_avail", "subchannel_id")},
    **{CHANNEL + name: (f"VMBUS_CHAN_ATTR({name}, ...)", [f"channel_{name}_show"])
       for name in ("pending", "latency", "interrupts", "events", "intr_in_full", "intr_out_empty",
                    "out_full_first", "out_full_total")},
    # the channel's monitor_id, not the device's DEVICE_ATTR_RO(monitor_id)
    CHANNEL + "monitor_id": ("VMBUS_CHAN_ATTR(monitor_id, ...)", ["subchannel_monitor_id_show"]),
    CHANNEL + "ring": ("struct bin_attribute chan_attr_ring_buffer", ["hv_mmap_ring_buffer_wrapper"]),
}
#: the per-channel directory itself: a kobject, no attribute
STABLE_DIRECTORIES = [DEVICE + "channels/<N>"]
#: attributes vmbus_drv.c defines that no ABI file of the entry documents
UNDOCUMENTED = sorted(
    [("device", n) for n in ("state", "monitor_id", "modalias", "server_monitor_pending",
                             "client_monitor_pending", "server_monitor_latency", "client_monitor_latency",
                             "server_monitor_conn_id", "client_monitor_conn_id", "out_intr_mask",
                             "out_read_index", "out_write_index", "out_read_bytes_avail",
                             "out_write_bytes_avail", "in_intr_mask", "in_read_index", "in_write_index",
                             "in_read_bytes_avail", "in_write_bytes_avail")]
    + [("driver", "new_id"), ("driver", "remove_id"), ("debugfs", "hv-balloon")])


@pytest.fixture(scope="module")
def hyperv(kernel_tree_path):
    tree = Path(kernel_tree_path)
    entry = find_entry(read_maintainers(tree), "Hyper-V/Azure CORE AND DRIVERS")
    return tree, entry_files(tree, entry), abi_files_of(tree, entry)


@pytest.fixture(scope="module")
def links(hyperv):
    tree, files, abi = hyperv
    return abi_links(tree, files, abi)


def test_entry_lists_both_abi_files(hyperv):
    assert hyperv[2] == [STABLE, DEBUGFS]


def test_stable_file_reads_cleanly(hyperv):
    abi = read_abi_file(hyperv[0], STABLE)
    assert abi.messages == []
    assert len(abi.entries) == 25
    assert sorted(p for e in abi.entries for p in e.paths) == sorted([*STABLE_IN_CODE, *STABLE_DIRECTORIES])
    mapping = next(e for e in abi.entries if e.paths == [DEVICE + "channel_vp_mapping"])
    assert mapping.description.split("\n")[1] == "Virtual Processors."
    assert mapping.kernel_version == "4.2.0" and mapping.users == "tools/hv/lsvmbus"


def test_every_stable_entry_found_or_reported(links, hyperv):
    source = (hyperv[0] / VMBUS).read_text().splitlines()
    stable = [m for m in links.matches if m.entry.file == STABLE]
    assert len(stable) == 25
    for match in stable:
        path = match.what.path
        if path in STABLE_DIRECTORIES:
            assert (match.status, match.attributes) == (DIRECTORY, []), path
            continue
        written, handlers = STABLE_IN_CODE[path]
        assert match.status == MATCHED, path
        assert [a.written for a in match.attributes] == [written], path
        attribute = match.attributes[0]
        assert attribute.path == VMBUS
        name = path.rsplit("/", 1)[-1]
        assert name in source[attribute.line - 1] or f'"{name}"' in source[attribute.line + 1]
        assert [h.function for h in attribute.handlers] == handlers, path
        for handler in attribute.handlers:
            assert handler.function + "(" in source[handler.line - 1], (path, handler)


def test_debugfs_entries_follow_local_names(links):
    debugfs = {m.what.path.rsplit("/", 1)[-1]: m for m in links.matches if m.entry.file == DEBUGFS}
    assert sorted(debugfs) == ["fuzz_test_buffer_interrupt_delay", "fuzz_test_message_delay", "fuzz_test_state"]
    for match in debugfs.values():
        assert match.status == MATCHED and match.attributes[0].path == "drivers/hv/hv_debugfs.c"
    state = debugfs["fuzz_test_state"].attributes[0]
    assert [h.function for h in state.handlers] == ["hv_debugfs_state_get", "hv_debugfs_state_set"]


def test_undocumented_attributes(links):
    assert sorted((a.kind, a.name) for a in links.undocumented) == UNDOCUMENTED


def test_scan_option_finds_the_testing_vmbus_file(hyperv):
    tree, files, abi = hyperv
    links = abi_links(tree, files, abi, scan_roots=True)
    assert [f.path for f in links.files] == [STABLE, DEBUGFS, "Documentation/ABI/testing/sysfs-bus-vmbus"]
    override = [m for m in links.matches if m.what.path.endswith("/driver_override")]
    # made by the driver core (bus_type.driver_override), not by the subsystem's code
    assert [m.status for m in override] == [NOT_FOUND]


def test_site_html_links_both_ways(hyperv_site):
    html, warnings, status = hyperv_site
    assert status == 0, warnings
    stable = (html / "source" / "userabi" / "stable.html").read_text()
    assert stable.count('class="kdocgen-userabi-badge kdocgen-userabi-stable"') == 25
    assert 'href="../drivers/hv/vmbus_drv.html#c.id_show"' in stable
    assert 'href="../drivers/hv/vmbus_drv.html#c.target_cpu_store"' in stable
    assert "../../src/drivers/hv/vmbus_drv.c.html#L137" in stable
    page = (html / "source" / "drivers" / "hv" / "vmbus_drv.html").read_text()
    # one line per handler function of vmbus_drv.c: the 24 documented attributes and 21
    # undocumented ones have one each, the channel's cpu two
    in_vmbus = len(STABLE_IN_CODE) + len([u for u in UNDOCUMENTED if u[0] != "debugfs"])
    assert in_vmbus == 45
    assert page.count('class="kdocgen-userabi-backlink"') == in_vmbus + 1
    assert "userabi/stable.html#abi-stable-sys-bus-vmbus-devices-uuid-id" in page
    report = (html / "source" / "userabi" / "report.html").read_text()
    assert "server_monitor_pending" in report and "new_id" in report
