"""The reST kernel-doc prints for the items of a file (6.x Perl dialect).

Each writer appends to a list of strings; the layout (directives, the
``kernelindent`` containers, indentation, blank lines and ``.. LINENO``
lines) is kernel-doc's, byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .highlight import PERL_RULES, Rule, highlight_rst
from .items import Item
from .proto import skip_blanks


@dataclass
class RstStyle:
    """How to write: line numbers, the Sphinx C domain generation, rules."""

    lineno: bool = False
    sphinx_major: int = 3
    rules: list[Rule] = field(default_factory=lambda: PERL_RULES)
    #: -function given: DOC blocks without their label and title
    content_only: bool = False


class RstWriter:
    """Writes items to ``out`` in kernel-doc's reST."""

    enum_undescribed = "      *undescribed*\n"
    enum_tail = "\n"

    def __init__(self, style: RstStyle):
        self.style = style
        self.out: list[str] = []

    def text(self) -> str:
        return "".join(self.out)

    def lineno(self, line: int | None) -> None:
        if self.style.lineno and line is not None:
            self.out.append(f".. LINENO {line}\n")

    def highlighted(self, text: str, prefix: str) -> None:
        for line in highlight_rst(text, self.style.rules):
            self.out.append(prefix + line + "\n")

    def write(self, item: Item) -> None:
        """Write one item."""
        if item.kind == "doc":
            self.doc(item)
        elif item.kind == "function":
            self.function(item)
        elif item.kind in ("struct", "union"):
            self.record(item)
        elif item.kind == "enum":
            self.enum(item)
        elif item.kind == "typedef":
            self.typedef(item)
        elif item.kind == "var":
            self.var(item)

    def doc(self, item: Item) -> None:
        for title, body, line in item.sections[:1]:
            if not self.style.content_only:
                self.out.append(f".. _{title}:\n\n**{title}**\n\n")
            self.lineno(line)
            self.highlighted(body, "")
            self.out.append("\n")

    def sections(self, item: Item, prefix: str) -> None:
        for title, body, line in item.sections:
            self.out.append(f"{prefix}**{title}**\n\n")
            self.lineno(line)
            self.highlighted(body, prefix)
            self.out.append("\n")
        self.out.append("\n")

    def signature(self, item: Item) -> str:
        macro = item.object_macro
        parts = [item.name] if macro else [f"{item.return_type} " if item.return_type else "", item.name, " ("]
        texts = []
        for param in item.params:
            pointer = _unnamed_pointer(param.text)
            texts.append(f"{pointer[0]}{param.name}) ({pointer[1]})" if pointer else param.text)
        parts.append(", ".join(texts))
        if not macro:
            parts.append(")")
        return "".join(parts)

    def before_directive(self, item: Item) -> None:
        """What comes before a function's directive (7.x: its line)."""

    def typedef_lineno(self, item: Item) -> None:
        """The line number before a function typedef's ``**Typedef**``."""
        self.lineno(item.decl_line)

    def param_line(self, item: Item, name: str) -> int | None:
        """The line number shown for a parameter's description."""
        return item.desc_lines.get(name)

    def function(self, item: Item) -> None:
        signature = self.signature(item)
        out = self.out
        self.before_directive(item)
        if self.style.sphinx_major < 3:
            if item.typedef_function:
                out.append(f".. c:type:: {item.name}\n\n")
                self._typedef_syntax(item, signature)
            else:
                out.append(f".. c:function:: {signature}\n\n")
        elif item.typedef_function or item.return_type == "":
            out.append(f".. c:macro:: {item.name}\n\n")
            if item.typedef_function:
                self._typedef_syntax(item, signature)
            else:
                out.append(f"``{signature}``\n\n")
        else:
            out.append(f".. c:function:: {signature}\n\n")
        if not item.typedef_function:
            self.lineno(item.decl_line)
            self.highlighted(item.purpose, "   ")
            out.append("\n")
        if item.params:
            out.append(".. container:: kernelindent\n\n  **Parameters**\n\n")
        for param in item.params:
            out.append(f"  ``{param.text or param.name}``\n")
            self.lineno(self.param_line(item, param.name))
            desc = item.descs.get(param.name)
            if desc is None:
                out.append("    *undescribed*\n")
            else:
                self.highlighted(desc, "    ")
            out.append("\n")
        self.sections(item, "  ")

    def _typedef_syntax(self, item: Item, signature: str) -> None:
        self.typedef_lineno(item)
        self.out.append("   **Typedef**: ")
        self.highlighted(item.purpose, "")
        self.out.append(f"\n\n**Syntax**\n\n  ``{signature}``\n\n")

    def enum(self, item: Item) -> None:
        name = f"enum {item.name}" if self.style.sphinx_major < 3 else item.name
        directive = "c:type" if self.style.sphinx_major < 3 else "c:enum"
        self.out.append(f"\n\n.. {directive}:: {name}\n\n")
        self.lineno(item.decl_line)
        self.highlighted(item.purpose, "  ")
        self.out.append("\n.. container:: kernelindent\n\n    **Constants**\n\n")
        for param in item.params:
            self.out.append(f"    ``{param.name}``\n")
            desc = item.descs.get(param.name)
            if desc:
                self.highlighted(desc, "      ")
            else:
                self.out.append(self.enum_undescribed)
            self.out.append("\n")
        self.out.append(self.enum_tail)
        self.sections(item, "")

    def typedef(self, item: Item) -> None:
        name = f"typedef {item.name}" if self.style.sphinx_major < 3 else item.name
        self.out.append(f"\n\n.. c:type:: {name}\n\n")
        self.lineno(item.decl_line)
        self.highlighted(item.purpose, "   ")
        self.out.append("\n")
        self.sections(item, "")

    def var(self, item: Item) -> None:
        """A variable (written by the 7.x tool only)."""

    def record(self, item: Item) -> None:
        if self.style.sphinx_major < 3:
            self.out.append(f"\n\n.. c:type:: {item.kind} {item.name}\n\n")
        else:
            self.out.append(f"\n\n.. c:{item.kind}:: {item.name}\n\n")
        self.lineno(item.decl_line)
        self.highlighted(item.purpose, "  ")
        self.out.append("\n.. container:: kernelindent\n\n  **Definition**::\n\n")
        body = item.definition.replace("\t", "    ")
        self.out.append(f"    {item.kind} {item.name} {{\n{body}    }};\n\n  **Members**\n\n")
        for param in item.params:
            if not param.name or param.name.startswith("#"):
                continue
            desc = item.descs.get(param.name)
            if desc is None:
                continue
            self.lineno(self.param_line(item, param.name))
            self.out.append(f"  ``{param.name}``\n")
            self.highlighted(desc, "    ")
            self.out.append("\n")
        self.out.append("\n")
        self.sections(item, "")


def _unnamed_pointer(text: str) -> tuple[str, str] | None:
    """``(head, args)`` of an unnamed function pointer ``type (*)(args)``."""
    star = text.find("(*")
    if star < 0 or "(" in text[:star]:
        return None
    close = skip_blanks(text, star + 2)
    if not text.startswith(")", close):
        return None
    open_ = skip_blanks(text, close + 1)
    if not text.startswith("(", open_):
        return None
    end = text.find(")", open_ + 1)
    if end < 0 or "(" in text[open_ + 1:end]:
        return None
    return text[:star + 2], text[open_ + 1:end]
