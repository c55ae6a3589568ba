"""Writing files safely: atomically (a temporary file renamed in place),
readable by all (0644 minus the umask), and only when the content changed,
so that Sphinx and make see real changes only; and one process at a time
(:func:`locked`)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from pathlib import Path
from typing import Callable, Iterator


def write_if_changed(path: Path, content: str | bytes) -> bool:
    """Write ``content`` (text is UTF-8) to ``path`` atomically unless the
    file already holds exactly that; return whether it was written."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def utf8_error_position(err: UnicodeDecodeError) -> str:
    """``LINE:COLUMN`` (1-based, the column in characters) of the first
    byte that is not UTF-8."""
    data = err.object
    start = data.rfind(b"\n", 0, err.start) + 1
    column = len(data[start:err.start].decode("utf-8", "replace")) + 1
    line = data.count(b"\n", 0, err.start) + 1
    return f"{line}:{column}"


def os_error_text(err: OSError) -> str:
    """What went wrong, naming the path it went wrong on (a folder that
    could not be made because a file is in its place says so)."""
    if err.filename is None:
        return err.strerror or str(err)
    if isinstance(err, (FileExistsError, NotADirectoryError)):
        path = Path(os.fsdecode(err.filename))
        in_the_way = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), path)
        return f"{in_the_way}: a file is in the way of a directory"
    return f"{err.filename}: {err.strerror or err}"


@contextlib.contextmanager
def locked(path: Path, waiting: Callable[[str], None]) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if needed) for the
    ``with`` block; when another process holds it, call ``waiting`` with
    that process's id (or "") and wait.  The lock goes with the process,
    however it ends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            waiting(lock.read().strip())
            fcntl.flock(lock, fcntl.LOCK_EX)
        lock.seek(0)
        lock.truncate()
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        try:
            yield
        finally:
            lock.seek(0)
            lock.truncate()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
