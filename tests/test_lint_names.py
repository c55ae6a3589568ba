"""Where referenced names are defined (the lint's reference scope)."""

from kdocgen.lint.names import default_scope, defined_names, names_in_scope

HEADER = b"""\
#define FOO_MAX 4
struct foo {
\tint a;
\tstruct {
\t\tint b;
\t} inner;
};
typedef struct {
\tint c;
} foo_t;
typedef unsigned long foo_flags_t;
static inline int
foo_get(struct foo *f)
{
\treturn f->a;
}
int foo_put(struct foo *f);
typedef int (*foo_cb_t)(struct foo *f,
			int how);
struct foo_ops
{
	int (*reset)(struct foo *f);
};
static long foo_ioctl(struct foo *f,
		      unsigned int cmd)
{
	return foo_called(cmd);
}
/* foo_mentioned() is only mentioned here */
void use(void) { foo_called(1); }
"""


def test_definitions_by_text(tmp_path):
    (tmp_path / "foo.h").write_bytes(HEADER)
    wanted = {"FOO_MAX", "foo", "foo_t", "foo_flags_t", "foo_get", "foo_put", "foo_cb_t",
              "foo_ops", "foo_ioctl", "inner", "reset", "foo_mentioned", "foo_called", "nowhere"}
    assert defined_names([str(tmp_path / "foo.h")], wanted) == {
        "FOO_MAX", "foo", "foo_t", "foo_flags_t", "foo_get", "foo_put", "foo_cb_t", "foo_ops",
        "foo_ioctl"}


def test_first_file_defining_a_name_wins_and_missing_files_are_skipped(tmp_path):
    (tmp_path / "a.h").write_bytes(b"int alpha(void);\n")
    (tmp_path / "b.h").write_bytes(b"int beta(void);\n")
    paths = [str(tmp_path / "gone.h"), str(tmp_path / "a.h"), str(tmp_path / "b.h")]
    assert defined_names(paths, {"alpha", "beta", "gamma"}) == {"alpha", "beta"}


def test_scope_is_include_and_the_linted_directories(tmp_path):
    (tmp_path / "include" / "linux").mkdir(parents=True)
    (tmp_path / "include" / "linux" / "x.h").write_bytes(b"struct xs {\n\tint a;\n};\n")
    (tmp_path / "drivers" / "x" / "sub").mkdir(parents=True)
    (tmp_path / "drivers" / "x" / "local.h").write_bytes(b"#define LOCAL_ONE 1\n")
    (tmp_path / "drivers" / "x" / "sub" / "deeper.h").write_bytes(b"#define DEEPER 1\n")
    scope = default_scope(["drivers/x/a.c"])
    found = names_in_scope(tmp_path, scope, [], {"xs", "LOCAL_ONE", "DEEPER"})
    assert found == {"xs", "LOCAL_ONE"}
