"""Scan several builds: fetch or read each, index it (or take the cached index).

Every build is scanned on its own: a download or parse failure is reported
and the other builds go on.  Progress is one line per build, with download
and analysis times measured separately.
"""

from __future__ import annotations

import copy
import hashlib
import re
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Build
from .builder import BuildError, index_build
from .cache import IndexCache, digest_key
from .elfsyms import BinaryError
from ...debian import Apt, FetchError
from .index import BuildIndex
from .unpack import Artifacts, UnpackError, read_deb, read_installed, read_tree

_RELEASE = re.compile(r"^linux-(?:image|binary|modules)-(\d+\.\d+[^-]*(?:-\d+)?)-(?:(\w+)-)?(amd64|arm64|i386|686|686-pae)(?:-unsigned)?$")
_CODENAMES = {"deb11": "bullseye", "deb12": "bookworm", "deb13": "trixie", "deb14": "sid"}


@dataclass(frozen=True)
class BuildSpec:
    """One build to scan: a package from apt, a ``.deb``, a directory or an installed release."""

    kind: str                  # "apt", "deb", "tree", "installed"
    ref: str                   # package[=version][:arch], a path, or a release
    dbg: bool = False          # also read the -dbg package (DWARF, real System.map)
    headers: bool = False      # also read linux-headers (Module.symvers)


@dataclass
class Outcome:
    """What happened to one build."""

    spec: BuildSpec
    index: BuildIndex | None = None
    error: str = ""
    cached: bool = False
    download_s: float = 0.0
    analysis_s: float = 0.0
    warnings: list[str] = field(default_factory=list)


def parse_spec(text: str) -> BuildSpec:
    """A spec: ``apt:PKG[=VER][:ARCH]`` (or just the package name), a path (.deb, dir) or
    ``installed:RELEASE``; ``+dbg`` / ``+headers`` after it add the debug / headers package."""
    text, *extras = text.split()
    dbg, headers = "+dbg" in extras, "+headers" in extras
    for kind in ("apt", "installed"):
        if text.startswith(kind + ":"):
            return BuildSpec(kind, text[len(kind) + 1:], dbg, headers)
    if text.startswith("linux-"):
        return BuildSpec("apt", text, dbg, headers)
    return BuildSpec("deb" if text.endswith(".deb") else "tree", text, dbg, headers)


def describe(package: str, version: str, arch: str, suite: str, source: str = "scan") -> Build:
    """The Build of a Debian kernel package (group per flavor, label "6.1 bookworm")."""
    match = _RELEASE.match(package)
    release = package.split("-", 2)[2] if package.count("-") >= 2 else package
    flavor = (match.group(2) if match else "") or "generic"
    arch = (match.group(3) if match else "") or arch
    upstream = version.split(":")[-1].split("-")[0].split("~")[0]
    series = ".".join(upstream.split(".")[:2])
    code = next((c for k, c in _CODENAMES.items() if k in release), None)
    codename = (suite.split("-")[0] if suite else "") or code or ""
    if code and codename != code and suite.endswith("-backports"):
        codename = f"{codename}-bpo"
    group = f"Debian {arch}" if flavor == "generic" else f"Debian {flavor}-{arch}"
    label = f"{series} {codename}".strip()
    return Build(id=f"scan:{release}", name=release, version=upstream, arch=arch, flavor=flavor,
                 group=group, label=label, source=source,
                 provenance={"package": package, "version": version, "suite": suite})


@dataclass(frozen=True)
class CuFilter:
    """Accepts the compile units named by one of ``files`` (every unit when empty)."""

    files: tuple[str, ...] = ()

    def __call__(self, cu_name: str) -> bool:
        return not self.files or any(cu_name.endswith(f) for f in self.files)


class Scanner:
    """Scans builds with a cache and an apt; ``progress(message)`` reports each step."""

    def __init__(self, cache: IndexCache, apt: Apt | None = None, progress=print,
                 dwarf_modules=None, dwarf_cu=None):
        self.cache, self.apt, self.progress = cache, apt, progress
        self.dwarf_modules, self.dwarf_cu = dwarf_modules, dwarf_cu or CuFilter()

    def scan(self, specs: list[BuildSpec], jobs: int = 1) -> list[Outcome]:
        """Scan every spec (``jobs`` at a time); failures are reported in their outcome, never raised."""
        if jobs <= 1 or len(specs) < 2:
            outcomes = []
            for number, spec in enumerate(specs, 1):
                outcomes.append(self.scan_one(spec))
                self.progress(_line(number, len(specs), outcomes[-1]))
            return outcomes
        worker = copy.copy(self)
        worker.progress = None
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(worker.scan_one, spec) for spec in specs]
            for number, future in enumerate(as_completed(futures), 1):
                self.progress(_line(number, len(specs), future.result()))
            return [f.result() for f in futures]

    def scan_one(self, spec: BuildSpec) -> Outcome:
        """Scan one build; a failure is recorded in the outcome."""
        outcome = Outcome(spec)
        try:
            self._scan_one(spec, outcome)
        except (FetchError, UnpackError, BuildError, BinaryError, OSError) as err:
            outcome.error = str(err) if not isinstance(err, OSError) else \
                f"{err.filename or spec.ref}: {err.strerror or err}"
        return outcome

    def _scan_one(self, spec: BuildSpec, outcome: Outcome) -> None:
        if spec.kind == "apt":
            self._scan_apt(spec, outcome)
            return
        path = Path(spec.ref)
        if spec.kind != "installed" and not path.exists():
            raise UnpackError(f"{path}: no such file or directory")
        start = time.monotonic()
        if spec.kind == "installed":
            key = f"installed-{spec.ref}"
        elif spec.kind == "deb":
            data = path.read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            key = f"deb-{path.name}-{sha[:24]}"
        else:
            art = read_tree(path)
            key = digest_key(str(path), art.files)
        cached = self.cache.get(key)
        if cached is not None:
            outcome.index, outcome.cached = cached, True
            return
        if spec.kind == "installed":
            art = read_installed(Path("/"), spec.ref)
            build = describe(f"linux-image-{spec.ref}", spec.ref.split("-")[0], "", "installed")
        elif spec.kind == "deb":
            art = read_deb(data, str(path))
            package, version, arch = (path.name[:-4].split("_") + ["", "", ""])[:3]
            build = describe(package, version, arch, "")
            build.provenance["sha256"] = sha
        else:
            build = Build(id=f"scan:{path.name}", name=path.name, version="", arch="", flavor="",
                          group="Local builds", label=path.name, source="scan", provenance={"directory": str(path)})
        outcome.index = self._index(art, build, outcome)
        outcome.analysis_s = time.monotonic() - start
        self.cache.put(key, outcome.index)

    def _scan_apt(self, spec: BuildSpec, outcome: Outcome) -> None:
        if self.apt is None:
            raise FetchError(f"{spec.ref}: no apt configured")
        name, _, version = spec.ref.partition("=")
        name, _, arch = name.partition(":")
        if not version or not arch:
            found = [c for c in self.apt.candidates(f"{name}:{arch}" if arch else name)
                     if not version or c.version == version]
            if not found:
                raise FetchError(f"{spec.ref}: apt knows no such package (is the suite in the source list?)")
            version, arch = version or found[0].version, arch or found[0].arch
            suite = found[0].suite
        else:
            suite = next((c.suite for c in self.apt.candidates(f"{name}:{arch}") if c.version == version), "")
        key = f"{name}_{version}_{arch}" + ("+dbg" if spec.dbg else "") + ("+hdr" if spec.headers else "")
        cached = self.cache.get(key)
        if cached is not None:
            outcome.index, outcome.cached = cached, True
            return
        packages = self._packages(name, version, arch, spec)
        start = time.monotonic()
        debs = [self.apt.download(p, version, arch, self.cache.root / "debs") for p in packages]
        outcome.download_s = time.monotonic() - start
        start = time.monotonic()
        art = Artifacts()
        sha = []
        for deb in debs:
            data = deb.read_bytes()
            sha.append(f"{deb.name}={hashlib.sha256(data).hexdigest()}")
            art.merge(read_deb(data, deb.name, self._keep))
        build = describe(name, version, arch, suite)
        build.provenance.update({"packages": " ".join(packages), "sha256": " ".join(sha)})
        outcome.index = self._index(art, build, outcome)
        outcome.analysis_s = time.monotonic() - start
        self.cache.put(key, outcome.index)

    def _keep(self, path: str) -> bool:
        """Debug modules are read only for the modules whose DWARF is wanted."""
        if not path.startswith("usr/lib/debug/lib/modules/") or self.dwarf_modules is None:
            return True
        return path.rsplit("/", 1)[-1].split(".ko")[0].replace("-", "_") in self.dwarf_modules

    def _packages(self, name: str, version: str, arch: str, spec: BuildSpec) -> list[str]:
        """The packages holding the build: the image, or its split parts (sid: binary, modules,
        base with the config), plus -dbg/headers."""
        depends = self.apt.depends(name, version) if self.apt is not None else []
        parts = [d for d in depends if re.match(r"linux-(binary|modules|base)-", d)]
        packages = parts or [name]
        release = name.split("-", 2)[2]
        if spec.dbg:
            packages.append(f"linux-image-{release}-dbg")
        if spec.headers:
            packages.append(f"linux-headers-{release}")
        return packages

    def _index(self, art: Artifacts, build: Build, outcome: Outcome) -> BuildIndex:
        return index_build(art, build, self.dwarf_modules, self.dwarf_cu, warn=outcome.warnings.append)


def _line(number: int, total: int, outcome: Outcome) -> str:
    """The progress line of one build."""
    head = f"[{number}/{total}] {outcome.spec.ref}"
    if outcome.error:
        return f"{head}: FAILED: {outcome.error}"
    index = outcome.index
    if index is None:
        return f"{head}: no index"
    funcs = sum(len(b.funcs) for b in index.binaries)
    if outcome.cached:
        return f"{head}: cached ({len(index.binaries)} binaries, {funcs} function symbols)"
    return (f"{head}: download {outcome.download_s:.1f} s, analysis {outcome.analysis_s:.1f} s, "
            f"{len(index.binaries)} binaries, {funcs} function symbols"
            + (f", {len(outcome.warnings)} warning(s)" if outcome.warnings else ""))
