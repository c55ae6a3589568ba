"""Few pages to read: read and write them in this process (``-j`` ignored).

With ``-j N`` Sphinx (8.x, 9.0) reads even one changed page in a forked
process, which then pickles the whole environment back to the main process
(for a site with thousands of C declarations, seconds of CPU for a page that
takes a fraction of one to read), and writes all pages but the first in
forked processes.  When fewer than :data:`FEW_PAGES` pages are to be read,
the build runs serially; it is parallel again when every page is to be
written (the navigation changed).  The output is the same either way.
"""

from __future__ import annotations

#: below this many pages to read, a build is not worth forking for
FEW_PAGES = 8
_SAVED = "kdocgen_parallel"  # the application's -j, while the build runs serially


def serial_when_few(app, env, docnames: list[str]) -> None:
    """env-before-read-docs: run serially when few pages are to be read."""
    if getattr(app, "parallel", 0) > 1 and len(docnames) < FEW_PAGES:
        setattr(app, _SAVED, app.parallel)
        app.parallel = 1


def parallel_again(app) -> None:
    """Give the build back its ``-j`` (before writing many pages)."""
    saved = getattr(app, _SAVED, None)
    if saved:
        app.parallel = saved
        setattr(app, _SAVED, None)


def setup_serial(app) -> None:
    """Register the handler."""
    app.connect("env-before-read-docs", serial_when_few)
