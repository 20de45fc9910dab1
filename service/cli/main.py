"""The ``briefs`` console script.

Each sub-command lives in its own module of this package and exposes
``register(subparsers) -> None``, which adds an ``argparse`` parser whose ``handler`` default is a
``(args) -> int`` function: a `service.cli._command.Command` declaration (texts, a table of
arguments, the handler) is such a ``register``. Other installed packages add commands the same
way through the ``briefs.commands`` entry point group (the ``tui`` package contributes
``briefs tui``), so this package never imports them. Registration must stay cheap: heavy
imports (Litestar, Textual, rich) happen inside the handler, so ``briefs --help`` stays fast;
modules named ``_*`` are helpers, not commands, and are not imported here.

Failures are one line on stderr, never a traceback: handlers report the errors they expect
themselves, and `main` is the one boundary for the rest (driver errors, a full disk, an
unreachable database). ``--debug`` or ``BRIEFS_DEBUG=1`` adds the traceback. The exit codes are
listed in `EXIT_CODES`, which ``briefs --help`` shows.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import logging
import os
import pkgutil
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import entry_points
from typing import Any

import service.cli

COMMANDS_GROUP = "briefs.commands"
"""Entry point group of commands other packages contribute: ``name = "module:register"``."""

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70  # sysexits.h EX_SOFTWARE: a bug, not the operator's doing
EXIT_INTERRUPTED = 130

EXIT_CODES = f"""\
exit codes:
  {EXIT_OK:<3} success
  {EXIT_FAILED:<3} the command failed: invalid files, a conflict or a missing record, or the
      database or disk failed (unreachable, full, read-only)
  {EXIT_USAGE:<3} bad usage, invalid configuration or invalid input
  {EXIT_INTERNAL:<3} an internal error (a bug): rerun with --debug and report the traceback
  {EXIT_INTERRUPTED:<3} interrupted (Ctrl-C)
  (briefs healthcheck exits 0 or 1 only: the codes Docker reads)

Every failure is one line on stderr; --debug or BRIEFS_DEBUG=1 adds the traceback."""

_TRUE = {"1", "true", "yes", "on"}


def version() -> str:
    """The installed distribution's version."""
    try:
        return importlib.metadata.version("briefs")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree, not installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="briefs",
        description="Evolving news stories as timelines of dated briefs, and what changed.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"briefs {version()}",
        help="print the version (briefs X.Y.Z) and exit",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show the traceback of a failure (also BRIEFS_DEBUG=1)",
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
    _name_commands(parser)
    return parser


def _name_commands(parser: argparse.ArgumentParser) -> None:
    """Give every (sub-)parser's namespace its ``prog`` (``briefs token create``), so that a
    failure names the command it came from; the innermost parser's default wins."""
    parser.set_defaults(command_prog=parser.prog)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                _name_commands(subparser)


def debug_requested(args: argparse.Namespace, environ: Mapping[str, str]) -> bool:
    """``--debug`` or a true ``BRIEFS_DEBUG``."""
    if args.debug:
        return True
    return environ.get("BRIEFS_DEBUG", "").strip().lower() in _TRUE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = debug_requested(args, os.environ)
    driver_log = _DriverLog.install(show=debug)
    try:
        code: int = args.handler(args)
        sys.stdout.flush()  # here, not at exit: a closed pipe is then reported like any error
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`briefs ... | head`): nothing to say, and nobody to say it to.
        _discard_stdout()
        return EXIT_FAILED
    except Exception as error:
        if debug:
            traceback.print_exc(file=sys.stderr)
        code, message = describe_failure(error, driver_log.last)
        print(f"{args.command_prog}: {message}", file=sys.stderr)
        return code
    finally:
        driver_log.remove()
    return code


def _discard_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's final flush does not fail again."""
    try:
        fileno = sys.stdout.fileno()
    except (AttributeError, ValueError, OSError):  # not a real file (a test's capture)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)


def describe_failure(error: Exception, last_driver_warning: str | None = None) -> tuple[int, str]:
    """The exit code and the one-line message for an error no handler caught."""
    from service.domain.errors import DomainError, first_line
    from service.domain.files import StoryFileError
    from service.settings import ConfigError

    code = EXIT_FAILED
    if isinstance(error, ConfigError):
        code, message = EXIT_USAGE, str(error)
    elif isinstance(error, DomainError):
        message = error.detail
    elif isinstance(error, StoryFileError):
        message = str(error)
    elif _is_validation_error(error):
        code, message = EXIT_USAGE, f"invalid input: {first_line(error)}"
    elif _is_database_error(error):
        message = f"cannot use the database: {_database_reason(error, last_driver_warning)}"
    elif isinstance(error, OSError):
        message = _describe_os_error(error)
    else:
        code = EXIT_INTERNAL
        message = (
            f"internal error: {type(error).__name__}: {first_line(error)} "
            "(rerun with --debug for the traceback)"
        )
    return code, message


def _database_reason(error: Exception, last_driver_warning: str | None) -> str:
    from service.domain.errors import first_line

    reason = first_line(error)
    code_name = getattr(error, "sqlite_errorname", None)  # e.g. SQLITE_FULL, SQLITE_READONLY
    if code_name:
        reason = f"{reason} ({code_name})"
    if last_driver_warning and last_driver_warning not in reason:
        # A pool timeout says only that it gave up; the driver's last warning says why.
        reason = f"{reason} ({last_driver_warning})"
    return reason


def _describe_os_error(error: OSError) -> str:
    reason = error.strerror or str(error) or type(error).__name__
    reason = reason[:1].lower() + reason[1:]
    if error.filename is not None:
        return f"{error.filename}: {reason}"
    return reason


def _is_validation_error(error: Exception) -> bool:
    validation_error = _loaded_class("msgspec", "ValidationError")
    return validation_error is not None and isinstance(error, validation_error)


def _is_database_error(error: Exception) -> bool:
    # Only drivers already imported can have raised: looking them up never imports them.
    for module, name in (
        ("sqlite3", "Error"),
        ("psycopg", "Error"),
        ("psycopg_pool", "PoolTimeout"),
    ):
        cls = _loaded_class(module, name)
        if cls is not None and isinstance(error, cls):
            return True
    return False


def _loaded_class(module: str, name: str) -> type[BaseException] | None:
    loaded = sys.modules.get(module)
    cls = getattr(loaded, name, None) if loaded is not None else None
    return cls if isinstance(cls, type) and issubclass(cls, BaseException) else None


class _DriverLog(logging.Handler):
    """Keeps the database driver's last warning instead of printing it.

    psycopg's pool logs each failed connection attempt as a warning; with no logging configured
    Python prints them all to stderr (``logging.lastResort``): a dozen lines before any error.
    This handler takes them (so nothing is printed) and keeps the last one for the failure's one
    line. Records still propagate, so ``briefs serve``'s own log configuration sees them all.
    """

    LOGGER = "psycopg"

    def __init__(self, *, show: bool) -> None:
        super().__init__(level=logging.WARNING)
        self.last: str | None = None
        self.show = show

    @classmethod
    def install(cls, *, show: bool) -> _DriverLog:
        handler = cls(show=show)
        logging.getLogger(cls.LOGGER).addHandler(handler)
        return handler

    def remove(self) -> None:
        logging.getLogger(self.LOGGER).removeHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        self.last = message.splitlines()[0] if message else None
        if self.show:
            print(f"{record.name}: {message}", file=sys.stderr)


def run() -> None:  # pragma: no cover - the console-script shim
    """Entry point of the ``briefs`` console script."""
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
