"""kdocgen's Sphinx extension: ``extensions = ["kdocgen.sphinxext"]``.

Adds the ``kernel-doc`` directive and teaches Sphinx's C domain the kernel's
attribute macros (``__user``, ``__iomem``, ``__printf(1, 2)`` ...), so that
kernel prototypes parse without warnings.
"""

from __future__ import annotations

from .. import __version__
from .abi import setup_abi
from .cconfig import narrow_c_objects, teach_c_domain
from .cpurge import setup_cpurge
from .comment import setup_comment
from .directive import KernelDocDirective
from .flattable import setup_flattable
from .heap import setup_heap
from .longtext import setup_longtext
from .navigation import setup_navigation
from .outputs import setup_outputs
from .parsed import parsed_files, use_site_cache
from .searchindex import setup_searchindex
from .serial import setup_serial
from .site import setup_site
from .sourceview import setup_sourceview
from .userabi import setup_userabi
from .wholesite import setup_wholesite


def _read_version(app, config) -> None:
    """Read sources with the kernel-doc rules of ``kerneldoc_version`` (if set)."""
    parsed_files(app).version = config.kerneldoc_version or None


def setup(app):
    """Register the directive and its configuration."""
    app.add_config_value("kerneldoc_srctree", "", "env", [str])
    app.add_config_value("kerneldoc_verbosity", 1, "env", [int])
    app.add_config_value("kerneldoc_bin", None, "env")  # the kernel's conf names it; unused
    app.add_config_value("kerneldoc_version", "", "env", [str])
    # "auto": kernel-doc's own reST in a kernel tree's Documentation/ build (the
    # kernel's automarkup extension loaded), kdocgen's entries elsewhere; or
    # "kernel-doc" / "kdocgen".
    app.add_config_value("kerneldoc_output", "auto", "env", [str])
    app.connect("config-inited", _read_version)
    directive = type("KernelDocDirective", (KernelDocDirective,),
                     {"cache": parsed_files(app), "application": app})
    app.add_directive("kernel-doc", directive)
    app.connect("config-inited", teach_c_domain)
    narrow_c_objects(app)
    setup_site(app)
    app.connect("config-inited", use_site_cache)
    setup_abi(app)
    setup_sourceview(app)
    setup_flattable(app)
    setup_userabi(app)
    setup_comment(app)
    setup_longtext(app)
    setup_cpurge(app)
    setup_searchindex(app)
    setup_serial(app)
    setup_navigation(app)
    setup_outputs(app)
    setup_wholesite(app)
    setup_heap(app)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 2}
