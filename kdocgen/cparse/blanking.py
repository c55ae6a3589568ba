"""Blank out kernel attribute macros that tree-sitter-c cannot know.

Kernel code decorates declarations with macros (``__init``, ``__printf(1, 2)``,
``__packed``, ``__aligned(8)``, ``__counted_by(n)`` ...).  tree-sitter sees
them as unknown identifiers and produces ERROR nodes or mis-named
declarations.  :func:`blank_attributes` overwrites each such macro with
spaces of the same byte length, so every byte offset and line number of the
blanked text still points at the same place in the original source.
"""

from __future__ import annotations

import re

from .annotations import annotation_spans, paren_end

# Bare words: section placement, annotations, sparse address spaces, inlining.
ATTRIBUTE_WORDS = (
    "__init __exit __initdata __initconst __exitdata __exit_call __init_or_module "
    "__initref __ref __refdata __refconst __meminit __meminitdata __meminitconst "
    "__cpuinit __devinit __devexit __devinitdata __head __initramfs "
    "__cold __hot __always_inline __inline __inline__ noinline __noinline "
    "__must_check __weak __sched __deprecated __flatten __pure __const "
    "__attribute_const__ __maybe_unused __always_unused __used __visible "
    "__noreturn noinstr notrace __notrace __noclone __latent_entropy "
    "__randomize_layout __no_randomize_layout __packed __read_mostly "
    "__ro_after_init __iomem __user __kernel __force __rcu __percpu __bitwise "
    "__private __nocast __safe __must_be_array asmlinkage __nocfi __irq_entry "
    "__kprobes nokprobe_inline __naked __malloc __nonstring __noinline_for_stack "
    "__no_sanitize_address __no_kasan_or_inline __no_kcsan __no_sanitize_thread "
    "__always_used __initdata_or_module __net_init __net_exit __net_initdata "
    "__exit_p __printf_like __lockfunc __kprobes __fastcall __cacheline_aligned "
    "__cacheline_aligned_in_smp ____cacheline_aligned ____cacheline_aligned_in_smp "
    "__cacheline_internodealigned_in_smp ____cacheline_internodealigned_in_smp "
    "__page_aligned_data __page_aligned_bss __aligned_largest __designated_init "
    "__no_stack_protector __noscs __nostackprotector __bpf_kfunc __diag_ignore_all "
    "__FORTIFY_INLINE __compiletime_error __trace_cold __noclone __retain "
    "__section_cold __rust_helper __counted_by_ptr __stringify_attr CRYPTO_MINALIGN_ATTR POS POS0"
).split()

# Macros taking an argument list.
ATTRIBUTE_CALLS = (
    "__printf __scanf __aligned __section __alloc_size __realloc_size __counted_by "
    "__counted_by_le __counted_by_be __acquires __releases __must_hold __cond_acquires "
    "__cond_releases __assume_aligned __diagnose_as __nonnull __deprecated_msg "
    "__malloc_like __attribute__ __attribute __declspec __alias __weak_alias "
    "__guarded_by __pt_guarded_by __no_context_analysis __compiletime_error "
    "__diag_ignore __aligned_attr __section_attr __access __fix_address "
    "__annotate_jump_table __cleanup __free __nocapture __sized_by __ended_by "
    "__pass_object_size __pass_dynamic_object_size"
).split()

_NESTED_PARENS = rb"\((?:[^()]|\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\))*\)"

_WORD_SET = frozenset(w.encode() for w in ATTRIBUTE_WORDS)
_CALL_SET = frozenset(w.encode() for w in ATTRIBUTE_CALLS)
_CANDIDATE = re.compile(rb"\b(?:__\w+|POS0?|asmlinkage|noinline|notrace|noinstr|nokprobe_inline|"
                        rb"CRYPTO_MINALIGN_ATTR)\b")
_SPACES_BUT_NEWLINE = bytes(0x0A if byte == 0x0A else 0x20 for byte in range(256))  # bytes.translate table
_SPACE_BYTES = b" \t\r\n\f\v"


def _blank(match: re.Match) -> bytes:
    return match.group().translate(_SPACES_BUT_NEWLINE)


def _blank_range(out: bytearray, start: int, end: int) -> None:
    out[start:end] = out[start:end].translate(_SPACES_BUT_NEWLINE)


_DIRECTIVE_PREFIX = re.compile(rb"#\s*\w*\s*$|#\s*define\s+\w+\([\w\s,.]*$")


def _after_directive(text: bytes, start: int) -> bool:
    """Whether the word at ``start`` is a directive's name, its first
    argument or a macro parameter (``#define __init``, ``#ifdef __KERNEL__``,
    ``#define f(a, __sched)``)."""
    line_start = text.rfind(b"\n", 0, start) + 1
    prefix = text[line_start:start].lstrip()
    return prefix[:1] == b"#" and _DIRECTIVE_PREFIX.fullmatch(prefix) is not None


def blank_attribute_macros(text: bytes) -> bytes:
    """Blank the known attribute macros (bare words, and calls with their
    argument lists) in ``text``, keeping its length."""
    out: bytearray | None = None
    for match in _CANDIDATE.finditer(text):
        word = match.group()
        start, end = match.span()
        if _after_directive(text, start):
            continue
        after = end
        while after < len(text) and text[after] in _SPACE_BYTES:
            after += 1
        is_call = after < len(text) and text[after] == 0x28
        if is_call and word in _CALL_SET:
            close = paren_end(text, after)
            if close < 0:
                continue
            end = close
        elif is_call or word not in _WORD_SET:
            continue
        if out is None:
            out = bytearray(text)
        _blank_range(out, start, end)
    return text if out is None else bytes(out)


# Strings and character literals are matched (and kept) so that comment
# markers inside them are not taken for comments.
_LEXEMES = re.compile(rb'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|/\*.*?(?:\*/|\Z)|//(?:\\\n|[^\n])*', re.S)


def _blank_comment(match: re.Match) -> bytes:
    text = match.group()
    return text.translate(_SPACES_BUT_NEWLINE) if text[:1] == b"/" else text


def unterminated_comment(source: bytes) -> int:
    """Byte offset of a ``/*`` comment left open at the end, or -1."""
    last_open = source.rfind(b"/*")
    if last_open < 0 or source.find(b"*/", last_open + 2) >= 0:
        return -1  # every "/*" has a "*/" after it
    last = None
    for last in _LEXEMES.finditer(source):
        pass
    if last is not None and last.group().startswith(b"/*") and not last.group().endswith(b"*/"):
        return last.start()
    if last is not None and last.group() == b"/*/":
        return last.start()
    return -1


def blank_comments(source: bytes) -> bytes:
    """Return ``source`` with every comment replaced by spaces (same length)."""
    return _LEXEMES.sub(_blank_comment, source)


# A macro invocation alone at the top level, without a semicolon and not
# followed by a function body: "build_mmio_read(readb, "b", ...)".
# (Searched in the text after a "\n": a pattern starting with "\n" rather than
# "^" lets the engine jump from line to line.)
_INVOCATION = re.compile(rb"\n[A-Za-z_]\w*[ \t]*" + _NESTED_PARENS + rb"[ \t]*$(?!\s*[{;])", re.M)


def blank_attributes(source: bytes) -> bytes:
    """Return ``source`` with comments, attribute macros (the known ones and
    those found by position, :mod:`.annotations`) and bare top-level macro
    invocations replaced by spaces (same length, newlines kept), and
    ``struct_group*()`` unwrapped."""
    text = blank_attribute_macros(blank_comments(source))
    if b"struct_group" in text:
        text = unwrap_struct_groups(text)
    spans = annotation_spans(text)
    if spans:
        out = bytearray(text)
        for start, end in spans:
            _blank_range(out, start, end)
        text = bytes(out)
    return _INVOCATION.sub(_blank, b"\n" + text)[1:]
_GROUP = re.compile(rb"\b(struct_group|struct_group_attr|struct_group_tagged|__struct_group)\s*\(")
_GROUP_SKIP = {b"struct_group": 1, b"struct_group_attr": 2, b"struct_group_tagged": 2, b"__struct_group": 3}


def unwrap_struct_groups(text: bytes) -> bytes:
    """Rewrite ``struct_group(NAME, members)`` to its members, and
    ``struct_group_tagged(TAG, NAME, members)`` to ``struct TAG NAME;
    members``, as kernel-doc reads them; lengths are kept."""
    out = bytearray(text)
    for match in _GROUP.finditer(text):
        if _after_directive(text, match.start()):
            continue  # "#define struct_group(NAME, MEMBERS...)": the macro itself
        commas, close = _top_level_commas(text, match.end())
        skip = _GROUP_SKIP[match.group(1)]
        if close < 0 or len(commas) < skip:
            continue
        head_end = commas[skip - 1] + 1
        out[match.start():head_end] = text[match.start():head_end].translate(_SPACES_BUT_NEWLINE)
        if match.group(1) == b"struct_group_tagged":
            tag_start = match.end()
            out[match.start():match.start() + 6] = b"struct"
            out[tag_start:commas[0]] = text[tag_start:commas[0]]
            out[commas[0] + 1:commas[1]] = text[commas[0] + 1:commas[1]]
            out[commas[1]] = ord(";")
        out[close] = ord(" ")
    return bytes(out)


def _top_level_commas(text: bytes, pos: int) -> tuple[list[int], int]:
    """Offsets of the commas at depth 0 from ``pos`` and of the closing paren."""
    depth = 0
    commas: list[int] = []
    for index in range(pos, min(len(text), pos + 100_000)):
        char = text[index]
        if char in b"([{":
            depth += 1
        elif char in b")]}":
            if depth == 0:
                return commas, index
            depth -= 1
        elif char == 0x2C and depth == 0:
            commas.append(index)
    return commas, -1
