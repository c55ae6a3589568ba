"""The kernel-doc comment grammar (kdocgen.kerneldoc.comment) on strings.

Expected values were checked against the kernel's own scripts/kernel-doc
(Linux 6.12) on equivalent C files.
"""

import textwrap

import pytest

from kdocgen.kerneldoc.comment import DocComment, find_comments, read_inline_docs


def read(text: str):
    """The comments and stray notes of ``text`` (dedented, first newline dropped)."""
    return find_comments(textwrap.dedent(text).lstrip("\n").split("\n"))


def one(text: str) -> DocComment:
    comments, stray = read(text)
    assert stray == []
    assert len(comments) == 1
    return comments[0]


def sections(doc: DocComment) -> list[tuple[str, str, int]]:
    return [(s.title, s.body, s.line) for s in doc.sections]


def params(doc: DocComment) -> dict[str, tuple[str, int]]:
    return {name: (p.desc, p.line) for name, p in doc.params.items()}


def notes(doc_or_list) -> list[tuple[int, str, str]]:
    items = doc_or_list.notes if isinstance(doc_or_list, DocComment) else doc_or_list
    return [(n.line, n.rule, n.message) for n in items]


# --- the identifier line --------------------------------------------------

@pytest.mark.parametrize("line, kind, name, purpose", [
    (" * foo() - Do foo.", "function", "foo", "Do foo."),
    (" * foo - Do foo.", "function", "foo", "Do foo."),
    (" * foo: Purpose after a colon", "function", "foo", "Purpose after a colon"),
    (" * foo()  -   Spaces   are   folded.", "function", "foo", "Spaces are folded."),
    (" * define FOO_MAX - A macro.", "function", "FOO_MAX", "A macro."),
    (" * struct foo_ops - The operations.", "struct", "foo_ops", "The operations."),
    (" * union foo_reg - A register.", "union", "foo_reg", "A register."),
    (" * enum foo_mode - The modes.", "enum", "foo_mode", "The modes."),
    (" * typedef foo_t - A type.", "typedef", "foo_t", "A type."),
    (" * enum - An anonymous enum.", "enum", "", "An anonymous enum."),
    ("\t* foo() - Tab before the star.", "function", "foo", "Tab before the star."),
])
def test_identifier_line(line, kind, name, purpose):
    doc = one(f"/**\n{line}\n */\n")
    assert (doc.kind, doc.name, doc.purpose) == (kind, name, purpose)
    assert (doc.start, doc.name_line, doc.end) == (1, 2, 3)
    assert doc.notes == []


def test_purpose_continues_until_blank_line():
    doc = one("""
        /**
         * foo() - The purpose
         *	goes on here
         *   and here.
         *
         * Body.
         */
        """)
    assert doc.purpose == "The purpose goes on here and here."
    assert sections(doc) == [("Description", "\nBody.\n", 3)]


def test_purpose_stops_at_parameter():
    doc = one("""
        /**
         * foo() - The purpose.
         * @a: Not part of the purpose.
         */
        """)
    assert doc.purpose == "The purpose."
    assert params(doc) == {"a": ("Not part of the purpose.", 3)}


@pytest.mark.parametrize("line", [" * foo()", " * foo() -", " * foo:"])
def test_missing_short_description(line):
    doc = one(f"/**\n{line}\n * @a: x\n */\n")
    assert doc.name == "foo" and doc.purpose == ""
    assert notes(doc) == [(2, "short-description", f"missing initial short description on line:\n{line}")]


def test_doc_block_titled_and_untitled():
    comments, stray = read("""
        /**
         * DOC: Theory of operation
         *
         * Text,
         *   indented text.
         */
        /**
         * DOC:
         * Untitled.
         */
        """)
    assert stray == []
    assert [(c.kind, c.name, c.start, c.end, c.name_line) for c in comments] == [
        ("doc", "Theory of operation", 1, 6, 2), ("doc", "Introduction", 7, 10, 8)]
    assert sections(comments[0]) == [("Theory of operation", "\nText,\n  indented text.\n", 3)]
    assert sections(comments[1]) == [("Introduction", "Untitled.\n", 9)]


# --- what is and is not a kernel-doc comment -------------------------------

def test_opener_must_be_alone_at_column_zero():
    comments, stray = read("""
         /**
          * indented() - Not kernel-doc.
          */
        /** oneline() - Not kernel-doc. */
        /**   \t
         * trailing_blanks() - Kernel-doc: blanks after the opener are fine.
         */
        """)
    assert stray == []
    assert [(c.name, c.start) for c in comments] == [("trailing_blanks", 5)]


def test_not_kernel_doc():
    comments, stray = read("""
        /**
         * This is a normal comment.
         */
        """)
    assert comments == []
    assert notes(stray) == [(2, "not-kernel-doc",
                             "This comment starts with '/**', but isn't a kernel-doc comment. "
                             "Refer Documentation/doc-guide/kernel-doc.rst"),
                            (2, "short-description",
                             "missing initial short description on line:\n * This is a normal comment.")]


def test_not_a_doc_line():
    comments, stray = read("""
        /**
        foo() - No leading star.
         */
        """)
    assert comments == []
    assert notes(stray) == [(2, "not-doc-line",
                             "Cannot understand foo() - No leading star. on line 2 - I thought it was a doc line")]


# --- parameters -----------------------------------------------------------

def test_parameter_descriptions_and_indentation():
    doc = one("""
        /**
         * foo() - Foo.
         * @a: First line,
         *      second line lined up,
         *        third indented more.
         * @b:
         *	On the next line,
         *	with a tab.
         * @c.d: A nested member.
         * @...: The variable arguments.
         */
        """)
    assert params(doc) == {
        "a": ("First line,\nsecond line lined up,\n  third indented more.", 3),
        "b": ("On the next line,\nwith a tab.", 6),
        "c.d": ("A nested member.", 9),
        "...": ("The variable arguments.", 10),
    }
    assert doc.sections == []


def test_repeated_parameter_keeps_last():
    doc = one("""
        /**
         * foo() - Foo.
         * @a: one
         * @a: two
         */
        """)
    assert params(doc) == {"a": ("two", 4)}
    assert doc.notes == []


def test_named_variadic_parameter_keeps_dots_in_comment():
    doc = one("""
        /**
         * foo() - Foo.
         * @args...: The arguments.
         */
        """)
    assert params(doc) == {"args...": ("The arguments.", 3)}


# --- sections -------------------------------------------------------------

def test_section_titles_are_normalised_or_kept():
    doc = one("""
        /**
         * foo() - Foo.
         * DESCRIPTION: desc
         * returns: r
         * CONTEXT: any
         *
         * notes: n
         * EXAMPLES: e
         */
        """)
    assert sections(doc) == [("Description", "desc\n", 3), ("Return", "r\n", 4),
                             ("Context", "any\n", 5), ("notes", "n\n", 7), ("EXAMPLES", "e\n", 8)]


@pytest.mark.parametrize("spelling", ["Return", "Returns", "@return", "RETURN"])
def test_return_spellings(spelling):
    doc = one(f"/**\n * foo() - Foo.\n *\n * {spelling}: zero.\n */\n")
    assert sections(doc) == [("Return", "zero.\n", 4)]


@pytest.mark.parametrize("line", [" * Example:: literal", " * Return value: text", " * Locking: text"])
def test_lookalike_headings_are_body_text(line):
    doc = one(f"/**\n * foo() - Foo.\n *\n{line}\n */\n")
    assert sections(doc) == [("Description", "\n" + line[3:] + "\n", 3)]


def test_double_colon_after_parameter_is_text():
    doc = one("""
        /**
         * foo() - Foo.
         * @...: va
         * Example:: body
         */
        """)
    assert params(doc) == {"...": ("va\nExample:: body", 3)}


def test_context_ends_at_blank_line():
    doc = one("""
        /**
         * foo() - Foo.
         * Context: Any context,
         * really.
         *
         * Back in the description.
         */
        """)
    assert sections(doc) == [("Context", "Any context,\nreally.\n", 3),
                             ("Description", "Back in the description.\n", 5)]


def test_other_section_ends_at_new_paragraph_after_blank():
    doc = one("""
        /**
         * foo() - Foo.
         *
         * Return: r
         * still r
         *
         * description again
         */
        """)
    assert sections(doc) == [("Return", "r\nstill r\n\n", 4), ("Description", "description again\n", 7)]


def test_duplicate_section_is_appended_with_warning():
    doc = one("""
        /**
         * foo() - Foo.
         * Context: a
         * b
         *
         * desc
         * Context: c
         */
        """)
    assert sections(doc) == [("Context", "a\nb\nc\n", 3), ("Description", "desc\n", 5)]
    assert notes(doc) == [(7, "duplicate-section", "duplicate section name 'Context'")]


def test_repeated_description_is_not_a_duplicate():
    doc = one("""
        /**
         * foo() - Foo.
         *
         * First.
         *
         * Return: r
         *
         * Second.
         */
        """)
    assert sections(doc) == [("Description", "\nFirst.\n\nSecond.\n", 3), ("Return", "r\n\n", 6)]
    assert doc.notes == []


# --- odd lines ------------------------------------------------------------

def test_suspicious_ending_line():
    doc = one("""
        /**
         * foo() - Foo.
         * NOTE:: not a section
         * text*/
        """)
    assert doc.purpose == "Foo. NOTE:: not a section"
    assert notes(doc) == [(4, "suspicious-end", "suspicious ending line:  * text*/")]


def test_bad_line_without_star():
    doc = one("""
        /**
         * foo() - Foo.
         * text
          bad line
         */
        """)
    assert doc.purpose == "Foo. text"
    assert notes(doc) == [(4, "bad-line", "bad line:   bad line")]


def test_unterminated_comment_runs_to_end_of_file():
    comments, stray = read("""
        /**
         * foo() - Foo.
         * @a: A.


        """)
    assert stray == []
    assert [(c.name, c.start, c.end) for c in comments] == [("foo", 1, 3)]
    assert params(comments[0]) == {"a": ("A.", 3)}
    assert comments[0].notes == []


@pytest.mark.parametrize("text", ["/**", "/**\n", "/**\n\n\n"])
def test_lone_opener_at_end_of_file(text):
    assert find_comments(text.split("\n")) == ([], [])


def test_several_comments_and_line_numbers():
    comments, stray = read("""
        int x;
        /**
         * a() - A.
         */
        void a(void);

        /**
         * b() - B.
         * @p: P.
         *
         * Return: R.
         */
        """)
    assert stray == []
    assert [(c.name, c.start, c.end, c.name_line) for c in comments] == [("a", 2, 4, 3), ("b", 7, 12, 8)]
    assert sections(comments[1]) == [("Return", "R.\n", 11)]


# --- inline member comments -----------------------------------------------

INLINE_BODY = textwrap.dedent("""\
    struct s {
    \t/** @a: One line. */
    \tint a;
    \t/**
    \t * @b: First line,
    \t *      second line.
    \t */
    \tint b;
    \t/**
    \t * Does not name a member.
    \t */
    \tint c;
    \t/** @d: */
    \tint d;
    };
    """).split("\n")


def test_inline_member_comments():
    doc = DocComment("struct", "s", 1, 1)
    read_inline_docs(doc, INLINE_BODY, 0, len(INLINE_BODY) - 1)
    assert params(doc) == {"a": ("One line.", 2), "b": ("First line,\n     second line.", 5)}
    assert notes(doc) == [(10, "inline-format",
                           "Incorrect use of kernel-doc format:          * Does not name a member.")]


def test_inline_comments_outside_range_are_ignored():
    doc = DocComment("struct", "s", 1, 1)
    read_inline_docs(doc, INLINE_BODY, 2, 2)
    assert doc.params == {} and doc.notes == []
