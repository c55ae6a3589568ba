"""``kdocgen site`` and ``kdocgen html`` (what ``make html`` runs): the
site's pages, then Sphinx, then the published folder.

One build of a checkout at a time: a second one waits for the lock on
``BUILD/.lock``.  A build that fails at any step leaves the published folder
(``BUILD/html``) as it was; the next good build catches up.  Sphinx works
in ``BUILD/sphinx/`` (its environment and output, kept between builds so it
only reads and writes what changed), and the published folder is then
replaced by exactly this build's files (:mod:`kdocgen.site.publish`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Callable

from ..files import locked, os_error_text, write_if_changed
from ..parsecache import code_digest, digest, file_digest
from .build import AbiInput
from .publish import publish, recover
from .record import BUILD_STATE, read_build_files

Say = Callable[[str], None]


@dataclass
class SiteOptions:
    """What ``kdocgen site`` is asked for."""

    out: Path
    srctree: str | None = None
    subsystem: str | None = None
    files: list[str] | None = None
    jobs: int = 1
    abi: list[str] = field(default_factory=list)
    abi_scan: bool = False
    cache: Path | None = None  # keep parsed files and what was made here (nothing done when nothing changed)
    kernel_version: str | None = None  # the kernel-doc rules (and Debian source) of this version


@dataclass
class HtmlOptions:
    """What ``kdocgen html`` is asked for (paths relative to the current folder)."""

    site: SiteOptions
    srcdir: Path = Path(".")
    build: Path = Path("_build")
    sphinx_options: list[str] = field(default_factory=list)

    @property
    def published(self) -> Path:
        return self.build / "html"

    @property
    def work(self) -> Path:
        return self.build / "sphinx" / "html"

    @property
    def doctrees(self) -> Path:
        return self.build / "sphinx" / "doctrees"


def output_folder_problem(out: Path) -> str | None:
    """Why ``out`` cannot be an output folder (None when it can)."""
    if out.exists() and not out.is_dir():
        return f"{out}: exists and is not a directory"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        return f"{out}: cannot create the directory: {os_error_text(err)}"
    return None


def write_site_source(options: SiteOptions, say: Say) -> int:
    """``kdocgen site``: the Sphinx source of a subsystem's site in
    ``options.out``; exit status 0, 1 (bad input: nothing written, or an ABI
    source unreadable) or 2 (usage)."""
    from ..maintainers import subsystem_tree
    from ..sources import SourcesError, kernel_tree
    from .build import DEFAULT_SUBSYSTEM, SiteError, build_site_source, plan_site
    from .memo import SiteMemo, inputs_digest
    problem = output_folder_problem(options.out)
    if problem:
        say(f"--out {problem}")
        return 2
    files = options.files
    version = options.kernel_version
    try:
        entry = None
        if options.srctree:
            tree = Path(options.srctree)
        elif files:
            tree = kernel_tree(need=["MAINTAINERS", "Makefile", "Documentation/", *files], version=version)
        else:
            tree, entry = subsystem_tree(options.subsystem or DEFAULT_SUBSYSTEM, ["Makefile", "Documentation/"],
                                         version=version)
        plan = plan_site(tree, options.subsystem, files, entry, version)
        plan.abi_scan = options.abi_scan
    except (SourcesError, ValueError) as err:
        say(str(err))
        return 2
    if not plan.files:
        say(f"no .c/.h files selected in {tree}")
        return 2
    missing = [f for f in plan.files if not (plan.tree / f).is_file()]
    for name in missing:
        say(f"{name}: no such file in {plan.tree}")
    if missing:
        say(f"nothing written to {options.out}")
        return 1
    memo = SiteMemo(options.cache, options.out) if options.cache else None
    abi = _abi_input(options.abi, say) if options.abi else None
    inputs = inputs_digest(plan, abi.key if abi else "", options.out) if memo else ""
    kept = memo.unchanged(inputs) if memo else None
    if kept is not None:
        say(f"{_summary(kept)} -> {options.out} (nothing changed)")
        return 0
    try:
        result = build_site_source(plan, options.out, jobs=options.jobs, progress=say, abi=abi, memo=memo)
    except SiteError as err:
        say(f"{err}; nothing written to {options.out}")
        return 1
    say(f"{_summary(result.figures)} -> {options.out}")
    if (abi and abi.errors) or result.figures.get("abi_errors"):
        return 1
    if memo:
        memo.remember(inputs, result.figures, result.written, result.abi_part)
    return 0


def _summary(figures: dict) -> str:
    return f"{figures['files']} files, {figures['symbols']} symbols, {figures['documented']} documented"


@dataclass
class _AbiSources(AbiInput):
    """The ``--abi`` data of a site, read when needed, errors said then."""

    errors: int = 0


def _abi_input(paths: list[str], say: Say) -> _AbiSources:
    from ..abi.load import load_site_abi
    from .memo import folder_digest
    abi = _AbiSources(key=digest("\n".join(f"{p}={folder_digest(Path(p))}" for p in paths).encode()))

    def load():
        data, abi.errors = load_site_abi(paths, say)
        return data
    abi.loader = load
    return abi


def build_html(options: HtmlOptions, say: Say) -> int:
    """``kdocgen html``: pages, Sphinx, publish; the exit status."""
    def waiting(pid: str) -> None:
        holder = f" (process {pid})" if pid else ""
        say(f"another build of this checkout is running{holder}; waiting for it to finish")

    for path in (options.build, options.work, options.doctrees):
        problem = output_folder_problem(path)
        if problem:
            say(problem)
            return 2
    with locked(options.build / ".lock", waiting):
        recover(options.published)
        status = write_site_source(options.site, say)
        if status:
            say(f"the pages could not be written; {options.published} is unchanged")
            return status
        record = read_build_files(options.doctrees)
        inputs = sphinx_inputs(options, record)
        if record is not None and options.published.is_dir() and _stamp(options).is_file() \
                and _stamp(options).read_text(encoding="utf-8") == inputs:
            say(f"nothing changed since the last build: {options.published} is up to date")
            return 0
        _stamp(options).unlink(missing_ok=True)
        status = run_sphinx(options, say)
        if status:
            say(f"Sphinx failed (exit status {status}); {options.published} is unchanged")
            return status
        record = read_build_files(options.doctrees)
        done = publish(options.work, options.published, record.keeps if record else lambda rel: True)
        say(f"{options.published}: {done.copied} files new or changed, {done.linked} unchanged"
            + (f", {done.removed} stale removed" if done.removed else ""))
        if record is not None:
            write_if_changed(_stamp(options), sphinx_inputs(options, record))
    return 0


def _stamp(options: HtmlOptions) -> Path:
    return options.build / "sphinx" / "inputs.txt"


#: environment variables the site's conf.py reads
_ENVIRONMENT = ("SITE_URL", "KSRC", "SOURCE_DATE_EPOCH")
_PACKAGES = ("sphinx", "docutils", "furo", "pygments", "jinja2")


def sphinx_inputs(options: HtmlOptions, record) -> str:
    """What a Sphinx build of ``options`` reads, as text to compare: the
    files of the source folder (name, size, time; generated pages are only
    rewritten when they change), the bytes of the files the last build's
    pages depend on (kernel sources), the options, the environment and
    the code (kdocgen's, Sphinx's, the theme's)."""
    lines = [f"options {options.sphinx_options!r}", f"python {sys.version}", f"kdocgen {code_digest()}"]
    for name in _PACKAGES:
        try:
            lines.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            lines.append(f"{name} -")
    lines += [f"env {name}={os.environ.get(name, '')!r}" for name in _ENVIRONMENT]
    skip = {options.build.resolve()}
    for folder, dirnames, filenames in os.walk(options.srcdir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__"
                             and (Path(folder) / d).resolve() not in skip)
        for name in sorted(filenames):
            try:
                info = (Path(folder) / name).stat()
            except OSError:
                continue
            lines.append(f"src {Path(folder, name).relative_to(options.srcdir).as_posix()} "
                         f"{info.st_size} {info.st_mtime_ns}")
    lines += [f"dep {path} {file_digest(Path(path))}" for path in (record.dependencies if record else ())]
    return "\n".join(lines) + "\n"


def run_sphinx(options: HtmlOptions, say: Say) -> int:
    """Run ``sphinx-build`` into the working folder; on failure (or an
    interruption) its environment is dropped, so that the next build reads
    every page again rather than trust pages this one did not finish."""
    shutil.rmtree(options.work / "_static", ignore_errors=True)  # refilled by every build
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-d", str(options.doctrees),
               *options.sphinx_options, str(options.srcdir), str(options.work)]
    process = subprocess.Popen(command)
    try:
        status = process.wait()
    except BaseException:
        process.wait()
        _forget_environment(options)
        raise
    if status:
        _forget_environment(options)
    return status


def _forget_environment(options: HtmlOptions) -> None:
    for name in BUILD_STATE:
        (options.doctrees / name).unlink(missing_ok=True)


def default_jobs(jobs: int) -> int:
    """``-j`` as given, or the number of CPUs."""
    return jobs or os.cpu_count() or 1
