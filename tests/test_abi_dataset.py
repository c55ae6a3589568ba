"""The committed default dataset (data/abi/hyperv-debian.json.gz) says what
bench/abi_truth.py verified against the real packages: exact attribution,
every absence explained, namespaces, each version's own functions."""

from __future__ import annotations

from pathlib import Path

import pytest

from kdocgen.abi import model as m
from kdocgen.abi.store import read

DATA = Path(__file__).resolve().parent.parent / "data" / "abi" / "hyperv-debian.json.gz"


@pytest.fixture(scope="module")
def data() -> m.AbiData:
    return read(DATA)


def _status(data, name, file, build):
    symbol = next(s for s in data.symbols if s.kind == "function" and s.name == name and s.file == file)
    return symbol.status[f"scan:{build}"]


def test_every_absence_has_a_reason(data):
    missing = [(s.name, s.file, b) for s in data.symbols if s.kind == "function"
               for b, st in s.status.items() if not st.present and not st.reason]
    assert missing == []
    assert not any(s.file.startswith("tools/") for s in data.symbols if s.file)     # user space left out


def test_weak_defaults_overridden_on_x86_only(data):
    for build in ("6.1.0-56-amd64", "6.12.117+deb13-amd64", "7.2.13+deb14-cloud-amd64"):
        weak = _status(data, "hv_setup_crash_handler", "drivers/hv/hv_common.c", build)
        assert (weak.present, weak.reason) == (False, m.OVERRIDDEN)
        strong = _status(data, "hv_setup_crash_handler", "arch/x86/kernel/cpu/mshyperv.c", build)
        assert strong.present and strong.exported == "EXPORT_SYMBOL_GPL"
    arm = _status(data, "hv_setup_crash_handler", "drivers/hv/hv_common.c", "6.12.117+deb13-cloud-arm64")
    assert arm.present and [s.bind for s in arm.symbols] == ["STB_WEAK"]


def test_other_files_statics_are_not_ours(data):
    with_dwarf = _status(data, "snp_set_vmsa", "arch/x86/hyperv/ivm.c", "6.12.117+deb13-amd64")
    assert with_dwarf.issues == [m.FULL_INLINE] and with_dwarf.symbols == []
    without = _status(data, "snp_set_vmsa", "arch/x86/hyperv/ivm.c", "6.12.117+deb12-amd64")
    assert (without.present, without.reason) == (False, m.UNATTRIBUTED)
    assert "arch/x86/coco/sev/core.c" in without.note


def test_namespaced_exports(data):
    for build in ("6.1.0-56-amd64", "6.12.117+deb13-cloud-amd64"):
        mana = _status(data, "mana_gd_send_request", "drivers/net/ethernet/microsoft/mana/gdma_main.c", build)
        assert (mana.exported, mana.namespace, mana.binaries) == ("EXPORT_SYMBOL_NS", "NET_MANA", ["mana"])


def test_each_versions_own_functions(data):
    fcopy = _status(data, "fcopy_on_msg", "drivers/hv/hv_fcopy.c", "6.1.0-56-amd64")
    assert fcopy.present and fcopy.binaries == ["hv_utils"]                 # removed before 6.12
    later = _status(data, "fcopy_on_msg", "drivers/hv/hv_fcopy.c", "6.12.117+deb13-amd64")
    assert (later.present, later.reason) == (False, m.NOT_IN_VERSION)
    off = _status(data, "hvfb_probe", "drivers/video/fbdev/hyperv_fb.c", "6.1.0-56-amd64")
    assert (off.present, off.reason) == (False, m.NOT_CONFIGURED) and "CONFIG_FB_HYPERV" in off.note


def test_struct_layouts_and_evidence(data):
    offer = next(s for s in data.symbols if s.kind == "struct" and s.name == "vmbus_channel_offer_channel")
    layout = offer.status["scan:6.12.117+deb13-amd64"].signature
    assert "u8 monitor_allocated:1; /* 189:0 1 */" in layout and layout.endswith("/* size: 196, packed */")
    assert not any("(anon)" in (st.signature or "") for s in data.symbols for st in s.status.values())
    dwarf = {b.name for b in data.builds if b.has_inline_info}
    assert dwarf == {"6.1.0-56-amd64", "6.12.117+deb13-amd64", "6.1.0-56-cloud-amd64"}
