"""The C domain's configuration for kernel declarations.

kdocgen adds the kernel's attribute macros (``__user``, ``__iomem``,
``__printf(1, 2)`` ...) to ``c_id_attributes`` / ``c_paren_attributes`` so
kernel prototypes parse.  Sphinx's C parser tries every listed attribute at
every declaration specifier, so with ~150 of them parsing dominates a
page of declarations; :func:`attributes_used_in` narrows the lists, while
kdocgen parses its own declarations, to the words that occur in them.
"""

from __future__ import annotations

import re
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
    """While parsing ``text``: only the attribute macros that occur in it
    (as words; paren attributes followed by ``(``: Sphinx's C parser takes
    ``__free`` for the start of ``__free_pages``)."""
    saved = config.c_id_attributes, config.c_paren_attributes
    config.c_id_attributes = [w for w in saved[0] if w in text and _occurs(w, r"(?!\w)", text)]
    config.c_paren_attributes = [w for w in saved[1] if w in text and _occurs(w, r"\s*\(", text)]
    try:
        yield
    finally:
        config.c_id_attributes, config.c_paren_attributes = saved


def _occurs(word: str, after: str, text: str) -> bool:
    """Whether ``word`` occurs in ``text`` as a word followed by ``after``."""
    return re.search(r"(?<!\w)" + re.escape(word) + after, text) is not None


def narrow_c_objects(app) -> None:
    """Register the C domain's object directives (``c:function`` ...) again,
    each parsing a signature with only the attribute macros in it: the same
    result, in a fraction of the time (every page of a site is such
    directives)."""
    from sphinx.domains.c import CDomain, CObject
    for name, directive in list(CDomain.directives.items()):
        if isinstance(directive, type) and issubclass(directive, CObject):
            app.add_directive_to_domain("c", name, _narrowed(directive), override=True)


def _narrowed(directive: type) -> type:
    def handle_signature(self, sig, signode):
        with attributes_used_in(self.env.config, sig):
            return directive.handle_signature(self, sig, signode)
    return type(directive.__name__, (directive,), {"handle_signature": handle_signature,
                                                   "__doc__": directive.__doc__})
