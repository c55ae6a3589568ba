"""The garbage collector is paused while the environment loads, then runs
again with what was loaded out of its reach until the build ends."""

import gc
from types import SimpleNamespace

from kdocgen.sphinxext.heap import hand_back, pause_collector, resume_collector


def test_collector_paused_then_frozen_then_handed_back():
    assert gc.isenabled()
    app = SimpleNamespace()
    frozen_before = gc.get_freeze_count()
    try:
        pause_collector(app)
        assert not gc.isenabled()
        loaded = [[n] for n in range(1000)]  # the environment
        resume_collector(app)
        assert gc.isenabled() and gc.get_freeze_count() >= frozen_before + len(loaded)
        hand_back(app, None)
        assert gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()
        gc.unfreeze()


def test_a_build_that_stops_early_turns_the_collector_on_again():
    app = SimpleNamespace()
    try:
        pause_collector(app)
        hand_back(app, RuntimeError("no builder"))
        assert gc.isenabled()
    finally:
        gc.enable()
