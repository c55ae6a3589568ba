"""The kernel-doc Sphinx directive, built with Sphinx on real Hyper-V files
(and a DOC: block from include/linux/bitmap.h), with -W: no warnings."""

import re
from pathlib import Path

import pytest
from sphinx.cmd.build import build_main

pytestmark = pytest.mark.kernel

INDEX = """\
Directive test
==============

Exported by vmbus_drv.c
-----------------------

.. kernel-doc:: drivers/hv/vmbus_drv.c
   :export:

Internal to channel.c
---------------------

.. kernel-doc:: drivers/hv/channel.c
   :internal:

Chosen from pci-hyperv.c
------------------------

.. kernel-doc:: drivers/pci/controller/pci-hyperv.c
   :identifiers: hv_msi_desc devfn_to_wslot

Functions option
----------------

.. kernel-doc:: drivers/pci/controller/pci-hyperv.c
   :functions: wslot_to_devfn

All but two
-----------

.. kernel-doc:: drivers/hv/vmbus_drv.c
   :no-identifiers: __vmbus_driver_register vmbus_driver_unregister hv_create_ring_sysfs hv_remove_ring_sysfs vmbus_allocate_mmio vmbus_free_mmio

Exports found through another file
----------------------------------

.. kernel-doc:: drivers/hv/channel_mgmt.c
   :export: drivers/hv/*.c

Everything of one file
----------------------

.. kernel-doc:: include/asm-generic/mshyperv.h

A DOC block
-----------

.. kernel-doc:: include/linux/bitmap.h
   :doc: bitmap overview
"""


def build(tmp_path: Path, tree: Path, index: str) -> tuple[int, str, str]:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "conf.py").write_text(
        "extensions = ['kdocgen.sphinxext']\n"
        f"kerneldoc_srctree = {str(tree)!r}\n"
        "suppress_warnings = ['kdocgen.comment-rst']\n"
        "project = 'directive test'\n")
    (src / "index.rst").write_text(index)
    out = tmp_path / "html"
    warnings = tmp_path / "warnings.txt"
    status = build_main(["-W", "--keep-going", "-q", "-b", "html", "-w", str(warnings),
                         str(src), str(out)])
    html = (out / "index.html").read_text() if (out / "index.html").exists() else ""
    return status, html, warnings.read_text()


def entry_ids(html: str) -> list[str]:
    return re.findall(r'<dt class="sig sig-object c" id="c\.([\w.]+)">', html)


def test_every_option_builds_without_warnings(tmp_path, kernel_tree_path):
    status, html, warnings = build(tmp_path, Path(kernel_tree_path), INDEX)
    assert warnings == ""
    assert status == 0
    ids = entry_ids(html)
    # :export: of vmbus_drv.c (its EXPORT_SYMBOL*-ed, documented functions)
    assert {"__vmbus_driver_register", "vmbus_driver_unregister", "vmbus_allocate_mmio",
            "vmbus_free_mmio"} <= set(ids)
    # :internal: of channel.c: the documented functions it does not export
    assert "request_arr_init" in ids and "__vmbus_recvpacket" in ids
    assert "vmbus_sendpacket" not in ids  # exported, so not internal
    # :identifiers: and :functions:
    assert "hv_msi_desc" in ids and "devfn_to_wslot" in ids and "wslot_to_devfn" in ids
    assert "hv_msi_desc2" not in ids
    # no option: everything documented in the file
    assert "hv_cpu_number_to_vp_number" in ids
    # :doc: pulls the DOC block's text in
    assert "bitmap" in html and "The available bitmap operations" in html
    # parameters of an entry are rendered
    assert "Base address of region to release." in html and "Size of the range to be allocated" in html


def test_missing_file_and_identifier_warn(tmp_path, kernel_tree_path):
    index = ("T\n=\n\n.. kernel-doc:: drivers/hv/no_such_file.c\n\n"
             ".. kernel-doc:: drivers/hv/channel.c\n   :identifiers: no_such_function\n")
    status, _, warnings = build(tmp_path, Path(kernel_tree_path), index)
    assert status != 0
    assert "drivers/hv/no_such_file.c: no such file" in warnings
    assert "'no_such_function' not found" in warnings


# The kernel's own pages: the directive must survive them (a DOC block with
# ``.. code::`` used to stop the build), in a parallel build.
KERNEL_PAGES = ["gpu/meson.rst", "PCI/pci.rst", "core-api/boot-time-mm.rst", "userspace-api/landlock.rst",
                "gpu/amdgpu/module-parameters.rst", "driver-api/basics.rst"]


@pytest.mark.kernel
def test_kernel_documentation_pages_build_in_parallel(tmp_path, kernel_tree_path):
    from kdocgen.sources import kernel_tree
    docs = Path(kernel_tree_path) / "Documentation"
    needed = sorted({name for page in KERNEL_PAGES
                     for name in re.findall(r"^\s*\.\. kernel-doc::\s*(\S+)", (docs / page).read_text(), re.M)})
    tree = kernel_tree(need=needed + ["Documentation/"], progress=lambda m: None)
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "conf.py").write_text(
        "extensions = ['kdocgen.sphinxext']\n"
        f"kerneldoc_srctree = {str(tree)!r}\n"
        f"include_patterns = ['index.rst'] + {KERNEL_PAGES!r}\n"
        "suppress_warnings = ['toc.not_included', 'toc.excluded']\n"
        "project = 'kernel pages'\n")
    out = tmp_path / "html"
    warnings = tmp_path / "warnings.txt"
    status = build_main(["-q", "-j", "2", "-b", "html", "-c", str(conf), "-d", str(tmp_path / "doctrees"),
                         "-w", str(warnings), str(tree / "Documentation"), str(out)])
    text = warnings.read_text()
    assert status == 0, text[-3000:]
    assert "Exiting due to error" not in text and "Traceback" not in text
    assert "kdocgen.comment]" not in text  # the kernel's comments use nothing refused
    meson = (out / "gpu" / "meson.html").read_text()
    assert "VCLK is the" in meson and 'class="highlight' in meson  # the DOC block, its code block
    landlock = (out / "userspace-api" / "landlock.html").read_text()
    assert 'id="c.sys_landlock_create_ruleset"' in landlock
    basics = (out / "driver-api" / "basics.html").read_text()
    assert 'id="c.devm_kmalloc"' in basics and 'id="c.wait_event_interruptible"' in basics
