"""Which items kernel-doc outputs: ``-export``, ``-internal``,
``-function``, ``-nosymbol``, ``-no-doc-sections``, and the exported
symbols (``EXPORT_SYMBOL*()`` lines) of the files and export files."""

from __future__ import annotations

from .flags import ALL, EXPORTED, INCLUDE, INTERNAL, Options

_EXPORT_MACROS = ("EXPORT_SYMBOL", "EXPORT_SYMBOL_GPL", "EXPORT_SYMBOL_NS", "EXPORT_SYMBOL_NS_GPL")


def exported_name(line: str) -> str:
    """The symbol a ``EXPORT_SYMBOL[_GPL](name);`` or
    ``EXPORT_SYMBOL_NS[_GPL](name, ns);`` line exports ("" if none)."""
    text = line.strip()
    word_end = 0
    while word_end < len(text) and (text[word_end].isalnum() or text[word_end] == "_"):
        word_end += 1
    macro = text[:word_end]
    if macro not in _EXPORT_MACROS:
        return ""
    rest = text[word_end:].lstrip()
    if not rest.startswith("("):
        return ""
    close = rest.find(")")
    if close < 0 or not rest[close + 1:].lstrip().startswith(";"):
        return ""
    args = rest[1:close].split(",")
    wanted = 2 if "_NS" in macro else 1
    if len(args) != wanted:
        return ""
    names = [a.strip() for a in args]
    if not all(n and all(c.isalnum() or c == "_" for c in n) for n in names):
        return ""
    if wanted == 2 and args[1] != args[1].rstrip():
        return ""  # no blank allowed before the closing parenthesis of the namespace
    return names[0]


def exported_symbols(texts: list[str], nosymbols: set[str]) -> set[str]:
    """The names exported by the given file texts."""
    found = set()
    for text in texts:
        for line in text.split("\n"):
            if "EXPORT_SYMBOL" in line:
                name = exported_name(line)
                if name and name not in nosymbols:
                    found.add(name)
    return found


class Selection:
    """The output selection of a run (the table kernel-doc keeps of names)."""

    def __init__(self, options: Options, exported: set[str] | None = None):
        self.mode = options.selection
        self.table = set(options.symbols) if options.selection == INCLUDE else set(exported or ())
        self.nosymbols = set(options.nosymbols)
        self.no_doc_sections = options.no_doc_sections

    def declaration(self, name: str, kind: str) -> bool:
        """Whether a function or type called ``name`` is output (``kind``:
        "function" for functions, macros and function typedefs)."""
        if name in self.nosymbols:
            return False
        if self.mode == ALL:
            return True
        if self.mode in (INCLUDE, EXPORTED):
            return name in self.table
        return not (kind == "function" and name in self.table)

    def doc_block(self, title: str) -> bool:
        """Whether a ``DOC:`` block titled ``title`` is output."""
        if self.no_doc_sections or title in self.nosymbols:
            return False
        return self.mode == ALL or (self.mode == INCLUDE and title in self.table)

    def warns(self, name: str, kind: str) -> bool:
        """Whether warnings about ``name``'s parameters are shown."""
        return self.declaration(name, kind)


def is_internal(mode: str) -> bool:
    return mode == INTERNAL
