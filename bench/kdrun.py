"""Run one kernel-doc command line and keep what the drop-in bench compares:
stdout and stderr bytes, exit status and the CPU time of the process.

Commands run as separate processes (``os.wait4`` gives each one's CPU
time), or in this process through a Python entry point
``main(argv) -> int`` (``kdocgen.dropin.command.main`` when it exists).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable


@dataclass
class Outcome:
    """What one run gave: raw output bytes, exit status, CPU seconds."""
    stdout: bytes
    stderr: bytes
    status: int
    cpu: float


def run_process(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Outcome:
    """Run ``command`` in ``cwd``; its outputs, status and user+system CPU."""
    try:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        return Outcome(b"", f"cannot run {command[0]}: {exc}\n".encode(), 127, 0.0)
    assert proc.stdout is not None and proc.stderr is not None
    err: list[bytes] = []
    reader = threading.Thread(target=lambda: err.append(proc.stderr.read()))  # type: ignore[union-attr]
    reader.start()
    out = proc.stdout.read()
    reader.join()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    proc.stderr.close()
    return Outcome(out, err[0] if err else b"", proc.returncode, usage.ru_utime + usage.ru_stime)


def python_entry(spec: str) -> Callable[[list[str]], int] | None:
    """The function named by ``module:function``, or None when it does not
    exist (the in-process run is optional)."""
    module, _, name = spec.partition(":")
    try:
        loaded = importlib.import_module(module)
    except ImportError:
        return None
    entry = getattr(loaded, name or "main", None)
    return entry if callable(entry) else None


class _Capture(io.TextIOWrapper):
    """A text stream over bytes, as ``sys.stdout`` is (it has ``.buffer``)."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", errors="surrogateescape",
                         newline="\n", write_through=True)

    def data(self) -> bytes:
        """Everything written so far."""
        self.flush()
        raw = self.buffer
        assert isinstance(raw, io.BytesIO)
        return raw.getvalue()


def run_inprocess(entry: Callable[[list[str]], int], args: list[str], cwd: Path) -> Outcome:
    """Call ``entry(args)`` in ``cwd`` with stdout/stderr captured; the
    process CPU time it took.  Not thread-safe: one call at a time."""
    out, err = _Capture(), _Capture()
    here = os.getcwd()
    start = time.process_time()
    status = 0
    try:
        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = int(entry(list(args)) or 0)
            except SystemExit as exc:
                status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except Exception as exc:  # noqa: BLE001 - a crash is a result to report
                print(f"in-process run raised {type(exc).__name__}: {exc}", file=sys.stderr)
                status = -1
    finally:
        os.chdir(here)
    return Outcome(out.data(), err.data(), status, time.process_time() - start)
