"""Unit tests for the benchmark helpers: kernel-doc rst parsing, warning
classification, and item/warning matching.  No kernel tree or perl needed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import compare  # noqa: E402
from bench.kdrst import Item, function_name, param_name, parse_rst  # noqa: E402
from bench.kdwarn import classify, parse_stderr  # noqa: E402

FUNCTION_RST = """\
.. LINENO 1070
.. c:function:: int vmbus_sendpacket (struct vmbus_channel *channel, void *buffer, u32 bufferlen, enum vmbus_packet_type type, ...)

.. LINENO 1056
   Send the specified buffer on the given channel

.. container:: kernelindent

  **Parameters**

  ``struct vmbus_channel *channel``
.. LINENO 1057
    Pointer to vmbus_channel structure

  ``void *buffer``
.. LINENO 1058
    Pointer to the buffer you want to send the data from.
    ``not_a_param`` in a description

  ``u32 bufferlen``
    *undescribed*

  ``enum vmbus_packet_type type``
.. LINENO 1061
    Type of packet

  ``...``
    variable arguments

  **Return**

.. LINENO 1065
  ``true`` if sent, ``false`` otherwise.
  ``0`` on success

"""

MACRO_RST = """\
.. c:macro:: list_entry

``list_entry (ptr, type, member)``

.. LINENO 602
   get the struct for this entry

.. container:: kernelindent

  **Parameters**

  ``ptr``
.. LINENO 603
    the :c:type:`struct list_head <list_head>` pointer.

  ``type``
    the type of the struct this is embedded in.

  ``member``
    the name of the list_head within the struct.


.. c:macro:: DRM_FORMAT_MAX_PLANES

``DRM_FORMAT_MAX_PLANES``

.. LINENO 40
   maximum number of planes a DRM format can have


.. c:macro:: drm_ioctl_t

.. LINENO 45
   **Typedef**: DRM ioctl function type.


**Syntax**

  ``typedef int drm_ioctl_t (struct drm_device *dev, void *data)``

.. container:: kernelindent

  **Parameters**

  ``struct drm_device *dev``
.. LINENO 46
    DRM device

  ``void *data``
    private pointer of the ioctl call

"""

STRUCT_RST = """\


.. c:struct:: sk_thing

.. LINENO 40
  parameter structure

.. container:: kernelindent

  **Definition**::

    struct sk_thing {
        union {
            struct {
                struct sk_thing *next;
            };
        };
        struct {
            int port;
        } channel;
    #ifdef CONFIG_X
        int x;
    #endif
    };

  **Members**

.. LINENO 42
  ``{unnamed_union}``
    anonymous

  ``{unnamed_struct}``
    anonymous

.. LINENO 43
  ``next``
    next thing

  ``channel.port``
    port of the channel


**Description**

.. LINENO 50
``extra`` text at column 0


.. c:enum:: mpc_split_policy

.. LINENO 510
  Pipe split policy

.. container:: kernelindent

    **Constants**

    ``MPC_SPLIT_DYNAMIC``
      DC will automatically decide
      ``how`` to split.

    ``MPC_SPLIT_AVOID``
      *undescribed*


**Description**

.. LINENO 519

This enum is used to define the pipe split policy.


.. c:type:: gfp_t

.. LINENO 12
   memory allocation flags

"""

DOC_RST = """\
.. _handling driver private state:

**handling driver private state**

.. LINENO 737

Very often the DRM objects do not map neatly to the hardware.

.. c:macro:: DRM_PVR_SYNC_OP_FLAG_WAIT

   Wait operation requested (a directive written inside the DOC text).

.. _not a doc:

Some paragraph.

.. LINENO 800
.. c:function:: void foo (void)

.. LINENO 797
   do nothing

.. container:: kernelindent

  **Parameters**

  ``void``
    no arguments

"""


def kinds_names(items: list[Item]) -> list[tuple[str, str]]:
    """(kind, name) pairs."""
    return [(it.kind, it.name) for it in items]


def test_function_params_and_sections():
    (it,) = parse_rst(FUNCTION_RST)
    assert (it.kind, it.name, it.line) == ("function", "vmbus_sendpacket", 1056)
    assert it.params == ["channel", "buffer", "bufferlen", "type", "..."]


def test_macros_and_function_pointer_typedef():
    items = parse_rst(MACRO_RST)
    assert kinds_names(items) == [("macro", "list_entry"), ("macro", "DRM_FORMAT_MAX_PLANES"),
                                  ("typedef", "drm_ioctl_t")]
    assert items[0].params == ["ptr", "type", "member"]
    assert items[0].line == 602
    assert items[1].params == [] and items[1].line == 40
    assert items[2].params == ["dev", "data"]


def test_struct_enum_typedef():
    items = parse_rst(STRUCT_RST)
    assert kinds_names(items) == [("struct", "sk_thing"), ("enum", "mpc_split_policy"),
                                  ("typedef", "gfp_t")]
    assert items[0].params == ["next", "channel.port"]
    assert items[0].entries[:2] == ["{unnamed_union}", "{unnamed_struct}"]
    assert items[1].params == ["MPC_SPLIT_DYNAMIC", "MPC_SPLIT_AVOID"]
    assert items[2].params == [] and items[2].line == 12


def test_doc_blocks_and_literal_directives():
    items = parse_rst(DOC_RST)
    assert kinds_names(items) == [("doc", "handling driver private state"),
                                  ("function", "foo")]
    assert items[0].line == 737
    assert items[1].params == ["void"]


def test_without_lineno_every_directive_counts():
    text = "\n".join(ln for ln in DOC_RST.splitlines() if not ln.startswith(".. LINENO"))
    assert [k for k, _ in kinds_names(parse_rst(text))] == ["doc", "macro", "function"]


@pytest.mark.parametrize("entry,name", [
    ("void", "void"),
    ("...", "..."),
    ("args...", "args"),
    ("unsigned long flags", "flags"),
    ("char __user * buf", "buf"),
    ("const struct cpumask *const mask", "mask"),
    ("const u8 dpcd[DP_RECEIVER_CAP_SIZE]", "dpcd"),
    ("const char namefmt[]", "namefmt"),
    ("int (*fn)(struct device *dev, void *data)", "fn"),
    ("void (*release) (void *data)", "release"),
    ("struct inode *(*get_inode) (struct super_block *sb, u64 ino, u32 gen)", "get_inode"),
    ("const u32 (*tab)[256]", "tab"),
    ("ptr", "ptr"),
])
def test_param_name(entry, name):
    assert param_name(entry) == name


@pytest.mark.parametrize("sig,name", [
    ("int vmbus_sendpacket (struct vmbus_channel *channel)", "vmbus_sendpacket"),
    ("void * kmalloc (size_t size, gfp_t flags)", "kmalloc"),
    ("long sys_flock (unsigned int fd, unsigned int cmd)", "sys_flock"),
    ("void trace_irq_handler_entry (int irq, struct irqaction *action)",
     "trace_irq_handler_entry"),
])
def test_function_name(sig, name):
    assert function_name(sig) == name


STDERR = """\
drivers/hv/channel.c:578: warning: Function parameter or struct member 'size' not described in 'request_arr_init'
drivers/hv/channel.c:600: warning: No description found for return value of 'request_arr_init'
x.c:10: warning: This comment starts with '/**', but isn't a kernel-doc comment. Refer Documentation/doc-guide/kernel-doc.rst
 * svc_mem_lock protects access
Use of uninitialized value in concatenation at ./scripts/kernel-doc line 1234, <IN_FILE> line 5.
x.c:20: warning: expecting prototype for struct foo. Prototype was for struct bar instead
x.c:30: error: Cannot parse struct or union!
"""


def test_parse_stderr():
    ws = parse_stderr(STDERR)
    assert [(w.path, w.line, w.kind, w.symbol) for w in ws] == [
        ("drivers/hv/channel.c", 578, "param-not-described", "request_arr_init"),
        ("drivers/hv/channel.c", 600, "no-return", "request_arr_init"),
        ("x.c", 10, "not-kernel-doc", ""),
        ("x.c", 20, "prototype-mismatch", "foo"),
        ("x.c", 30, "cannot-parse", ""),
    ]
    assert ws[2].message.endswith("* svc_mem_lock protects access")
    assert ws[0].subject == "size"


@pytest.mark.parametrize("msg,kind,sym", [
    ("Excess function parameter 'p' description in 'f'", "excess-param", "f"),
    ("Excess struct member 'm' description in 's'", "excess-param", "s"),
    ("expecting prototype for foo(). Prototype was for bar() instead", "prototype-mismatch",
     "foo"),
    ("cannot understand function prototype: 'int x;'", "cannot-understand-prototype", ""),
    ("missing initial short description on line:\n * foo", "missing-short-desc", ""),
    ("Enum value 'A' not described in enum 'e'", "enum-not-described", "e"),
    ("Excess enum value 'B' description in 'e'", "excess-enum", "e"),
    ("Incorrect use of kernel-doc format:  * @x: y", "incorrect-format", ""),
    ("duplicate section name 'Note'", "duplicate-section", ""),
    ("something new", "other", ""),
])
def test_classify(msg, kind, sym):
    assert classify(msg)[:2] == (kind, sym)


def fake_kdocgen() -> dict:
    """A small hand-written ``kdocgen json`` output."""
    return {"files": [{"path": "a.c", "items": [
        {"kind": "macro", "name": "f", "line": 12, "params": [{"name": "x", "desc": "X"}]},
        {"kind": "struct", "name": "s", "line": 22, "params": [
            {"name": "a", "desc": "A", "depth": 0}, {"name": "b", "desc": "", "depth": 0},
            {"name": "{unnamed_union}", "desc": "anonymous", "depth": 0}]},
        {"kind": "function", "name": "g", "line": 32, "params": [{"name": "y", "desc": ""}]},
        {"kind": "typedef", "name": "e", "line": 42, "params": []},
        {"kind": "function", "name": "gave_up", "line": 52, "params": []},
    ]}], "warnings": [
        {"path": "a.c", "line": 13, "message": "No description found for return value of 'f'"},
        {"path": "a.c", "line": 14, "message": "No description found for return value of 'f'"},
    ]}


def reference_items() -> dict[str, list[Item]]:
    """kernel-doc's view of the same file."""
    return {"a.c": [Item("function", "f", 11, ["x"]), Item("struct", "s", 21, ["a"]),
                    Item("function", "g", 31, ["y", "z"]), Item("enum", "e", 41, ["E1"]),
                    Item("doc", "Intro", 2, [])]}


def test_kdocgen_items_reduce_struct_members():
    items = compare.kdocgen_items(fake_kdocgen())
    s = items["a.c"][1]
    assert (s.kind, s.params) == ("struct", ["a"])


def test_matching_classes_and_scores():
    ref, new = reference_items(), compare.kdocgen_items(fake_kdocgen())
    m = compare.match_items(ref, new)
    assert [(a.name, b.kind) for _, a, b in m.pairs] == [("f", "macro"), ("g", "function"),
                                                         ("s", "struct")]
    differs = compare.split_kind_differs(m)
    assert [(a.kind, b.kind) for _, a, b in differs] == [("enum", "typedef")]
    starts = [1, 10, 20, 30, 40, 50]
    ws = parse_stderr("a.c:55: warning: cannot understand function prototype: 'x'\n")
    owner = lambda path, line: max([s for s in starts if s <= line], default=0)  # noqa: E731
    gave_up, m.extra = compare.split_gave_up(m.extra, ws, owner)
    assert [it.name for _, it, _ in gave_up] == ["gave_up"] and m.extra == []
    assert [it.name for _, it in m.missing] == ["Intro"]
    s = compare.item_scores(m, len(differs), len(gave_up))
    assert s["all"]["tp"] == 3 and s["all"]["new"] == 5 and s["all"]["ref"] == 5
    assert s["excluding_gave_up"]["precision"] == pytest.approx(3 / 4)
    assert s["params_identical"] == 2


def test_warning_scores_multiset():
    ref = parse_stderr("a.c:13: warning: No description found for return value of 'f'\n"
                       "a.c:20: warning: Function parameter or struct member 'z' "
                       "not described in 'g'\n")
    new = compare.kdocgen_warnings(fake_kdocgen())
    s = compare.warning_scores(ref, new)
    assert s["no-return"]["tp"] == 1 and s["no-return"]["precision"] == 0.5
    assert s["param-not-described"]["recall"] == 0.0
    only_ref, only_new = compare.warning_diffs(ref, new)
    assert [w.kind for w in only_ref] == ["param-not-described"]
    assert [w.line for w in only_new] == [14]


def test_prf_empty_sides():
    assert compare.prf(0, 0, 0)["f1"] == 1.0
    assert compare.prf(0, 1, 0)["precision"] == 0.0


PY_STDERR = """\
Warning: drivers/hv/channel.c:577 function parameter 'size' not described in 'request_arr_init'
Warning: drivers/hv/channel.c:599 No description found for return value of 'request_arr_init'
Warning: x.c:3 Cannot find identifier on line:
 *
Warning: x.c:40 Excess enum value '@B' description in 'e'
Warning: x.c:50 struct member 'm' not described in 's'
Warning: drivers/hv/channel.c:599 No description found for return value of 'request_arr_init'
"""


def test_parse_python_kernel_doc_stderr():
    """The Python kernel-doc's format; its repeated warnings counted once."""
    ws = parse_stderr(PY_STDERR)
    assert [(w.path, w.line, w.kind, w.symbol, w.subject) for w in ws] == [
        ("drivers/hv/channel.c", 577, "param-not-described", "request_arr_init", "size"),
        ("drivers/hv/channel.c", 599, "no-return", "request_arr_init", ""),
        ("x.c", 3, "no-identifier", "", ""),
        ("x.c", 40, "excess-enum", "e", "B"),
        ("x.c", 50, "param-not-described", "s", "m"),
    ]
    assert ws[2].message == "Cannot find identifier on line:\n *"


PY_RST = """\
.. c:macro:: hv_ring_names

  ``extern const char *hv_ring_names[];``

.. LINENO 668
  Names of the ring states.

  **Description**

.. LINENO 669
  Indexed by state.


.. LINENO 145
.. c:macro:: hv_ring_cb_t

   **Typedef**: A ring callback.


**Syntax**

  ``int hv_ring_cb_t (int a)``

.. container:: kernelindent

  **Parameters**

  ``int a``
.. LINENO 146
    The a.

.. c:function:: int hv_ring_get (int id)

.. LINENO 300
   get a ring

.. container:: kernelindent

  **Parameters**

  ``int id``
.. LINENO 301
    its id

  **Note**

.. LINENO 303
  **bold** text that is no section

  **Return**

.. LINENO 305
  the ring
"""


def test_python_kernel_doc_rst():
    items = parse_rst(PY_RST)
    assert [(i.kind, i.name, i.params, i.sections, i.purpose) for i in items] == [
        ("var", "hv_ring_names", [], ["Description"], "Names of the ring states."),
        ("typedef", "hv_ring_cb_t", ["a"], [], "A ring callback."),
        ("function", "hv_ring_get", ["id"], ["Note", "Return"], "get a ring"),
    ]
    assert items[1].line == 145


def test_purpose_words_without_rest_markup():
    assert compare.purpose_words("start a tcp message of **id**, using :c:type:`struct tcp_sigpool <tcp_sigpool>`"
                                 " and :c:func:`tcp_sigpool_start()`") == \
        compare.purpose_words("start a tcp message of @id, using &struct tcp_sigpool and tcp_sigpool_start()")


def test_comment_scores():
    ref = {"a.c": [Item("function", "f", 1, [], sections=["Description", "Return"], purpose="Do **x**"),
                   Item("function", "g", 2, [], sections=["Return"], purpose="G"),
                   Item("doc", "Intro", 3, [], sections=[], purpose="text")]}
    new = {"a.c": [Item("function", "f", 1, [], sections=["Description", "Return"], purpose="Do @x"),
                   Item("function", "g", 2, [], sections=[], purpose="Gee"),
                   Item("doc", "Intro", 3, [], sections=["Description"], purpose="")]}
    scores = compare.comment_scores(compare.match_items(ref, new))
    assert (scores["compared"], scores["sections_same"], scores["purpose_same"]) == (2, 1, 1)
