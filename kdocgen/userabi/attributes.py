"""The sysfs and debugfs files a subsystem's C code defines, found with
tree-sitter, and the functions behind them.

Attribute macros (``DEVICE_ATTR_RO(id)``, ``VMBUS_CHAN_ATTR(cpu, ...)``)
expand to declarations tree-sitter cannot see through, and it parses their
invocations in several shapes (a declaration, a call, an ERROR node).  So
each top-level statement is read as its sequence of tree-sitter tokens and
matched there: ``MACRO ( args )``.  Recognised:

- the kernel's ``DEVICE_ATTR*``, ``BUS_ATTR_*``, ``DRIVER_ATTR_*``,
  ``CLASS_ATTR_*``, ``BIN_ATTR*`` macros;
- ``struct X var = __ATTR*(...)`` and ``{ .attr = { .name = "..." } }``
  initialisers (``bin_attribute``, ``kobj_attribute``, own attribute types);
- a file's own wrapper macros whose body is ``prefix##name = __ATTR*(...)``
  (``VMBUS_CHAN_ATTR``, ``VMBUS_CHAN_ATTR_RO``);
- ``debugfs_create_*("name", ...)`` calls (a name held in a local variable
  is followed to its string), with the handlers of their file operations
  (``DEFINE_DEBUGFS_ATTRIBUTE``, ``DEFINE_SHOW_ATTRIBUTE``);
- ``struct attribute *x[] = { &dev_attr_id.attr, ... }`` arrays.

The roots the subsystem owns come from ``struct bus_type``/``struct class``
names and top-level ``debugfs_create_dir("name", NULL)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tree_sitter import Node

from ..cparse.syntax import declared_name, end_line_of, line_of, new_parser
from ..extract import one_line_end
from ..model import Diagnostic
from ..parsecache import ParseCache, digest

#: where a kind of attribute lives
KINDS = ("bus", "driver", "device", "class", "object", "debugfs")

_KERNEL_MACRO = re.compile(r"(DEVICE|BUS|DRIVER|CLASS|BIN)_ATTR(?:_(ADMIN_)?(RO|RW|WO))?$")
_INIT_MACRO = re.compile(r"__ATTR(?:_(RO|RW|WO)(?:_MODE)?)?$")
_PREFIX = {"DEVICE": ("device", "dev_attr_"), "BUS": ("bus", "bus_attr_"),
           "DRIVER": ("driver", "driver_attr_"), "CLASS": ("class", "class_attr_"),
           "BIN": ("object", "bin_attr_")}
_KIND_OF_STRUCT = {"device_attribute": "device", "bus_attribute": "bus",
                   "driver_attribute": "driver", "class_attribute": "class"}
_MODES = {("", "RO"): "0444", ("", "RW"): "0644", ("", "WO"): "0200",
          ("ADMIN_", "RO"): "0400", ("ADMIN_", "RW"): "0600"}
_WRAPPER_BODY = re.compile(r"(?:struct\s+(\w+)\s+)?(\w*?)\s*##\s*(\w+)\s*=\s*(__ATTR\w*)\s*\(([^()]*)\)")
_FOPS_MACROS = {"DEFINE_DEBUGFS_ATTRIBUTE": ("get", "set"), "DEFINE_SIMPLE_ATTRIBUTE": ("get", "set"),
                "DEFINE_DEBUGFS_ATTRIBUTE_SIGNED": ("get", "set")}
_HANDLER_FIELDS = ("show", "store", "read", "write", "mmap")
_WHOLE_TOKENS = frozenset({"string_literal", "char_literal", "system_lib_string"})
_DEBUGFS_CREATE = re.compile(r"debugfs_create_(?!dir$|symlink$|automount$)\w+$")


@dataclass
class Handler:
    """A function behind an attribute (``role`` is show, store, read, ...)."""

    role: str
    function: str
    path: str = ""
    line: int = 0
    end_line: int = 0


@dataclass
class CodeAttribute:
    """A sysfs or debugfs file defined in C."""

    name: str
    kind: str
    path: str
    line: int
    macro: str
    variable: str = ""
    mode: str = ""
    handlers: list[Handler] = field(default_factory=list)
    arrays: list[str] = field(default_factory=list)

    @property
    def written(self) -> str:
        """How the code defines it, shortened: ``DEVICE_ATTR_RO(id)``."""
        if self.macro.startswith("struct "):
            return f"{self.macro} {self.variable}"
        if self.kind == "debugfs":
            return f'{self.macro}("{self.name}", ...)'
        return f"{self.macro}({self.name}{', ...' if self.macro.startswith('__ATTR') or not self.macro.endswith(('_RO', '_RW', '_WO')) else ''})"


@dataclass
class AttributeScan:
    """Every attribute of a set of files, the roots, and unreadable files."""

    attributes: list[CodeAttribute] = field(default_factory=list)
    roots: list[str] = field(default_factory=list)
    messages: list[Diagnostic] = field(default_factory=list)
    #: the lines of the files with attributes (line N at [N - 1]), for snippets
    lines: dict[str, list[str]] = field(default_factory=dict, repr=False)


@dataclass
class _Wrapper:
    """A file's own attribute macro: ``prefix##name = __ATTR*(inner)``."""

    params: list[str]
    struct: str
    prefix: str
    inner_macro: str
    inner_args: list[str]


@dataclass
class _File:
    """What one file's scan collects before handlers are resolved."""

    path: str
    attributes: list[CodeAttribute] = field(default_factory=list)
    functions: dict[str, tuple[int, int]] = field(default_factory=dict)
    fops: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    arrays: dict[str, list[str]] = field(default_factory=dict)
    roots: list[str] = field(default_factory=list)


def _leaves(node: Node) -> list[Node]:
    """The tokens of ``node`` in order (comments left out)."""
    out: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "comment":
            continue
        if current.child_count == 0 or current.type in _WHOLE_TOKENS:
            if current.end_byte > current.start_byte:
                out.append(current)
            continue
        stack.extend(reversed(current.children))
    return out


def _text(node: Node, source: bytes) -> str:
    return source[node.start_byte:node.end_byte].decode("utf-8", "replace")


def _call_args(tokens: list[str], start: int) -> tuple[list[str], int] | None:
    """The comma-separated arguments of the ``(`` at ``tokens[start]``."""
    if start >= len(tokens) or tokens[start] != "(":
        return None
    depth = 0
    args: list[str] = []
    current: list[str] = []
    for index in range(start, len(tokens)):
        token = tokens[index]
        if token in "([{":
            depth += 1
            if depth == 1:
                continue
        elif token in ")]}":
            depth -= 1
            if depth == 0:
                args.append(" ".join(current))
                return [a.strip() for a in args], index
        elif token == "," and depth == 1:
            args.append(" ".join(current))
            current = []
            continue
        current.append(token)
    return None


def _string_value(literal: str) -> str | None:
    match = re.fullmatch(r'"([^"\\]*)"', literal.replace('" "', ""))
    return match.group(1) if match else None


def _handler(role: str, name: str) -> list[Handler]:
    name = name.strip().lstrip("&")
    return [] if not re.fullmatch(r"[A-Za-z_]\w*", name) or name == "NULL" else [Handler(role, name)]


def _from_form(name: str, suffix: str, args: list[str], bin_attr: bool) -> tuple[str, list[Handler]]:
    """Mode and handlers of an attribute macro from its suffix and arguments."""
    read_role, write_role = ("read", "write") if bin_attr else ("show", "store")
    if suffix in ("RO", "RW", "WO"):
        handlers = []
        if suffix in ("RO", "RW"):
            handlers += _handler(read_role, f"{name}_{read_role}")
        if suffix in ("RW", "WO"):
            handlers += _handler(write_role, f"{name}_{write_role}")
        return "", handlers
    mode = args[1] if len(args) > 1 else ""
    handlers = _handler(read_role, args[2]) if len(args) > 2 else []
    handlers += _handler(write_role, args[3]) if len(args) > 3 else []
    return mode, handlers


class _Scanner:
    """Scans one parsed file."""

    def __init__(self, path: str, source: bytes, root: Node, wrappers: dict[str, _Wrapper]):
        self.file = _File(path)
        self.source = source
        self.root = root
        self.wrappers = wrappers

    def run(self) -> _File:
        for node in _top_level(self.root):
            if node.type == "function_definition":
                self._function(node)
            else:
                self._statement(node)
        return self.file

    def _function(self, node: Node) -> None:
        name = declared_name(node.child_by_field_name("declarator"))
        if name is not None:
            self.file.functions.setdefault(_text(name, self.source), (line_of(node), end_line_of(node)))
        body = node.child_by_field_name("body")
        if body is None:
            return
        strings = self._local_strings(body)
        stack = [body]
        while stack:
            current = stack.pop()
            if current.type == "call_expression":
                self._debugfs_call(current, strings)
            stack.extend(current.named_children)

    def _local_strings(self, body: Node) -> dict[str, str]:
        """Local ``char *name = "text"`` variables of a function body."""
        found: dict[str, str] = {}
        stack = [body]
        while stack:
            current = stack.pop()
            if current.type == "init_declarator":
                value = current.child_by_field_name("value")
                name = declared_name(current.child_by_field_name("declarator"))
                if value is not None and value.type in ("string_literal", "concatenated_string") \
                        and name is not None:
                    text = _string_value(_text(value, self.source))
                    if text is not None:
                        found.setdefault(_text(name, self.source), text)
            stack.extend(current.named_children)
        return found

    def _debugfs_call(self, call: Node, strings: dict[str, str]) -> None:
        function = call.child_by_field_name("function")
        arguments = call.child_by_field_name("arguments")
        if function is None or arguments is None or function.type != "identifier":
            return
        callee = _text(function, self.source)
        args = [_text(a, self.source) for a in arguments.named_children if a.type != "comment"]
        if not args or not (callee == "debugfs_create_dir" or _DEBUGFS_CREATE.match(callee)):
            return
        name = _string_value(args[0]) if args[0].startswith('"') else strings.get(args[0])
        if name is None:
            return
        at_root = len(args) > 2 and args[2] == "NULL" or callee == "debugfs_create_dir" and \
            len(args) > 1 and args[1] == "NULL"
        if at_root:
            self.file.roots.append(f"/sys/kernel/debug/{name}")
        if callee == "debugfs_create_dir":
            return
        attribute = CodeAttribute(name, "debugfs", self.file.path, line_of(call), callee,
                                  mode=args[1] if len(args) > 1 else "")
        if callee.startswith("debugfs_create_file") and len(args) > 4:
            attribute.variable = args[4].lstrip("&").strip()
        self.file.attributes.append(attribute)

    def _statement(self, node: Node) -> None:
        if node.type == "preproc_function_def":
            # read again in file order: from here on this file's definition
            # wins (over another file's, or an earlier one before an #undef)
            _read_wrapper(node, self.source, self.wrappers)
            return
        leaves = _leaves(node)
        tokens = [_text(leaf, self.source) for leaf in leaves]
        self._macro_invocations(leaves, tokens)
        if node.type == "declaration":
            self._declaration(node, tokens)

    def _macro_invocations(self, leaves: list[Node], tokens: list[str]) -> None:
        for index, token in enumerate(tokens):
            kernel = _KERNEL_MACRO.match(token)
            wrapper = self.wrappers.get(token)
            fops = _FOPS_MACROS.get(token)
            if not (kernel or wrapper or fops or token == "DEFINE_SHOW_ATTRIBUTE"):
                continue
            parsed = _call_args(tokens, index + 1)
            if parsed is None or not parsed[0] or not re.fullmatch(r"\w+", parsed[0][0]):
                continue
            args, line = parsed[0], line_of(leaves[index])
            if fops:
                self.file.fops[args[0]] = [(role, args[i + 1]) for i, role in enumerate(fops)
                                           if i + 1 < len(args)]
            elif token == "DEFINE_SHOW_ATTRIBUTE":
                self.file.fops[args[0] + "_fops"] = [("show", args[0] + "_show")]
            elif kernel:
                kind, prefix = _PREFIX[kernel.group(1)]
                mode, handlers = _from_form(args[0], kernel.group(3) or "", args, kernel.group(1) == "BIN")
                mode = _MODES.get((kernel.group(2) or "", kernel.group(3) or ""), mode)
                self._add(args[0], kind, line, token, prefix + args[0], mode, handlers)
            elif wrapper is not None:
                self._expand(wrapper, token, args, line)

    def _expand(self, wrapper: _Wrapper, token: str, args: list[str], line: int) -> None:
        """An invocation of a file's own wrapper macro."""
        values = dict(zip(wrapper.params, args))
        inner = [values.get(a, a) for a in wrapper.inner_args]
        name = values.get(wrapper.inner_args[0], "") if wrapper.inner_args else ""
        if not re.fullmatch(r"\w+", name):
            return
        match = _INIT_MACRO.match(wrapper.inner_macro)
        suffix = match.group(1) or "" if match else ""
        mode, handlers = _from_form(name, suffix, inner, False)
        mode = _MODES.get(("", suffix), mode)
        self._add(name, _KIND_OF_STRUCT.get(wrapper.struct, "object"), line, token,
                  wrapper.prefix + name, mode, handlers)

    def _add(self, name, kind, line, macro, variable, mode, handlers) -> None:
        self.file.attributes.append(CodeAttribute(name, kind, self.file.path, line, macro, variable,
                                                  mode, handlers))

    def _declaration(self, node: Node, tokens: list[str]) -> None:
        """``struct X v = __ATTR*(...)``, ``{ .attr = { .name = ... } }``,
        attribute arrays and bus/class names."""
        struct = tokens[tokens.index("struct") + 1] if "struct" in tokens[:-1] else ""
        for declarator in node.children_by_field_name("declarator"):
            if declarator.type != "init_declarator":
                continue
            name_node = declared_name(declarator.child_by_field_name("declarator"))
            value = declarator.child_by_field_name("value")
            if name_node is None or value is None:
                continue
            variable = _text(name_node, self.source)
            value_tokens = [_text(leaf, self.source) for leaf in _leaves(value)]
            if value.type == "initializer_list" and "[" in _text(declarator, self.source).split("=")[0]:
                self.file.arrays[variable] = [value_tokens[i + 1] for i, t in enumerate(value_tokens[:-1])
                                              if t == "&"]
            elif value.type == "initializer_list":
                self._designated(struct, variable, value, value_tokens, line_of(node))
            elif value_tokens and (init := _INIT_MACRO.match(value_tokens[0])):
                parsed = _call_args(value_tokens, 1)
                if parsed and parsed[0] and re.fullmatch(r"\w+", parsed[0][0]):
                    suffix = init.group(1) or ""
                    mode, handlers = _from_form(parsed[0][0], suffix, parsed[0], struct == "bin_attribute")
                    mode = _MODES.get(("", suffix), mode)
                    self._add(parsed[0][0], _KIND_OF_STRUCT.get(struct, "object"), line_of(node),
                              value_tokens[0], variable, mode, handlers)

    def _designated(self, struct: str, variable: str, value: Node, tokens: list[str], line: int) -> None:
        fields = _designated_fields(tokens)
        name = _string_value(fields.get("name", ""))
        if name is None:
            return
        if struct in ("bus_type", "class"):
            self.file.roots.append(f"/sys/{'bus' if struct == 'bus_type' else 'class'}/{name}")
        elif struct.endswith("attribute"):
            handlers = [h for role in _HANDLER_FIELDS for h in _handler(role, fields.get(role, ""))]
            self._add(name, _KIND_OF_STRUCT.get(struct, "object"), line, f"struct {struct}", variable,
                      fields.get("mode", ""), handlers)


def _designated_fields(tokens: list[str]) -> dict[str, str]:
    """``.field = value`` pairs at any depth of an initializer (first wins)."""
    fields: dict[str, str] = {}
    for index in range(len(tokens) - 3):
        if tokens[index] == "." and tokens[index + 2] == "=" and tokens[index + 3] != "{":
            fields.setdefault(tokens[index + 1], tokens[index + 3])
    return fields


def _read_wrapper(node: Node, source: bytes, wrappers: dict[str, _Wrapper]) -> None:
    """Add the attribute macro ``node`` (a ``#define`` with parameters) defines, if any."""
    name = node.child_by_field_name("name")
    params = node.child_by_field_name("parameters")
    value = node.child_by_field_name("value")
    if name is None or params is None or value is None:
        return
    body = _WRAPPER_BODY.search(_text(value, source).replace("\\\n", " "))
    if body is None:
        return
    names = [_text(p, source) for p in params.named_children]
    wrappers[_text(name, source)] = _Wrapper(names, body.group(1) or "", body.group(2), body.group(4),
                                             [a.strip() for a in body.group(5).split(",")])


def _top_level(root: Node):
    """Top-level statements, looking into ``#if``/``#ifdef`` blocks."""
    stack = list(reversed(root.children))
    while stack:
        node = stack.pop()
        if node.type.startswith("preproc_if") or node.type in ("preproc_else", "preproc_elif",
                                                               "preproc_elifdef", "linkage_specification",
                                                               "declaration_list"):
            stack.extend(reversed(node.named_children))
        else:
            yield node


def _wrapper_definitions(root: Node, source: bytes) -> list[tuple[str, _Wrapper]]:
    """A file's attribute macros, in the order it defines them."""
    found: list[tuple[str, _Wrapper]] = []
    for node in _top_level(root):
        if node.type == "preproc_function_def":
            one: dict[str, _Wrapper] = {}
            _read_wrapper(node, source, one)
            found += one.items()
    return found


def scan_attributes(tree: Path, files: list[str], cache: ParseCache | None = None) -> AttributeScan:
    """The attributes defined in ``files`` (tree-relative), in file order,
    with their handler functions located.  With ``cache``, a file is parsed
    only when its bytes or the attribute macros it sees changed."""
    read: list[tuple[str, bytes, str]] = []
    scan = AttributeScan()
    for path in sorted(files):
        try:
            source = (Path(tree) / path).read_bytes()
        except OSError as err:
            scan.messages.append(Diagnostic(path, 0, "read-error", f"cannot read ({err.strerror})", "error"))
            continue
        read.append((path, source, digest(source)))
    parser, roots = None, {}

    def root(path: str, source: bytes) -> Node:
        nonlocal parser
        if path not in roots:
            parser = parser or new_parser()
            roots[path] = parser.parse(source).root_node
        return roots[path]

    definitions: dict[str, list[tuple[str, _Wrapper]]] = {}
    for path, source, source_digest in read:  # wrappers first: a header may define one
        kept = cache.load(path, source_digest, "wrappers") if cache else None
        if kept is None:
            kept = _wrapper_definitions(root(path, source), source)
            if cache:
                cache.store(path, source_digest, "wrappers", kept)
        definitions[path] = kept
    wrappers: dict[str, _Wrapper] = {}
    for path, _, _ in read:
        wrappers.update(definitions[path])
    scanned: list[_File] = []
    for path, source, source_digest in read:
        key = digest(f"{source_digest}\n{sorted(wrappers.items())!r}".encode())
        result = cache.load(path, key, "scan") if cache else None
        if result is None:
            result = _Scanner(path, source, root(path, source), wrappers).run()  # reads its wrappers in order
            if cache:
                cache.store(path, key, "scan", result)
        else:
            wrappers.update(definitions[path])  # as the scan would have
        scanned.append(result)
    everywhere = {name: (f.path, span) for f in scanned for name, span in f.functions.items()}
    all_fops = {name: roles for f in scanned for name, roles in f.fops.items()}
    for result, (_, source, _) in zip(scanned, read):
        if result.attributes:
            scan.lines[result.path] = one_line_end(source.decode("utf-8", "replace")).split("\n")
        members: dict[str, list[str]] = {}
        for array, names in result.arrays.items():
            for name in names:
                members.setdefault(name, []).append(array)
        for attribute in result.attributes:
            if attribute.kind == "debugfs":
                attribute.handlers = [Handler(role, fn) for role, fn in
                                      result.fops.get(attribute.variable, all_fops.get(attribute.variable, []))
                                      if fn != "NULL"]
            for handler in attribute.handlers:
                path, span = (result.path, result.functions[handler.function]) \
                    if handler.function in result.functions else everywhere.get(handler.function, ("", (0, 0)))
                handler.path, (handler.line, handler.end_line) = path, span
            attribute.arrays = sorted(members.get(attribute.variable, []))
        scan.attributes += sorted(result.attributes, key=lambda a: (a.line, a.name))
        scan.roots += result.roots
    scan.roots = sorted(set(scan.roots))
    return scan
