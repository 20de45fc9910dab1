"""The ``briefs`` console script.

Each sub-command lives in its own module of this package and exposes
``register(subparsers) -> None``, which adds an ``argparse`` parser whose ``handler`` default is a
``(args) -> int`` function. Other installed packages add commands the same way through the
``briefs.commands`` entry point group (the ``tui`` package contributes ``briefs tui``), so this
package never imports them. Registration must stay cheap: heavy imports (Litestar, Textual, rich)
happen inside the handler, so ``briefs --help`` stays fast; modules named ``_*`` are helpers,
not commands, and are not imported here.

Exit codes: 0 success; 1 the command ran and found a problem (e.g. invalid files); 2 bad usage or
invalid configuration.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from typing import Any

import service.cli

COMMANDS_GROUP = "briefs.commands"
"""Entry point group of commands other packages contribute: ``name = "module:register"``."""


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="briefs",
        description="Evolving news stories as timelines of dated briefs, and what changed.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    registers: dict[str, Callable[[Any], None]] = {}
    for module_info in pkgutil.iter_modules(service.cli.__path__):
        if module_info.name.startswith("_") or module_info.name == "main":
            continue
        module = importlib.import_module(f"service.cli.{module_info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            registers[module_info.name] = register
    for entry_point in entry_points(group=COMMANDS_GROUP):
        registers.setdefault(entry_point.name, entry_point.load())
    for name in sorted(registers):  # --help lists the commands alphabetically, wherever from
        registers[name](subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except KeyboardInterrupt:
        return 130
    return code


def run() -> None:  # pragma: no cover - the console-script shim
    """Entry point of the ``briefs`` console script."""
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
