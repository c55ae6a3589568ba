"""The ABI heatmap: functions x builds, one colour per status category,
drawn with matplotlib (Agg) into a PNG.

Rows are grouped by area (the defining folder, or the header), builds by
their group; the same input gives a byte-identical file (no time stamps, no
software tag).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .model import Build
from .summary import CATEGORIES

#: pixels per function row and per build column, at DPI
ROW_PX, COL_PX, DPI = 5, 30, 100
LABEL_CHAR_PX = 6   # about the width of a character of the 8-point group labels


@dataclass
class HeatmapRow:
    """One function: its name, area and category key per build."""

    name: str
    area: str
    categories: list[str]


def area_of(path: str) -> str:
    """The area a file belongs to: its folder, or itself for a header under include/."""
    if path.startswith("include/") or "/" not in path:
        return path
    return path.rsplit("/", 1)[0]


def draw_heatmap(rows: list[HeatmapRow], builds: list[Build], target: Path | BinaryIO, title: str = "") -> None:
    """Draw ``rows`` (already in display order) as a PNG into ``target``
    (a path or a binary file object)."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    index = {c.key: i for i, c in enumerate(CATEGORIES)}
    grid = [[index[key] for key in row.categories] for row in rows] or [[index["absent"]] * len(builds)]
    width = max(6.0, (len(builds) * COL_PX + 200) / DPI)
    height = max(3.0, (len(grid) * ROW_PX + 300) / DPI)
    with matplotlib.rc_context({"font.size": 8}):
        fig, ax = plt.subplots(figsize=(width, height), dpi=DPI)
        cmap = ListedColormap([c.colour for c in CATEGORIES])
        ax.imshow(grid, aspect="auto", interpolation="nearest", cmap=cmap,
                  vmin=-0.5, vmax=len(CATEGORIES) - 0.5)
        _label_builds(ax, builds)
        _label_areas(ax, [row.area for row in rows])
        handles = [Patch(facecolor=c.colour, edgecolor="#555555", label=f"{c.symbol}  {c.label}")
                   for c in CATEGORIES]
        if not all(b.has_inline_info for b in builds):
            handles.append(Patch(facecolor="white", edgecolor="white", label="*  build scanned without debug "
                                 "information (inlining not known)"))
        fig.legend(handles=handles, loc="lower center", ncol=3, frameon=False, fontsize=8,
                   bbox_to_anchor=(0.5, 0.0))
        fig.subplots_adjust(bottom=min(0.45, 190 / (height * DPI)))
        if title:
            ax.set_title(title, fontsize=10, pad=28)
        fig.savefig(target, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
        plt.close(fig)


def _label_builds(ax, builds: list[Build]) -> None:
    """Build labels below (``*`` without debug information), group names above,
    a white line between groups."""
    ax.set_xticks(range(len(builds)), [b.label + ("" if b.has_inline_info else " *") for b in builds],
                  rotation=90)
    top = ax.secondary_xaxis("top")
    starts: list[tuple[int, str]] = []
    for i, build in enumerate(builds):
        if not starts or starts[-1][1] != build.group:
            starts.append((i, build.group))
    ends = [s for s, _ in starts[1:]] + [len(builds)]
    top.set_xticks([(s + e - 1) / 2 for (s, _), e in zip(starts, ends)],
                   _group_labels([(g, e - s) for (s, g), e in zip(starts, ends)]))
    top.tick_params(length=0)
    for start, _ in starts[1:]:
        ax.axvline(start - 0.5, color="white", linewidth=2)


def _group_labels(groups: list[tuple[str, int]]) -> list[str]:
    """Group names for the top axis: a name wider than its columns is
    wrapped at its first space, and of the names still too wide every
    other one is raised two lines, so that neighbours never overlap."""
    labels, raise_next = [], False
    for name, columns in groups:
        if len(name) * LABEL_CHAR_PX <= columns * COL_PX:
            labels.append(name)
            raise_next = False
            continue
        wrapped = name.replace(" ", "\n", 1)
        if max(map(len, wrapped.split("\n"))) * LABEL_CHAR_PX <= columns * COL_PX:
            labels.append(wrapped)
            raise_next = False
            continue
        labels.append(wrapped + "\n\n" if raise_next else wrapped)
        raise_next = not raise_next
    return labels


def _label_areas(ax, areas: list[str]) -> None:
    """One y label per block of rows of the same area, a line between blocks."""
    blocks: list[list] = []
    for i, area in enumerate(areas):
        if blocks and blocks[-1][0] == area:
            blocks[-1][2] = i
        else:
            blocks.append([area, i, i])
    ax.set_yticks([(a + b) / 2 for _, a, b in blocks], [f"{area} ({b - a + 1})" for area, a, b in blocks])
    ax.tick_params(axis="y", length=0)
    for _, start, _ in blocks[1:]:
        ax.axhline(start - 0.5, color="white", linewidth=1)
