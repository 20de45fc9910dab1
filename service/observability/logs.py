"""Structured logs on stdout: JSON lines for machines, a compact line format for people.

Plain stdlib ``logging`` with a small msgspec formatter, not structlog: Litestar, granian and
psycopg already log through stdlib loggers, so one formatter on the root logger renders all of
them the same way, without a second logging pipeline to bridge and without a new dependency.

Records are formatted and written in the thread that logs them, deliberately not through a
``QueueHandler`` thread: under load that thread competes for the GIL with the event loop, and
every call that releases the GIL (a SQLite query, ``os.urandom``) then waits to get it back, which
cost the API 30-50% of its throughput in docs/perf/api.md. Writing a line to a pipe takes
microseconds; if the log consumer stalls, the service slows down instead of queueing records in
memory without bound, and no line is lost when the process dies.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from typing import Any, ClassVar, Literal, TextIO

import msgspec
from litestar.logging.config import BaseLoggingConfig
from litestar.types import GetLogger
from litestar.types.callable_types import ExceptionLoggingHandler

from service.settings import Settings

# Attributes every LogRecord has; anything else on a record came in through ``extra=``.
_RECORD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None)).keys()
) | {"message", "asctime", "taskName"}

_encoder = msgspec.json.Encoder(enc_hook=repr)


def record_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The structured fields passed to a log call with ``extra=``."""
    return {
        key: value
        for key, value in vars(record).items()
        if key not in _RECORD_ATTRIBUTES and not key.startswith("_")
    }


class _Second:
    """The ISO 8601 text of the last whole second formatted (records come many per second).

    One tuple, replaced whole, so a thread never pairs one second with another's text.
    """

    cached: tuple[int, str] = (-1, "")


def _timestamp(record: logging.LogRecord) -> str:
    """``YYYY-MM-DDTHH:MM:SS.mmmZ`` (UTC) of the record: its second and ``msecs``, as logging's
    own ``formatTime`` splits them."""
    return _iso(int(record.created), int(record.msecs))


def _iso(second: int, msecs: int) -> str:
    cached_second, text = _Second.cached
    if second != cached_second:
        text = dt.datetime.fromtimestamp(second, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
        _Second.cached = (second, text)
    return f"{text}.{msecs:03d}Z"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``ts``, ``level``, ``logger``, ``msg``, the extra fields, and
    ``exc`` (the formatted traceback) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        """Render one record as a single JSON line (newlines inside values are escaped)."""
        payload: dict[str, Any] = {
            "ts": _timestamp(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        # `record_fields` in the same pass (not a dict of them, then a copy: ~0.7 µs a line).
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and key[0] != "_" and key not in payload:
                payload[key] = value  # an extra field never replaces the four above
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            payload["stack"] = self.formatStack(record.stack_info)
        return _encoder.encode(payload).decode()


class ConsoleFormatter(logging.Formatter):
    """``HH:MM:SS.mmm LEVEL logger message key=value ...`` for a terminal, level in colour."""

    _COLOURS: ClassVar[dict[int, str]] = {
        logging.DEBUG: "\x1b[2m",
        logging.INFO: "\x1b[32m",
        logging.WARNING: "\x1b[33m",
        logging.ERROR: "\x1b[31m",
        logging.CRITICAL: "\x1b[1;31m",
    }

    def __init__(self, *, colour: bool = True) -> None:
        super().__init__()
        self._colour = colour

    def format(self, record: logging.LogRecord) -> str:
        """Render one record as a short human-readable line (plus a traceback if any)."""
        created = dt.datetime.fromtimestamp(record.created, tz=dt.UTC)
        level = f"{record.levelname:<7}"
        if self._colour:
            level = f"{self._COLOURS.get(record.levelno, '')}{level}\x1b[0m"
        fields = " ".join(
            f"{key}={value}" for key, value in record_fields(record).items() if value is not None
        )
        line = f"{created:%H:%M:%S}.{created.microsecond // 1000:03d} {level} {record.name}: "
        line += record.getMessage() + (f"  {fields}" if fields else "")
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class _Installed:
    """What ``configure_logging`` put in place, so that a second call replaces it."""

    handler: logging.StreamHandler[TextIO] | None = None


def choose_formatter(log_format: str, stream: TextIO) -> logging.Formatter:
    """The formatter for ``log_format``: ``auto`` means console on a terminal, else JSON."""
    if log_format == "json" or (log_format == "auto" and not stream.isatty()):
        return JsonFormatter()
    return ConsoleFormatter(colour=stream.isatty())


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """Send every log record (root logger) to ``stream`` (stdout) in the configured format.

    Idempotent: calling it again replaces what the previous call installed and leaves handlers
    that others added (pytest's capture, for instance) in place.
    """
    output = stream if stream is not None else sys.stdout
    handler = logging.StreamHandler(output)
    handler.setFormatter(choose_formatter(settings.log_format, output))
    root = logging.getLogger()
    _uninstall()
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    _Installed.handler = handler


def granian_log_config(settings: Settings) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for granian's own loggers (``Server(log_dictconfig=...)``):
    its process manager logs start, workers and shutdown in the same format as the app, so that
    stdout stays one JSON object per line."""

    def formatter() -> logging.Formatter:
        return choose_formatter(settings.log_format, sys.stdout)

    level = settings.log_level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"briefs": {"()": formatter}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "briefs",
                "stream": "ext://sys.stdout",
            }
        },
        "loggers": {
            "_granian": {"handlers": ["stdout"], "level": level, "propagate": False},
            "granian.access": {"handlers": ["stdout"], "level": level, "propagate": False},
        },
    }


def flush_logs() -> None:
    """Flush the stream the records go to."""
    if _Installed.handler is not None:
        _Installed.handler.flush()


def reset_logging() -> None:
    """Remove what ``configure_logging`` installed (tests use it to leave the root logger clean)."""
    _uninstall()


def _uninstall() -> None:
    if _Installed.handler is not None:
        logging.getLogger().removeHandler(_Installed.handler)
        _Installed.handler = None


class BriefsLoggingConfig(BaseLoggingConfig):
    """Litestar's logging seam: it configures logging when the app is built.

    Litestar's own exception logging stays off: the API's catch-all error handler
    (``service.api.errors``) logs each unhandled error once, with its request id, and a second
    copy here would double every traceback.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.log_exceptions: Literal["always", "debug", "never"] = "never"
        self.exception_logging_handler: ExceptionLoggingHandler | None = None
        self.disable_stack_trace: set[int | type[Exception]] = set()
        self.traceback_line_limit = -1

    def configure(self) -> GetLogger:
        """Install the handlers; Litestar calls this once, when the app is constructed."""
        configure_logging(self.settings)
        return logging.getLogger

    @staticmethod
    def set_level(logger: Any, level: int) -> None:
        """Change one logger's level (Litestar calls this when ``app.debug`` changes)."""
        logger.setLevel(level)
