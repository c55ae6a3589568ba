"""Find or fetch a Linux kernel source tree.

A tree is either given (``ksrc`` argument or ``$KSRC``) or taken from
Debian's ``linux-source-VERSION`` package (default 6.12), which is
downloaded once and kept in :func:`cache_dir`: 6.12 with the system's
``apt-get download``, other versions (7.2 from sid, 6.1, 5.10 ...) through
kdocgen's private apt configuration (:mod:`kdocgen.debian`), which never
touches the system's sources.  Only the tarball members matching the
requested ``need`` patterns are extracted; a JSON manifest remembers which
patterns are already present.

Cache layout (``cache_dir()/linux-source-VERSION/``)::

    download/linux-source-VERSION_*.deb   the package, as downloaded
    linux-source-VERSION.tar.xz           the tarball unpacked from it
    tarball.json                       stamp: which .deb, tarball size/mtime
    tree/                              the (partially) extracted tree
    manifest.json                      need patterns fully extracted in tree/
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import json
import lzma
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from . import debian
from .debian import Apt, FetchError
from .files import locked, write_if_changed

#: The kernel version whose sources are used when none is asked for.
DEFAULT_VERSION = "6.12"
PACKAGE = f"linux-source-{DEFAULT_VERSION}"
MANIFEST_VERSION = 1
_APT_UNKNOWN = ("unable to locate package", "couldn't find any package",
                "has no installation candidate", "no packages found")
_HINT = "pass KSRC=/path/to/linux (an unpacked kernel source tree) instead"

Progress = Callable[[str], None]


class SourcesError(Exception):
    """A kernel tree could not be found, fetched or read."""


# ---------------------------------------------------------------- public API


def cache_dir() -> pathlib.Path:
    """Return ``$KDOCGEN_CACHE``, else ``${XDG_CACHE_HOME:-~/.cache}/kdocgen``."""
    own = os.environ.get("KDOCGEN_CACHE")
    if own:
        return pathlib.Path(own).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = pathlib.Path(xdg) if xdg else pathlib.Path.home() / ".cache"
    return base / "kdocgen"


def package_name(version: str | None = None) -> str:
    """Debian's source package of a kernel version: ``linux-source-7.2``."""
    version = version or DEFAULT_VERSION
    if not re.fullmatch(r"\d+\.\d+", version):
        raise SourcesError(f"kernel version {version!r}: expected MAJOR.MINOR, e.g. 6.12 or 7.2")
    return f"linux-source-{version}"


def tree_version(tree: str | os.PathLike) -> str | None:
    """The ``MAJOR.MINOR`` version a kernel tree's top Makefile declares."""
    try:
        head = pathlib.Path(tree, "Makefile").read_text(errors="replace")[:16384]
    except OSError:
        return None
    found = dict(re.findall(r"^(VERSION|PATCHLEVEL)\s*=\s*(\d+)", head, re.MULTILINE))
    if "VERSION" not in found:
        return None
    return f"{found['VERSION']}.{found.get('PATCHLEVEL', '0')}"


def kernel_tree(ksrc: str | os.PathLike | None = None,
                need: Iterable[str] = ("MAINTAINERS",),
                progress: Progress | None = None,
                version: str | None = None) -> pathlib.Path:
    """Return a kernel tree holding at least the files matching ``need``.

    ``ksrc`` (or ``$KSRC``) wins and is only validated; otherwise the
    cached ``linux-source-VERSION`` tree (``version``, default 6.12) is
    completed as needed.
    """
    if ksrc is None:
        ksrc = os.environ.get("KSRC") or None
    if ksrc is not None:
        return validate_ksrc(ksrc)
    progress = progress or _print_progress
    need = [need] if isinstance(need, str) else need
    patterns = sorted({normalize_pattern(p) for p in need})
    cache = _Cache.at(cache_dir(), package_name(version))
    if not _missing(cache, patterns):
        return cache.tree
    try:
        cache.base.mkdir(parents=True, exist_ok=True)
        with _locked(cache, progress):
            if _missing(cache, patterns):  # another process may have done it
                _complete_tree(cache, patterns, progress)
    except OSError as exc:
        raise SourcesError(f"{exc.filename or cache.base}: {exc.strerror or exc}; "
                           f"set KDOCGEN_CACHE to a writable directory or {_HINT}") from None
    return cache.tree


def validate_ksrc(ksrc: str | os.PathLike) -> pathlib.Path:
    """Check that ``ksrc`` looks like a kernel tree and return it as a Path."""
    path = pathlib.Path(ksrc)
    where = f"KSRC={ksrc}"
    if not path.exists():
        raise SourcesError(f"{where}: no such directory")
    if not path.is_dir():
        raise SourcesError(f"{where}: not a directory")
    for name in ("MAINTAINERS", "Makefile"):
        if not (path / name).is_file():
            raise SourcesError(f"{where}: not a kernel tree (no {name})")
    try:
        head = (path / "Makefile").read_text(errors="replace")[:16384]
    except OSError as exc:
        raise SourcesError(f"{where}/Makefile: cannot read: {exc.strerror}") from None
    if not re.search(r"^VERSION\s*=", head, re.MULTILINE):
        raise SourcesError(f"{where}: not a kernel tree "
                           "(Makefile has no 'VERSION =' line)")
    return path


def normalize_pattern(pattern: str) -> str:
    """Clean up one ``need`` pattern; reject absolute or ``..`` patterns."""
    pat = pattern.strip()
    while pat.startswith("./"):
        pat = pat[2:]
    if not pat or pat.startswith("/") or ".." in pat.split("/"):
        raise SourcesError(f"need pattern {pattern!r}: must be a path or "
                           "wildcard relative to the tree root")
    return pat


def need_regex(patterns: Iterable[str]) -> re.Pattern[str]:
    """Compile ``need`` patterns into one regex matching relative paths.

    fnmatch semantics (``*`` crosses ``/``); a trailing ``/`` means the
    directory and everything below it.
    """
    parts = []
    for pat in patterns:
        if pat.endswith("/"):
            parts += [fnmatch.translate(pat[:-1]), fnmatch.translate(pat + "*")]
        else:
            parts.append(fnmatch.translate(pat))
    return re.compile("|".join(f"(?:{p})" for p in parts) or r"(?!)")


# ------------------------------------------------------------ cache handling


@dataclass
class _Cache:
    """Paths of the package cache (see the module docstring)."""

    package: str
    base: pathlib.Path
    tree: pathlib.Path
    manifest: pathlib.Path
    tarball: pathlib.Path
    stamp: pathlib.Path
    download: pathlib.Path
    apt_root: pathlib.Path

    @classmethod
    def at(cls, root: pathlib.Path, package: str) -> "_Cache":
        """The cache layout of ``package`` below the cache ``root``."""
        base = root / package
        return cls(package, base, base / "tree", base / "manifest.json",
                   base / f"{package}.tar.xz", base / "tarball.json", base / "download",
                   root / "apt")


def _print_progress(msg: str) -> None:
    """Default progress reporter: one line on stderr."""
    print(f"kdocgen: {msg}", file=sys.stderr, flush=True)


def _read_json(path: pathlib.Path) -> dict:
    """Read a JSON object; a missing or damaged file reads as ``{}``."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: pathlib.Path, data: dict) -> None:
    """Write a JSON file atomically (temporary file, then rename)."""
    write_if_changed(path, json.dumps(data, indent=1, sort_keys=True) + "\n")


def _covered(pattern: str, claimed: Iterable[str]) -> bool:
    """Tell whether ``pattern`` is already extracted according to ``claimed``."""
    for done in claimed:
        if pattern == done:
            return True
        if done.endswith("/") and not any(c in done for c in "*?["):
            if pattern.startswith(done) or pattern == done[:-1]:
                return True
    return False


def _claimed(cache: _Cache) -> list[str]:
    """The patterns the manifest says are extracted."""
    claimed = _read_json(cache.manifest).get("patterns")
    return claimed if isinstance(claimed, list) else []


def _missing(cache: _Cache, patterns: list[str]) -> list[str]:
    """Return the patterns the manifest does not claim yet."""
    claimed = _claimed(cache)
    if not cache.tree.is_dir():
        return patterns
    return [p for p in patterns if not _covered(p, claimed)]


@contextlib.contextmanager
def _locked(cache: _Cache, progress: Progress) -> Iterator[None]:
    """Hold an exclusive lock on the cache (one extractor at a time)."""
    with locked(cache.base / ".lock", lambda pid: progress(f"waiting for another process using {cache.base} …")):
        yield


def _complete_tree(cache: _Cache, patterns: list[str], progress: Progress) -> None:
    """Extract the ``patterns`` not yet in the tree and record them."""
    ident = _ensure_tarball(cache, progress)
    claimed = _claimed(cache)
    if _read_json(cache.manifest).get("tarball") != ident or not cache.tree.is_dir():
        if cache.tree.exists():
            progress(f"new tarball: clearing {cache.tree}")
            shutil.rmtree(cache.tree)
        claimed = []
        cache.tree.mkdir(parents=True)
        _write_json(cache.manifest, {"version": MANIFEST_VERSION,
                                     "tarball": ident, "patterns": []})
    missing = [p for p in patterns if not _covered(p, claimed)]
    # The manifest is only rewritten once the whole pass succeeded.
    counts = _extract(cache.tarball, cache.tree, missing, claimed, progress)
    for pat in missing:
        if not counts.get(pat):
            progress(f"warning: need pattern {pat!r} matched no file in {cache.package}")
    _write_json(cache.manifest, {"version": MANIFEST_VERSION, "tarball": ident,
                                 "patterns": sorted(set(claimed) | set(missing))})


# ------------------------------------------------------- .deb and tarball


def _file_id(path: pathlib.Path) -> dict:
    """Size and mtime of a file, to notice when it changes."""
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _ensure_tarball(cache: _Cache, progress: Progress) -> str:
    """Make sure the tarball is present and current; return its identity."""
    stamp = _read_json(cache.stamp)
    debs = _find_debs(cache.download, cache.package)
    deb = debs[-1] if debs else None
    fresh = (cache.tarball.is_file() and stamp.get("tarball") == _file_id(cache.tarball)
             and (deb is None or stamp.get("deb") == {"name": deb.name, **_file_id(deb)}))
    if not fresh:
        if deb is None:
            deb = _download_deb(cache, progress)
        _unpack_deb(deb, cache, progress)
        stamp = {"deb": {"name": deb.name, **_file_id(deb)},
                 "tarball": _file_id(cache.tarball)}
        _write_json(cache.stamp, stamp)
    return f"{stamp['deb']['name']}:{stamp['tarball']['size']}"


def _find_debs(download: pathlib.Path, package: str) -> list[pathlib.Path]:
    """Downloaded packages, oldest first."""
    debs = download.glob(f"{package}_*.deb") if download.is_dir() else []
    return sorted(debs, key=lambda p: p.stat().st_mtime_ns)


def _run(cmd: list[str], cwd: pathlib.Path | None = None) -> subprocess.CompletedProcess:
    """Run a command quietly, capturing its output (C locale messages)."""
    env = dict(os.environ, LC_ALL="C", LANGUAGE="C")
    try:
        return subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, check=False)
    except OSError as exc:
        raise SourcesError(f"cannot run {cmd[0]}: {exc.strerror}") from None


def _last_error(proc: subprocess.CompletedProcess) -> str:
    """The most telling line of a failed command's output."""
    lines = [ln for ln in (proc.stderr + proc.stdout).splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("E:")]
    return (errors or lines or [f"exit status {proc.returncode}"])[-1]


def _download_deb(cache: _Cache, progress: Progress) -> pathlib.Path:
    """Fetch the package: the default version with the system's apt-get, others
    through the private apt configuration."""
    if cache.package != PACKAGE:
        return _download_private(cache, progress)
    apt = shutil.which("apt-get")
    if apt is None:
        raise SourcesError(f"apt-get not found: cannot download {PACKAGE} "
                           f"automatically; {_HINT}")
    download = cache.download
    download.mkdir(parents=True, exist_ok=True)
    progress(f"downloading {PACKAGE} (about 150 MB) with apt-get …")
    proc = _run([apt, "download", PACKAGE], cwd=download)
    if proc.returncode and any(s in proc.stderr.lower() for s in _APT_UNKNOWN):
        progress("package lists are empty or stale: running apt-get update …")
        upd = _run([apt, "update"])
        if upd.returncode:
            raise SourcesError(f"apt-get update failed: {_last_error(upd)}; {_HINT}")
        proc = _run([apt, "download", PACKAGE], cwd=download)
    if proc.returncode:
        raise SourcesError(f"apt-get download {PACKAGE} failed: "
                           f"{_last_error(proc)}; {_HINT}")
    debs = _find_debs(download, PACKAGE)
    if not debs:
        raise SourcesError(f"apt-get download {PACKAGE} left no "
                           f"{PACKAGE}_*.deb in {download}; {_HINT}")
    return debs[-1]


def _download_private(cache: _Cache, progress: Progress) -> pathlib.Path:
    """Fetch ``cache.package`` (newest version) through kdocgen's own apt
    configuration (Debian bullseye to sid), never the system's."""
    apt = Apt(cache.apt_root, arches=("amd64",))
    try:
        progress(f"looking up {cache.package} in Debian (private apt configuration "
                 f"in {cache.apt_root}) …")
        apt.update()
        found = apt.candidates(cache.package)
        if not found:
            raise SourcesError(f"{cache.package}: no such package in Debian "
                               f"({', '.join(apt.suites)}); {_HINT}")
        best = max(found, key=lambda c: _version_key(c.version))
        progress(f"downloading {cache.package} {best.version} from {best.suite} …")
        return apt.download(cache.package, best.version, "all", cache.download)
    except FetchError as exc:
        raise SourcesError(f"{exc}; {_HINT}") from None


def _version_key(version: str) -> list:
    """Sort key of a Debian version string (numbers compared as numbers)."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", version)]


def _unpack_deb(deb: pathlib.Path, cache: _Cache, progress: Progress) -> None:
    """Take the source tarball out of the package with ``dpkg-deb -x``."""
    dpkg = shutil.which("dpkg-deb")
    if dpkg is None:
        raise SourcesError(f"dpkg-deb not found: cannot unpack {deb}; {_HINT}")
    progress(f"unpacking {cache.tarball.name} from {deb.name} …")
    with tempfile.TemporaryDirectory(dir=cache.base, prefix=".unpack-") as tmp:
        proc = _run([dpkg, "-x", str(deb), tmp])
        if proc.returncode:  # most likely an interrupted download
            deb.unlink()
            raise SourcesError(f"{deb}: dpkg-deb -x failed: {_last_error(proc)}; "
                               "removed it: run again to download it anew")
        inner = pathlib.Path(tmp, "usr", "src", f"{cache.package}.tar.xz")
        if not inner.is_file():
            raise SourcesError(f"{deb}: no usr/src/{cache.package}.tar.xz in this package")
        os.replace(inner, cache.tarball)


# ------------------------------------------------------------- extraction


class _ForwardReader:
    """Seekable-looking wrapper of a pipe that only moves forward.

    It lets :mod:`tarfile` read an uncompressed stream in ``r:`` mode,
    which is much faster than its ``r|`` stream mode.
    """

    def __init__(self, raw) -> None:
        self.raw = raw
        self.pos = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.pos += len(data)
        return data

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence != 0 or offset < self.pos:
            raise OSError("backward seek in a tar stream")
        while self.pos < offset and self.read(min(offset - self.pos, 1 << 20)):
            pass
        return self.pos


def _xz_binary() -> str | None:
    """The ``xz`` program (multi-threaded decompression), if installed."""
    return shutil.which("xz")


@contextlib.contextmanager
def _open_tarball(path: pathlib.Path) -> Iterator[tarfile.TarFile]:
    """Open the tarball for one sequential pass."""
    xz = _xz_binary()
    if xz is None:
        with tarfile.open(path, "r|xz") as tar:
            yield tar
        return
    proc = subprocess.Popen([xz, "-dc", "-T0", str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, bufsize=1 << 20)
    assert proc.stdout is not None and proc.stderr is not None  # both piped
    try:
        reader = _ForwardReader(proc.stdout)
        with tarfile.open(fileobj=reader, mode="r:") as tar:  # type: ignore[call-overload]
            yield tar
        while proc.stdout.read(1 << 20):  # drain the end-of-archive padding
            pass
        err = proc.stderr.read().decode(errors="replace").strip()
        if proc.wait():
            raise SourcesError(f"{path}: xz failed: {err or proc.returncode}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def _members(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    """Iterate over members without keeping them all in memory."""
    while (member := tar.next()) is not None:
        tar.members.clear()  # type: ignore[attr-defined]  # tarfile's own list, else it grows
        yield member


def member_path(name: str) -> str | None:
    """Relative tree path of a tarball member, or None if it is unsafe.

    The first component (``linux-source-6.12/``) is stripped; absolute
    names and names with ``..`` components are refused.
    """
    if name.startswith("/"):
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if len(parts) < 2 or ".." in parts:
        return None
    return "/".join(parts[1:])


@dataclass
class _Writer:
    """Writes members below ``tree``, never outside it."""

    tree: str
    safe_dirs: set[str] = field(default_factory=set)  # parents known to be inside
    links: list[str] = field(default_factory=list)    # symlinks made in this pass

    def inside(self, path: str) -> bool:
        """Tell whether ``path`` (resolving symlinks) lies inside the tree."""
        return os.path.commonpath([self.tree, os.path.realpath(path)]) == self.tree

    def parent_ok(self, parent: str) -> bool:
        """Check (once per pass) that ``parent`` leads nowhere outside; create it."""
        if parent not in self.safe_dirs:
            if not self.inside(parent):  # a symlinked directory leading out
                return False
            try:
                os.makedirs(parent, exist_ok=True)
            except (FileExistsError, NotADirectoryError):  # e.g. a dangling link
                return False
            self.safe_dirs.add(parent)
        return True

    def write(self, tar: tarfile.TarFile, member: tarfile.TarInfo, rel: str) -> bool:
        """Write one member; return True if a file or symlink was made."""
        target = os.path.join(self.tree, rel)
        if not self.parent_ok(os.path.dirname(target)):
            return False
        if member.isdir():
            self.parent_ok(target)
            return False
        if member.issym():
            link = os.path.join(os.path.dirname(target), member.linkname)
            if os.path.isabs(member.linkname) or not self.inside(link):
                return False
            _remove(target)
            os.symlink(member.linkname, target)
            self.links.append(target)
            self.safe_dirs.clear()  # a new link may redirect known directories
            return True
        if not member.isfile():  # hard links, devices...: never in a git archive
            return False
        # Written in place: only files of patterns not yet in the manifest are
        # written, so a half-written file is never claimed to be complete.
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC
        if os.path.islink(target) or os.path.isdir(target):
            _remove(target)
        fd = os.open(target, flags, 0o755 if member.mode & 0o111 else 0o644)
        src_file = tar.extractfile(member)
        if src_file is None:  # not a regular file after all
            os.close(fd)
            return False
        with src_file as src, open(fd, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.utime(fd, (member.mtime, member.mtime))
        return True

    def drop_escaping_links(self) -> None:
        """Remove links of this pass that a later link made point outside."""
        for link in self.links:
            if os.path.islink(link) and not self.inside(link):
                os.unlink(link)


def _remove(path: str) -> None:
    """Remove a file, symlink or directory if present."""
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.unlink(path)


def _extract(tarball: pathlib.Path, tree: pathlib.Path, patterns: list[str],
             claimed: list[str], progress: Progress) -> dict[str, int]:
    """One pass over the tarball extracting members matching ``patterns``.

    Members matching ``claimed`` patterns are already present and skipped.
    Returns the number of files written per pattern.
    """
    wanted, done = need_regex(patterns), need_regex(claimed)
    per_pattern = [(p, need_regex([p])) for p in patterns]
    counts = dict.fromkeys(patterns, 0)
    writer = _Writer(os.path.realpath(tree))
    progress(f"extracting {_summary(patterns)} from {tarball.name} …")
    start = time.monotonic()
    try:
        with _open_tarball(tarball) as tar:
            for member in _members(tar):
                rel = member_path(member.name)
                if rel is None or not wanted.match(rel) or done.match(rel):
                    continue
                if _write_member(writer, tar, member, rel):
                    for pat, rx in per_pattern:
                        counts[pat] += bool(rx.match(rel))
        writer.drop_escaping_links()
    except (tarfile.TarError, EOFError, lzma.LZMAError) as exc:
        raise SourcesError(f"{tarball}: cannot read the archive ({exc}); "
                           "delete it to fetch it again") from None
    total = sum(counts.values())
    progress(f"extracted {total:,} file{'' if total == 1 else 's'} for "
             f"{_summary(patterns)} in {time.monotonic() - start:.1f} s")
    return counts


def _write_member(writer: _Writer, tar: tarfile.TarFile, member: tarfile.TarInfo,
                  rel: str) -> bool:
    """Write one member, turning write errors into SourcesError."""
    try:
        return writer.write(tar, member, rel)
    except (tarfile.TarError, EOFError, lzma.LZMAError):
        raise
    except OSError as exc:
        raise SourcesError(f"{writer.tree}/{rel}: cannot write: "
                           f"{exc.strerror or exc}") from None


def _summary(patterns: list[str], shown: int = 4) -> str:
    """A short list of patterns for progress messages."""
    more = len(patterns) - shown
    return ", ".join(patterns[:shown]) + (f" and {more} more patterns" if more > 0 else "")


# -------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    """``python -m kdocgen.sources``: print the path of a kernel tree."""
    parser = argparse.ArgumentParser(
        prog="python -m kdocgen.sources",
        description="Print the path of a kernel tree (KSRC, or Debian's linux-source-VERSION "
                    "fetched into the cache), extracting the needed files.")
    parser.add_argument("--ksrc", metavar="DIR", help="use this tree (default: $KSRC)")
    parser.add_argument("--need", metavar="PATTERN", nargs="+", action="extend",
                        help="files to make present: a path, a wildcard, or "
                             "DIR/ (default: MAINTAINERS)")
    parser.add_argument("--kernel-version", metavar="X.Y", default=None,
                        help=f"which linux-source package (default {DEFAULT_VERSION})")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    args = parser.parse_args(argv)
    try:
        tree = kernel_tree(args.ksrc, args.need or ("MAINTAINERS",),
                           progress=(lambda msg: None) if args.quiet else None,
                           version=args.kernel_version)
    except SourcesError as exc:
        print(f"kdocgen: error: {exc}", file=sys.stderr)
        return 2
    print(tree)
    return 0


if __name__ == "__main__":
    sys.exit(main())
