"""A Sphinx extension for bench/directive.py: CPU time spent inside the
``kernel-doc`` directive (its own process and every program it runs),
appended per directive to ``$KDOCGEN_DIRECTIVE_TIMES`` (one line each, so
the parallel build's worker processes add up)."""

from __future__ import annotations

import os
import resource
import time

from docutils.parsers.rst import directives


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def setup(app):
    """Wrap the registered ``kernel-doc`` directive's run()."""
    cls = directives._directives["kernel-doc"]
    run, out = cls.run, os.environ["KDOCGEN_DIRECTIVE_TIMES"]

    def timed(self):
        start = _cpu()
        try:
            return run(self)
        finally:
            with open(out, "a") as times:
                times.write(f"{_cpu() - start:.6f}\n")

    cls.run = timed
    return {"parallel_read_safe": True, "parallel_write_safe": True}
