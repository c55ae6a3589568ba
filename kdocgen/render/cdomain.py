"""Will Sphinx's C domain accept a declaration?  Asked of Sphinx's own parser.

Kernel declarations made by macros (``static DEVICE_ATTR_RO(id);``,
``DEFINE_MUTEX(lock)``) are not C the domain can read; entries for them are
rendered without a C-domain directive instead of producing a warning.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace

from ..cparse.blanking import ATTRIBUTE_CALLS, ATTRIBUTE_WORDS

_OBJECT_TYPE = {"c:function": ("function", "function"), "c:macro": ("macro", "macro"),
                "c:struct": ("struct", "struct"), "c:union": ("union", "union"),
                "c:enum": ("enum", "enum"), "c:enumerator": ("enumerator", "enumerator"),
                "c:type": ("type", "type"), "c:var": ("member", "var")}


#: The kernel's attribute macros as the C domain takes them (the Sphinx
#: extension adds the same lists to the configuration).
C_ID_ATTRIBUTES = tuple(ATTRIBUTE_WORDS)
C_PAREN_ATTRIBUTES = tuple(w for w in ATTRIBUTE_CALLS if w != "__attribute__")
_EXTRA_KEYWORDS = ["alignas", "alignof", "bool", "complex", "imaginary", "noreturn", "static_assert",
                   "thread_local"]


def _config(signature: str) -> SimpleNamespace:
    """The C domain's configuration as kdocgen's extension sets it, with
    only the attribute macros that occur in ``signature``: the parser tries
    every listed attribute at every declaration specifier, so the full
    lists (~150 words) made each check cost milliseconds."""
    return SimpleNamespace(c_id_attributes=[w for w in C_ID_ATTRIBUTES if w in signature],
                           c_paren_attributes=[w for w in C_PAREN_ATTRIBUTES if w in signature],
                           c_extra_keywords=_EXTRA_KEYWORDS,
                           c_maximum_signature_line_length=None)


@functools.lru_cache(maxsize=8192)
def c_domain_accepts(directive: str, signature: str) -> bool:
    """Whether ``.. directive:: signature`` parses in Sphinx's C domain
    (remembered: a file's entries are rendered again by each directive
    that names it)."""
    from sphinx.domains.c._parser import DefinitionParser
    from sphinx.util.cfamily import DefinitionError
    object_type, directive_type = _OBJECT_TYPE[directive]
    parser = DefinitionParser(signature, location=("kdocgen", 0),
                              config=_config(signature))  # type: ignore[arg-type]  # the attributes it reads
    try:
        parser.parse_declaration(object_type, directive_type)
        parser.assert_end()
    except DefinitionError:
        return False
    return True
