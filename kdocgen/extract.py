"""From a source file to the model: parse, read comments, bind.

:func:`extract_source` is the one entry point every later stage uses; it
never raises for bad input: unreadable or undecodable files, binary files
and parser failures become diagnostics on the returned :class:`SourceFile`.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterable, Iterator

from .cparse.blanking import blank_comments, unterminated_comment
from .cparse.declarations import documented_only, parse_declarations
from .cparse.members import MEMBER_NESTING
from .kerneldoc.bind import bind
from .kerneldoc.comment import find_comments, plain_comment_above
from .kerneldoc.dialect import DEFAULT, Dialect, dialect_for
from .model import Diagnostic, SourceFile

MAX_BYTES = 64 << 20
#: diagnostics of a file whose text was not read (a page of it would be empty)
NOT_READ = frozenset({"read-error", "binary-file"})


def not_read(source: SourceFile) -> list[Diagnostic]:
    """The diagnostics saying that ``source`` could not be read at all."""
    return [d for d in source.diagnostics if d.rule in NOT_READ]


def extract_source(path: str, data: bytes, with_calls: bool = False,
                   dialect: Dialect = DEFAULT, plain_comments: bool = True) -> SourceFile:
    """The model of one file, given its path (as shown) and its bytes, read
    with ``dialect``'s kernel-doc rules; with ``with_calls``, function
    symbols also list the functions they call; with ``plain_comments``,
    undocumented symbols get the plain comment above them."""
    return _extract(path, data, lambda lines, comments: parse_declarations(data, path, with_calls=with_calls),
                    every_symbol=plain_comments, dialect=dialect)


def extract_documented(path: str, data: bytes, dialect: Dialect = DEFAULT) -> SourceFile:
    """Like :func:`extract_source`, but only the documented declarations are
    parsed (for checks of the documentation); other symbols are absent."""
    def parse(lines, comments):
        regions = [(doc.end + 1, (comments[i + 1].start if i + 1 < len(comments) else len(lines) + 1) - 1)
                   for i, doc in enumerate(comments) if doc.kind != "doc"]
        return documented_only(data, path, regions)
    return _extract(path, data, parse, every_symbol=False, dialect=dialect)


def _extract(path: str, data: bytes, parse, every_symbol: bool, dialect: Dialect) -> SourceFile:
    """Decode, read the comments, ``parse(lines, comments)`` the declarations,
    bind; with ``every_symbol``, undocumented symbols get their plain comment."""
    result = SourceFile(path)
    if b"\0" in data[:8192]:
        result.diagnostics.append(Diagnostic(path, 1, "binary-file", "binary file (NUL bytes), not read",
                                             severity="error"))
        return result
    lines = _decode(path, data, result.diagnostics).split("\n")
    comments, stray = find_comments(lines, dialect)
    for note in stray:
        result.diagnostics.append(Diagnostic(path, note.line, note.rule, note.message))
    unterminated = _check_unterminated(path, data, result.diagnostics)
    parsed = parse(lines, comments)
    if not unterminated:
        _check_cut_off(path, data, comments, result.diagnostics, parsed.blanked)
    result.symbols = bind(path, lines, comments, parsed.symbols, result.diagnostics, parsed.reparse, dialect)
    _note_cut_records(path, parsed.cut, result.diagnostics)
    if every_symbol:
        for symbol in result.symbols:
            if not symbol.documented:
                symbol.plain_comment = plain_comment_above(lines, symbol.decl_span[0])
    result.exports = parsed.exports
    result.diagnostics.sort(key=lambda d: (d.line, d.rule, d.message))
    return result


def _note_cut_records(path: str, cut: list[tuple[str, int]], diagnostics: list[Diagnostic]) -> None:
    """Say where members nested too deep were not read, instead of calling
    their descriptions excess."""
    for name, line in cut:
        deeper = re.compile(r"'(?:[^'.]*\.){%d}" % MEMBER_NESTING)
        diagnostics[:] = [d for d in diagnostics if not (d.rule == "member-excess" and d.symbol == name
                                                         and deeper.search(d.message))]
        diagnostics.append(Diagnostic(path, line, "nesting-limit",
                                      f"members of '{name}' nested more than {MEMBER_NESTING} levels deep "
                                      "are not read", symbol=name))


def _check_unterminated(path: str, data: bytes, diagnostics: list[Diagnostic]) -> bool:
    """An error for a block comment still open at the end of the file."""
    start = unterminated_comment(data)
    if start >= 0:
        diagnostics.append(Diagnostic(path, data.count(b"\n", 0, start) + 1, "unterminated-comment",
                                      "comment starting here is not closed with '*/' "
                                      "before the end of the file", severity="error"))
    return start >= 0


# Preprocessor lines (matched from the newline before them: the text searched
# starts with one added), strings and character literals.
_NOT_CODE = re.compile(rb"\n[ \t]*#(?:[^\n]*\\\n)*[^\n]*|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'")
_CONDITIONAL = re.compile(rb"[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif)\b")
_BRACE = re.compile(rb"[{}]")


def unfinished_tail(data: bytes, without_comments: bytes | None = None) -> tuple[int, int]:
    """``(end, start)`` of the code left unfinished at the end of the file
    (outside comments, strings, preprocessor lines and #else branches):
    ``end`` is where the last complete top-level declaration ends, ``start``
    where the unfinished one starts; ``(-1, -1)`` when the code ends complete
    (with ``;``, ``}`` or ``)`` and every brace closed)."""
    if without_comments is None:
        without_comments = blank_comments(data)
    code = _code_only(without_comments)
    end, depth = _top_level_end(code)
    if depth:  # "#if A / f(a) { / #else / f(b) { / #endif" opens one brace, not two
        code = _code_only(_first_branches(without_comments))
        end, depth = _top_level_end(code)
    code = code.rstrip()
    if not depth and (not code or code.endswith((b";", b"}", b")"))):
        return -1, -1
    return end, end + len(code[end:]) - len(code[end:].lstrip())


def _code_only(text: bytes) -> bytes:
    """``text`` with preprocessor lines and literals as spaces (same length)."""
    return _NOT_CODE.sub(_spaces, b"\n" + text)[1:]


def _spaces(match: re.Match) -> bytes:
    """Spaces for a match (the newline a preprocessor line's match starts with kept)."""
    size = match.end() - match.start()
    return b"\n" + b" " * (size - 1) if match.group()[:1] == b"\n" else b" " * size


def _top_level_end(code: bytes) -> tuple[int, int]:
    """Where the last top-level ``;`` or ``}`` of ``code`` ends (or, with
    braces left open, where the declaration opening them starts), and the
    depth of braces left open."""
    depth, end, open_end, after = 0, 0, 0, 0  # after: past the previous brace
    for brace in _BRACE.finditer(code):
        at = brace.start()
        if depth == 0:
            end = max(end, code.rfind(b";", after, at) + 1)
        if code[at] == 0x7B:  # '{'
            open_end = end if depth == 0 else open_end
            depth += 1
        elif depth:
            depth -= 1
        if depth == 0:
            end = at + 1
        after = at + 1
    if depth == 0:
        end = max(end, code.rfind(b";", after) + 1)
    return (open_end if depth else end), depth


def _first_branches(code: bytes) -> bytes:
    """``code`` with the ``#elif`` / ``#else`` branches of conditionals
    blanked (same length, newlines kept)."""
    out, branches = [], []  # per open conditional: in a later branch?
    for line in code.split(b"\n"):
        directive = _CONDITIONAL.match(line)
        word = directive.group(1) if directive else b""
        if word.startswith(b"if"):
            branches.append(False)
        elif word in (b"elif", b"else") and branches:
            branches[-1] = True
        elif word == b"endif" and branches:
            branches.pop()
        out.append(b" " * len(line) if any(branches) and not directive else line)
    return b"\n".join(out)


def _check_cut_off(path: str, data: bytes, comments: list, diagnostics: list[Diagnostic],
                   blanked: bytes) -> None:
    """A warning for a documented declaration cut off by the end of the file
    (``blanked``: ``data`` with comments blanked, as the parser saw it); what
    was read of it is still documented."""
    if not any(doc.kind != "doc" for doc in comments):
        return
    end, start = unfinished_tail(data, blanked)
    if start < 0:
        return
    end_line, line = data.count(b"\n", 0, end) + 1, data.count(b"\n", 0, start) + 1
    if any(doc.kind != "doc" and end_line <= doc.start and doc.end < line for doc in comments):
        diagnostics.append(Diagnostic(path, line, "cut-off-declaration",
                                      "declaration starting here is cut off by the end of the file"))


# Characters other than "\n" that Python's and docutils' line splitting take
# as line ends (form feed, lone CR, ...): inside a line they become spaces,
# so that lines stay lines in every output.
_OTHER_LINE_END_CHARS = "\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_OTHER_LINE_ENDS = dict.fromkeys(map(ord, _OTHER_LINE_END_CHARS), " ")


def _decode(path: str, data: bytes, diagnostics: list[Diagnostic]) -> str:
    """UTF-8 text of ``data``; a diagnostic names the first bad line."""
    try:
        return one_line_end(data.decode("utf-8"))
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        diagnostics.append(Diagnostic(path, line, "encoding",
                                      f"invalid UTF-8 byte 0x{data[err.start]:02x}; "
                                      "undecodable bytes are shown as U+FFFD", severity="error"))
        return one_line_end(data.decode("utf-8", "replace"))


def one_line_end(text: str) -> str:
    """``text`` with CRLF as LF and the other line-end characters as spaces."""
    if not any(char in text for char in _OTHER_LINE_END_CHARS):
        return text  # the usual case, found at memchr speed
    return text.replace("\r\n", "\n").translate(_OTHER_LINE_ENDS)


#: Where a tree keeps the Python kernel-doc (7.x; the last 6.x releases).
_PYTHON_KERNEL_DOC = ("tools/docs/kernel-doc", "scripts/kernel-doc.py")


def dialect_of(tree: str | os.PathLike | None, version: str | None = None) -> Dialect:
    """The kernel-doc rules to read ``tree`` with: those of ``version``
    when given, else those of the kernel-doc the tree carries (the Python
    rewrite's when it has one) for the version its Makefile declares
    (without either tool: 6.x the Perl kernel-doc's, 7.x the Python one's)."""
    if version is not None or tree is None:
        return dialect_for(version)
    from .sources import tree_version
    python = True if any(os.path.isfile(os.path.join(tree, p)) for p in _PYTHON_KERNEL_DOC) else None
    return dialect_for(tree_version(tree), python)


def extract_file(tree: str | os.PathLike, relpath: str, with_calls: bool = False,
                 documented: bool = False, dialect: Dialect = DEFAULT, plain_comments: bool = True) -> SourceFile:
    """Read ``relpath`` below ``tree`` and extract it; read errors become diagnostics."""
    return read_and_extract(tree, relpath, with_calls, documented, dialect, plain_comments)[0]


def read_and_extract(tree: str | os.PathLike, relpath: str, with_calls: bool = False,
                     documented: bool = False, dialect: Dialect = DEFAULT,
                     plain_comments: bool = True) -> tuple[SourceFile, bytes]:
    """:func:`extract_file`, also returning the bytes read (empty when the
    file could not be read), for callers that look at the text too."""
    full = Path(tree) / relpath
    try:
        size = full.stat().st_size
        if size > MAX_BYTES:
            return _failed(relpath, f"file too large ({size} bytes), not read"), b""
        data = full.read_bytes()
    except OSError as err:
        return _failed(relpath, f"cannot read file: {err.strerror or err}"), b""
    try:
        if documented:
            return extract_documented(relpath, data, dialect), data
        return extract_source(relpath, data, with_calls, dialect, plain_comments), data
    except RecursionError:
        return _failed(relpath, "declarations nested too deeply to parse"), data
    except Exception as err:  # noqa: BLE001 - one bad file must not stop a run
        return _failed(relpath, f"internal error while parsing ({type(err).__name__}: {err}); "
                                "please report this file"), data


def _failed(path: str, message: str) -> SourceFile:
    return SourceFile(path, diagnostics=[Diagnostic(path, 0, "read-error", message, severity="error")])


def _extract_pair(args: tuple[str, str, bool, Dialect, bool]) -> SourceFile:
    tree, relpath, with_calls, dialect, undocumented = args
    source = extract_file(tree, relpath, with_calls, dialect=dialect, plain_comments=undocumented)
    if not undocumented:
        source.symbols = source.documented
    return source


def extract_many(tree: str | os.PathLike, relpaths: Iterable[str], jobs: int = 1,
                 with_calls: bool = False, dialect: Dialect = DEFAULT,
                 undocumented: bool = True) -> Iterator[SourceFile]:
    """Extract files in order, in ``jobs`` worker processes when above 1;
    without ``undocumented``, only the documented symbols are kept (less
    to send back from the workers)."""
    items = [(str(tree), p, with_calls, dialect, undocumented) for p in relpaths]
    if jobs <= 1 or len(items) < 8:
        for item in items:
            yield _extract_pair(item)
        return
    chunk = max(1, min(64, len(items) // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(_extract_pair, items, chunksize=chunk)
