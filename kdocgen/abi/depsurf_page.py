"""Split one DepSurf page into its status entries and differences.

A page is Markdown with embedded HTML (see ``FORMAT.md`` of the shared
DepSurf data).  markdown-it-py cuts it into blocks with line numbers (HTML
blocks, paragraphs, fenced code); this module reads the HTML lines that carry
the structure (groups, ``In <code>label</code>: status``, ``<details>``,
``Changed between ...``) and hands the blocks inside a ``<details>`` to the
detail readers untouched.  Both page formats share this skeleton: the current
one (``⚠️``, short labels) and the older seed one (``❓``, full image names,
``Added``/``Removed`` differences).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from .depsurf_builds import GROUPS
from .model import ISSUE_ORDER

KINDS = {"Function": "function", "Struct": "struct", "Tracepoint": "tracepoint"}
MARKERS = ("⚠️", "❓", "✅", "➕", "➖")

_TITLE = re.compile(r"^(\w+): <code>([^<]+)</code>$")
_GROUP = re.compile(r"^<b>(\w+)</b>$")
_STATUS = re.compile(r"^(<summary>)?In <code>([^<]+)</code>:\s*(.*?)(</summary>)?$")
_NO_CHANGE = re.compile(r"^No changes between <code>([^<]+)</code> and <code>([^<]+)</code> ✅$")
_DELTA = re.compile(r"^<summary>(Changed|Added|Removed) between <code>([^<]+)</code> and "
                    r"<code>([^<]+)</code> (⚠️|❓|➕|➖)</summary>$")
_CHANGE_KIND = re.compile(r"^<b>([A-Z][\w ]*)\. </b>$")
_ARROW = re.compile(r"\s*➡️\s*")
_STRUCTURE = {"<ul>", "</ul>", "<li>", "</li>", "<details>", "</details>", ""}


class PageError(Exception):
    """A page that does not follow the format; ``line`` is 1-based (0 = unknown)."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Block:
    """A paragraph or a fenced code block inside a ``<details>``."""

    kind: str           # "para" or "fence"
    text: str
    line: int           # first line of the block (the fence line for code)
    info: str = ""      # fence info string ("c", "json", "")


@dataclass
class RawStatus:
    """``In <code>label</code>: status`` and the blocks of its ``<details>``."""

    group: str
    label: str
    line: int
    absent: bool
    issues: list[str]
    marker: str
    details: list[Block] | None = None


@dataclass
class RawChange:
    kind: str
    old: str
    new: str
    line: int


@dataclass
class RawDelta:
    """One entry of the Differences section."""

    group: str
    kind: str           # "no change", "changed", "added", "removed"
    old_label: str
    new_label: str
    line: int
    changes: list[RawChange] = field(default_factory=list)
    decl: str | None = None   # the c block of Added/Removed entries


@dataclass
class RawPage:
    kind: str
    name: str
    statuses: list[RawStatus] = field(default_factory=list)
    deltas: list[RawDelta] = field(default_factory=list)


@dataclass
class _Item:
    kind: str           # "heading", "para", "html", "fence"
    text: str
    line: int
    info: str = ""
    level: int = 0


def _items(text: str) -> list[_Item]:
    """The page as a flat list of headings, paragraphs, HTML lines and fences."""
    # Only the block structure is needed: inline parsing (half the time) is off.
    tokens = MarkdownIt("commonmark").disable(["inline", "text_join"]).parse(text)
    lines = text.splitlines()
    out: list[_Item] = []
    for i, tok in enumerate(tokens):
        line = tok.map[0] + 1 if tok.map else 0
        if tok.type == "heading_open":
            out.append(_Item("heading", tokens[i + 1].content, line, level=int(tok.tag[1])))
        elif tok.type == "paragraph_open":
            out.append(_Item("para", tokens[i + 1].content, line))
        elif tok.type == "html_block":
            for n, part in enumerate(tok.content.splitlines()):
                out.append(_Item("html", part.strip(), line + n))
        elif tok.type == "fence":
            if not _fence_closed(lines, tok):
                raise PageError(line, "code block is not closed (truncated page?)")
            out.append(_Item("fence", tok.content, line, info=tok.info.strip()))
        elif tok.type in ("code_block", "hr", "blockquote_open", "bullet_list_open", "ordered_list_open"):
            raise PageError(line, f"unexpected Markdown {tok.type.split('_')[0]}")
    return out


def _fence_closed(lines: list[str], tok) -> bool:
    """Whether a fence has its closing line (markdown-it closes it at the end silently)."""
    last = tok.map[1] - 1
    return last > tok.map[0] and last < len(lines) and lines[last].strip().startswith(tok.markup)


def parse_page(text: str) -> RawPage:
    """The status entries and differences of a page (PageError on any surprise)."""
    items = _items(text)
    if not items or items[0].kind != "heading" or items[0].level != 1:
        raise PageError(1, "not a DepSurf page: no '# Kind: <code>name</code>' title")
    title = _TITLE.match(items[0].text)
    if not title:
        raise PageError(items[0].line, f"unreadable title {items[0].text!r}")
    if title.group(1) not in KINDS:
        raise PageError(items[0].line, f"unsupported page kind {title.group(1)!r}")
    page = RawPage(KINDS[title.group(1)], html.unescape(title.group(2)))
    _Reader(page).read(items[1:])
    return page


class _Reader:
    """The state machine over a page's items."""

    def __init__(self, page: RawPage):
        self.page = page
        self.section = ""
        self.group = ""
        self.details_depth = 0
        self.status: RawStatus | None = None     # the status whose <details> is open
        self.delta: RawDelta | None = None       # the delta whose <details> is open
        self.change_kind: tuple[str, int] | None = None

    def read(self, items: list[_Item]) -> None:
        for item in items:
            getattr(self, "_" + item.kind)(item)
        if self.details_depth or self.change_kind:
            raise PageError(items[-1].line if items else 0, "page ends inside an entry (truncated page?)")
        if not self.page.statuses:
            raise PageError(items[-1].line if items else 0, "page has no status entries")

    def _heading(self, item: _Item) -> None:
        if item.level != 2 or item.text not in ("Status", "Differences"):
            raise PageError(item.line, f"unexpected heading {item.text!r}")
        if self.details_depth:
            raise PageError(item.line, "heading inside an open <details> (truncated entry?)")
        self.section, self.group = item.text, ""

    def _para(self, item: _Item) -> None:
        group = _GROUP.match(item.text)
        if group and not self.details_depth:
            if group.group(1) not in GROUPS:
                raise PageError(item.line, f"unknown group {group.group(1)!r}")
            self.group = group.group(1)
        elif self.status is not None:
            self._open_details().append(Block("para", item.text, item.line))
        else:
            raise PageError(item.line, f"unexpected text {item.text[:60]!r}")

    def _fence(self, item: _Item) -> None:
        if self.status is not None:
            self._open_details().append(Block("fence", item.text, item.line, item.info))
        elif self.delta is not None and self.delta.kind in ("added", "removed") and self.delta.decl is None:
            self.delta.decl = item.text.strip()
        else:
            raise PageError(item.line, "unexpected code block")

    def _open_details(self) -> list[Block]:
        """The blocks of the status whose <details> is open (it has a list)."""
        assert self.status is not None and self.status.details is not None
        return self.status.details

    def _html(self, item: _Item) -> None:
        line = item.text
        if _GROUP.match(line) and not self.details_depth:
            self._para(item)
        elif line in _STRUCTURE:
            self._structure(item)
        elif self.change_kind is not None:
            self._change_value(item)
        elif not self.section or not self.group:
            raise PageError(item.line, f"entry outside a group: {line[:60]!r}")
        elif self.section == "Status":
            self._status_line(item)
        else:
            self._delta_line(item)

    def _structure(self, item: _Item) -> None:
        if item.text == "<details>":
            self.details_depth += 1
        elif item.text == "</details>":
            if not self.details_depth:
                raise PageError(item.line, "</details> without <details>")
            self.details_depth -= 1
            self.status = self.delta = None

    def _status_line(self, item: _Item) -> None:
        m = _STATUS.match(item.text)
        if not m or self.status is not None or bool(m.group(1)) != bool(m.group(4)):
            raise PageError(item.line, f"unreadable status line {item.text[:80]!r}")
        if m.group(1) and not self.details_depth:
            raise PageError(item.line, "<summary> outside <details>")
        absent, issues, marker = _status_text(m.group(3), item.line)
        entry = RawStatus(self.group, html.unescape(m.group(2)), item.line, absent, issues, marker,
                          [] if m.group(1) else None)
        self.page.statuses.append(entry)
        if m.group(1):
            self.status = entry

    def _delta_line(self, item: _Item) -> None:
        if m := _NO_CHANGE.match(item.text):
            self.page.deltas.append(RawDelta(self.group, "no change", m.group(1), m.group(2), item.line))
        elif m := _DELTA.match(item.text):
            if not self.details_depth:
                raise PageError(item.line, "<summary> outside <details>")
            self.delta = RawDelta(self.group, m.group(1).lower(),
                                  m.group(2), m.group(3), item.line)
            self.page.deltas.append(self.delta)
        elif (m := _CHANGE_KIND.match(item.text)) and self.delta is not None:
            self.change_kind = (m.group(1), item.line)
        else:
            raise PageError(item.line, f"unreadable difference line {item.text[:80]!r}")

    def _change_value(self, item: _Item) -> None:
        assert self.change_kind is not None and self.delta is not None  # set together
        kind, line = self.change_kind
        self.change_kind = None
        parts = [_strip_code(p) for p in _ARROW.split(item.text)]
        if len(parts) == 1:
            old, new = ("", parts[0]) if kind.endswith("added") else (parts[0], "")
        elif len(parts) == 2:
            old, new = parts
        else:
            raise PageError(item.line, f"unreadable change {item.text[:80]!r}")
        self.delta.changes.append(RawChange(kind, old, new, line))


def _strip_code(text: str) -> str:
    text = text.strip()
    if text.startswith("<code>") and text.endswith("</code>"):
        text = text[len("<code>"):-len("</code>")]
    return html.unescape(text)


def _status_text(text: str, line: int) -> tuple[bool, list[str], str]:
    """(absent, issues, marker) of ``Absent ⚠️``, ``✅``, ``Collision, Transformation ❓``."""
    text = text.strip()
    marker = next((m for m in MARKERS[:3] if text.endswith(m)), "")
    if not marker:
        raise PageError(line, f"status without a marker: {text[:60]!r}")
    words = text[: -len(marker)].strip()
    if marker == "✅":
        if words:
            raise PageError(line, f"issues with a check mark: {words!r}")
        return False, [], marker
    if words == "Absent":
        return True, [], marker
    issues = [w.strip() for w in words.split(",")]
    unknown = [w for w in issues if w not in ISSUE_ORDER]
    if unknown or not issues:
        raise PageError(line, f"unknown status {words!r}")
    return False, issues, marker
