"""The environment the test session started in.

A developer's shell often exports ``KSRC`` (their own kernel tree),
``KDOCGEN_CACHE`` or ``CI``.  Tests must not inherit them by accident: a
command a test runs would read another tree or another cache, and behave
differently from a clean machine.  ``tests/conftest.py`` imports this module
first, which takes those variables out of ``os.environ`` for the whole
session; the fixtures that mean to use them read ``ORIGINAL`` instead.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

#: Variables removed from the session's environment.
CAPTURED = ("KSRC", "KDOCGEN_CACHE", "CI")

#: Their values when the session started (absent ones left out).
ORIGINAL: dict[str, str] = {name: os.environ.pop(name) for name in CAPTURED if name in os.environ}


def under_ci() -> bool:
    """True when the session runs in CI (``$CI`` set and not empty)."""
    return bool(ORIGINAL.get("CI"))


def user_ksrc() -> str | None:
    """The kernel tree the developer named with ``$KSRC``, if any."""
    return ORIGINAL.get("KSRC") or None


@contextmanager
def user_cache() -> Iterator[None]:
    """Within the block, ``$KDOCGEN_CACHE`` is what the developer set (or unset)."""
    value = ORIGINAL.get("KDOCGEN_CACHE")
    before = os.environ.get("KDOCGEN_CACHE")
    if value is None:
        os.environ.pop("KDOCGEN_CACHE", None)
    else:
        os.environ["KDOCGEN_CACHE"] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("KDOCGEN_CACHE", None)
        else:
            os.environ["KDOCGEN_CACHE"] = before
