"""Download Debian kernel packages with apt, through a private configuration.

The scanner's apt has its own source list, package lists and archive cache
under the kdocgen cache, so it never touches the system's sources, dpkg
architectures or lock files; ``apt-get download`` needs no root.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

MIRROR = "http://deb.debian.org/debian"
SECURITY = "http://deb.debian.org/debian-security"
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
SUITES = ("bullseye", "bullseye-security", "bookworm", "bookworm-security", "bookworm-backports",
          "trixie", "trixie-security", "sid")
ARCHES = ("amd64", "arm64")
#: A package list older than this is refreshed.
MAX_AGE = 24 * 3600


class FetchError(Exception):
    """A package that apt could not find or download."""


@dataclass(frozen=True)
class Candidate:
    """A package version apt knows: where it comes from."""

    package: str
    version: str
    arch: str
    suite: str


class Apt:
    """apt-get / apt-cache with a private configuration rooted at ``root``."""

    def __init__(self, root: Path, suites=SUITES, arches=ARCHES, mirror: str | None = None):
        self.root = root
        self.suites, self.arches = tuple(suites), tuple(arches)
        self.mirror = mirror or os.environ.get("KDOCGEN_DEBIAN_MIRROR") or MIRROR

    def options(self) -> list[str]:
        """The ``-o`` options that make apt use only the private files."""
        opts = [f"Dir::Etc::sourcelist={self.root / 'sources.list'}", "Dir::Etc::sourceparts=-",
                f"Dir::State::Lists={self.root / 'lists'}", f"Dir::Cache={self.root / 'cache'}",
                f"Dir::Cache::pkgcache={self.root / 'cache' / 'pkgcache.bin'}",
                f"Dir::Cache::srcpkgcache={self.root / 'cache' / 'srcpkgcache.bin'}",
                "Debug::NoLocking=1", "APT::Sandbox::User=root",
                "APT::Architectures::=" + self.arches[0]]
        opts += [f"APT::Architectures::={a}" for a in self.arches[1:]]
        return [x for opt in opts for x in ("-o", opt)]

    def sources(self) -> str:
        """The private source list."""
        lines = []
        for suite in self.suites:
            base = SECURITY if suite.endswith("-security") else self.mirror
            lines.append(f"deb [signed-by={KEYRING}] {base} {suite} main")
        return "\n".join(lines) + "\n"

    def update(self, force: bool = False) -> None:
        """Fetch the package lists when missing, stale or the suites changed."""
        for sub in ("lists/partial", "cache/archives/partial"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        source_list = self.root / "sources.list"
        stamp = self.root / "lists" / ".updated"
        fresh = stamp.is_file() and time.time() - stamp.stat().st_mtime < MAX_AGE
        if not force and fresh and source_list.is_file() and source_list.read_text() == self.sources():
            return
        source_list.write_text(self.sources())
        proc = self._run(["apt-get", *self.options(), "-q", "update"])
        if proc.returncode != 0:
            raise FetchError(f"apt-get update failed: {_last_line(proc)}")
        stamp.touch()

    def candidates(self, package: str) -> list[Candidate]:
        """Every version of ``package`` (``name`` or ``name:arch``) the lists hold, with its suite."""
        proc = self._run(["apt-cache", *self.options(), "madison", package])
        out = []
        for line in proc.stdout.splitlines():
            parts = [p.strip() for p in line.split("|")]
            if len(parts) >= 3:
                fields = parts[2].split()
                suite = fields[1].split("/")[0] if len(fields) > 1 else ""
                arch = fields[2] if len(fields) > 2 else ""
                out.append(Candidate(parts[0], parts[1], arch, suite))
        return out

    def depends(self, package: str, version: str) -> list[str]:
        """Package names in the Depends field of ``package=version``."""
        proc = self._run(["apt-cache", *self.options(), "show", f"{package}={version}"])
        for line in proc.stdout.splitlines():
            if line.startswith("Depends:"):
                return [re.split(r"[\s(:]", d.strip())[0] for alt in line[8:].split(",") for d in alt.split("|")]
        return []

    def download(self, package: str, version: str, arch: str, dest: Path) -> Path:
        """``dest/<package>_<version>_<arch>.deb``, downloaded unless already there."""
        dest.mkdir(parents=True, exist_ok=True)
        name = f"{package}_{version.replace(':', '%3a')}_{arch}.deb"
        if (dest / name).is_file():
            return dest / name
        proc = self._run(["apt-get", *self.options(), "-q", "download", f"{package}:{arch}={version}"], cwd=dest)
        if proc.returncode != 0 or not (dest / name).is_file():
            raise FetchError(f"{package}={version} ({arch}): apt-get download failed: {_last_line(proc)}")
        return dest / name

    def _run(self, cmd: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
        try:
            return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False,
                                  env={**os.environ, "LC_ALL": "C"})
        except OSError as err:
            raise FetchError(f"{cmd[0]}: {err.strerror or err}") from None


def _last_line(proc: subprocess.CompletedProcess) -> str:
    lines = [ln for ln in (proc.stderr or proc.stdout or "").splitlines() if ln.strip() and not ln.startswith("W:")]
    return lines[-1].strip() if lines else f"exit status {proc.returncode}"
