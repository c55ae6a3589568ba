"""How the drop-in reads 7.x ``var`` declarations (fast, no kernel tree)."""

from kdocgen.dropin.variable import prepared, read_variable


def test_name_and_value():
    found = read_variable("unsigned long loops_per_jiffy = (1<<12);")
    assert found is not None and (found.name, found.default) == ("loops_per_jiffy", "(1<<12)")


def test_pointer_array_and_annotations():
    assert read_variable("char *saved_command_line __ro_after_init;").name == "saved_command_line"
    assert read_variable("const char linux_banner[];").default == ""
    found = read_variable("size_t pool_offset __guarded_by(&pool_lock) = DEPOT_POOL_SIZE;")
    assert (found.name, found.default) == ("pool_offset", "DEPOT_POOL_SIZE")


def test_macros_name_the_variable():
    assert read_variable("static DEFINE_MUTEX(widget_lock);").name == "widget_lock"
    assert read_variable("__guarded_by(&l) LIST_HEAD(free_stacks);").name == "free_stacks"


def test_function_pointer_is_not_read():
    assert read_variable("int (*fn_ptr)(int a);") is None


def test_quoted_text_of_an_unreadable_declaration():
    assert prepared("int (*hook)(int a) __read_mostly;") == "int (*hook)(int a)"
    assert prepared("static DEFINE_MUTEX(lock);") == "static DEFINE_MUTEX(lock);"
