"""bench/abi_truth.py's own logic: defining files by addr2line on a compiled
object, file matching, and the per-field comparison with ABI data."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import abi_truth  # noqa: E402


def test_same_file():
    assert abi_truth.same_file("debian/build/build_amd64_none_amd64/arch/x86/hyperv/ivm.c", "arch/x86/hyperv/ivm.c")
    assert abi_truth.same_file("./drivers/hv/channel.c", "drivers/hv/channel.c")
    assert not abi_truth.same_file("arch/x86/coco/sev/core.c", "arch/x86/hyperv/ivm.c")


@pytest.mark.skipif(not (shutil.which("gcc") and shutil.which("addr2line") and shutil.which("nm")),
                    reason="needs gcc and binutils")
def test_defining_files_of_a_relocatable_object(tmp_path):
    (tmp_path / "h.h").write_text("static inline int twice(int x) { return x * 2; }\n")
    (tmp_path / "a.c").write_text('#include "h.h"\nint one(int x) { return twice(x) + 1; }\n'
                                  "static int __attribute__((noinline)) two(int x) { return x ^ 5; }\n"
                                  "int three(int x) { return two(x) + 3; }\n")
    subprocess.run(["gcc", "-O2", "-g", "-c", "a.c", "-o", "a.o"], cwd=tmp_path, check=True)
    found = abi_truth.function_symbols([tmp_path / "a.o"], {"one", "two", "three"})[tmp_path / "a.o"]
    files = dict(abi_truth.defining_files(tmp_path / "a.o", found, True))
    assert set(files) == {"one", "two", "three"}
    assert all(f.endswith("a.c") for f in files.values())      # the outermost frame, not h.h


def test_compare_fields():
    data = {"symbols": [
        {"kind": "function", "name": "f", "file": "d/a.c",
         "status": {"b": {"present": True, "binaries": ["m"], "exported": "EXPORT_SYMBOL_NS_GPL",
                          "namespace": "NS", "crc": "0x0000abcd"}}},
        {"kind": "function", "name": "g", "file": "d/a.c",
         "status": {"b": {"present": True, "binaries": ["vmlinux"], "issues": ["Full Inline"]}}},
        {"kind": "function", "name": "h", "file": "d/b.c", "status": {"b": {"present": True, "binaries": ["m"]}}},
    ]}
    table = {"f": [("m", "f", "x/d/a.c")], "h": [("m", "h", "x/d/other.c")]}
    exports = {"f": ("EXPORT_SYMBOL_GPL", "m", "NS", "0xabcd")}
    agree, diffs = abi_truth.compare(data, "b", table, exports)
    assert agree["presence"] == [2, 3] and agree["export"] == [1, 1] and agree["namespace"] == [1, 1]
    assert agree["crc"] == [1, 1]
    assert len(diffs) == 1 and diffs[0].startswith("presence  h (d/b.c): truth False, data True")
    assert "h@m:x/d/other.c" in diffs[0]
