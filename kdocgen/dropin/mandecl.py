"""Declaration text for kernel-doc's man synopses.

kernel-doc does not print declarations as written: it gathers the lines
after a comment into one line (inline member comments left out), drops
comments, attributes and private members, unwraps ``struct_group()`` and a
few declaration macros, then lays members out one per line, indented by
nesting level.  :func:`struct_definition` rebuilds that text from the source
lines; :func:`function_args` gives each function parameter as kernel-doc
prints it in a synopsis.
"""

from __future__ import annotations

from ..model import Symbol
from . import manpy
from .manmembers import member_names, parameters, squeeze, squeeze_first
from .mansubst import drop_attributes, drop_comments, drop_private, expand_member_macros, unwrap_groups

_BLANKS = " \t\n\r\f\v"


def function_args(symbol: Symbol) -> list[str]:
    """The parameters of a function's declaration as kernel-doc prints them
    (comments dropped, blanks squeezed), one per parameter of ``symbol``."""
    args = _argument_texts(symbol.decl, symbol.name)
    if len(args) != len(symbol.params):
        args = [_composed(p.type, p.name) for p in symbol.params]
    return [_normal_arg(a) for a in args]


#: words kernel-doc drops from the start of a prototype, in its order
_LEADING_WORDS = ("static", "extern", "asmlinkage", "inline", "__inline__", "__inline", "__always_inline",
                  "noinline", "__FORTIFY_INLINE")
#: words it drops wherever they first occur (with the spaces after them)
_ANY_WORDS = ("__init", "__init_or_module", "__deprecated", "__flatten", "__meminit", "__must_check",
              "__weak", "__sched")
#: annotations with arguments it drops (with the spaces after them)
_CALLS = ("__printf", "__alloc_size", "__realloc_size", "__diagnose_as", "__attribute__")


def gathered_prototype(lines: list[str], after: int) -> str:
    """A function's prototype after the comment ending on line ``after``
    (1-based) as kernel-doc gathers it: up to the first ``{``, ``;`` or the
    ``#define`` line, comments dropped, line breaks made spaces."""
    prototype = ""
    i = after
    while i < len(lines):
        line = lines[i] + "\n"
        i += 1
        while not line.startswith(" *") and line.rstrip(_BLANKS).endswith("\\") and i < len(lines):
            line = line.rstrip(_BLANKS)[:-1] + lines[i] + "\n"
            i += 1
        line = _expand_tabs(line)
        stripped = line.strip(_BLANKS)
        if stripped == "/**" or (stripped.startswith("/**") and stripped.endswith("*/") and "@" in stripped):
            continue
        cut = line.find("//")
        if cut >= 0:
            line = line[:cut]
        define = _is_define(line)
        if not (line.startswith("#") and not define):
            brace = line.find("{")
            prototype += line if brace < 0 else line[:brace]
        if "{" in line or define or ";" in line:
            return _tidy_prototype(prototype)
    return _tidy_prototype(prototype)


def _is_define(line: str) -> bool:
    """Whether ``line`` holds ``#define`` (blanks allowed after ``#``)."""
    at = line.find("#")
    while at >= 0:
        if line[_skip(line, at + 1):].startswith("define"):
            return True
        at = line.find("#", at + 1)
    return False


def _tidy_prototype(text: str) -> str:
    """Comments dropped, line breaks made spaces, leading blanks dropped,
    ``type (*name)`` made ``type name``."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("/*", i):
            close = text.find("*/", i + 2)
            if close >= 0:
                i = close + 2
                continue
        out.append(text[i])
        i += 1
    text = "".join(out)
    parts, i = [], 0
    while i < len(text):
        if text[i] in "\r\n":
            while i < len(text) and text[i] in "\r\n":
                i += 1
            parts.append(" ")
            continue
        parts.append(text[i])
        i += 1
    return _pointer_prototype("".join(parts).lstrip(_BLANKS))


def _pointer_prototype(text: str) -> str:
    """``type (*name)(args)`` made ``type name(args)``."""
    first = text.split(None, 1)
    if len(first) == 2 and text[len(first[0]):].lstrip(_BLANKS).startswith("("):
        head_end = len(text) - len(text[len(first[0]):].lstrip(_BLANKS))
        rest = text[head_end + 1:].lstrip(_BLANKS)
        if rest.startswith("*"):
            close = rest.find(")")
            name = rest[1:close] if close > 1 else ""
            if name and not any(ch in _BLANKS for ch in name):
                text = text[:head_end] + name + rest[close + 1:]
    return text


def function_parts(lines: list[str], symbol: Symbol, python: bool = False
                   ) -> tuple[str, list[tuple[str, str]]] | None:
    """A function's return type and its parameters (name, declaration as
    printed) as kernel-doc reads them from the source; None when the
    prototype is not one it reads this way."""
    if python:
        text = _pointer_prototype(manpy.gathered_prototype(lines, symbol.comment_span[1]))
    else:
        text = gathered_prototype(lines, symbol.comment_span[1])
    if "SYSCALL_DEFINE" in text or "TRACE_EVENT" in text or "DEFINE_EVENT" in text:
        return None
    define = False
    if text.startswith("#"):
        rest = text[1:].lstrip(_BLANKS)
        if rest.startswith("define") and rest[6:7] in tuple(_BLANKS):
            text, define = rest[6:].lstrip(_BLANKS), True
    if not define:
        text = manpy.function_transforms(text) if python else _strip_markers(text)
    name_end = 0
    while name_end < len(text) and (text[name_end].isalnum() or text[name_end] in "_~:"):
        name_end += 1
    if define and name_end and text[name_end:name_end + 1] in tuple(_BLANKS):
        return ("", []) if text[:name_end] == symbol.name else None
    open_ = text.find("(")
    if open_ < 0:
        return None
    head = text[:open_].rstrip(_BLANKS)
    start = len(head)
    while start > 0 and (head[start - 1].isalnum() or head[start - 1] in "_~:"):
        start -= 1
    name, prefix = head[start:], head[:start]
    if name != symbol.name:
        return None
    return_type = _return_type(prefix)
    args = _call_arguments(text, open_)
    if return_type is None or args is None:
        return None
    return return_type, parameters(args, ",", python)


def typedef_function_parts(lines: list[str], symbol: Symbol, python: bool = False
                           ) -> tuple[str, list[tuple[str, str]]] | None:
    """A function typedef's return type and parameters, as for a function."""
    gather = manpy.gathered_declaration if python else gathered_declaration
    text = drop_comments(gather(lines, symbol.comment_span[1]))
    at = text.find("typedef")
    if at < 0:
        return None
    rest = text[at + len("typedef"):]
    open_ = rest.find("(")
    end = rest.rfind(");")
    if open_ < 0 or end < open_:
        return None
    inner = rest[open_ + 1:].lstrip(_BLANKS)
    close = inner.find(")")
    if inner.startswith("*") and close > 0 and inner[1:close].strip(_BLANKS) == symbol.name:
        return_type = rest[:open_].strip(_BLANKS)
        after = inner[close + 1:]
        args_open = after.find("(")
        args = after[args_open + 1:after.rfind(");")] if args_open >= 0 else None
    else:
        head = rest[:open_].rstrip(_BLANKS)
        if not head.endswith(symbol.name):
            return None
        return_type = head[:len(head) - len(symbol.name)].strip(_BLANKS)
        args = rest[open_ + 1:end]
    if args is None:
        return None
    return return_type, parameters(args, ",", python)


def _return_type(prefix: str) -> str | None:
    """The return type before a function name, as kernel-doc splits it off."""
    if not prefix:
        return ""
    if all(ch.isalnum() or ch == "_" or ch in _BLANKS for ch in prefix):
        return prefix[:-1] if prefix[-1] in _BLANKS else None
    typed = prefix.rstrip(_BLANKS)
    if typed.endswith("*") and all(ch.isalnum() or ch in "_*" or ch in _BLANKS for ch in typed) \
            and not typed.lstrip(_BLANKS).startswith("*"):
        return typed
    return None


def _call_arguments(text: str, open_: int) -> str | None:
    """The text between a prototype's ``(`` and its closing ``)``: up to the
    last ``)`` before the next ``(``, else up to the last ``)``."""
    nxt = text.find("(", open_ + 1)
    window = text[open_ + 1:nxt if nxt >= 0 else len(text)]
    close = window.rfind(")")
    if close >= 0:
        return window[:close]
    close = text.rfind(")")
    return text[open_ + 1:close] if close > open_ else None


def _strip_markers(text: str) -> str:
    """The storage words and markers kernel-doc drops from a prototype."""
    for word in _LEADING_WORDS:
        if text.startswith(word + " "):
            text = text[len(word):].lstrip(" ")
    for word in _ANY_WORDS:
        text = _drop_word(text, word)
    text = text.replace("_noprof", "", 1)
    for call in _CALLS[:-1]:
        text = _drop_call(text, call)
    text = _bucket_params(text)
    text = _drop_word(text, "__attribute_const__")
    return _drop_call(text, "__attribute__")


def _bucket_params(text: str) -> str:
    """``DECL_BUCKET_PARAMS(a, b)`` made ``a, b``."""
    at = text.find("DECL_BUCKET_PARAMS")
    if at < 0:
        return text
    open_ = _skip(text, at + len("DECL_BUCKET_PARAMS"))
    close = text.find(")", open_)
    if not text.startswith("(", open_) or close < 0:
        return text
    pieces = [p.strip(_BLANKS) for p in text[open_ + 1:close].split(",")]
    if len(pieces) != 2 or not all(pieces) or any(ch in _BLANKS for p in pieces for ch in p):
        return text
    return text[:at] + f"{pieces[0]}, {pieces[1]}" + text[close + 1:]


def function_return_type(symbol: Symbol) -> str:
    """The return type kernel-doc prints for a function (annotations such as
    ``__iomem`` kept, storage words and ``__init``-like markers dropped)."""
    if symbol.kind == "macro" or symbol.decl.lstrip().startswith("#"):
        return ""
    at = symbol.decl.find(symbol.name + "(")
    if at < 0:
        at = symbol.decl.find(symbol.name)
    if at < 0:
        return symbol.return_type
    text = symbol.decl[:at]
    for word in _LEADING_WORDS:
        if text.startswith(word + " "):
            text = text[len(word):].lstrip(" ")
    for word in _ANY_WORDS:
        text = _drop_word(text, word)
    text = text.replace("_noprof", "", 1)
    for call in _CALLS:
        text = _drop_call(text, call)
    text = _drop_word(text, "__attribute_const__")
    return text.strip(_BLANKS)


def _drop_word(text: str, word: str) -> str:
    """The first ``word`` followed by spaces removed with the spaces."""
    at = text.find(word + " ")
    if at < 0:
        return text
    end = at + len(word)
    while end < len(text) and text[end] == " ":
        end += 1
    return text[:at] + text[end:]


def _drop_call(text: str, name: str) -> str:
    """The first ``name(...)`` followed by spaces removed with the spaces."""
    at = text.find(name)
    while at >= 0:
        open_ = _skip(text, at + len(name))
        if text.startswith("(", open_):
            depth, end = 0, open_
            while end < len(text):
                depth += {"(": 1, ")": -1}.get(text[end], 0)
                end += 1
                if depth == 0:
                    break
            if depth == 0 and end < len(text) and text[end] in _BLANKS:
                return text[:at] + text[_skip(text, end):]
        at = text.find(name, at + 1)
    return text


def _skip(text: str, at: int) -> int:
    """The first position from ``at`` that is not a blank."""
    while at < len(text) and text[at] in _BLANKS:
        at += 1
    return at


def _composed(ctype: str, name: str) -> str:
    """``type name`` (a function pointer's name goes inside ``(*)``)."""
    if "(*)" in ctype:
        return ctype.replace("(*)", f"(*{name})", 1)
    if not ctype:
        return name
    return ctype + name if ctype.endswith("*") else f"{ctype} {name}"


def _argument_texts(decl: str, name: str) -> list[str]:
    """The comma-separated arguments between the parentheses after ``name``."""
    start = decl.find(name + "(")
    if start < 0:
        start = decl.find(name)
        start = decl.find("(", start) if start >= 0 else -1
    else:
        start += len(name)
    if start < 0:
        return []
    close = manpy.call_end(decl, start)
    args = manpy.arguments(decl[start + 1:close - 1] if close > 0 else decl[start + 1:])
    if len(args) == 1 and not args[0].strip():
        return []
    return args


def _normal_arg(arg: str) -> str:
    """One argument as kernel-doc keeps it for the synopsis."""
    first, last = arg.find("/*"), arg.rfind("*/")
    if first >= 0 and last > first:
        arg = arg[:first] + arg[last + 2:]
    arg = squeeze_first(arg.strip(_BLANKS))
    if not _is_function_pointer(arg):
        arg = _tight(arg, ":", both=True)
        arg = _tight(arg, "[", both=False)
    return squeeze(arg)


def _is_function_pointer(arg: str) -> bool:
    """``... ( ... ) (`` : a pointer to function (or a parenthesised declarator)."""
    open_ = arg.find("(")
    while open_ >= 0:
        close = arg.find(")", open_ + 2)
        while close >= 0:
            if arg[close + 1:].lstrip(_BLANKS).startswith("("):
                return True
            close = arg.find(")", close + 1)
        open_ = arg.find("(", open_ + 1)
    return False


def _tight(text: str, mark: str, both: bool) -> str:
    """No blanks before ``mark`` (and after it when ``both``)."""
    parts = text.split(mark)
    if len(parts) == 1:
        return text
    out = [parts[0].rstrip(_BLANKS)]
    for i, part in enumerate(parts[1:]):
        if both:
            part = part.lstrip(_BLANKS)
        if i < len(parts) - 2:
            part = part.rstrip(_BLANKS)
        out.append(part)
    return mark.join(out)


# -- structs ----------------------------------------------------------------

def gathered_declaration(lines: list[str], after: int) -> str:
    """The declaration after the comment ending on line ``after`` (1-based),
    gathered into one line as kernel-doc does, up to its final ``;``."""
    prototype = ""
    depth = 0
    inline = False
    i = after
    while i < len(lines):
        line = lines[i]
        i += 1
        while not line.startswith(" *") and line.rstrip(_BLANKS).endswith("\\") and i < len(lines):
            line = line.rstrip(_BLANKS)[:-1] + lines[i]
            i += 1
        line = _expand_tabs(line)
        stripped = line.strip(_BLANKS)
        if inline:
            inline = stripped != "*/"
            continue
        if stripped.startswith("/**") and stripped.endswith("*/") and "@" in stripped and ":" in stripped:
            continue
        if stripped == "/**" or (stripped.startswith("/**") and not stripped[3:].strip(_BLANKS)):
            inline = True
            continue
        text = " ".join(line.replace("\r", "\n").split("\n")).strip(_BLANKS)
        cut = text.find("//")
        if cut >= 0:
            text = text[:cut]
        if text.startswith("#"):
            text += ";"
        while True:
            stop = min((p for p in (text.find("{"), text.find("}"), text.find(";")) if p >= 0), default=-1)
            if stop < 0:
                prototype += text
                break
            if prototype:
                prototype += " "
            prototype += text[:stop + 1]
            mark = text[stop]
            depth += {"{": 1, "}": -1}.get(mark, 0)
            text = text[stop + 1:]
            if mark == ";" and depth == 0:
                return prototype
    return prototype


def _expand_tabs(line: str) -> str:
    """Tabs as spaces to the next multiple of eight columns."""
    return line.expandtabs(8) if "\t" in line else line


def struct_members_text(prototype: str, python: bool = False) -> str | None:
    """The text between a struct's outer braces, cleaned as kernel-doc does
    for display (private members, comments, attributes, macros); None when
    there are no braces."""
    if python:
        prototype = manpy.trim_private(prototype)
    first, last = prototype.find("{"), prototype.rfind("}")
    if first < 0 or last <= first:
        return None
    members = prototype[first + 1:last]
    if python:
        return manpy.struct_transforms(members)
    members = drop_private(members)
    members = drop_comments(members)
    members = drop_attributes(members)
    members = unwrap_groups(members)
    return expand_member_macros(members)


def struct_parts(lines: list[str], symbol: Symbol, python: bool = False) -> tuple[str, list[str]] | None:
    """The member lines kernel-doc shows in a struct's synopsis (one per
    member, indented by a tab per nesting level plus one) and the member
    names it lists, in order."""
    gather = manpy.gathered_declaration if python else gathered_declaration
    members = struct_members_text(gather(lines, symbol.comment_span[1]), python)
    if members is None:
        return None
    return lay_out(members), member_names(members)


def lay_out(members: str) -> str:
    """Members one per line, indented by nesting level."""
    text = "".join(ch + "\n" if ch in "{;" else ch for ch in members)
    text = _close_braces(text)
    text = _split_anonymous_enums(text)
    out = []
    level = 1
    for clause in text.split("\n"):
        clause = squeeze_first(clause.strip(_BLANKS))
        if not clause:
            continue
        if "}" in clause and level > 1:
            level -= 1
        if not clause.startswith("#"):
            out.append("\t" * level)
        out.append("\t" + clause + "\n")
        if "{" in clause and "}" not in clause:
            level += 1
    return "".join(out)


def _close_braces(text: str) -> str:
    """``}`` then blanks then ``;`` made ``};``."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "}":
            j = i + 1
            while j < len(text) and text[j] in _BLANKS:
                j += 1
            if j > i + 1 and j < len(text) and text[j] == ";":
                out.append("};")
                i = j + 1
                continue
        out.append(text[i])
        i += 1
    return "".join(out)


def _split_anonymous_enums(text: str) -> str:
    """In ``enum {`` bodies, a line break after every comma not followed by one."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("enum", i):
            j = i + 4
            while j < len(text) and text[j] in _BLANKS:
                j += 1
            if j > i + 4 and j < len(text) and text[j] == "{":
                end = text.find("}", j)
                end = len(text) if end < 0 else end + 1
                body = _break_commas(text[j:end])
                out.append(text[i:j] + body)
                i = end
                continue
        out.append(text[i])
        i += 1
    return "".join(out)


def _break_commas(body: str) -> str:
    """A newline after each comma that is not the last character nor before one."""
    out = []
    for k, ch in enumerate(body):
        out.append(ch)
        if ch == "," and k + 1 < len(body) and body[k + 1] != "\n":
            out.append("\n")
    return "".join(out)
