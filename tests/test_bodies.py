"""Function bodies blanked before the whole-file parse, and the mark scanner."""

from __future__ import annotations

from kdocgen.cparse.bodies import blank_bodies, body_spans
from kdocgen.cparse.declarations import parse_declarations
from kdocgen.cparse.marks import BRACES, STRUCTURE, next_mark


def marks(text: bytes, pattern=STRUCTURE) -> bytes:
    """The marks the scanner finds, in order."""
    found, pos = [], 0
    while (at := next_mark(text, pos, pattern)) >= 0:
        found.append(text[at:at + 1])
        pos = at + 1
    return b"".join(found)


def test_marks_skip_literals_and_directives():
    text = b'int a = "{;}"; char c = \'}\';\n  #define X { \\\n  }\nstruct s { int b; };\nx # {\n'
    assert marks(text) == b";;{;};{"
    assert marks(text, BRACES) == b"{}{"


def test_body_inside_blanked_offsets_kept():
    text = b"static int f(int a)\n{\n\treturn g(a, \"}\");\n}\nint x;\n"
    out = blank_bodies(text)
    assert len(out) == len(text) and out.count(b"\n") == text.count(b"\n")
    assert b"return" not in out and out.endswith(b"}\nint x;\n")
    assert body_spans(text) == [(text.index(b"{") + 1, text.rindex(b"}"))]


def test_initializer_blanked_record_kept():
    initializer = b"static struct ops o = {\n\t.f = f,\n};\nstruct s {\n\tint (*f)(void);\n};\n"
    assert blank_bodies(initializer) == b"static struct ops o = {\n        \n};\nstruct s {\n\tint (*f)(void);\n};\n"
    symbols = parse_declarations(initializer).symbols
    assert [(s.kind, s.name, s.decl_span, s.value) for s in symbols] == [("var", "o", (1, 3), ""),
                                                                         ("struct", "s", (4, 6), "")]
    assert symbols[1].params[0].name == "f"


def test_bodies_kept_when_unsure():
    with_directive = b"void f(void)\n{\n#ifdef A\n\tg();\n#endif\n}\n"
    string_hash = b"static const char *n[] = {\n\t\"#1\",\n};\n"
    unbalanced = b"void f(void)\n{\n}\n}\nvoid g(void)\n{\n\th();\n}\n"
    for text in (with_directive, string_hash):
        assert blank_bodies(text) == text
    assert body_spans(unbalanced) == [(unbalanced.index(b"{") + 1, unbalanced.index(b"}"))]


def test_declarations_same_with_calls_or_not():
    source = (b"/**\n * f() - x\n */\nstatic int f(int a)\n{\n\tif (a) {\n\t\treturn h(a);\n\t}\n"
              b"\treturn 0;\n}\n\nstruct s { int b; };\n")
    plain = parse_declarations(source)
    calls = parse_declarations(source, with_calls=True)
    assert [(s.kind, s.name, s.decl_span, s.decl) for s in plain.symbols] == \
        [(s.kind, s.name, s.decl_span, s.decl) for s in calls.symbols]
    assert [s.decl_span for s in plain.symbols] == [(4, 10), (12, 12)]
    assert calls.symbols[0].calls == ["h"]
