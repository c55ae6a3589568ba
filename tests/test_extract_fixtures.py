"""kdocgen.extract on the C fixtures of tests/fixtures/c (one file per construct).

The expected items, parameter names and warnings were taken from the kernel's
own scripts/kernel-doc (Linux 6.12) run on each fixture; where kdocgen
deliberately differs (it documents variables and structs written as
``foo - ...``; it points warnings at the comment or the member rather than
where kernel-doc stopped reading) the test says so.
"""

from __future__ import annotations

import functools
import json
import io
from pathlib import Path

import pytest

from kdocgen.extract import extract_file, extract_source
from kdocgen.jsonout import file_entry, write_json
from kdocgen.model import SourceFile, Symbol

FIXTURES = Path(__file__).parent / "fixtures" / "c"


@functools.lru_cache(maxsize=None)
def _extract(name: str) -> SourceFile:
    return extract_source(name, (FIXTURES / name).read_bytes())


def extract(name: str) -> SourceFile:
    return _extract(name)


def items(source: SourceFile) -> list[tuple[str, str]]:
    return [(s.kind, s.name) for s in source.documented]


def item(source: SourceFile, name: str) -> Symbol:
    found = [s for s in source.documented if s.name == name]
    assert len(found) == 1, items(source)
    return found[0]


def names(symbol: Symbol) -> list[str]:
    return [p.name for p in symbol.params]


def descs(symbol: Symbol) -> dict[str, str]:
    return {p.name: p.desc for p in symbol.params}


def sections(symbol: Symbol) -> list[tuple[str, str]]:
    return [(s.title, s.body) for s in symbol.sections]


def warnings(source: SourceFile) -> list[tuple[int, str, str]]:
    return [(d.line, d.rule, d.message) for d in source.diagnostics]


def test_every_fixture_is_tested():
    """Each fixture file is used by a test of this module (keeps the two in step)."""
    text = Path(__file__).read_text()
    missing = [p.name for p in sorted(FIXTURES.iterdir()) if f'"{p.name}"' not in text]
    assert missing == []


# --- functions and sections ------------------------------------------------

def test_function_all_sections():
    src = extract("function_sections.c")
    assert items(src) == [("function", n) for n in (
        "frob_widget", "frob_explicit", "frob_at_return", "frob_notes", "frob_shout", "frob_twice",
        "frob_no_return")]
    frob = item(src, "frob_widget")
    assert frob.purpose == "Frobnicate a widget."
    assert frob.decl_span == (26, 29) and frob.comment_span == (7, 25) and frob.line == 26
    assert frob.return_type == "int" and frob.storage == "" and frob.export == ""
    assert [(p.name, p.type, p.desc) for p in frob.params] == [
        ("widget", "struct widget *", "The widget to frobnicate."),
        ("level", "int", "How hard to frobnicate it.")]
    assert sections(frob) == [
        ("Description", "Frobnicates @widget at the given @level.  The widget must have been\n"
                        "set up with widget_init() first.\n\nThis paragraph is part of the description again."),
        ("Context", "Process context. Takes and releases widget->lock.\nThis line still belongs to the context."),
        ("Return", "0 on success or a negative errno."),
        ("Note", "The lock is not held on return."),
        ("Example", "frob_widget(w, 3);"),
    ]
    assert [s.line for s in frob.sections] == [12, 15, 20, 22, 24]
    assert frob.section("return").body == "0 on success or a negative errno."


def test_explicit_description_and_returns():
    frob = item(extract("function_sections.c"), "frob_explicit")
    assert sections(frob) == [("Description", "This body follows an explicit heading\n"
                                              "and continues on a second line."),
                              ("Return", "nothing interesting.")]


def test_at_return_spelling():
    frob = item(extract("function_sections.c"), "frob_at_return")
    assert frob.purpose == "Uses the @return spelling."
    assert sections(frob) == [("Return", "the frob count.")]
    assert frob.return_type == "unsigned int"


def test_note_and_example_spelling_is_kept():
    src = extract("function_sections.c")
    assert sections(item(src, "frob_notes")) == [
        ("Notes", "several notes,\nspread over two lines."),
        ("Examples", "  frob_notes(w);\n  frob_notes(NULL);")]
    assert sections(item(src, "frob_shout")) == [("NOTE", "shouting."), ("example", "lower case example.")]


def test_duplicate_section_and_missing_return():
    src = extract("function_sections.c")
    assert sections(item(src, "frob_twice")) == [("Return", "first part.\n\nsecond part."),
                                                 ("Description", "Some description.")]
    assert sections(item(src, "frob_no_return")) == [
        ("Description", "Return value: this is body text, not a section.\nLocking: also body text.")]
    # kernel-doc: line 92 (end of comment) and 106 (the "{" line).
    assert warnings(src) == [
        (91, "duplicate-section", "duplicate section name 'Return'"),
        (99, "no-return", "No description found for return value of 'frob_no_return'"),
    ]
    assert [d.symbol for d in src.diagnostics] == ["frob_twice", "frob_no_return"]


def test_multiline_parameters_and_purpose():
    src = extract("param_multiline.c")
    fn = item(src, "queue_work_on_node")
    assert fn.purpose == ("Queue work on a CPU close to a NUMA node, falling back to any CPU "
                          "when none of them is online.")
    assert descs(fn) == {
        "node": "The NUMA node.",
        "wq": "The workqueue to use.  This description goes on\nover a second line, indented to line up,\n"
              "  and a third one indented further.",
        "work": "Description starting on the next line,\nindented with a tab.",
    }
    assert [p.line for p in fn.params] == [22, 22, 23]
    assert [p.desc_line for p in fn.params] == [10, 11, 14]
    assert sections(fn) == [("Description", "Description of the function."),
                            ("Return", "%true if @work was queued.")]
    assert fn.decl_span == (22, 26)
    assert warnings(src) == []


def test_void_parameters():
    src = extract("void_params.c")
    assert items(src) == [("function", "get_tick_count"), ("function", "reset_ticks")]
    ticks = item(src, "get_tick_count")
    # kernel-doc prints "no arguments" for an undescribed void; kdocgen leaves it to the renderer.
    assert [(p.name, p.type, p.desc) for p in ticks.params] == [("void", "void", "")]
    assert ticks.return_type == "unsigned long"
    assert descs(item(src, "reset_ticks")) == {"void": "no arguments"}
    assert warnings(src) == []


def test_variadic_parameters():
    src = extract("variadic.c")
    printk = item(src, "widget_printk")
    assert [(p.name, p.type) for p in printk.params] == [
        ("w", "struct widget *"), ("fmt", "const char *"), ("...", "...")]
    assert descs(printk)["..."] == ""  # kernel-doc: "variable arguments", silently
    assert descs(item(src, "widget_log"))["..."] == "the arguments for @fmt."
    assert warnings(src) == []


def test_unnamed_parameters():
    src = extract("unnamed_params.h")
    assert items(src) == [("function", "parse_number")]
    fn = item(src, "parse_number")
    assert [(p.name, p.type) for p in fn.params] == [("", "char *"), ("long", "long")]
    assert fn.decl_span == (13, 13) and fn.return_type == "long"
    # As kernel-doc: the unnamed "char *" is the parameter '' and is warned about.
    assert warnings(src) == [
        (13, "param-undescribed", "Function parameter or struct member '' not described in 'parse_number'"),
        (13, "param-undescribed", "Function parameter or struct member 'long' not described in 'parse_number'"),
    ]


def test_function_pointer_parameters():
    src = extract("funcptr_params.c")
    fn = item(src, "for_each_widget")
    assert [(p.name, p.type, p.line) for p in fn.params] == [
        ("fn", "int (*)(struct widget *w, void *data)", 14), ("data", "void *", 14),
        ("done", "void (*)(void)", 15)]
    assert descs(fn)["done"] == "Optional completion callback"
    assert warnings(src) == []


def test_array_parameters():
    src = extract("array_params.c")
    fn = item(src, "copy_macs")
    assert [(p.name, p.type) for p in fn.params] == [
        ("dst", "unsigned char[][6]"), ("src", "const unsigned char[16][6]"), ("count", "int")]
    assert fn.return_type == "void"
    assert warnings(src) == []


def test_static_inline_in_header():
    src = extract("static_inline.h")
    assert items(src) == [("function", "widget_is_busy"), ("function", "widget_id")]
    assert [(s.name, s.storage, s.return_type, s.decl_span) for s in src.documented] == [
        ("widget_is_busy", "static", "bool", (16, 19)), ("widget_id", "static", "u32", (27, 30))]
    assert [(s.kind, s.name, s.documented) for s in src.symbols] == [
        ("macro", "_STATIC_INLINE_H", False), ("function", "widget_is_busy", True),
        ("function", "widget_id", True), ("function", "widget_undocumented", False)]
    assert warnings(src) == []


def test_prototypes():
    src = extract("prototypes.h")
    assert items(src) == [("function", "widget_alloc"), ("function", "widget_free"),
                          ("function", "widget_resize")]
    alloc, free, resize = src.documented
    assert (alloc.return_type, alloc.decl_span, alloc.decl) == (
        "struct widget *", (16, 16), "struct widget *widget_alloc(gfp_t flags)")
    assert (free.storage, free.return_type) == ("extern", "void")
    assert [(p.name, p.type, p.line) for p in resize.params] == [
        ("w", "struct widget *", 32), ("width", "unsigned int", 33), ("height", "unsigned int", 34)]
    assert resize.decl_span == (32, 34)
    assert descs(free) == {"w": "The widget, may be %NULL."}
    count = [s for s in src.symbols if s.name == "widget_count"]
    assert [(s.kind, s.documented, names(s)) for s in count] == [("function", False, ["void"])]
    assert warnings(src) == []


def test_attribute_macros():
    src = extract("attribute_macros.c")
    assert [(s.name, s.return_type, s.storage, names(s), s.decl_span) for s in src.documented] == [
        ("widget_subsys_init", "int", "static", ["void"], (12, 15)),
        ("widget_lock_try", "bool", "", ["w"], (23, 26)),
        ("widget_msg", "int", "", ["w", "fmt", "..."], (37, 37)),
        ("widget_hash", "unsigned long", "static", ["w"], (45, 48)),
        ("widget_slow_path", "void", "static", ["w"], (54, 56)),
        ("widget_copy_to_user", "long", "", ["dst", "w"], (65, 68)),
        ("widget_pure", "int", "", ["x"], (76, 79)),
    ]
    assert item(src, "widget_copy_to_user").params[0].type == "void __user *"
    assert descs(item(src, "widget_msg")) == {"w": "The widget.", "fmt": "The format.", "...": "Its arguments."}
    assert warnings(src) == []


def test_syscall_define():
    src = extract("syscall_define.c")
    assert items(src) == [("function", "sys_widget_ctl"), ("function", "sys_widget_sync")]
    ctl, sync = src.documented
    assert [(p.name, p.type, p.desc) for p in ctl.params] == [
        ("fd", "int", "File descriptor of the widget."), ("cmd", "unsigned int", "The command."),
        ("arg", "void __user *", "User pointer to the command's argument.")]
    assert (ctl.return_type, ctl.decl_span, ctl.purpose) == ("long", (15, 19), "Control a widget from user space.")
    assert (names(sync), sync.return_type, sync.decl_span) == (["void"], "long", (26, 29))
    assert sections(sync) == [("Return", "always 0.")]
    assert warnings(src) == []


def test_trace_events():
    src = extract("trace_event.h")
    assert items(src) == [("function", "trace_widget_frob"), ("function", "trace_widget_reset")]
    frob, reset = src.documented
    assert [(p.name, p.type, p.desc, p.line) for p in frob.params] == [
        ("w", "struct widget *", "The widget.", 20), ("level", "int", "The level it was frobnicated at.", 20)]
    assert (frob.return_type, frob.decl_span, frob.comment_span) == ("void", (18, 35), (13, 17))
    assert [(p.name, p.type) for p in reset.params] == [("w", "struct widget *")]
    assert reset.decl_span == (49, 52)
    assert warnings(src) == []


def test_macros():
    src = extract("macros.h")
    assert [(s.kind, s.name, names(s)) for s in src.documented] == [
        ("macro", "WIDGET_MAX", []),
        ("macro", "WIDGET_MIN", []),
        ("macro", "widget_of", ["node"]),
        ("macro", "widget_clamp", ["val", "lo", "hi"]),
        ("macro", "widget_warn", ["w", "fmt", "args"]),
        ("macro", "widget_dbg", ["fmt", "..."]),
        ("macro", "WIDGET_FLAGS", []),
    ]
    assert descs(item(src, "widget_warn"))["args"] == "Its arguments."
    assert descs(item(src, "widget_dbg"))["..."] == "Its arguments."
    assert item(src, "WIDGET_MIN").purpose == "The smallest number of widgets."
    assert item(src, "WIDGET_MAX").decl == "#define WIDGET_MAX 64"
    # Macros never get the missing-Return warning.
    assert warnings(src) == []


def test_multiline_macros_with_comments():
    src = extract("macro_multiline.h")
    assert [(s.kind, s.name, names(s), s.decl_span) for s in src.documented] == [
        ("macro", "widget_for_each", ["pos", "bus"], (13, 17)),
        ("macro", "WIDGET_INIT", ["name"], (23, 26)),
        ("function", "widget_after", ["w"], (32, 32)),
    ]
    assert sections(item(src, "widget_for_each")) == [
        ("Description", "Iterates in the order the widgets were added.")]
    assert warnings(src) == []


def test_noprof_names():
    src = extract("noprof.h")
    assert items(src) == [("function", "kmalloc"), ("function", "kfree_widget")]
    kmalloc = item(src, "kmalloc")
    assert (kmalloc.return_type, kmalloc.storage, names(kmalloc)) == ("void *", "static", ["size", "flags"])
    assert kmalloc.decl_span == (13, 16)
    assert sections(kmalloc) == [("Return", "a pointer to the memory or %NULL.")]
    # the wrapper macro after the definition stays an undocumented symbol
    assert [(s.kind, s.name, s.documented) for s in src.symbols if s.kind == "macro"] == [("macro", "kmalloc", False)]
    assert warnings(src) == []


# --- structs, unions, enums, typedefs --------------------------------------

def test_struct_nested():
    src = extract("struct_nested.h")
    st = item(src, "widget_state")
    assert (st.kind, st.decl_span, st.comment_span) == ("struct", (19, 37), (6, 18))
    assert [(p.name, p.depth, p.desc) for p in st.params] == [
        ("id", 0, "Identifier."),
        ("geom", 0, "Geometry, a named nested struct."),
        ("geom.width", 1, "Width in pixels."),
        ("geom.height", 1, "Height in pixels."),
        ("{unnamed_union}", 0, ""),  # kernel-doc: described as "anonymous"
        ("flags", 1, "Flags, inside an anonymous union."),
        ("raw", 1, "The same flags as a number."),
        ("{unnamed_struct}", 0, ""),
        ("owner", 1, "Owner, inside an anonymous struct."),
        ("refs", 1, "Reference count, inside the same anonymous struct."),
        ("u", 0, "A named union."),
        ("u.count", 1, "A counter."),
        ("u.ptr", 1, ""),  # undescribed nested member: no warning
    ]
    assert st.params[5].type == "struct widget_flags"
    assert warnings(src) == []


def test_struct_member_shapes():
    src = extract("struct_members.h")
    assert items(src) == [("struct", "widget_ops"), ("union", "widget_reg"), ("struct", "widget_pair")]
    ops = item(src, "widget_ops")
    assert [(p.name, p.type) for p in ops.params] == [
        ("probe", "int (*)(struct widget *w, const struct widget_id *id)"),
        ("remove", "void (*)(struct widget *w)"),
        ("name", "char[32]"),
        ("regs", "u32[WIDGET_NREGS]"),
        ("matrix", "int[4][4]"),
        ("enabled", "unsigned int"),
        ("mode", "unsigned int"),
        ("next", "struct widget_ops *"),
    ]
    assert all(p.desc for p in ops.params)
    assert [(p.name, p.type) for p in item(src, "widget_reg").params] == [("val", "u32"), ("bytes", "u8[4]")]
    assert [(p.name, p.type) for p in item(src, "widget_pair").params] == [("a", "int"), ("b", "int *")]
    assert warnings(src) == []


def test_struct_private_members():
    src = extract("struct_private.h")
    priv = item(src, "widget_priv")
    assert [(p.name, p.type, p.desc) for p in priv.params] == [
        ("name", "const char *", "The public name."), ("refs", "refcount_t", "Public reference count.")]
    assert warnings(src) == []  # private members need no description


def test_struct_inline_member_comments():
    src = extract("struct_inline_comments.h")
    cfg = item(src, "widget_cfg")
    assert [(p.name, p.desc) for p in cfg.params] == [
        ("rate", "The sample rate."), ("depth", "The queue depth,\n        which may be zero."),
        ("quirks", ""), ("mode", "The mode.")]
    assert sections(cfg) == [("Description", "Members are documented inside the struct.")]
    # kernel-doc: lines 20 and 25 (the closing "};").
    assert warnings(src) == [
        (20, "inline-format", "Incorrect use of kernel-doc format:          * This comment does not name a member."),
        (22, "param-undescribed", "Function parameter or struct member 'quirks' not described in 'widget_cfg'"),
    ]


def test_struct_group():
    src = extract("struct_group.h")
    hdr = item(src, "widget_hdr")
    assert [(p.name, p.type, p.desc) for p in hdr.params] == [
        ("magic", "u32", "Magic number."), ("src", "u64", "Source address."), ("dst", "u64", "Destination address."),
        ("sizes", "struct widget_sizes", "The sizes, as a tagged group."), ("len", "u32", "Length."),
        ("cap", "u32", "Capacity.")]
    # as kernel-doc: the untagged group's name is not a member
    assert warnings(src) == [(9, "member-excess", "Excess struct member 'addrs' description in 'widget_hdr'")]


def test_struct_member_attributes_and_bitmap():
    src = extract("struct_attributes.h")
    pkt = item(src, "widget_pkt")
    assert [(p.name, p.type) for p in pkt.params] == [
        ("len", "u16"), ("mask", "DECLARE_BITMAP"), ("stamp", "u64"), ("data", "u32[]")]
    assert descs(pkt)["mask"] == "Bitmap of valid entries."
    assert pkt.decl_span == (13, 18)
    assert warnings(src) == []


def test_enum_with_conditional():
    src = extract("enum.h")
    mode = item(src, "widget_mode")
    assert (mode.kind, mode.decl_span) == ("enum", (15, 23))
    assert [(p.name, p.desc, p.line) for p in mode.params] == [
        ("WIDGET_OFF", "Switched off.", 16), ("WIDGET_ON", "Switched on.", 17),
        ("WIDGET_TURBO", "Turbo mode, only with CONFIG_WIDGET_TURBO.", 19),
        ("WIDGET_SLEEP", "", 21), ("NR_WIDGET_MODES", "", 22)]
    assert sections(mode) == [("Description", "The modes are ordered.")]
    # kernel-doc: all three on line 23 (the closing "};").
    assert warnings(src) == [
        (11, "enum-excess", "Excess enum value 'WIDGET_BOGUS' description in 'widget_mode'"),
        (21, "enum-undescribed", "Enum value 'WIDGET_SLEEP' not described in enum 'widget_mode'"),
        (22, "enum-undescribed", "Enum value 'NR_WIDGET_MODES' not described in enum 'widget_mode'"),
    ]


def test_typedefs():
    src = extract("typedefs.h")
    assert items(src) == [("typedef", "widget_id_t"), ("typedef", "widget_cb_t"), ("struct", "widget_range_t"),
                          ("typedef", "widget_pos_t"), ("typedef", "widget_notify_fn")]
    plain = item(src, "widget_id_t")
    assert (plain.is_pointer_typedef, plain.params, plain.decl) == (False, [], "typedef unsigned long widget_id_t")
    cb = item(src, "widget_cb_t")
    assert (cb.is_pointer_typedef, cb.return_type, names(cb)) == (True, "int", ["w", "data"])
    assert sections(cb) == [("Return", "0 to continue, non-zero to stop.")]
    rng = item(src, "widget_range_t")  # "struct widget_range_t - ..." on a typedef struct
    assert [(p.name, p.desc) for p in rng.params] == [("first", "The first one."), ("last", "The last one.")]
    assert rng.decl_span == (25, 28)
    pos = item(src, "widget_pos_t")  # kernel-doc: a c:type without members
    assert [(p.name, p.desc) for p in pos.params] == [("x", "Column."), ("y", "Row.")]
    notify = item(src, "widget_notify_fn")
    assert (notify.is_pointer_typedef, notify.return_type, names(notify)) == (True, "void", ["w"])
    assert warnings(src) == []


def test_typedef_named_enum_and_mismatches():
    src = extract("typedef_enum.h")
    assert items(src) == [("enum", "widget_bits_t"), ("enum", "widget_named")]
    bits = item(src, "widget_bits_t")
    assert [(p.name, p.desc) for p in bits.params] == [("WB_A", "Bit A."), ("WB_B", "Bit B.")]
    assert bits.decl_span == (11, 14)
    assert [(p.name, p.desc) for p in item(src, "widget_named").params] == [("WN_A", "A.")]
    # kernel-doc: lines 22 and 30; the typedef names the anonymous type in the message.
    assert warnings(src) == [
        (17, "prototype-mismatch",
         "expecting prototype for enum widget_cbits. Prototype was for enum widget_cbits_t instead"),
        (25, "prototype-mismatch",
         "expecting prototype for struct widget_s. Prototype was for struct widget_t instead"),
    ]


# --- variables, exports, DOC blocks ----------------------------------------

def test_global_variables():
    src = extract("global_vars.c")
    assert [(s.kind, s.name, s.return_type, s.storage, s.documented) for s in src.symbols] == [
        ("var", "widget_debug", "int", "", True),
        ("var", "widget_names", "const char *const[]", "static", True),
        ("var", "default_widget_ops", "const struct widget_ops", "", True),
        ("var", "widget_count", "unsigned long", "", False),
    ]
    assert item(src, "widget_names").purpose == "Names of the widget modes."
    # kdocgen documents them; kernel-doc 6.12 gives only this warning (and no item).
    assert warnings(src) == [
        (7, "cannot-understand", "cannot understand function prototype: 'int widget_debug'"),
        (12, "cannot-understand",
         "cannot understand function prototype: 'static const char * const widget_names[] = { \"off\", \"on\", }'"),
        (19, "cannot-understand", "cannot understand function prototype: "
                                  "'const struct widget_ops default_widget_ops = { .probe = widget_probe, }'"),
    ]


def test_exports():
    src = extract("export_symbol.c")
    assert [(s.name, s.export, s.documented) for s in src.symbols] == [
        ("widget_get", "EXPORT_SYMBOL", True), ("widget_put", "EXPORT_SYMBOL_GPL", True),
        ("widget_find", "EXPORT_SYMBOL_NS_GPL", True), ("widget_local", "", False)]
    assert src.exports == {"widget_get": "EXPORT_SYMBOL", "widget_put": "EXPORT_SYMBOL_GPL",
                           "widget_find": "EXPORT_SYMBOL_NS_GPL"}
    assert item(src, "widget_find").return_type == "struct widget *"
    assert warnings(src) == []


def test_doc_blocks():
    src = extract("doc_blocks.c")
    assert items(src) == [("doc", "Widget theory of operation"), ("doc", "Introduction"), ("function", "widget_noop")]
    theory, intro, _ = src.documented
    assert (theory.decl_span, theory.comment_span, theory.purpose) == ((6, 14), (6, 14), "")
    assert sections(theory) == [("Description", "\nWidgets are small.\n\n  They may be nested:\n"
                                                "    - inner widgets\n    - outer widgets")]
    assert sections(intro) == [("Description", "\nAn untitled overview.")]
    assert warnings(src) == []


# --- comments that document nothing ----------------------------------------

def test_name_mismatch():
    src = extract("name_mismatch.c")
    assert items(src) == [("function", "widget_stop")]
    assert [(s.kind, s.name, s.documented) for s in src.symbols] == [
        ("function", "widget_begin", False), ("struct", "widget_b", False), ("function", "widget_stop", True)]
    # kernel-doc: lines 11 and 20.
    assert warnings(src) == [
        (7, "prototype-mismatch", "expecting prototype for widget_start(). Prototype was for widget_begin() instead"),
        (15, "prototype-mismatch",
         "expecting prototype for struct widget_a. Prototype was for struct widget_b instead"),
    ]
    assert [d.symbol for d in src.diagnostics] == ["widget_start", "widget_a"]


def test_not_kernel_doc():
    src = extract("not_kernel_doc.c")
    assert items(src) == [("function", "widget_reset")]
    assert [(s.name, s.documented) for s in src.symbols] == [("widget_state", False), ("widget_reset", True)]
    assert warnings(src) == [
        (7, "not-kernel-doc", "This comment starts with '/**', but isn't a kernel-doc "
                              "comment. Refer Documentation/doc-guide/kernel-doc.rst"),
        (7, "short-description", "missing initial short description on line:\n"
                                 " * This is an ordinary comment that happens to start with two stars."),
    ]


def test_indented_opener_is_ignored():
    src = extract("indented_comment.c")
    assert items(src) == []
    assert [(s.kind, s.name) for s in src.symbols] == [("function", "widget_outer"), ("function", "widget_spaced")]
    assert warnings(src) == []


def test_oneline_comment_at_top_level_is_ignored():
    src = extract("oneline_comment.c")
    assert items(src) == []
    assert [(s.kind, s.name) for s in src.symbols] == [("function", "widget_quick"), ("var", "widget_limit")]
    assert warnings(src) == []


def test_missing_short_description():
    src = extract("missing_short_desc.c")
    assert [(s.name, s.purpose, descs(s)) for s in src.documented] == [
        ("widget_bare", "", {"w": "The widget."}), ("widget_dash", "", {"w": "The widget."})]
    assert warnings(src) == [
        (7, "short-description", "missing initial short description on line:\n * widget_bare()"),
        (15, "short-description", "missing initial short description on line:\n * widget_dash() -"),
    ]


def test_struct_documented_as_function():
    src = extract("struct_as_function.h")
    stats = item(src, "widget_stats")  # kernel-doc gives no item here
    assert (stats.kind, stats.purpose) == ("struct", "Statistics of a widget.")
    assert [(p.name, p.type, p.desc) for p in stats.params] == [
        ("hits", "u64", "Cache hits."), ("misses", "u64", "Cache misses.")]
    assert warnings(src) == [(7, "cannot-understand", "cannot understand function prototype: 'struct widget_stats'")]


# --- code that is hard to parse --------------------------------------------

def test_ugly_kernel_macros():
    src = extract("ugly_macros.c")
    assert items(src) == [("function", "widget_count_active"), ("function", "widget_drain")]
    active, drain = src.documented
    assert (active.decl_span, active.return_type, names(active)) == ((20, 32), "int", ["bus"])
    assert sections(active) == [("Return", "the number of active widgets on @bus.")]
    assert (drain.decl_span, drain.return_type, names(drain)) == ((37, 44), "void", ["void"])
    # DEFINE_MUTEX(name) and LIST_HEAD(name) define the variable they name
    assert [(s.kind, s.name, s.storage) for s in src.symbols if not s.documented] == [
        ("var", "widget_mutex", "static"), ("var", "widget_list", "static")]
    assert warnings(src) == []


def test_confusing_prefix():
    src = extract("confusing_prefix.c")
    assert items(src) == [("function", "widget_recover"), ("struct", "widget_after")]
    recover, after = src.documented
    assert (recover.decl_span, recover.comment_span, recover.return_type) == ((39, 42), (33, 38), "int")
    assert [(p.name, p.type, p.desc) for p in recover.params] == [("w", "struct widget *", "The widget.")]
    assert sections(recover) == [("Return", "0.")]
    assert (after.decl_span, [(p.name, p.desc) for p in after.params]) == ((48, 50), [("a", "A member.")])
    assert warnings(src) == []


def test_ifdef_braces_following_function():
    src = extract("ifdef_braces.c")
    assert item(src, "widget_last").decl_span == (27, 29)


def test_ifdef_braces_in_body():
    src = extract("ifdef_braces.c")
    assert items(src) == [("function", "widget_pick"), ("function", "widget_last")]
    pick = item(src, "widget_pick")
    assert (pick.decl_span, pick.storage, pick.return_type, names(pick)) == ((12, 22), "static", "int", ["a"])
    assert warnings(src) == []


def test_macros_with_blank_values():
    src = extract("define_empty_value.h")
    assert items(src) == [("struct", "widget_x"), ("function", "widget_y")]
    # the blanked value must not make tree-sitter read the next line as part of the macro
    assert [(s.kind, s.name, s.decl_span, s.documented) for s in src.symbols] == [
        ("macro", "_WIDGET_DEFS_H", (6, 6), False),
        ("macro", "__widget_section", (9, 9), False),
        ("macro", "WIDGET_NOTHING", (12, 12), False),
        ("struct", "widget_x", (18, 20), True),
        ("function", "widget_y", (26, 26), True),
        ("function", "widget_z", (28, 28), False),
    ]
    assert item(src, "widget_x").params[0].desc == "A member."
    assert [s.decl for s in src.symbols[1:3]] == ['#define __widget_section __section(".widget")',
                                                  "#define WIDGET_NOTHING"]
    assert warnings(src) == []


# --- reading files and the JSON form ---------------------------------------

def test_extract_file_reads_below_tree():
    source = extract_file(FIXTURES, "macros.h")
    assert source.path == "macros.h"
    assert items(source) == items(extract("macros.h"))


def test_extract_file_missing():
    source = extract_file(FIXTURES, "no/such/file.c")
    assert source.symbols == []
    assert [(d.path, d.line, d.rule, d.severity) for d in source.diagnostics] == [
        ("no/such/file.c", 0, "read-error", "error")]
    assert source.diagnostics[0].message == "cannot read file: No such file or directory"


def test_extract_file_on_directory():
    source = extract_file(FIXTURES.parent, "c")
    assert [(d.rule, d.severity) for d in source.diagnostics] == [("read-error", "error")]


def test_json_entry():
    entry = file_entry(extract("syscall_define.c"))
    assert entry["path"] == "syscall_define.c"
    first = entry["items"][0]
    assert {k: first[k] for k in ("kind", "name", "line", "purpose", "return_type", "decl_lines",
                                  "comment_lines")} == {
        "kind": "function", "name": "sys_widget_ctl", "line": 15, "purpose": "Control a widget from user space.",
        "return_type": "long", "decl_lines": [15, 19], "comment_lines": [7, 14]}
    assert [p["name"] for p in first["params"]] == ["fd", "cmd", "arg"]
    assert first["sections"] == [{"title": "Return", "body": "0 or a negative errno."}]
    assert "documented" not in first
    everything = file_entry(extract("static_inline.h"), all_symbols=True)
    assert [(i["name"], i["documented"]) for i in everything["items"]] == [
        ("_STATIC_INLINE_H", False), ("widget_is_busy", True), ("widget_id", True), ("widget_undocumented", False)]


def test_write_json_counts_warnings():
    out = io.StringIO()
    count = write_json([extract("enum.h"), extract("macros.h")], out)
    data = json.loads(out.getvalue())
    assert count == 3
    assert [f["path"] for f in data["files"]] == ["enum.h", "macros.h"]
    assert [(w["line"], w["rule"]) for w in data["warnings"]] == [
        (11, "enum-excess"), (21, "enum-undescribed"), (22, "enum-undescribed")]


def test_cli_json(capsys):
    from kdocgen.cli import main
    assert main(["json", "--srctree", str(FIXTURES), "-j", "1", "doc_blocks.c"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(i["kind"], i["name"], i["line"]) for i in data["files"][0]["items"]] == [
        ("doc", "Widget theory of operation", 6), ("doc", "Introduction", 16), ("function", "widget_noop", 25)]
    assert data["warnings"] == []
    assert main(["json", "--srctree", str(FIXTURES), "-j", "1", "--all", "missing.c"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [(w["path"], w["rule"], w["severity"]) for w in data["warnings"]] == [("missing.c", "read-error", "error")]


# --- the markup fixture of kdocgen kernel-doc's golden cases ----------------

def test_kerneldoc_markup_fixture_items():
    """The items kernel-doc outputs for kerneldoc_markup.c (see
    tests/golden/kerneldoc/kerneldoc_markup.c.rst.out) are kdocgen's items too."""
    src = extract("kerneldoc_markup.c")
    assert items(src) == [("doc", "Gadget overview"), ("enum", "gadget_state"), ("struct", "gadget"),
                          ("typedef", "gadget_fn"), ("function", "gadget_make"),
                          ("macro", "GADGET_SIZE"), ("macro", "GADGET_MAX"),
                          ("function", "gadget_undocumented")]
    assert names(item(src, "gadget")) == ["size", "ops", "ops.run", "state", "flags", "u", "u.a",
                                          "u.b", "mode"]
    assert {w[1] for w in warnings(src)} == {"no-return", "param-excess", "param-undescribed"}
