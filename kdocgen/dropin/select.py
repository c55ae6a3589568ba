"""Which items kernel-doc outputs: ``-export``, ``-internal``,
``-function``, ``-nosymbol``, ``-no-doc-sections``, and the exported
symbols (``EXPORT_SYMBOL*()`` lines) of the files and export files."""

from __future__ import annotations

from .flags import ALL, EXPORTED, INCLUDE, INTERNAL, Options

_EXPORT_MACROS = ("EXPORT_SYMBOL", "EXPORT_SYMBOL_GPL", "EXPORT_SYMBOL_NS", "EXPORT_SYMBOL_NS_GPL")


def exported_name(line: str, python: bool = False) -> str:
    """The symbol a ``EXPORT_SYMBOL[_GPL](name);`` or
    ``EXPORT_SYMBOL_NS[_GPL](name, ns);`` line exports ("" if none).  The
    6.x tool wants the ``;`` and a word as namespace; the 7.x one no ``;``
    and a quoted namespace (``"CXL"``)."""
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
    if close < 0 or not (python or rest[close + 1:].lstrip().startswith(";")):
        return ""
    args = rest[1:close].split(",")
    wanted = 2 if "_NS" in macro else 1
    if len(args) != wanted:
        return ""
    name = args[0].strip()
    if not _is_word(name):
        return ""
    if wanted == 2 and not _namespace_ok(args[1], python):
        return ""
    return name


def _is_word(text: str) -> bool:
    return bool(text) and all(c.isalnum() or c == "_" for c in text)


def _namespace_ok(arg: str, python: bool) -> bool:
    """A namespace argument as the dialect's tool accepts it: right before
    the closing parenthesis, a word (6.x) or a quoted run of non-blanks (7.x)."""
    if arg != arg.rstrip():
        return False  # no blank allowed before the closing parenthesis
    arg = arg.lstrip()
    if not python:
        return _is_word(arg)
    return len(arg) >= 3 and arg[0] == arg[-1] == '"' and not any(c.isspace() for c in arg)


#: 7.x: the suffix of exported names documented without it (kmalloc_noprof is kmalloc's)
_DOCUMENTED_WITHOUT = "_noprof"


def exported_symbols(texts: list[str], nosymbols: set[str], python: bool = False) -> set[str]:
    """The names exported by the given file texts (7.x: without a
    ``_noprof`` suffix)."""
    found = set()
    for text in texts:
        for line in text.split("\n"):
            if "EXPORT_SYMBOL" in line:
                name = exported_name(line, python)
                if python and name.endswith(_DOCUMENTED_WITHOUT):
                    name = name[:-len(_DOCUMENTED_WITHOUT)]
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
