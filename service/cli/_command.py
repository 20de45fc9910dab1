"""How a ``briefs`` command declares itself: its texts, a table of its arguments, its handler.

A command module's ``register`` is a declaration, not a run of argparse calls::

    register = Command(
        name="push",
        handler=run,
        help="store a brief file as a new brief or a new revision",
        description="...",
        arguments=(
            Arg("file", type=Path, metavar="FILE", help="the brief document to store"),
            add_story_option_arguments,  # a shared group: --story, --url, --token-file
            Arg("--note", metavar="TEXT", help="why this revision is made"),
        ),
    )

`Command` adds the parser (calling it with the parent's ``subparsers`` is the ``register`` that
`service.cli.main` expects), applies the arguments in order, and sets the defaults every handler
relies on: ``handler`` and ``command_parser`` (for ``parser.error``). An argument is an `Arg`
(one ``add_argument`` call, as data) or a function adding a group of arguments shared by several
commands (``add_target_arguments``, ``add_color_argument``). `CommandGroup` is a command whose
actions are commands (``briefs token create``); `Commands` registers several from one module.

A description or epilog written with line breaks is printed as written (examples, aligned
lists); one without is wrapped to the terminal, as argparse does by default.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

Handler = Callable[[argparse.Namespace], int]
"""What a command runs: the parsed arguments in, the exit code out."""

ArgumentGroup = Callable[[argparse.ArgumentParser], None]
"""A function adding arguments several commands share (e.g. ``add_target_arguments``)."""


@dataclass(frozen=True, slots=True, init=False)
class Arg:
    """One ``parser.add_argument(*names, **options)`` call, as data."""

    names: tuple[str, ...]
    options: dict[str, Any]

    def __init__(self, *names: str, **options: Any) -> None:
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "options", options)

    def __call__(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(*self.names, **self.options)


Argument = Arg | ArgumentGroup
"""An entry of a command's argument table."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    """A sub-command: ``briefs NAME``, or an action of a `CommandGroup`."""

    name: str
    handler: Handler
    help: str
    """The one line ``briefs --help`` lists it with."""
    description: str
    epilog: str | None = None
    usage: str | None = None
    """Only where argparse's generated usage line would mislead."""
    arguments: Sequence[Argument] = field(default=())

    def __call__(self, subparsers: Any) -> argparse.ArgumentParser:
        """Add this command to ``subparsers`` (an ``add_subparsers()`` result)."""
        parser: argparse.ArgumentParser = subparsers.add_parser(
            self.name,
            help=self.help,
            description=self.description,
            epilog=self.epilog,
            usage=self.usage,
            formatter_class=_formatter(self.description, self.epilog),
        )
        for argument in self.arguments:
            argument(parser)
        parser.set_defaults(handler=self.handler, command_parser=parser)
        return parser


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandGroup:
    """A command whose actions are commands of their own: ``briefs db upgrade``."""

    name: str
    help: str
    description: str
    actions: Sequence[Command]
    dest: str
    """The namespace attribute naming the action chosen (``db_command``)."""

    def __call__(self, subparsers: Any) -> argparse.ArgumentParser:
        """Add the group and its actions to ``subparsers``; an action is required."""
        parser: argparse.ArgumentParser = subparsers.add_parser(
            self.name, help=self.help, description=self.description
        )
        actions = parser.add_subparsers(dest=self.dest, metavar="ACTION", required=True)
        for action in self.actions:
            action(actions)
        return parser


@dataclass(frozen=True, slots=True, init=False)
class Commands:
    """Several top-level commands declared in one module (``briefs issue`` and ``stance``)."""

    commands: tuple[Command | CommandGroup, ...]

    def __init__(self, *commands: Command | CommandGroup) -> None:
        object.__setattr__(self, "commands", commands)

    def __call__(self, subparsers: Any) -> None:
        for command in self.commands:
            command(subparsers)


def as_of_date(text: str) -> dt.date:
    """An argparse type: a ``YYYY-MM-DD`` date."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-03-20") from None


def date_option(name: str, help: str, *, required: bool = False) -> Arg:
    """``NAME DATE``: an option taking a ``YYYY-MM-DD`` date (`as_of_date`)."""
    return Arg(name, type=as_of_date, metavar="DATE", required=required, help=help)


def color_option(what: str) -> Arg:
    """``--color auto|always|never``: whether to colour ``what`` (auto: on a terminal, unless
    ``NO_COLOR`` is set)."""
    return Arg(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help=f"colour {what}: auto (on a terminal, unless NO_COLOR is set), always, never",
    )


def _formatter(*texts: str | None) -> type[argparse.HelpFormatter]:
    if any(text is not None and "\n" in text for text in texts):
        return argparse.RawDescriptionHelpFormatter
    return argparse.HelpFormatter
