"""Keep Python's garbage collector off the saved environment.

An incremental build starts by unpickling the environment: millions of
objects for a large site (the C domain's symbol tree, every page's table of
contents).  With the cyclic garbage collector running, the unpickling itself
triggers collections that walk everything unpickled so far (for a 400-file
site, 2.4 s of CPU instead of 1.0 s), and every full collection of the
build walks it all again.  So the collector is paused from the end of the
configuration until the builder exists (the environment is loaded then), the
objects alive at that point are moved out of its reach (``gc.freeze``), and
it runs again; at the end of the build they are handed back, so a process
that goes on (tests, a server) can free them, and moved out of reach again
just before the process exits, where the last collection would walk them
for nothing.  What is built is the same: only when unreachable cycles are
freed changes.
"""

from __future__ import annotations

import atexit
import gc
from dataclasses import dataclass


@dataclass
class HeapState:
    """Per-application state (never module-global)."""

    paused: bool = False  # whether this extension paused the collector
    frozen: bool = False  # whether it moved objects out of its reach


def _state(app) -> HeapState:
    state = getattr(app, "kdocgen_heap", None)
    if state is None:
        state = app.kdocgen_heap = HeapState()
    return state


def pause_collector(app, config=None) -> None:
    """config-inited (last): no collection while the environment is loaded."""
    if gc.isenabled():
        gc.disable()
        _state(app).paused = True


def resume_collector(app) -> None:
    """builder-inited (the environment is loaded): what is alive now is out
    of the collector's reach, which runs again."""
    state = _state(app)
    if state.paused:
        gc.freeze()
        state.frozen = True
        gc.enable()
        state.paused = False


def hand_back(app, exception) -> None:
    """build-finished: the frozen objects can be freed again."""
    state = _state(app)
    if state.paused:  # the builder never started
        gc.enable()
        state.paused = False
    if state.frozen:
        gc.unfreeze()
        state.frozen = False
        atexit.unregister(gc.freeze)  # registered once, however many builds
        atexit.register(gc.freeze)


def setup_heap(app) -> None:
    """Register the handlers."""
    app.connect("config-inited", pause_collector, priority=900)
    app.connect("builder-inited", resume_collector)
    app.connect("build-finished", hand_back)
