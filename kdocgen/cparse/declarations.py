"""Every declaration of a C file, found with tree-sitter-c.

:func:`parse_declarations` parses the attribute-blanked source once and
walks the top level (looking inside ``#if`` blocks), turning each function
definition, prototype, struct/union/enum, typedef, macro and variable into an
undocumented :class:`~kdocgen.model.Symbol`.  Declarations tree-sitter could
not make sense of in context are re-parsed on their own (see
:func:`_recover`), so an unknown macro does not lose or mis-name a symbol.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from tree_sitter import Node, Point, Range

from ..kinds import SymbolKind
from ..model import Member, Symbol
from . import members as m
from .blanking import blank_attributes, blank_comments
from .bodies import blank_bodies
from .calls import called_names
from .syntax import clean, end_line_of, function_parts, line_of, new_parser, tidy_type

_CONTAINERS = frozenset({
    "preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif", "preproc_elifdef",
    "linkage_specification", "declaration_list",
})
_RECORDS: dict[str, SymbolKind] = {"struct_specifier": "struct", "union_specifier": "union", "enum_specifier": "enum"}
_STORAGE_WORDS = re.compile(r"\b(?:static|extern|inline|__inline|__inline__|register|auto|_Noreturn|"
                            r"__always_inline|noinline|__FORTIFY_INLINE|asmlinkage)\b")
# Patterns for the start of a line begin with "\n" (and are searched in the
# text after a "\n"): the engine then jumps from newline to newline instead
# of trying every offset.
_EXPORT = re.compile(rb"\n[ \t]*(EXPORT_SYMBOL\w*)\s*\(\s*(\w+)")
_SYSCALL = re.compile(r"^(?:COMPAT_)?SYSCALL_DEFINE(\d)$")
_TRACEPOINT = re.compile(r"^(TRACE_EVENT|TRACE_EVENT_CONDITION|TRACE_EVENT_FN|DEFINE_EVENT|"
                         r"DEFINE_EVENT_CONDITION|DEFINE_EVENT_FN|DEFINE_SINGLE_EVENT)$")


@dataclass
class ParsedC:
    """The declarations of one file and what the parser noticed."""

    symbols: list[Symbol] = field(default_factory=list)
    exports: dict[str, str] = field(default_factory=dict)
    error_lines: list[int] = field(default_factory=list)
    source: bytes = b""
    blanked: bytes = b""
    path: str = ""
    cut: list[tuple[str, int]] = field(default_factory=list)  # records whose deepest members were not read

    def reparse(self, first_line: int, last_line: int) -> list[Symbol]:
        """The declarations of lines ``first_line``..``last_line`` parsed on
        their own, away from whatever confused the parser around them: first
        just the first declaration's extent, then the whole range."""
        start, end = self._offset(first_line), self._offset(last_line + 1)
        extent = declaration_end(self.blanked, start, end)
        found = self._parse_range(start, extent) if extent < end else []
        return found or self._parse_range(start, end) or self._parse_prototype(start, end)

    def _parse_prototype(self, start: int, end: int) -> list[Symbol]:
        """Last resort, as kernel-doc reads a function: the text up to the
        body's ``{``, taken as a prototype (for bodies tree-sitter cannot
        parse, such as braces split across ``#ifdef`` branches)."""
        brace = self.blanked.find(b"{", start, end)
        if brace < 0 or b";" in self.blanked[start:brace]:
            return []
        text = self.blanked[:brace] + b";" + self.blanked[brace + 1:]
        parser = new_parser()
        parser.included_ranges = [Range(self._point(start), self._point(brace + 1), start, brace + 1)]
        walk = _Walk(self.path, self.source, text)
        _walk_block(walk, parser.parse(text).root_node, text)
        found = [s for s in walk.out if s.kind == "function"]
        closing = _BODY_END.search(self.blanked, brace, end)
        last_line = self.blanked.count(b"\n", 0, closing.start()) + 1 if closing else \
            self.blanked.count(b"\n", 0, max(start, end - 1)) + 1
        for symbol in found:
            symbol.export = self.exports.get(symbol.name, "")
            symbol.decl = symbol.decl.rstrip("{ ;")
            symbol.decl_span = (symbol.decl_span[0], max(symbol.decl_span[0], last_line))
        return found

    @functools.cached_property
    def _line_starts(self) -> list[int]:
        return [0] + [match.end() for match in re.finditer(rb"\n", self.blanked)]

    def _offset(self, line: int) -> int:
        """Byte offset where 1-based ``line`` starts (len(blanked) past the end)."""
        starts = self._line_starts
        return starts[max(line, 1) - 1] if line <= len(starts) else len(self.blanked)

    def _point(self, offset: int) -> Point:
        row = bisect.bisect_right(self._line_starts, offset) - 1
        return Point(row, offset - self._line_starts[row])

    def _parse_range(self, start: int, end: int) -> list[Symbol]:
        if end <= start:
            return []
        parser = new_parser()  # only start..end is parsed; byte offsets stay the file's
        parser.included_ranges = [Range(self._point(start), self._point(end), start, end)]
        walk = _Walk(self.path, self.source, self.blanked)
        _walk_block(walk, parser.parse(self.blanked).root_node, self.blanked)
        for symbol in walk.out:
            symbol.export = self.exports.get(symbol.name, "")
        walk.out.sort(key=lambda s: (s.decl_span[0], s.decl_span[1]))
        self.cut += [note for note in walk.cut if note not in self.cut]
        return walk.out


# "#define NAME" followed by blanks only (often an attribute or a comment that
# was blanked): tree-sitter-c then takes the next line (an "#endif") as the
# macro's value.  A "0" in place of the last blank keeps offsets and the name.
_EMPTY_DEFINE = re.compile(rb"\n([ \t]*#[ \t]*define[ \t]+\w+(?:\([^()\n]*\))?[ \t]+)[ \t]$", re.M)
_BODY_END = re.compile(rb"^\}", re.M)
_STRINGS = re.compile(rb'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'')
_DEFINE_START = re.compile(rb"\s*#\s*define\b")
_PUNCT = re.compile(rb"[;{}]")


def declaration_end(blanked: bytes, start: int, end: int) -> int:
    """Byte offset just past the first declaration after ``start`` (found the
    way kernel-doc reads a prototype), or ``end`` when it runs past it."""
    text = _STRINGS.sub(lambda mt: b"_" * len(mt.group()), blanked[start:end])
    define = _DEFINE_START.match(text)
    if define:
        pos = define.end()
        while True:
            newline = text.find(b"\n", pos)
            if newline < 0:
                return end
            if not text[:newline].rstrip(b" \t\r").endswith(b"\\"):
                return start + newline + 1
            pos = newline + 1
    depth = 0
    for punct in _PUNCT.finditer(text):
        pos, byte = punct.start(), text[punct.start()]
        if byte == 0x3B and depth == 0:  # ';'
            return _line_end(text, start, pos)
        if byte == 0x7B:  # '{'
            depth += 1
        elif byte == 0x7D:  # '}'
            depth -= 1
            if depth == 0:
                following = text[pos + 1:pos + 200].lstrip()
                if not following.startswith(b";") and not re.match(rb"[\w*\s,()\[\]]*;", following):
                    return _line_end(text, start, pos)
            if depth < 0:
                return end
    return end


def _line_end(text: bytes, start: int, pos: int) -> int:
    newline = text.find(b"\n", pos)
    return start + (len(text) if newline < 0 else newline + 1)


@dataclass
class _Walk:
    path: str
    source: bytes  # original bytes: all display text is cut from here
    blanked: bytes = b""  # the parsed copy: types are cut from here
    with_calls: bool = False
    out: list[Symbol] = field(default_factory=list)
    error_lines: list[int] = field(default_factory=list)
    cut: list[tuple[str, int]] = field(default_factory=list)


def parse_declarations(source: bytes, path: str = "", with_calls: bool = False) -> ParsedC:
    """Find every declaration in ``source`` (the bytes of a C file); with
    ``with_calls``, also the functions each function body calls."""
    blanked = _parse_text(source)
    tree = new_parser().parse(blanked if with_calls else blank_bodies(blanked))
    walk = _Walk(path, source, blanked, with_calls=with_calls)
    _walk_block(walk, tree.root_node, blanked)
    exports = _exports(source)
    for symbol in walk.out:
        symbol.export = exports.get(symbol.name, "")
    walk.out.sort(key=lambda s: (s.decl_span[0], s.decl_span[1]))
    return ParsedC(walk.out, exports, walk.error_lines, source, blanked, path, walk.cut)


def _parse_text(source: bytes) -> bytes:
    """``source`` as tree-sitter is given it: attributes blanked, and a
    ``0`` as the value of ``#define NAME`` lines left empty."""
    blanked = blank_attributes(source)
    if b"define" not in blanked:
        return blanked
    return _EMPTY_DEFINE.sub(rb"\n\g<1>0", b"\n" + blanked)[1:]


def _exports(source: bytes) -> dict[str, str]:
    """The exported names of ``source`` and their ``EXPORT_SYMBOL*`` macro."""
    if b"EXPORT_SYMBOL" not in source:
        return {}
    return {name.decode(): macro.decode() for macro, name in _EXPORT.findall(b"\n" + source)}


def documented_only(source: bytes, path: str, regions: list[tuple[int, int]]) -> ParsedC:
    """The declarations of ``regions`` (1-based line ranges following
    kernel-doc comments) only, each parsed on its own: what a check of the
    documentation needs, at a fraction of a whole-file parse."""
    blanked = _parse_text(source)
    exports = _exports(source)
    parsed = ParsedC([], exports, [], source, blanked, path)
    seen: set[tuple] = set()
    for first, last in regions:
        for symbol in parsed.reparse(first, last):
            key = (symbol.kind, symbol.name, symbol.decl_span)
            if key not in seen:
                seen.add(key)
                parsed.symbols.append(symbol)
    parsed.symbols.sort(key=lambda s: (s.decl_span[0], s.decl_span[1]))
    return parsed


def _walk_block(walk: _Walk, node: Node, blanked: bytes, level: int = 0) -> None:
    if level > m.MAX_NESTING:  # absurdly deep #if nesting: stay within the recursion limit
        return
    children = node.named_children
    for index, child in enumerate(children):
        kind = child.type
        if kind == "expression_statement":
            nxt = children[index + 1] if index + 1 < len(children) else None
            _macro_defined_function(walk, child, nxt)
        elif kind == "ERROR":
            walk.error_lines.append(line_of(child))
            nxt = children[index + 1] if index + 1 < len(children) else None
            _recover(walk, child, blanked, level + 1,
                     nxt if nxt is not None and nxt.type == "compound_statement" else None)
        else:
            _walk_one(walk, child, blanked, level)


def _storage(node: Node, source: bytes) -> str:
    words = [source[c.start_byte:c.end_byte].decode() for c in node.children
             if c.type == "storage_class_specifier"]
    return "static" if "static" in words else ("extern" if "extern" in words else "")


def _function(walk: _Walk, node: Node, declarator: Node | None, body: bool) -> bool:
    name, plist = function_parts(declarator)
    if name is None or plist is None:
        return False
    source = walk.source
    body_node = node.child_by_field_name("body") if body else None
    head_end = body_node.start_byte if body_node is not None else node.end_byte
    return_type = clean(walk.blanked[node.start_byte:name.start_byte] if walk.blanked
                        else source[node.start_byte:name.start_byte])
    return_type = tidy_type(_STORAGE_WORDS.sub(" ", return_type)).rstrip("(").strip()
    body_node = node.child_by_field_name("body") if body else None
    walk.out.append(Symbol(
        kind="function",
        name=source[name.start_byte:name.end_byte].decode("utf-8", "replace"),
        path=walk.path,
        decl_span=(line_of(node), end_line_of(node)),
        params=m.parameters(source, plist),
        return_type=return_type,
        storage=_storage(node, source),
        decl=clean(source[node.start_byte:head_end]).rstrip(";").strip(),
        has_body=body_node is not None,
        calls=called_names(body_node, walk.blanked or source) if body_node is not None and walk.with_calls else [],
    ))
    return True


def _declaration(walk: _Walk, node: Node) -> None:
    type_node = node.child_by_field_name("type")
    if type_node is not None and type_node.type in _RECORDS and type_node.child_by_field_name("body"):
        _record(walk, node, type_node)
    for declarator in node.children_by_field_name("declarator"):
        if _function(walk, node, declarator, body=False):
            continue
        _variable(walk, node, declarator, type_node)


def _variable(walk: _Walk, node: Node, declarator: Node, type_node: Node | None) -> None:
    name, _ = function_parts(declarator)
    if name is None:
        return
    source = walk.source
    target = declarator.child_by_field_name("declarator") if declarator.type == "init_declarator" else declarator
    base = m.qualified_type(source, node, type_node) if type_node is not None else ""
    if type_node is not None and type_node.child_by_field_name("body") is not None:
        tag = type_node.child_by_field_name("name")
        keyword = type_node.type.split("_")[0]
        base = f"{keyword} " + clean(source[tag.start_byte:tag.end_byte]) if tag is not None else keyword
    shape = m.without(source, target, name) if target is not None else ""
    value = declarator.child_by_field_name("value") if declarator.type == "init_declarator" else None
    if value is not None and value.type == "initializer_list":
        value = None  # "{ ... }": a table, not a value to show
    walk.out.append(Symbol(
        kind="var",
        name=source[name.start_byte:name.end_byte].decode("utf-8", "replace"),
        path=walk.path,
        decl_span=(line_of(node), end_line_of(node)),
        return_type=tidy_type(f"{base} {shape}"),
        params=m.parameters(source, _parameter_list(target)) if target is not None
        and _is_function_pointer(target) else [],
        storage=_storage(node, source),
        decl=clean(source[node.start_byte:declarator.end_byte]),
        value=clean(source[value.start_byte:value.end_byte]) if value is not None else "",
    ))


def _record(walk: _Walk, node: Node, spec: Node) -> None:
    """A struct, union or enum definition (``node`` spans the whole statement)."""
    name = spec.child_by_field_name("name")
    body = spec.child_by_field_name("body")
    if body is None:
        return
    kind = _RECORDS[spec.type]
    source = walk.source
    params = m.enum_constants(source, body) if kind == "enum" else _members(walk, source, body, name)
    walk.out.append(Symbol(
        definition=definition_text(source[node.start_byte:node.end_byte]),
        kind=kind,
        name=source[name.start_byte:name.end_byte].decode("utf-8", "replace") if name else "",
        path=walk.path,
        decl_span=(line_of(node), end_line_of(node)),
        params=params,
        decl=f"{kind} {source[name.start_byte:name.end_byte].decode('utf-8', 'replace')}" if name else kind,
    ))


def _members(walk: _Walk, source: bytes, body: Node | None, name: Node | None) -> list:
    """The members of a record body; a record nested too deep is noted in ``walk.cut``."""
    cut: list[int] = []
    members = m.record_members(source, body, cut=cut)
    if cut and name is not None:
        walk.cut.append((source[name.start_byte:name.end_byte].decode("utf-8", "replace"), cut[0]))
    return members


def definition_text(raw: bytes) -> str:
    """A definition as shown in documentation: comments dropped, trailing
    blanks and empty lines removed, tabs kept."""
    text = blank_comments(raw).decode("utf-8", "replace")
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(line for line in lines if line.strip())
    return text + ";" if text.endswith("}") else text


def _typedef(walk: _Walk, node: Node) -> None:
    source = walk.source
    type_node = node.child_by_field_name("type")
    if type_node is not None and type_node.type in _RECORDS and type_node.child_by_field_name("body"):
        _record(walk, node, type_node)
    for declarator in node.children_by_field_name("declarator"):
        name, plist = function_parts(declarator)
        if name is None:
            continue
        pointer = plist is None and declarator.type == "function_declarator" or _is_function_pointer(declarator)
        symbol = Symbol(
            kind="typedef",
            name=source[name.start_byte:name.end_byte].decode("utf-8", "replace"),
            path=walk.path,
            decl_span=(line_of(node), end_line_of(node)),
            decl=clean(source[node.start_byte:node.end_byte]).rstrip(";").strip(),
            is_pointer_typedef=pointer,
        )
        if pointer:
            symbol.params = m.parameters(source, _parameter_list(declarator))
            symbol.return_type = tidy_type(clean(source[type_node.start_byte:type_node.end_byte])) if type_node else ""
        elif type_node is not None and type_node.type == "enum_specifier":
            symbol.params = m.enum_constants(source, type_node.child_by_field_name("body"))
        elif type_node is not None and type_node.type in _RECORDS:
            symbol.params = _members(walk, source, type_node.child_by_field_name("body"), name)
        walk.out.append(symbol)


def _is_function_pointer(declarator: Node) -> bool:
    return declarator.type == "function_declarator" or any(
        c.type == "function_declarator" for c in declarator.named_children)


def _parameter_list(declarator: Node) -> Node | None:
    node: Node | None = declarator
    while node is not None:
        if node.type == "function_declarator":
            return node.child_by_field_name("parameters")
        node = node.child_by_field_name("declarator")
    return None


def _macro(walk: _Walk, node: Node) -> None:
    source = walk.source
    name = node.child_by_field_name("name")
    if name is None:
        return
    params = m.macro_parameters(source, node.child_by_field_name("parameters")) \
        if node.type == "preproc_function_def" else []
    walk.out.append(Symbol(
        kind="macro",
        name=source[name.start_byte:name.end_byte].decode("utf-8", "replace"),
        path=walk.path,
        decl_span=(line_of(node), end_line_of(node)),
        params=params,
        decl=clean(source[node.start_byte:node.end_byte]),
    ))


def _macro_defined_function(walk: _Walk, node: Node, following: Node | None) -> None:
    """Functions defined through macros: ``SYSCALL_DEFINEn(name, type, arg, ...)
    { ... }`` defines ``sys_name``; ``TRACE_EVENT(name, TP_PROTO(...), ...)``
    and ``DEFINE_EVENT(class, name, TP_PROTO(...), ...)`` define ``trace_name``."""
    call = node.named_children[0] if node.named_children else None
    if call is None or call.type != "call_expression":
        return
    func = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    if func is None or arguments is None:
        return
    macro = walk.source[func.start_byte:func.end_byte].decode("utf-8", "replace")
    args = m.split_args(walk.source[arguments.start_byte + 1:arguments.end_byte - 1].decode("utf-8", "replace"))
    args = [" ".join(a.split()) for a in args]
    if _SYSCALL.match(macro) and following is not None and following.type == "compound_statement":
        pairs = args[1:]
        params = [Member(pairs[i + 1], tidy_type(pairs[i]), line=line_of(node))
                  for i in range(0, len(pairs) - 1, 2)] or [Member("void", "void", line=line_of(node))]
        walk.out.append(Symbol(
            kind="function", name=f"sys_{args[0]}", path=walk.path,
            decl_span=(line_of(node), end_line_of(following)), params=params, return_type="long",
            decl=f"long sys_{args[0]}({', '.join(f'{p.type} {p.name}' for p in params)})"))
    elif _TRACEPOINT.match(macro) and len(args) >= 2:
        name = args[1] if macro.startswith("DEFINE_EVENT") else args[0]
        proto = next((a for a in args if a.startswith("TP_PROTO")), None)
        if proto is None:
            return
        inner = proto[proto.index("(") + 1:proto.rindex(")")] if ")" in proto else ""
        params = _fragment_parameters(inner)
        proto_node = next((a for a in arguments.named_children
                           if walk.source[a.start_byte:a.end_byte].startswith(b"TP_PROTO")), node)
        for param in params:
            param.line = line_of(proto_node)
        walk.out.append(Symbol(
            kind="function", name=f"trace_{name}", path=walk.path,
            decl_span=(line_of(node), end_line_of(node)), params=params, return_type="void",
            storage="static", decl=f"void trace_{name}({inner})"))


def _syscall0(walk: _Walk, node: Node) -> None:
    """``SYSCALL_DEFINE0(name) { ... }``, which tree-sitter reads as a
    definition of ``name`` with the macro as its type."""
    type_node = node.child_by_field_name("type")
    declarator = node.child_by_field_name("declarator")
    if type_node is None or declarator is None:
        return
    if not _SYSCALL.match(walk.source[type_node.start_byte:type_node.end_byte].decode("utf-8", "replace")):
        return
    name = clean(walk.source[declarator.start_byte:declarator.end_byte]).strip("() ")
    if re.fullmatch(r"\w+", name):
        walk.out.append(Symbol(kind="function", name=f"sys_{name}", path=walk.path,
                               decl_span=(line_of(node), end_line_of(node)),
                               params=[Member("void", "void", line=line_of(node))],
                               return_type="long", decl=f"long sys_{name}(void)"))


def _fragment_parameters(text: str) -> list[Member]:
    """Parameters of a parameter list given as text (``TP_PROTO`` contents)."""
    source = f"void f({text});".encode()
    tree = new_parser().parse(blank_attributes(source))
    for node in tree.root_node.named_children:
        for declarator in node.children_by_field_name("declarator"):
            _, plist = function_parts(declarator)
            if plist is not None:
                return [Member(p.name, p.type) for p in m.parameters(source, plist)]
    return []


def _recover(walk: _Walk, node: Node, blanked: bytes, level: int = 0, body: Node | None = None) -> None:
    """Re-parse an ERROR region on its own (only its bytes are included in
    the parse, so byte offsets stay the same), and walk what comes out; a
    ``body`` (``{ ... }``) right after it is included, as the body of the
    function whose head ends the region."""
    end = body if body is not None else node
    parser = new_parser()
    parser.included_ranges = [Range(node.start_point, end.end_point, node.start_byte, end.end_byte)]
    tree = parser.parse(blanked)
    for child in tree.root_node.named_children:
        if child.type != "ERROR":
            _walk_one(walk, child, blanked, level)


def _walk_one(walk: _Walk, node: Node, blanked: bytes, level: int = 0) -> None:
    """Turn one declaration node into symbols (blocks are walked)."""
    kind = node.type
    if kind == "function_definition":
        if not _function(walk, node, node.child_by_field_name("declarator"), body=True):
            _syscall0(walk, node)
    elif kind == "declaration":
        _declaration(walk, node)
    elif kind == "type_definition":
        _typedef(walk, node)
    elif kind in _RECORDS:
        _record(walk, node, node)
    elif kind in ("preproc_def", "preproc_function_def"):
        _macro(walk, node)
    elif kind in _CONTAINERS:
        _walk_block(walk, node, blanked, level + 1)

