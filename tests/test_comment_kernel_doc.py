"""A ``kernel-doc`` directive inside comment text (landlock's syscalls.c
pulls in the flags of its UAPI header this way): run when it names a C file
of the tree by a relative path, refused when it would read anything else,
and never again for a file it is already documenting."""

from __future__ import annotations

import pytest
from sphinx.cmd.build import build_main

from kdocgen.render.allow import safe_source

RING_C = """\
// SPDX-License-Identifier: GPL-2.0
/**
 * ring_create() - Create a ring
 * @flags: a mask of &enum ring_flags
 *
 * .. kernel-doc:: include/uapi/ring.h
 *     :identifiers: ring_flags
 *
 * Return: the ring's descriptor.
 */
int ring_create(unsigned int flags);

/**
 * ring_peek() - Look at files around
 * @fd: a ring
 *
 * .. kernel-doc:: ../secret.h
 *
 * .. kernel-doc:: /etc/secret.h
 *
 * .. kernel-doc:: drivers/ring.c
 *     :identifiers: ring_create
 *
 * Return: 0.
 */
int ring_peek(int fd);
"""

RING_H = """\
/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/**
 * enum ring_flags - How a ring is made
 * @RING_CLOEXEC: close on exec
 * @RING_SECRET_FLAG: a value seen only through the nested directive
 */
enum ring_flags {
	RING_CLOEXEC = 1,
	RING_SECRET_FLAG = 2,
};
"""


@pytest.mark.parametrize("path, ok", [
    ("include/uapi/linux/landlock.h", True), ("security/landlock/syscalls.c", True),
    ("../secret.h", False), ("/etc/secret.h", False), ("drivers/../../x.c", False),
    ("drivers/ring.rst", False), ("file:///etc/x.h", False), ("", False),
])
def test_sources_only_by_relative_path(path, ok):
    assert safe_source(path) is ok


@pytest.mark.parametrize("output", ["kernel-doc", "kdocgen"])
def test_kernel_doc_in_comment_text(tmp_path, output):
    tree = tmp_path / "tree"
    (tree / "drivers").mkdir(parents=True)
    (tree / "include" / "uapi").mkdir(parents=True)
    (tree / "drivers" / "ring.c").write_text(RING_C)
    (tree / "include" / "uapi" / "ring.h").write_text(RING_H)
    (tmp_path / "secret.h").write_text("/**\n * DOC: Secret\n *\n * TOKEN-7f3a\n */\n")
    src = tmp_path / "doc"
    src.mkdir()
    (src / "conf.py").write_text(f"extensions = ['kdocgen.sphinxext']\nkerneldoc_srctree = {str(tree)!r}\n"
                                 f"kerneldoc_output = {output!r}\nkerneldoc_version = '7.2'\n")
    (src / "index.rst").write_text("Ring\n====\n\n.. kernel-doc:: drivers/ring.c\n")
    out, warnings_file = tmp_path / "html", tmp_path / "warnings.txt"
    assert build_main(["-q", "-b", "html", "-w", str(warnings_file), str(src), str(out)]) == 0
    warnings, html = warnings_file.read_text(), (out / "index.html").read_text()
    assert "RING_SECRET_FLAG" in html  # the allowed nested directive ran
    assert "TOKEN-7f3a" not in html
    refused = [line for line in warnings.splitlines() if "not allowed in comment text" in line]
    assert len(refused) == 2 and all("ring.c:1" in line for line in refused), warnings
    assert "'../secret.h'" in warnings and "'/etc/secret.h'" in warnings
    assert "included from its own documentation" in warnings
