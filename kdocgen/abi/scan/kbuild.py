"""Whether a source file is built in a configuration, and into which binary.

Read from the kernel's ``Makefile``/``Kbuild`` files: ``obj-$(CONFIG_X) +=
file.o`` and composite objects (``mod-y := a.o``, ``mod-$(CONFIG_Y) +=
b.o``, ``mod-objs``), the ``ifdef``/``ifeq`` blocks around them (config
tests only), and the parent directories' ``obj-$(CONFIG_Z) += dir/`` lines up
to a top-level directory, which the top Makefile always descends into.  A
file's *rule* is the chain of options it depends on; evaluated against a
build's ``config`` it says built-in, module (which one) or not built, and
which option is off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_ASSIGN = re.compile(r"^\s*([A-Za-z0-9_.$()/-]+?)-(y|m|objs|\$[({](?:subst m,y,)?\$?[({]?(CONFIG_[A-Za-z0-9_]+)[)}]?[)}])"
                     r"\s*[:+]?=\s*(.*)$")
_IF = re.compile(r"^\s*(ifdef|ifndef|ifeq|ifneq)\s+(.*)$")
_IF_CONFIG = re.compile(r"CONFIG_[A-Za-z0-9_]+")
#: Always descended into: the top Makefile lists them (the own arch's directory too).
_TOP_DIRS = ("arch", "block", "certs", "crypto", "drivers", "fs", "init", "io_uring", "ipc", "kernel",
             "lib", "mm", "net", "rust", "samples", "security", "sound", "usr", "virt")


@dataclass(frozen=True)
class Step:
    """One condition on the way to an object: ``option`` must be set (``y``/``m``);
    "y" for always; ``builtin`` when ``$(subst m,y,...)`` makes it built-in."""

    option: str
    builtin: bool = False


@dataclass(frozen=True)
class Rule:
    """How a ``.c`` file gets built: its conditions (innermost first) and the
    module its object links into when built as a module."""

    steps: tuple[Step, ...]
    module: str                     # composite or single-object module name (underscores)
    known: bool = True              # False: no Makefile line names the file (or a parent directory)
    obj_step: int = 0               # the step of the ``obj-`` line: its "m" makes a module
    listed: bool = True             # its own directory's Makefile names it


@dataclass(frozen=True)
class Built:
    """A file's state in one configuration."""

    state: str                      # "y" (vmlinux), "m" (module), "n" (not built), "?" (unknown)
    module: str | None = None       # the module when state is "m"
    off: str = ""                   # the option that is not set, when state is "n"


@dataclass
class Kbuild:
    """Rules of the files asked for."""

    rules: dict[str, Rule] = field(default_factory=dict)

    def built(self, path: str, config: dict[str, str] | None) -> Built:
        """Is ``path`` built with ``config`` (``CONFIG_X -> value``), and where."""
        rule = self.rules.get(path)
        if rule is None or not rule.known or config is None:
            return Built("?", rule.module if rule else None)
        state = "y"
        for number, step in enumerate(rule.steps):
            value = "y" if step.option == "y" else ("m" if step.option == "m" else config.get(step.option, ""))
            if value not in ("y", "m"):
                return Built("n", None, step.option)
            if number == rule.obj_step and value == "m" and not step.builtin:
                state = "m"
        return Built(state, rule.module if state == "m" else None)

    def module_map(self) -> dict[str, str]:
        """``file -> module`` of the files that can be built as a module."""
        return {path: rule.module for path, rule in self.rules.items() if rule.listed}


def read_rules(tree: Path, files: list[str]) -> Kbuild:
    """The rules of the ``.c`` files among ``files`` (others are left out)."""
    out = Kbuild()
    cache: dict[str, dict[str, list[tuple[str, tuple[Step, ...]]]]] = {}
    for path in sorted(f for f in files if f.endswith(".c")):
        parts = path[:-2].split("/")
        for cut in range(len(parts) - 1, 0, -1):      # "x.o" in its directory, or "sub/x.o" above it
            directory = "/".join(parts[:cut])
            steps, module, obj_step = _object_steps(_objects(tree, directory, cache), "/".join(parts[cut:]) + ".o")
            if steps is not None:
                parents = _directory_steps(tree, directory, cache)
                out.rules[path] = Rule(steps + (parents or ()), module, parents is not None, obj_step)
                break
        else:
            out.rules[path] = Rule((), parts[-1].replace("-", "_"), known=False, listed=False)
    return out


def _object_steps(objects, obj: str, depth: int = 0) -> tuple[tuple[Step, ...] | None, str, int]:
    """Conditions of ``obj`` in its directory, the module it links into and
    the index of the ``obj-`` line's condition among them."""
    for target, steps in objects.get(obj, []):
        if target == "obj":
            return steps, obj[:-2].rsplit("/", 1)[-1].replace("-", "_"), 0
        if depth < 4:
            outer, module, index = _object_steps(objects, f"{target}.o", depth + 1)
            if outer is not None:
                own = tuple(s for s in steps if s.option != "y")
                return own + outer, module, len(own) + index
    return None, obj[:-2].rsplit("/", 1)[-1].replace("-", "_"), 0


def _directory_steps(tree: Path, directory: str, cache) -> tuple[Step, ...] | None:
    """Conditions of descending into ``directory`` from the top (None: no parent names it)."""
    parts = directory.split("/")
    if len(parts) == 1 and parts[0] in _TOP_DIRS or parts[:1] == ["arch"] and len(parts) <= 2:
        return ()
    for cut in range(len(parts) - 1, 0, -1):      # "obj-$(X) += serio/" or "+= input/serio/"
        parent, name = "/".join(parts[:cut]), "/".join(parts[cut:]) + "/"
        for target, steps in _objects(tree, parent, cache).get(name, []):
            if target == "obj":
                outer = _directory_steps(tree, parent, cache)
                return None if outer is None else tuple(s for s in steps if s.option != "y") + outer
    return None


def _objects(tree: Path, directory: str, cache) -> dict[str, list[tuple[str, tuple[Step, ...]]]]:
    """``object or dir/ -> [(target, steps)]`` of a directory's Kbuild and Makefile."""
    if directory not in cache:
        text = ""
        for name in ("Kbuild", "Makefile"):
            try:
                text += (tree / directory / name).read_text("utf-8", "replace") + "\n"
            except OSError:
                continue
        cache[directory] = makefile_objects(text)
    return cache[directory]


def makefile_objects(text: str) -> dict[str, list[tuple[str, tuple[Step, ...]]]]:
    """Each object (``x.o``) or directory (``d/``) a Makefile names, with the target
    it is added to (``obj`` or a composite's name) and the conditions of that line."""
    out: dict[str, list[tuple[str, tuple[Step, ...]]]] = {}
    blocks: list[Step | None] = []
    for line in text.replace("\\\n", " ").splitlines():
        line = line.split("#", 1)[0]
        head = line.strip()
        condition = _IF.match(head)
        if condition:
            blocks.append(_block_step(*condition.groups()))
            continue
        if head == "else" or head.startswith("else "):
            blocks[-1:] = [None] if blocks else []
            continue
        if head == "endif":
            blocks[-1:] = []
            continue
        match = _ASSIGN.match(line)
        if not match:
            continue
        target, cond, option, objs = match.groups()
        step = Step("m") if cond == "m" else Step(option, "subst m,y" in cond) if option else Step("y")
        steps = (step, *(b for b in reversed(blocks) if b is not None))
        for obj in objs.split():
            if obj.endswith((".o", "/")):
                out.setdefault(obj, []).append((target, steps))
    return out


def _block_step(keyword: str, argument: str) -> Step | None:
    """The condition an ``ifdef``/``ifeq`` block adds (None when it is no plain config test)."""
    options = _IF_CONFIG.findall(argument)
    if len(options) != 1:
        return None
    if keyword == "ifdef":
        return Step(options[0])
    if keyword == "ifeq" and re.search(r",\s*y\s*\)?$", argument):
        return Step(options[0])
    if keyword == "ifneq" and re.search(r",\s*\)?$", argument):
        return Step(options[0])
    return None
