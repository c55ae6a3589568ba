"""The C domain's objects are named again only for pages read again."""

from types import SimpleNamespace

from kdocgen.sphinxext.cobjects import CObjects


class Name:
    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text

    def get_display_string(self) -> str:
        return self.text


def symbol(name: str, docname: str, named: list[str]):
    def full_name():
        named.append(name)
        return Name("." + name)
    declaration = SimpleNamespace(objectType="function", get_newest_id=lambda: f"c.{name}")
    return SimpleNamespace(docname=docname, declaration=declaration, get_full_nested_name=full_name)


def tree(symbols):
    return SimpleNamespace(get_all_symbols=lambda: iter([SimpleNamespace(declaration=None), *symbols]))


def test_only_pages_read_again_are_named(tmp_path):
    for page in ("a", "b"):
        (tmp_path / f"{page}.doctree").write_bytes(page.encode())
    named: list[str] = []
    root = tree([symbol("a_one", "a", named), symbol("b_two", "b", named)])
    first = CObjects(tmp_path)
    listed = first.listed(root, {"a", "b"})
    assert [item[0] for item in listed] == ["a_one", "b_two"] and sorted(named) == ["a_one", "b_two"]
    assert listed[0] == ("a_one", "a_one", "function", "a", "c.a_one", 1)
    first.save()
    named.clear()
    assert CObjects(tmp_path).listed(root, {"a", "b"}) == listed and named == []  # nothing read again
    (tmp_path / "b.doctree").write_bytes(b"b, read again")
    root = tree([symbol("a_one", "a", named), symbol("b_three", "b", named)])
    assert [item[0] for item in CObjects(tmp_path).listed(root, {"a", "b"})] == ["a_one", "b_three"]
    assert named == ["b_three"]


def test_a_missing_or_broken_record_names_everything(tmp_path):
    (tmp_path / "a.doctree").write_bytes(b"a")
    (tmp_path / "kdocgen-c-objects.pickle").write_bytes(b"not a pickle")
    named: list[str] = []
    assert len(CObjects(tmp_path).listed(tree([symbol("a_one", "a", named)]), {"a"})) == 1
    assert named == ["a_one"]
