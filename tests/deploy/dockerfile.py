"""A small Dockerfile reader for the deployment tests: stages, instructions, ENV and exec forms.

It understands what our Dockerfile uses (line continuations, comments, ``ARG`` defaults in
``FROM``, ``KEY=value`` ENV pairs with ``$VAR`` references, JSON exec forms) and fails loudly on
anything else, so a policy test can never pass because the parser skipped a line.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

_VARIABLE = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)


@dataclass(frozen=True)
class Instruction:
    """One instruction: upper-case keyword, its argument text, and the line it starts on."""

    keyword: str
    arguments: str
    line: int


@dataclass
class Stage:
    """A build stage: its base image (ARGs substituted), name and instructions."""

    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        """Every instruction with this keyword, in order."""
        return [item for item in self.instructions if item.keyword == keyword]

    def last(self, keyword: str) -> Instruction | None:
        """The instruction with this keyword that takes effect (the last one)."""
        found = self.all(keyword)
        return found[-1] if found else None

    def env(self, inherited: Mapping[str, str] | None = None) -> dict[str, str]:
        """The variables ``ENV`` sets, in order, ``$VAR`` expanded against earlier ones and
        ``inherited`` (the base image's environment, e.g. the host's ``PATH``)."""
        known = dict(inherited or {})
        result: dict[str, str] = {}
        for item in self.all("ENV"):
            for word in shlex.split(item.arguments):
                if "=" not in word:
                    raise ValueError(f"line {item.line}: only ENV KEY=value is supported")
                key, value = word.split("=", 1)
                value = expand(value, known)
                known[key] = result[key] = value
        return result


@dataclass
class Dockerfile:
    """The parsed file: global ARG defaults and the stages in order."""

    args: dict[str, str]
    stages: list[Stage]

    @property
    def final(self) -> Stage:
        """The stage ``docker build`` produces by default (the last one)."""
        return self.stages[-1]


def expand(text: str, variables: Mapping[str, str]) -> str:
    """``$NAME`` and ``${NAME}`` replaced from ``variables`` (unknown ones become empty)."""

    def replace(match: re.Match[str]) -> str:
        return variables.get(match.group("braced") or match.group("plain"), "")

    return _VARIABLE.sub(replace, text)


def exec_form(arguments: str) -> list[str] | None:
    """The argv of a JSON exec form (``["a", "b"]``), or None for the shell form."""
    text = arguments.strip()
    if not text.startswith("["):
        return None
    argv = json.loads(text)
    if not isinstance(argv, list) or not all(isinstance(item, str) for item in argv):
        raise ValueError(f"not an exec form: {arguments}")
    return argv


def healthcheck_command(arguments: str) -> tuple[dict[str, str], list[str] | None]:
    """Split ``HEALTHCHECK [--option=value ...] CMD ...`` into options and the exec-form argv."""
    options: dict[str, str] = {}
    rest = arguments.strip()
    while rest.startswith("--"):
        option, _, rest = rest.partition(" ")
        key, _, value = option[2:].partition("=")
        options[key] = value
        rest = rest.lstrip()
    keyword, _, command = rest.partition(" ")
    if keyword.upper() != "CMD":
        raise ValueError(f"HEALTHCHECK without CMD: {arguments}")
    return options, exec_form(command)


def _logical_lines(text: str) -> list[tuple[int, str]]:
    lines: list[tuple[int, str]] = []
    buffer: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and not buffer):
            continue
        if not buffer:
            start = number
        if stripped.endswith("\\"):
            buffer.append(stripped[:-1].strip())
            continue
        buffer.append(stripped)
        lines.append((start, " ".join(part for part in buffer if part)))
        buffer = []
    if buffer:
        raise ValueError("the file ends inside a line continuation")
    return lines


def parse(path: Path) -> Dockerfile:
    """Parse the Dockerfile at ``path``."""
    return parse_text(path.read_text())


def parse_text(source: str) -> Dockerfile:
    """Parse Dockerfile text."""
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line, text in _logical_lines(source):
        keyword, _, arguments = text.partition(" ")
        keyword = keyword.upper()
        arguments = arguments.strip()
        if keyword == "FROM":
            words = arguments.split()
            name = None
            if len(words) == 3 and words[1].upper() == "AS":
                name = words[2]
            elif len(words) != 1:
                raise ValueError(f"line {line}: unsupported FROM {arguments!r}")
            stages.append(Stage(base=expand(words[0], args), name=name))
        elif not stages:
            if keyword != "ARG":
                raise ValueError(f"line {line}: {keyword} before the first FROM")
            key, _, default = arguments.partition("=")
            args[key] = default
        else:
            stages[-1].instructions.append(Instruction(keyword, arguments, line))
    if not stages:
        raise ValueError("no FROM in the Dockerfile")
    return Dockerfile(args=args, stages=stages)
