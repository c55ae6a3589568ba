"""Which kernel-doc kdocgen agrees with: the rules of one generation of the
kernel's own tool.

Kernel trees up to 6.x carry the Perl ``scripts/kernel-doc``; 7.x trees the
Python rewrite (``tools/docs/kernel-doc``), which reads some comments
differently and words its warnings differently.  A :class:`Dialect` holds
those differences; it is passed down from the command line (or the Sphinx
configuration) to the comment reader and the binder, never kept globally.
:func:`dialect_for` picks one from a kernel version such as ``"7.2"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

#: The wording of each warning, by rule, in each generation of kernel-doc.
#: Placeholders: {name} (the item), {param}, {kind} (struct/union), {line}
#: (the comment line quoted), {found} (the other declaration), {proto}.
_PERL_WORDS = {
    "param-undescribed": "Function parameter or struct member '{param}' not described in '{name}'",
    "member-undescribed": "Function parameter or struct member '{param}' not described in '{name}'",
    "variadic-undescribed": "",
    "param-excess": "Excess function parameter '{param}' description in '{name}'",
    "member-excess": "Excess {kind} member '{param}' description in '{name}'",
    "enum-excess": "Excess enum value '{param}' description in '{name}'",
    "not-kernel-doc": "This comment starts with '/**', but isn't a kernel-doc comment. "
                      "Refer Documentation/doc-guide/kernel-doc.rst",
    "not-doc-line": "Cannot understand {text} on line {lineno} - I thought it was a doc line",
}
_PYTHON_WORDS = {
    "param-undescribed": "function parameter '{param}' not described in '{name}'",
    "member-undescribed": "{kind} member '{param}' not described in '{name}'",
    "variadic-undescribed": "function parameter '{param}' not described in '{name}'",
    "param-excess": "Excess function parameter '{param}' description in '{name}'",
    "member-excess": "Excess {kind} member '{param}' description in '{name}'",
    "enum-excess": "Excess enum value '@{param}' description in '{name}'",
    "not-kernel-doc": "This comment starts with '/**', but isn't a kernel-doc comment. "
                      "Refer to Documentation/doc-guide/kernel-doc.rst\n{line}",
    "not-doc-line": "Cannot find identifier on line:\n{line}",
}


@dataclass(frozen=True)
class Dialect:
    """The rules of one generation of kernel-doc (see the module docstring)."""

    #: "6" for the Perl tool's rules, "7" for the Python rewrite's; it also
    #: picks the comment body reader (:mod:`.body`) and the identifier-line
    #: rules (7.x: ``struct NAME`` with anything after the name, no
    #: ``foo bar - text`` functions).
    generation: str
    #: The kernel version these rules were chosen for (shown to users).
    version: str
    #: 7.x: ``var NAME - purpose`` comments document variables.
    var_comments: bool
    #: 7.x: lines after ``/**`` without an identifier are warned about and
    #: skipped until one has one (6.x: the comment is dropped at once).
    identifier_search: bool
    #: 6.x: a comment that is not kernel-doc also lacks a short description.
    short_desc_on_non_doc: bool
    #: 6.x: ``struct_group_tagged(TAG, NAME, ...)`` makes NAME a member (7.x:
    #: only its members are).
    tagged_group_member: bool
    words: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def python(self) -> bool:
        """Whether these are the Python kernel-doc's rules (7.x trees)."""
        return self.generation == "7"

    def message(self, rule: str, **values: str) -> str:
        """The warning text of ``rule`` in this generation's wording."""
        return self.words[rule].format(**values)


PERL = Dialect("6", "6.12", var_comments=False, identifier_search=False, short_desc_on_non_doc=True,
               tagged_group_member=True, words=_PERL_WORDS)
PYTHON = Dialect("7", "7.2", var_comments=True, identifier_search=True, short_desc_on_non_doc=False,
                 tagged_group_member=False, words=_PYTHON_WORDS)
#: The rules used when nothing says which (the default tree is 6.12).
DEFAULT = PERL

_VERSION = re.compile(r"(\d+)(?:\.(\d+))?")


def dialect_for(version: str | None, python: bool | None = None) -> Dialect:
    """The rules for a kernel version ``"MAJOR.MINOR"`` (None: :data:`DEFAULT`):
    the Python kernel-doc's from 7.0 on, the Perl one's before, unless
    ``python`` says which tool the tree carries."""
    if not version:
        return PYTHON if python else DEFAULT
    match = _VERSION.fullmatch(version.strip())
    if match is None:
        raise ValueError(f"kernel version {version!r}: expected MAJOR.MINOR, e.g. 6.12 or 7.2")
    base = PYTHON if (int(match.group(1)) >= 7 if python is None else python) else PERL
    shown = f"{match.group(1)}.{match.group(2) or '0'}"
    return base if shown == base.version else replace(base, version=shown)
