"""The command declarations: `Command`, `CommandGroup`, `Commands` and `Arg`."""

from __future__ import annotations

import argparse

import pytest

from service.cli._command import Arg, Command, CommandGroup, Commands, color_option


def _handler(args: argparse.Namespace) -> int:
    del args
    return 0


def _parser() -> tuple[
    argparse.ArgumentParser, argparse._SubParsersAction[argparse.ArgumentParser]
]:
    parser = argparse.ArgumentParser(prog="briefs")
    return parser, parser.add_subparsers(dest="command", required=True)


def _add_pair(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--first")
    parser.add_argument("--second")


def test_a_command_applies_its_table_in_order_and_sets_handler_and_parser() -> None:
    parser, subparsers = _parser()
    command = Command(
        name="demo",
        handler=_handler,
        help="a demo",
        description="A demo command.",
        arguments=(Arg("item", metavar="ITEM"), _add_pair, color_option("the output")),
    )
    added = command(subparsers)
    args = parser.parse_args(["demo", "x", "--second", "2", "--color", "never"])
    assert (args.item, args.first, args.second, args.color) == ("x", None, "2", "never")
    assert args.handler is _handler
    assert args.command_parser is added
    assert [action.dest for action in added._actions] == [
        "help",
        "item",
        "first",
        "second",
        "color",
    ]


def test_texts_with_line_breaks_are_printed_as_written_others_wrapped() -> None:
    _, subparsers = _parser()
    written = Command(name="a", handler=_handler, help="a", description="one\n  two")
    wrapped = Command(name="b", handler=_handler, help="b", description="one two " * 20)
    assert written(subparsers).formatter_class is argparse.RawDescriptionHelpFormatter
    assert wrapped(subparsers).formatter_class is argparse.HelpFormatter


def test_a_group_requires_one_of_its_actions() -> None:
    parser, subparsers = _parser()
    group = CommandGroup(
        name="db",
        help="database",
        description="Database operations.",
        dest="db_command",
        actions=(Command(name="upgrade", handler=_handler, help="up", description="Up."),),
    )
    Commands(group)(subparsers)
    assert parser.parse_args(["db", "upgrade"]).db_command == "upgrade"
    with pytest.raises(SystemExit):
        parser.parse_args(["db"])
