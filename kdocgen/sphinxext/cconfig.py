"""The C domain's configuration for kernel declarations.

kdocgen adds the kernel's attribute macros (``__user``, ``__iomem``,
``__printf(1, 2)`` ...) to ``c_id_attributes`` / ``c_paren_attributes`` so
kernel prototypes parse.  Sphinx's C parser tries every listed attribute at
every declaration specifier, so with ~150 of them parsing dominates a
page of declarations; :func:`attributes_used_in` narrows the lists, while
kdocgen parses its own declarations, to the words that occur in them.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from ..render.cdomain import C_ID_ATTRIBUTES, C_PAREN_ATTRIBUTES


def teach_c_domain(app, config) -> None:
    """config-inited: add the kernel's attribute macros to the C domain's lists."""
    words = [w for w in C_ID_ATTRIBUTES if w not in config.c_id_attributes]
    calls = [w for w in C_PAREN_ATTRIBUTES if w not in config.c_paren_attributes]
    config.c_id_attributes = list(config.c_id_attributes) + words
    config.c_paren_attributes = list(config.c_paren_attributes) + calls


@contextmanager
def attributes_used_in(config, text: str) -> Iterator[None]:
    """While parsing ``text``: only the attribute macros that occur in it."""
    saved = config.c_id_attributes, config.c_paren_attributes
    config.c_id_attributes = [w for w in saved[0] if w in text]
    config.c_paren_attributes = [w for w in saved[1] if w in text]
    try:
        yield
    finally:
        config.c_id_attributes, config.c_paren_attributes = saved
