"""The 25 kernel images of the DepSurf dataset and how pages name them.

Pages name an image by its full name (seed format) or by a short label that
depends on the group (current format: the version for Regular, the
architecture for Arch, the flavor for Flavor).  Differences of the Arch and
Flavor groups compare every image with the default image, which the pages
label ``amd64`` (Arch) or ``generic`` (Flavor).
"""

from __future__ import annotations

import re

from .model import Build

#: (group, short label, full image name, compiler), in page order.
IMAGES = (
    ("Regular", "4.4", "4.4.0-21-generic-amd64", "GCC 5.3.1"),
    ("Regular", "4.8", "4.8.0-22-generic-amd64", "GCC 6.2.0"),
    ("Regular", "4.10", "4.10.0-19-generic-amd64", "GCC 6.3.0"),
    ("Regular", "4.13", "4.13.0-16-generic-amd64", "GCC 7.2.0"),
    ("Regular", "4.15", "4.15.0-20-generic-amd64", "GCC 7.3.0"),
    ("Regular", "4.18", "4.18.0-10-generic-amd64", "GCC 8.2.0"),
    ("Regular", "5.0", "5.0.0-13-generic-amd64", "GCC 8.3.0"),
    ("Regular", "5.3", "5.3.0-18-generic-amd64", "GCC 9.2.1"),
    ("Regular", "5.4", "5.4.0-26-generic-amd64", "GCC 9.3.0"),
    ("Regular", "5.8", "5.8.0-25-generic-amd64", "GCC 10.2.0"),
    ("Regular", "5.11", "5.11.0-16-generic-amd64", "GCC 10.3.0"),
    ("Regular", "5.13", "5.13.0-19-generic-amd64", "GCC 11.2.0"),
    ("Regular", "5.15", "5.15.0-25-generic-amd64", "GCC 11.2.0"),
    ("Regular", "5.19", "5.19.0-21-generic-amd64", "GCC 12.2.0"),
    ("Regular", "6.2", "6.2.0-20-generic-amd64", "GCC 12.2.0"),
    ("Regular", "6.5", "6.5.0-9-generic-amd64", "GCC 13.2.0"),
    ("Regular", "6.8", "6.8.0-31-generic-amd64", "GCC 13.2.0 (+ rustc 1.75)"),
    ("Arch", "arm64", "5.4.0-26-generic-arm64", "GCC 9.3.0"),
    ("Arch", "armhf", "5.4.0-26-generic-armhf", "GCC 9.3.0"),
    ("Arch", "ppc64el", "5.4.0-26-generic-ppc64el", "GCC 9.3.0"),
    ("Arch", "riscv64", "5.4.0-24-generic-riscv64", "GCC 9.3.0"),
    ("Flavor", "aws", "5.4.0-1009-aws-amd64", "GCC 9.3.0"),
    ("Flavor", "azure", "5.4.0-1010-azure-amd64", "GCC 9.3.0"),
    ("Flavor", "gcp", "5.4.0-1009-gcp-amd64", "GCC 9.3.0"),
    ("Flavor", "lowlatency", "5.4.0-26-lowlatency-amd64", "GCC 9.3.0"),
)
GROUPS = ("Regular", "Arch", "Flavor")
#: The image every Arch and Flavor image is compared with.
DEFAULT_IMAGE = "5.4.0-26-generic-amd64"
#: How the pages label the default image in the Differences of each group.
DEFAULT_LABELS = {"Regular": "5.4", "Arch": "amd64", "Flavor": "generic"}

_NAME = re.compile(r"^(\d+\.\d+\.\d+)-(\d+)-(\w+)-(\w+)$")


def build_id(full_name: str) -> str:
    """The model's id of a DepSurf image."""
    return f"depsurf:{full_name}"


def depsurf_builds(provenance: dict[str, str] | None = None) -> list[Build]:
    """The 25 images as model builds, in page order."""
    out = []
    for group, label, name, compiler in IMAGES:
        match = _NAME.match(name)
        assert match is not None, name  # IMAGES is a constant table
        version, _rev, flavor, arch = match.groups()
        out.append(Build(
            id=build_id(name), name=name, version=version, arch=arch, flavor=flavor,
            group=group, label=label, source="depsurf",
            provenance={**(provenance or {}), "compiler": compiler},
            has_inline_info=True, has_signatures=True))
    return out


def resolve_label(group: str, label: str, diff_side: bool = False) -> str | None:
    """The full image name a page means by ``label`` in ``group`` (None when unknown).

    ``diff_side`` accepts the default image's label of Arch/Flavor differences.
    """
    if diff_side and label == DEFAULT_LABELS.get(group):
        return DEFAULT_IMAGE
    for g, short, name, _compiler in IMAGES:
        if g == group and label in (short, name):
            return name
    if diff_side and label == DEFAULT_IMAGE:
        return DEFAULT_IMAGE
    return None
