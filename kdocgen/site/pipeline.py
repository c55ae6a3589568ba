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
from pathlib import Path
from typing import Callable

from ..files import locked, os_error_text
from ..sphinxext.outputs import BUILD_FILE, read_build_files
from .publish import publish, recover

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
    from ..abi.load import load_site_abi
    from ..maintainers import subsystem_tree
    from ..sources import SourcesError, kernel_tree
    from .build import DEFAULT_SUBSYSTEM, SiteError, build_site_source, plan_site
    problem = output_folder_problem(options.out)
    if problem:
        say(f"--out {problem}")
        return 2
    files = options.files
    try:
        entry = None
        if options.srctree:
            tree = Path(options.srctree)
        elif files:
            tree = kernel_tree(need=["MAINTAINERS", "Documentation/", *files])
        else:
            tree, entry = subsystem_tree(options.subsystem or DEFAULT_SUBSYSTEM, ["Documentation/"])
        plan = plan_site(tree, options.subsystem, files, entry)
        plan.abi_scan = options.abi_scan
    except SourcesError as err:
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
    abi, abi_errors = load_site_abi(options.abi, say)
    try:
        figures = build_site_source(plan, options.out, jobs=options.jobs, progress=say, abi=abi)
    except SiteError as err:
        say(f"{err}; nothing written to {options.out}")
        return 1
    say(f"{figures['files']} files, {figures['symbols']} symbols, {figures['documented']} documented "
        f"-> {options.out}")
    return 1 if abi_errors or figures.get("abi_errors") else 0


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
        status = run_sphinx(options, say)
        if status:
            say(f"Sphinx failed (exit status {status}); {options.published} is unchanged")
            return status
        record = read_build_files(options.doctrees)
        done = publish(options.work, options.published, record.keeps if record else lambda rel: True)
        say(f"{options.published}: {done.copied} files new or changed, {done.linked} unchanged"
            + (f", {done.removed} stale removed" if done.removed else ""))
    return 0


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
    for name in ("environment.pickle", BUILD_FILE):
        (options.doctrees / name).unlink(missing_ok=True)


def default_jobs(jobs: int) -> int:
    """``-j`` as given, or the number of CPUs."""
    return jobs or os.cpu_count() or 1
