"""A local runner for composite GitHub Actions, for the tests of action.yml.

It does what the GitHub runner does with a composite action's steps, on
this machine and without network: evaluates ``${{ }}`` expressions
(contexts ``inputs``, ``github``, ``env``, ``steps``, ``runner``;
operators ``! == != && ||``, parentheses, ``success() failure() always()
cancelled()``), runs ``run:`` steps with bash (``-e -o pipefail``, the
step's ``env`` and ``working-directory``), honours ``$GITHUB_OUTPUT``,
``$GITHUB_ENV`` and ``$GITHUB_PATH``, and skips steps whose ``if:`` is
false.  ``uses:`` steps (other actions, fetched from the network on
GitHub) are recorded with their evaluated ``with:`` instead of run.

:func:`offline_python` makes a ``python3`` for the steps whose ``-m venv``
gives a virtualenv whose ``pip`` records what it was asked to install and
whose ``kdocgen`` is the one under test: the install step then runs as
written, without the network.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>==|!=|&&|\|\||[!().,])"
                    r"|(?P<name>[A-Za-z_][\w-]*(?:\.[A-Za-z_*][\w-]*)*))")
_EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)


class ExpressionError(Exception):
    """An expression this runner cannot read."""


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, at = [], 0
    text = text.strip()
    while at < len(text):
        match = _TOKEN.match(text, at)
        if not match or match.end() == at:
            raise ExpressionError(f"cannot read expression at {text[at:]!r}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        at = match.end()
    return tokens


def _lookup(contexts: dict, dotted: str):
    value = contexts
    for part in dotted.split("."):
        if isinstance(value, dict):
            value = next((v for k, v in value.items() if k.lower() == part.lower()), None)
        else:
            return None
    return value


def _equal(a, b) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()  # GitHub compares strings ignoring case
    return a == b


def _truthy(value) -> bool:
    return value not in (None, False, 0, "")


class _Parser:
    """Recursive descent over ``||`` < ``&&`` < ``== !=`` < ``!`` < primary."""

    def __init__(self, tokens: list[tuple[str, str]], contexts: dict, status: str):
        self.tokens, self.at, self.contexts, self.status = tokens, 0, contexts, status

    def peek(self) -> str | None:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def parse(self):
        value = self.or_()
        if self.at != len(self.tokens):
            raise ExpressionError(f"unexpected {self.peek()!r}")
        return value

    def or_(self):
        return self._chain("||", self.and_, lambda left, right: left if _truthy(left) else right)

    def and_(self):
        return self._chain("&&", self.compare, lambda left, right: right if _truthy(left) else left)

    def _chain(self, op: str, operand, combine):
        value = operand()
        while self.peek() == op:
            self.take()
            value = combine(value, operand())
        return value

    def compare(self):
        value = self.unary()
        while self.peek() in ("==", "!="):
            op = self.take()[1]
            right = self.unary()
            value = _equal(value, right) if op == "==" else not _equal(value, right)
        return value

    def unary(self):
        if self.peek() == "!":
            self.take()
            return not _truthy(self.unary())
        return self.primary()

    def primary(self):
        kind, text = self.take()
        if text == "(":
            value = self.or_()
            self.take()
            return value
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            return float(text) if "." in text else int(text)
        if text in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[text]
        if self.peek() == "(":
            self.take()
            self.take()  # no arguments in the functions supported
            return {"success": self.status == "success", "failure": self.status == "failure",
                    "always": True, "cancelled": False}[text]
        return _lookup(self.contexts, text)


def evaluate(expression: str, contexts: dict, status: str = "success"):
    """The value of one expression (without ``${{ }}``)."""
    return _Parser(_tokens(expression), contexts, status).parse()


def substitute(text: str, contexts: dict) -> str:
    """``text`` with every ``${{ expr }}`` replaced by its value as a string."""
    def value(match: re.Match) -> str:
        result = evaluate(match.group(1), contexts)
        return "" if result is None else str(result).lower() if isinstance(result, bool) else str(result)
    return _EXPR.sub(value, str(text))


def condition(text, contexts: dict, status: str) -> bool:
    """An ``if:``: an expression with or without ``${{ }}``; implicit ``success()``."""
    if text is None:
        return status == "success"
    text = str(text).strip()
    inner = _EXPR.fullmatch(text)
    expression = inner.group(1) if inner else text
    if not re.search(r"\b(success|failure|always|cancelled)\(\)", expression):
        expression = f"success() && ({expression})"
    return _truthy(evaluate(expression, contexts, status))


@dataclass
class StepResult:
    """What one step did."""

    name: str
    ran: bool
    status: str = "skipped"  # success, failure or skipped
    stdout: str = ""
    stderr: str = ""
    uses: str = ""
    with_: dict = field(default_factory=dict)


@dataclass
class ActionRun:
    """The steps of a run and the action's outputs."""

    steps: list[StepResult]
    outputs: dict
    status: str

    def step(self, name: str) -> StepResult:
        return next(s for s in self.steps if s.name == name)


def _read_commands(path: Path) -> dict[str, str]:
    """``name=value`` and ``name<<DELIM`` blocks of a GITHUB_OUTPUT/GITHUB_ENV file."""
    values, lines = {}, path.read_text().splitlines() if path.exists() else []
    index = 0
    while index < len(lines):
        line = lines[index]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, index + 1)
            values[name] = "\n".join(lines[index + 1:end])
            index = end + 1
            continue
        if "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
        index += 1
    return values


def run_action(action_dir: Path, inputs: dict, *, workspace: Path, temp: Path, github: dict | None = None,
               env: dict | None = None) -> ActionRun:
    """Run the composite action in ``action_dir`` as a workflow step would."""
    action = yaml.safe_load((Path(action_dir) / "action.yml").read_text())
    assert action["runs"]["using"] == "composite", "only composite actions are run"
    given = {name: str(inputs.get(name, spec.get("default", ""))) for name, spec in action.get("inputs", {}).items()}
    unknown = set(inputs) - set(given)
    assert not unknown, f"inputs the action does not declare: {sorted(unknown)}"
    temp.mkdir(parents=True, exist_ok=True)
    base_env = {**os.environ, **(env or {}), "GITHUB_ACTION_PATH": str(action_dir),
                "GITHUB_WORKSPACE": str(workspace), "RUNNER_TEMP": str(temp), "CI": "true",
                "GITHUB_ACTIONS": "true"}
    contexts = {"inputs": given, "github": {"workspace": str(workspace), "action_path": str(action_dir),
                                            **(github or {})},
                "runner": {"temp": str(temp), "os": "Linux"}, "steps": {}, "env": dict(env or {})}
    extra_path: list[str] = []
    status, results = "success", []
    for number, step in enumerate(action["runs"]["steps"]):
        name = step.get("name") or step.get("id") or f"step {number + 1}"
        if not condition(step.get("if"), contexts, status):
            results.append(StepResult(name, False))
            continue
        if "uses" in step:
            results.append(StepResult(name, True, "success", uses=step["uses"],
                                      with_={k: substitute(v, contexts) for k, v in step.get("with", {}).items()}))
            continue
        files = {key: temp / f"{key.lower()}-{number}" for key in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH")}
        for file in files.values():
            file.write_text("")
        step_env = {**base_env, **{k: str(v) for k, v in files.items()},
                    **{k: substitute(v, contexts) for k, v in step.get("env", {}).items()}}
        step_env["PATH"] = os.pathsep.join([*reversed(extra_path), base_env["PATH"]])
        script = temp / f"step-{number}.sh"
        script.write_text(substitute(step["run"], contexts))
        cwd = substitute(step.get("working-directory", str(workspace)), contexts)
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=cwd,
                              env=step_env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        result = StepResult(name, True, "success" if done.returncode == 0 else "failure", done.stdout, done.stderr)
        results.append(result)
        if "id" in step:
            contexts["steps"][step["id"]] = {"outputs": _read_commands(files["GITHUB_OUTPUT"]),
                                             "outcome": result.status, "conclusion": result.status}
        base_env.update(_read_commands(files["GITHUB_ENV"]))
        extra_path += [line for line in files["GITHUB_PATH"].read_text().splitlines() if line.strip()]
        if result.status == "failure":
            status = "failure"
    outputs = {name: substitute(spec["value"], contexts) for name, spec in action.get("outputs", {}).items()}
    return ActionRun(results, outputs, status)


def offline_python(folder: Path) -> Path:
    """A folder holding a ``python3`` for the action's steps (put it first
    on PATH): ``python3 -m venv DIR`` makes DIR/bin/pip, which records its
    arguments in ``folder/pip.log`` and checks it was given a kdocgen
    source folder, and DIR/bin/kdocgen, the kdocgen under test; anything
    else runs the real interpreter."""
    folder.mkdir(parents=True, exist_ok=True)
    python = folder / "python3"
    log = folder / "pip.log"
    python.write_text(f"""#!/bin/sh
if [ "$1" = -m ] && [ "$2" = venv ] && [ -n "$3" ]; then
    mkdir -p "$3/bin"
    cat > "$3/bin/pip" <<'EOF'
#!/bin/sh
echo "$@" >> {log}
for last; do :; done
grep -q '^name = "kdocgen"' "$last/pyproject.toml" || {{ echo "pip: $last is not kdocgen" >&2; exit 1; }}
EOF
    printf '#!/bin/sh\\nexec %s -m kdocgen "$@"\\n' {sys.executable} > "$3/bin/kdocgen"
    chmod +x "$3/bin/pip" "$3/bin/kdocgen"
    exit 0
fi
exec {sys.executable} "$@"
""")
    python.chmod(0o755)
    return folder
