"""kdocgen's Sphinx extension: ``extensions = ["kdocgen.sphinxext"]``.

Adds the ``kernel-doc`` directive and teaches Sphinx's C domain the kernel's
attribute macros (``__user``, ``__iomem``, ``__printf(1, 2)`` ...), so that
kernel prototypes parse without warnings.
"""

from __future__ import annotations

from .. import __version__
from ..render.cdomain import C_ID_ATTRIBUTES, C_PAREN_ATTRIBUTES
from .abi import setup_abi
from .cpurge import setup_cpurge
from .directive import KernelDocDirective
from .flattable import setup_flattable
from .parsed import parsed_files
from .safety import guarded, setup_safety
from .site import setup_site
from .sourceview import setup_sourceview
from .userabi import setup_userabi


def _teach_c_domain(app, config) -> None:
    """Add the kernel's attribute macros to the C domain's lists."""
    words = [w for w in C_ID_ATTRIBUTES if w not in config.c_id_attributes]
    calls = [w for w in C_PAREN_ATTRIBUTES if w not in config.c_paren_attributes]
    config.c_id_attributes = list(config.c_id_attributes) + words
    config.c_paren_attributes = list(config.c_paren_attributes) + calls


def _read_version(app, config) -> None:
    """Read sources with the kernel-doc rules of ``kerneldoc_version`` (if set)."""
    parsed_files(app).version = config.kerneldoc_version or None


def setup(app):
    """Register the directive and its configuration."""
    app.add_config_value("kerneldoc_srctree", "", "env", [str])
    app.add_config_value("kerneldoc_version", "", "env", [str])
    app.connect("config-inited", _read_version)
    directive = type("KernelDocDirective", (KernelDocDirective,), {"cache": parsed_files(app)})
    app.add_directive("kernel-doc", guarded(directive))
    app.connect("config-inited", _teach_c_domain)
    setup_site(app)
    setup_abi(app)
    setup_sourceview(app)
    setup_flattable(app)
    setup_userabi(app)
    setup_safety(app)
    setup_cpurge(app)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 1}
