"""Lint settings: ``.kdocgen.toml`` or ``[tool.kdocgen.lint]`` in pyproject.toml.

``.kdocgen.toml`` holds the keys (:data:`KEYS`) at top level or under
``[lint]``, not the same key in both.  Command-line options win over the
file (:func:`merge`).  Mistakes raise :class:`ConfigError` naming the file
(or option) and the key.

Rule selection: an id named in ``ignore`` is off; else an id named in
``select`` is on; else its group ("kernel-doc" or "kdocgen", then "all")
decides the same way, ``ignore`` first.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, cast

from ..files import utf8_error_position
from .finding import Finding
from ..kinds import severity as as_severity
from .rules import RULES, SEVERITIES

GROUPS = ("all", "kernel-doc", "kdocgen")
LEVELS = (*SEVERITIES, "off")
KEYS = ("baseline", "exclude", "fail-on", "ignore", "references", "select", "severity")
CONFIG_NAME = ".kdocgen.toml"
_LISTS = ("select", "ignore", "references", "exclude")
_RANK = {"note": 0, "warning": 1, "error": 2}


class ConfigError(Exception):
    """A settings file or option that cannot be used; the message says where."""


@dataclass(frozen=True)
class LintConfig:
    """Lint settings; the defaults are those of a tree without a settings file."""

    select: tuple[str, ...] = ("all",)
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)  # rule id -> level or "off"
    fail_on: str = "warning"
    baseline: Path | None = None  # absolute when it comes from a file
    references: tuple[str, ...] | None = None  # None: the linter's default scope
    exclude: tuple[str, ...] = ()
    source: Path | None = None  # the settings file, if any


# discovery ----------------------------------------------------------------

def _read_toml(path: Path) -> dict:
    """The parsed TOML file, or :class:`ConfigError`."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}:{utf8_error_position(exc)}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _has_kdocgen_table(pyproject: Path) -> bool:
    """Whether a pyproject.toml has ``tool.kdocgen`` (a table, or a mistake
    that :func:`load_config` reports)."""
    try:
        if "kdocgen" not in pyproject.read_text(encoding="utf-8", errors="replace"):
            return False
    except OSError:
        return False
    tool = _read_toml(pyproject).get("tool")
    return isinstance(tool, dict) and "kdocgen" in tool


def find_config(start: Path) -> Path | None:
    """The settings file of the tree at ``start``: the nearest folder upward
    holding ``.kdocgen.toml`` or a pyproject.toml with ``[tool.kdocgen]``
    (``.kdocgen.toml`` first when one folder has both)."""
    folder = Path(start).resolve()
    if folder.is_file():
        folder = folder.parent
    for parent in (folder, *folder.parents):
        candidate = parent / CONFIG_NAME
        if candidate.is_file():
            return candidate
        pyproject = parent / "pyproject.toml"
        if pyproject.is_file() and _has_kdocgen_table(pyproject):
            return pyproject
    return None


# validation ---------------------------------------------------------------

def _unknown(where: str, what: str, name: str, known: Iterable[str]) -> ConfigError:
    """A ConfigError for an unknown ``name``, suggesting a close known one."""
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return ConfigError(f"{where}: unknown {what} {name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))


def _strings(where: str, value: object) -> tuple[str, ...]:
    """A list of non-empty strings (a lone string counts as a list of one)."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not all(isinstance(v, str) for v in items):
        raise ConfigError(f"{where}: expected a list of strings, not {value!r}")
    if any(not v.strip() for v in items):
        raise ConfigError(f"{where}: empty entry in {value!r}")
    return tuple(v.strip() for v in items)


def _rules(where: str, value: object) -> tuple[str, ...]:
    """Rule ids or group names."""
    names = _strings(where, value)
    for name in names:
        if name not in RULES and name not in GROUPS:
            raise _unknown(where, "rule id", name, [*RULES, *GROUPS])
    return names


def _level(where: str, value: object, levels: tuple[str, ...]) -> str:
    """One of ``levels``."""
    if not isinstance(value, str) or value not in levels:
        raise ConfigError(f"{where}: expected one of {', '.join(levels)}, not {value!r}")
    return value


def _severity(where: str, value: object) -> dict[str, str]:
    """Rule id -> level, from a table or from ``RULE=LEVEL`` strings."""
    if isinstance(value, (list, tuple)):
        bad = [item for item in _strings(where, value) if "=" not in item]
        if bad:
            raise ConfigError(f"{where}: expected RULE=LEVEL, not {bad[0]!r}")
        value = {k.strip(): v.strip() for k, _, v in (item.partition("=") for item in value)}
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table of rule id = level, not {value!r}")
    for rule_id, level in value.items():
        if rule_id not in RULES:
            raise _unknown(where, "rule id", rule_id, RULES)
        _level(f"{where}.{rule_id}", level, LEVELS)
    return dict(sorted(value.items()))


def _path(where: str, value: object, base: Path | None) -> Path:
    """A file path, relative to ``base`` (the settings file's folder) if given."""
    if not isinstance(value, (str, Path)) or not str(value).strip():
        raise ConfigError(f"{where}: expected a file path, not {value!r}")
    path = Path(str(value).strip()).expanduser()
    return base / path if base is not None else path


def _parse(key: str, value: object, where: str, base: Path | None) -> tuple[str, object]:
    """The LintConfig field and value for settings key ``key``."""
    if key in ("select", "ignore"):
        return key, _rules(where, value)
    if key == "severity":
        return key, _severity(where, value)
    if key == "fail-on":
        return "fail_on", _level(where, value, SEVERITIES)
    if key == "baseline":
        return key, _path(where, value, base)
    if key in ("references", "exclude"):
        return key, _strings(where, value)
    raise _unknown(where, "key", key, KEYS)


# loading ------------------------------------------------------------------

def _pyproject_items(path: Path, data: dict) -> list[tuple[str, str, object]]:
    """(dotted name, key, value) of ``[tool.kdocgen.lint]``."""
    tool = data.get("tool")
    if not isinstance(tool, dict) or "kdocgen" not in tool:
        raise ConfigError(f"{path}: no [tool.kdocgen] table")
    tool = tool["kdocgen"]
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: tool.kdocgen: expected a table ([tool.kdocgen.lint]), not {tool!r}")
    for key in sorted(tool):
        if key != "lint":
            raise ConfigError(f"{path}: unknown key 'tool.kdocgen.{key}' (lint settings go under "
                              f"[tool.kdocgen.lint])")
    lint = tool.get("lint", {})
    if not isinstance(lint, dict):
        raise ConfigError(f"{path}: tool.kdocgen.lint: expected a table")
    return [(f"tool.kdocgen.lint.{key}", key, lint[key]) for key in sorted(lint)]


def _kdocgen_toml_items(path: Path, data: dict) -> list[tuple[str, str, object]]:
    """(dotted name, key, value) of a ``.kdocgen.toml``: top level and ``[lint]``."""
    lint = data.get("lint", {})
    if not isinstance(lint, dict):
        raise ConfigError(f"{path}: lint: expected a table")
    items = [(key, key, data[key]) for key in sorted(data) if key != "lint"]
    for key in sorted(lint):
        if key in data:
            raise ConfigError(f"{path}: '{key}' is set both at top level and in [lint]")
        items.append((f"lint.{key}", key, lint[key]))
    return items


def load_config(path: Path | None) -> LintConfig:
    """The settings in ``path`` (the defaults for None)."""
    if path is None:
        return LintConfig()
    path = Path(path)
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        items = _pyproject_items(path, data)
    else:
        items = _kdocgen_toml_items(path, data)
    base = path.resolve().parent
    for dotted, key, _ in items:
        if key not in KEYS:
            raise _unknown(str(path), "key", dotted, [dotted[:-len(key)] + known for known in KEYS])
    values: dict[str, Any] = dict(_parse(key, value, f"{path}: {dotted}", base) for dotted, key, value in items)
    return LintConfig(**values, source=path)


def merge(config: LintConfig, **cli: object) -> LintConfig:
    """``config`` with the command-line options given (not None) in its place.

    select, ignore, references, exclude: lists (entries may hold commas)
    that replace the file's; severity: ``RULE=LEVEL`` strings or a dict,
    merged per rule; fail_on; baseline: relative to the current folder.
    """
    options = ("select", "ignore", "severity", "fail_on", "baseline", "references", "exclude")
    unknown = sorted(set(cli) - set(options))
    if unknown:
        raise TypeError(f"merge() got unknown options: {', '.join(unknown)}")
    changes: dict[str, Any] = {}
    for name in options:
        value: Any = cli.get(name)
        if value is None:
            continue
        key = name.replace("_", "-")
        if key in _LISTS:
            items = [value] if isinstance(value, str) else value
            value = [part for item in items for part in str(item).split(",") if part.strip()]
        field_name, parsed = _parse(key, value, f"command line: --{key}", None)
        parsed = cast(Any, parsed)
        if field_name == "severity":
            parsed = dict(sorted({**config.severity, **parsed}.items()))
        changes[field_name] = parsed
    return replace(config, **changes)


# use ----------------------------------------------------------------------

def _groups(rule_id: str) -> tuple[str, str]:
    """The group of a rule, then "all"."""
    known = RULES.get(rule_id)
    return ("kernel-doc" if known and known.kernel_doc else "kdocgen", "all")


def is_active(config: LintConfig, rule_id: str) -> bool:
    """Whether findings of ``rule_id`` are reported (see the module doc)."""
    if rule_id in config.ignore:
        return False
    if rule_id in config.select:
        return True
    for group in _groups(rule_id):
        if group in config.ignore:
            return False
        if group in config.select:
            return True
    return False


def path_matcher(globs: Iterable[str]) -> Callable[[str], bool]:
    """A test of whether a relative POSIX path matches any of ``globs``.

    fnmatch rules, as for the reference scope: ``*`` matches across ``/``
    too (``*.h`` is any header); a glob naming a folder covers what is in it.
    """
    patterns = [g.strip().removeprefix("./").rstrip("/") for g in globs]
    return lambda path: any(fnmatchcase(path, p) or fnmatchcase(path, p + "/*") for p in patterns)


def apply(config: LintConfig, findings: list[Finding]) -> list[Finding]:
    """The findings ``config`` keeps (selected, not excluded, not "off"),
    with its severities, in report order."""
    excluded = path_matcher(config.exclude)
    kept = []
    for f in findings:
        if not is_active(config, f.rule) or excluded(f.path):
            continue
        level = config.severity.get(f.rule, f.severity)
        if level != "off":
            kept.append(f if level == f.severity else replace(f, severity=as_severity(level)))
    return sorted(kept, key=Finding.sort_key)


def fails(config: LintConfig, findings: list[Finding]) -> bool:
    """Whether a finding at or above ``config.fail_on`` remains (exit status 1)."""
    threshold = _RANK[config.fail_on]
    return any(_RANK.get(f.severity, _RANK["warning"]) >= threshold for f in findings)
