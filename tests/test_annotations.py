"""Annotation macros found by where they stand (kdocgen.cparse.annotations),
and what the parser makes of declarations carrying them."""

from __future__ import annotations

import pytest

from kdocgen.cparse.annotations import annotation_spans
from kdocgen.cparse.blanking import blank_attributes
from kdocgen.cparse.declarations import parse_declarations


def blanked(text: str) -> list[str]:
    """The annotations found in ``text``, as written."""
    data = text.encode()
    return [data[a:b].decode() for a, b in annotation_spans(data)]


@pytest.mark.parametrize("text, found", [
    # after a parameter list, on its line or an indented line below
    ("int f(int a) __acquires_shared(&s) __no_context_analysis;", ["__acquires_shared(&s) __no_context_analysis"]),
    ("int f(void)\n\t__cond_acquires_shared(true, sem)\n{\n}\n", ["__cond_acquires_shared(true, sem)"]),
    ("struct a *f(int b)\n    __must_hold_shared(&l)\n{ }\n", ["__must_hold_shared(&l)"]),
    ("int (*fp)(int) __rcu_like = g;", ["__rcu_like"]),
    # after a declarator's name
    ("size_t off __guarded_by(&l) = 4;", ["__guarded_by(&l)"]),
    ("struct s { u8 *aliases __counted_by_ptr(num); int num; };", ["__counted_by_ptr(num)"]),
    ("void **pools __pt_guarded_by(&l);", ["__pt_guarded_by(&l)"]),
    # before a declaration
    ("__guarded_by(&l) LIST_HEAD(name);", ["__guarded_by(&l)"]),
    ("VISIBLE_IF_KUNIT int f(void);", ["VISIBLE_IF_KUNIT"]),
    ("STATIC_IFN_KUNIT\nconst struct a *f(void)\n{\n}\n", ["STATIC_IFN_KUNIT"]),
    # a macro wrapping members: its name and parentheses
    ("struct s {\n\tWRAP(\n\t\tint (*show)(int a);\n\t);\n};", ["WRAP(", ");"]),
])
def test_annotations_found(text, found):
    assert blanked(text) == found


@pytest.mark.parametrize("text", [
    "int f(void)\n{\n\tif (x) kfree(p);\n\treturn g(a) h;\n}\n",  # function bodies are not read
    "unsigned long __get_free_pages(gfp_t mask, unsigned int order);",  # a prototype
    "void __init_memblock __next_range(u64 *idx, int nid);",  # the name after an unknown attribute
    "typeof(int) y;",
    "ACPI_STATUS acpi_walk(u32 depth);",  # a type in capitals
    "const __u32 *p;\nunsigned __int128 x;",
    "TRACE_EVENT(a, TP_PROTO(int b))\nDEFINE_EVENT(c, d, TP_PROTO(int e));",  # a new line, not indented
    "static struct a b = { .c = f(x) g };",  # initializers are not read
    "enum e { A = BIT(1) B, };",
    "#define F(a) int a __x(y);\n",
])
def test_no_annotations(text):
    assert blanked(text) == []


def test_blanking_keeps_offsets():
    source = b"int f(int a)\n\t__acquires_shared(&s)\n{\n\treturn a;\n}\n"
    text = blank_attributes(source)
    assert len(text) == len(source) and text.count(b"\n") == source.count(b"\n")
    assert b"__acquires_shared" not in text and b"return a;" in text


def test_declarations_with_unknown_annotations():
    source = (b"static inline void\nwrite_unlock_irqrestore(seqlock_t *sl, unsigned long flags)\n"
              b"\t__releases(sl) __no_context_analysis\n{\n\tspin_unlock(&sl->lock);\n}\n\n"
              b"extern int down_try(struct rw_semaphore *sem) __cond_acquires_shared(true, sem);\n\n"
              b"struct device_attribute {\n\tstruct attribute attr;\n\t__FUNCTION_ALTERNATIVE(\n"
              b"\t\tssize_t (*show)(struct device *dev, char *buf);\n\t\tssize_t (*show_const)(char *buf);\n\t);\n"
              b"\tu8 *aliases __counted_by_ptr(num_aliases);\n\tint num_aliases;\n};\n")
    parsed = parse_declarations(source, "x.h")
    assert [(s.kind, s.name) for s in parsed.symbols] == [
        ("function", "write_unlock_irqrestore"), ("function", "down_try"), ("struct", "device_attribute")]
    assert [p.name for p in parsed.symbols[0].params] == ["sl", "flags"]
    assert [p.name for p in parsed.symbols[2].params] == ["attr", "show", "show_const", "aliases", "num_aliases"]


def test_prefix_after_other_declarations():
    source = (b"int g(void)\n{\n\treturn 0;\n}\n\nSTATIC_IFN_KUNIT\nconst struct lut *\n"
              b"extract_lut(const struct blob *blob, u32 *size)\n{\n\treturn NULL;\n}\n")
    assert blanked(source.decode()) == ["STATIC_IFN_KUNIT"]
    assert [s.name for s in parse_declarations(source, "x.c").symbols] == ["g", "extract_lut"]
