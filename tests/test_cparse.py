"""Declarations found by kdocgen.cparse, documented or not.

Kinds, names, line spans, storage, exports, return types, member nesting.
"""

import textwrap

import pytest

from kdocgen.cparse.blanking import blank_attributes, blank_comments
from kdocgen.cparse.declarations import declaration_end, parse_declarations
from kdocgen.cparse.members import MEMBER_NESTING, split_args

SOURCE = textwrap.dedent("""\
    #include <linux/x.h>
    #define A 1
    #define B(x, y) ((x) + (y))
    #define C(fmt, args...) f(fmt, ##args)
    static int counter;
    extern unsigned long jiffies_x;
    int a = 1, *b, c[3];
    static const char *const names[] = { "a" };
    static inline int __must_check helper(const char *s, size_t n)
    {
    \treturn 0;
    }
    extern void __noreturn die(const char *fmt, ...) __printf(1, 2);
    struct foo;
    struct bar {
    \tint x;
    \tstruct {
    \t\tint y;
    \t\tunion {
    \t\t\tint z;
    \t\t\tlong w;
    \t\t};
    \t} in;
    };
    union u { int a; char b; };
    enum e { E0, E1 = 5, };
    enum { ANON0, ANON1 };
    typedef unsigned int uint_t;
    typedef int (*cb_t)(void *);
    typedef struct { int q; } anon_t;
    int *ptr_ret(void);
    struct bar *make_bar(int n);
    void __init setup_x(void) { }
    EXPORT_SYMBOL(helper);
    EXPORT_SYMBOL_GPL(make_bar);
    EXPORT_SYMBOL_NS_GPL(counter, NS);
    """).encode()


@pytest.fixture(scope="module")
def parsed():
    return parse_declarations(SOURCE, "t.c")


def by_name(parsed, name, kind=None):
    found = [s for s in parsed.symbols if s.name == name and (kind is None or s.kind == kind)]
    assert len(found) == 1, [(s.kind, s.name) for s in parsed.symbols]
    return found[0]


def test_every_declaration_in_order(parsed):
    assert [(s.kind, s.name, s.decl_span) for s in parsed.symbols] == [
        ("macro", "A", (2, 2)),
        ("macro", "B", (3, 3)),
        ("macro", "C", (4, 4)),
        ("var", "counter", (5, 5)),
        ("var", "jiffies_x", (6, 6)),
        ("var", "a", (7, 7)),
        ("var", "b", (7, 7)),
        ("var", "c", (7, 7)),
        ("var", "names", (8, 8)),
        ("function", "helper", (9, 12)),
        ("function", "die", (13, 13)),
        ("struct", "bar", (15, 24)),
        ("union", "u", (25, 25)),
        ("enum", "e", (26, 26)),
        ("enum", "", (27, 27)),
        ("typedef", "uint_t", (28, 28)),
        ("typedef", "cb_t", (29, 29)),
        ("struct", "", (30, 30)),
        ("typedef", "anon_t", (30, 30)),
        ("function", "ptr_ret", (31, 31)),
        ("function", "make_bar", (32, 32)),
        ("function", "setup_x", (33, 33)),
    ]
    assert parsed.error_lines == []
    assert not any(s.documented for s in parsed.symbols)


def test_storage_and_exports(parsed):
    assert {s.name: s.storage for s in parsed.symbols if s.storage} == {
        "counter": "static", "jiffies_x": "extern", "names": "static", "helper": "static", "die": "extern"}
    assert parsed.exports == {"helper": "EXPORT_SYMBOL", "make_bar": "EXPORT_SYMBOL_GPL",
                              "counter": "EXPORT_SYMBOL_NS_GPL"}
    assert {s.name: s.export for s in parsed.symbols if s.export} == parsed.exports


@pytest.mark.parametrize("name, return_type", [
    ("counter", "int"), ("jiffies_x", "unsigned long"), ("a", "int"), ("b", "int *"), ("c", "int[3]"),
    ("names", "const char *const[]"), ("helper", "int"), ("die", "void"), ("ptr_ret", "int *"),
    ("make_bar", "struct bar *"), ("setup_x", "void"), ("cb_t", "int"),
])
def test_return_and_variable_types(parsed, name, return_type):
    assert by_name(parsed, name).return_type == return_type


def test_function_parameters(parsed):
    assert [(p.name, p.type) for p in by_name(parsed, "helper").params] == [
        ("s", "const char *"), ("n", "size_t")]
    assert [(p.name, p.type) for p in by_name(parsed, "die").params] == [
        ("fmt", "const char *"), ("...", "...")]
    assert [(p.name, p.type) for p in by_name(parsed, "ptr_ret").params] == [("void", "void")]
    assert by_name(parsed, "helper").decl == "static inline int __must_check helper(const char *s, size_t n)"


def test_macro_parameters(parsed):
    assert by_name(parsed, "A").params == []
    assert [p.name for p in by_name(parsed, "B").params] == ["x", "y"]
    assert [p.name for p in by_name(parsed, "C").params] == ["fmt", "args"]
    assert by_name(parsed, "B").decl == "#define B(x, y) ((x) + (y))"


def test_nested_members_and_depth(parsed):
    assert [(m.name, m.type, m.depth, m.line) for m in by_name(parsed, "bar").params] == [
        ("x", "int", 0, 16),
        ("in", "struct", 0, 17),
        ("in.y", "int", 1, 18),
        ("{unnamed_union}", "union", 1, 19),
        ("in.z", "int", 2, 20),
        ("in.w", "long", 2, 21),
    ]


def test_enums_and_typedefs(parsed):
    assert [m.name for m in by_name(parsed, "e").params] == ["E0", "E1"]
    assert [m.name for m in by_name(parsed, "", "enum").params] == ["ANON0", "ANON1"]
    cb = by_name(parsed, "cb_t")
    assert cb.is_pointer_typedef and [(p.name, p.type) for p in cb.params] == [("", "void *")]
    assert cb.decl == "typedef int (*cb_t)(void *)"
    anon = by_name(parsed, "anon_t")
    assert not anon.is_pointer_typedef and [(p.name, p.type) for p in anon.params] == [("q", "int")]
    assert by_name(parsed, "uint_t").decl == "typedef unsigned int uint_t"


def test_forward_declaration_is_not_a_symbol(parsed):
    assert [s for s in parsed.symbols if s.name == "foo"] == []


def test_syscall_and_trace_definitions():
    src = textwrap.dedent("""\
        SYSCALL_DEFINE2(dup_it, unsigned int, fd, int __user *, out)
        {
        \treturn 0;
        }
        SYSCALL_DEFINE0(nothing)
        {
        \treturn 0;
        }
        COMPAT_SYSCALL_DEFINE1(cfoo, compat_uptr_t, p)
        {
        \treturn 0;
        }
        TRACE_EVENT(ev_one,
        \tTP_PROTO(int a, const char *b),
        \tTP_ARGS(a, b),
        \tTP_STRUCT__entry(__field(int, a)),
        \tTP_fast_assign(__entry->a = a;),
        \tTP_printk("%d", __entry->a)
        );
        DEFINE_EVENT(cls, ev_two,
        \tTP_PROTO(struct page *page),
        \tTP_ARGS(page)
        );
        """).encode()
    symbols = parse_declarations(src).symbols
    assert [(s.kind, s.name, s.decl_span, s.return_type) for s in symbols] == [
        ("function", "sys_dup_it", (1, 4), "long"),
        ("function", "sys_nothing", (5, 8), "long"),
        ("function", "sys_cfoo", (9, 12), "long"),
        ("function", "trace_ev_one", (13, 19), "void"),
        ("function", "trace_ev_two", (20, 23), "void"),
    ]
    assert [[(p.name, p.type, p.line) for p in s.params] for s in symbols] == [
        [("fd", "unsigned int", 1), ("out", "int __user *", 1)],
        [("void", "void", 5)],
        [("p", "compat_uptr_t", 9)],
        [("a", "int", 14), ("b", "const char *", 14)],
        [("page", "struct page *", 21)],
    ]
    assert symbols[0].decl == "long sys_dup_it(unsigned int fd, int __user * out)"


def test_declarations_inside_conditionals():
    src = b"#ifdef CONFIG_X\nint x_on(void);\n#else\nstatic inline int x_on(void) { return 0; }\n#endif\n"
    symbols = parse_declarations(src).symbols
    assert [(s.name, s.decl_span, s.storage) for s in symbols] == [
        ("x_on", (2, 2), ""), ("x_on", (4, 4), "static")]


@pytest.mark.parametrize("src, expected", [
    (b"#ifndef A\n#define A /* c */\n#endif\nint x;\n", [("macro", "A", (2, 2)), ("var", "x", (4, 4))]),
    (b"#define B __init\nint y;\n", [("macro", "B", (1, 1)), ("var", "y", (2, 2))]),
    (b"#define C   \nstruct s {\n\tint a;\n};\n", [("macro", "C", (1, 1)), ("struct", "s", (2, 4))]),
    (b"#define D(x) __printf(1, 2)\nint z;\n", [("macro", "D", (1, 1)), ("var", "z", (2, 2))]),
])
def test_define_with_blank_value_ends_on_its_line(src, expected):
    parsed = parse_declarations(src)
    assert [(s.kind, s.name, s.decl_span) for s in parsed.symbols] == expected
    assert parsed.error_lines == []


def test_member_type_keeps_qualifiers():
    src = b"struct q {\n\tconst char *name;\n\tvolatile unsigned long flags;\n\tchar const *alt;\n};\n"
    (symbol,) = parse_declarations(src).symbols
    assert [(m.name, m.type) for m in symbol.params] == [
        ("name", "const char *"), ("flags", "volatile unsigned long"), ("alt", "char const *")]


def test_member_macros():
    src = textwrap.dedent("""\
        struct m {
        \tDECLARE_BITMAP(bits, 64);
        \tDECLARE_HASHTABLE(table, 4);
        \tunion {
        \t\tDECLARE_FLEX_ARRAY(u8, bytes);
        \t};
        \tu32 data[] __counted_by(n);
        \tu64 stamp __aligned(8);
        };
        """).encode()
    (symbol,) = parse_declarations(src).symbols
    assert [(m.name, m.type, m.depth) for m in symbol.params] == [
        ("bits", "DECLARE_BITMAP", 0), ("table", "DECLARE_HASHTABLE", 0), ("{unnamed_union}", "union", 0),
        ("bytes", "DECLARE_FLEX_ARRAY", 1), ("data", "u32[]", 0), ("stamp", "u64", 0)]


def test_deep_nesting_is_cut_off_not_fatal_and_said():
    depth = 3000
    src = b"struct s {\n" + b"struct {\n" * depth + b"int a;\n" + b"} b;\n" * depth + b"};\n"
    parsed = parse_declarations(src)
    (symbol,) = parsed.symbols
    assert symbol.name == "s" and symbol.decl_span == (1, 2 * depth + 3)
    assert symbol.params[0].name == "b" and symbol.params[1].name == "b.b"
    assert max(m.depth for m in symbol.params) == MEMBER_NESTING
    assert parsed.cut == [("s", MEMBER_NESTING + 2)]  # the line of the first body not read


def test_members_deeper_than_python_recursion_are_read():
    depth = 900  # past Python's default recursion limit with several frames a level
    src = b"struct s {\n" + b"struct {\n" * depth + b"int a;\n" + b"} b;\n" * depth + b"};\n"
    parsed = parse_declarations(src)
    assert parsed.symbols[0].params[-1].name == "b." * depth + "a" and parsed.cut == []


def test_reparse_of_a_range():
    src = b"int broken = (;\n\n/**\n * ok() - fine\n */\nint ok(void);\n"
    parsed = parse_declarations(src)
    found = parsed.reparse(6, 6)
    assert [(s.kind, s.name, s.decl_span) for s in found] == [("function", "ok", (6, 6))]
    assert parsed.reparse(7, 7) == []


# --- attribute blanking ----------------------------------------------------

@pytest.mark.parametrize("before, after", [
    (b"static int __init f(void);", b"static int        f(void);"),
    (b"__printf(1, 2) int f(const char *fmt, ...);", b"               int f(const char *fmt, ...);"),
    (b"int f(void) __attribute__((cold, section(\".x\")));",
     b"int f(void)                                     ;"),
    (b"void __user *p __aligned(8) __counted_by(n);", b"void        *p                             ;"),
    (b"int my__init; int __initx; int __init_or_module;", b"int my__init; int __initx; int                 ;"),
    (b"int x; /* comment */ // line\n", b"int x;" + b" " * 22 + b"\n"),
    (b"char *s = \"/* not a comment */\";", b"char *s = \"/* not a comment */\";"),
    (b"FOO(bar)\nint x;\nBAZ(1, (2))\n{\n", b"        \nint x;\nBAZ(1, (2))\n{\n"),
    (b"struct s { struct_group(g, int a;); };", b"struct s {                 int a; ; };"),
    (b"struct s { struct_group_tagged(t, n, int c;); };", b"struct s { struct              t  n; int c; ; };"),
])
def test_blank_attributes(before, after):
    assert blank_attributes(before) == after
    assert len(after) == len(before)


def test_blank_comments_keeps_newlines():
    src = b"a /* one\ntwo */ b // three\nc"
    assert blank_comments(src) == b"a       \n       b         \nc"


def test_split_args():
    assert split_args("a, f(b, c), {d, e}, [f, g]") == ["a", " f(b, c)", " {d, e}", " [f, g]"]
    assert split_args("") == [""]


# --- where kernel-doc would stop reading a declaration ---------------------

@pytest.mark.parametrize("text, expected", [
    (b"int f(void);\nint g;\n", b"int f(void);\n"),
    (b"#define X(a) \\\n\t(a)\nint g;\n", b"#define X(a) \\\n\t(a)\n"),
    (b"struct s {\n\tint a;\n} s1, s2;\nint g;\n", b"struct s {\n\tint a;\n} s1, s2;\n"),
    (b"int f(const char *s = \"};\");\nint g;\n", b"int f(const char *s = \"};\");\n"),
    (b"int f(int a)\n{\n", b"int f(int a)\n{\n"),
    (b"int f(int a)\n{\n}\n#define X 1\n", b"int f(int a)\n{\n}\n"),
])
def test_declaration_end(text, expected):
    assert text[:declaration_end(text, 0, len(text))] == expected
