"""Service configuration: a frozen Struct, loaded from ``BRIEFS_*`` environment variables only at
the entry point (``briefs serve`` and friends). Nothing reads the environment at import time.

Every field maps to ``BRIEFS_<FIELD NAME IN UPPER CASE>``; docs/configuration.md lists them all.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

import msgspec

ENV_PREFIX = "BRIEFS_"

LogLevel = Literal["debug", "info", "warning", "error", "critical"]
LogFormat = Literal["auto", "json", "console"]


class ConfigError(Exception):
    """Invalid configuration; ``str()`` is one line naming the variable and the problem."""


class Settings(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Every setting of the service, with its default."""

    host: str = "127.0.0.1"
    """Interface to listen on (``0.0.0.0`` in the container)."""
    port: Annotated[int, msgspec.Meta(ge=1, le=65535)] = 8000
    """TCP port to listen on."""
    database_url: str = "sqlite:///data/briefs.db"
    """``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db`` or ``postgresql://...``."""
    load_fixtures: bool = True
    """Load the fixture story on first start with an empty database."""
    fixtures_dir: Path | None = None
    """Folder of story folders to load; default: the fixtures shipped with Briefs."""
    require_auth_for_reads: bool = False
    """When true, every read needs a token with the ``read`` scope."""
    cache_bytes: Annotated[int, msgspec.Meta(ge=0)] = 64 * 1024 * 1024
    """Upper bound of the in-memory cache of encoded, immutable responses."""
    max_body_bytes: Annotated[int, msgspec.Meta(ge=1024)] = 1024 * 1024
    """Largest accepted request body; larger ones get 413."""
    body_timeout_seconds: Annotated[float, msgspec.Meta(gt=0, le=3600)] = 30.0
    """How long reading one request body may take; a slower upload gets 408 and is closed."""
    cors_origins: tuple[str, ...] = ()
    """Origins allowed by CORS (comma-separated); empty disables CORS. No wildcard by default."""
    log_level: LogLevel = "info"
    """Lowest level logged."""
    log_format: LogFormat = "auto"
    """``json`` lines, ``console`` for people, or ``auto`` (console on a terminal, else JSON)."""
    workers: Annotated[int, msgspec.Meta(ge=1, le=64)] = 1
    """Server worker processes."""
    db_pool_size: Annotated[int, msgspec.Meta(ge=1, le=200)] = 10
    """PostgreSQL connection pool size per worker."""
    auth_failure_limit: Annotated[int, msgspec.Meta(ge=0)] = 20
    """Failed authentications one client address may make per window, per worker; then 429
    with ``Retry-After`` until the window ends. 0 turns the limit off."""
    auth_failure_window_seconds: Annotated[float, msgspec.Meta(gt=0, le=86400)] = 60.0
    """The window of ``auth_failure_limit``, in seconds."""
    shutdown_grace_seconds: Annotated[float, msgspec.Meta(ge=0, le=300)] = 10.0
    """How long in-flight requests may run after SIGTERM."""
    public_base_url: (
        Annotated[str, msgspec.Meta(pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$")] | None
    ) = None
    """Absolute URL the API is reached at (``https://briefs.example.org``): the base of the URIs
    in ninjs exports. Unset: the base URL of each request."""
    feed_page_size: Annotated[int, msgspec.Meta(ge=1, le=500)] = 25
    """Entries per page of the Atom feeds; older entries are on the ``next`` pages."""
    stream_heartbeat_seconds: Annotated[float, msgspec.Meta(gt=0, le=3600)] = 15.0
    """Seconds between the heartbeat comments of an idle change stream (so proxies keep it)."""
    stream_queue_size: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 256
    """Changes queued per change stream; a client that falls further behind is disconnected."""
    webhook_delivery: bool = True
    """Run the webhook deliverer in this process (false: it only serves the API; another
    process or replica sharing the database delivers)."""
    webhook_allow_hosts: tuple[str, ...] = ()
    """Webhook target hosts (names or IP addresses, comma-separated, matched exactly) allowed
    even though they resolve to a loopback, private, link-local or otherwise internal address,
    which are refused by default."""
    webhook_timeout_seconds: Annotated[float, msgspec.Meta(gt=0, le=120)] = 10.0
    """How long one webhook delivery may take (connect, send, response); then it is retried."""
    webhook_max_attempts: Annotated[int, msgspec.Meta(ge=1, le=30)] = 8
    """Attempts at each change before the endpoint gives up on it and moves on."""
    webhook_retry_base_seconds: Annotated[float, msgspec.Meta(gt=0, le=3600)] = 5.0
    """The first retry's delay; each later one doubles it (at most six hours), with jitter."""
    webhook_disable_after_failures: Annotated[int, msgspec.Meta(ge=1)] = 10
    """Changes given up on in a row after which an endpoint is disabled."""
    webhook_disable_after_seconds: Annotated[float, msgspec.Meta(gt=0)] = 5 * 86400.0
    """How long an endpoint may fail without a success before it is disabled (default 5 days)."""
    webhook_poll_seconds: Annotated[float, msgspec.Meta(gt=0, le=3600)] = 5.0
    """How often the deliverer looks for work without a wake-up (changes on other replicas of
    SQLite, retries due on other replicas)."""

    @property
    def is_postgres(self) -> bool:
        """Whether the database URL names PostgreSQL."""
        return self.database_url.startswith(("postgresql://", "postgres://"))

    @property
    def sqlite_path(self) -> Path:
        """The SQLite file named by ``database_url`` (only meaningful when not PostgreSQL)."""
        return Path(self.database_url.removeprefix("sqlite:///"))


_TRUE = {"1", "true", "yes", "on"}
_LISTS = {"cors_origins", "webhook_allow_hosts"}
"""The settings given as comma-separated lists."""
_FALSE = {"0", "false", "no", "off"}


def load_settings(environ: Mapping[str, str], **overrides: object) -> Settings:
    """Build settings from ``BRIEFS_*`` variables, then apply explicit overrides (CLI flags).

    Raises `ConfigError` with a one-line message on any invalid value or unknown variable.
    """
    raw: dict[str, object] = {}
    fields = set(Settings.__struct_fields__)
    for key, value in environ.items():
        if not key.startswith(ENV_PREFIX):
            continue
        name = key.removeprefix(ENV_PREFIX).lower()
        if name not in fields:
            continue  # other BRIEFS_* variables belong to the client and the TUI
        raw[name] = _parse(name, value)
    raw.update({key: value for key, value in overrides.items() if value is not None})
    try:
        settings = msgspec.convert(raw, Settings, strict=False)
    except msgspec.ValidationError as error:
        raise ConfigError(_explain(error, raw)) from None
    _check_database_url(settings.database_url)
    return settings


def _parse(name: str, value: str) -> object:
    field_type = Settings.__annotations__.get(name, "")
    if "bool" in str(field_type):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ConfigError(f"{ENV_PREFIX}{name.upper()}: expected true or false, got {value!r}")
    if name in _LISTS:
        return tuple(item.strip() for item in value.split(",") if item.strip())
    return value


_TYPE_WORDS = {"int": "an integer", "float": "a number", "Path": "a path"}


def _explain(error: msgspec.ValidationError, raw: Mapping[str, object]) -> str:
    message = str(error)
    if " - at `$." in message:
        text, path = message.rsplit(" - at `$.", 1)
        name = path.rstrip("`").split("[", 1)[0].split(".", 1)[0]
        return f"{ENV_PREFIX}{name.upper()}: {_reword(name, text, raw.get(name))}"
    return f"invalid configuration: {message}"


def _reword(name: str, text: str, value: object) -> str:
    """msgspec's wording, made about the variable: every environment value is a string, so
    "got `str`" says nothing; name the value and, for choices, the allowed ones."""
    expected = re.fullmatch(r"Expected `(\w+)`(?:, got `str`)?(.*)", text)
    if expected is not None:
        wanted = _TYPE_WORDS.get(expected.group(1), expected.group(1)) + expected.group(2)
        return f"expected {wanted}, got {value!r}"
    if text.startswith("Invalid enum value"):
        choices = typing.get_args(typing.get_type_hints(Settings)[name])
        return f"expected one of {', '.join(map(str, choices))}; got {value!r}"
    return text


def _check_database_url(url: str) -> None:
    if url.startswith(("postgresql://", "postgres://")):
        return
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        return
    # Never echo a whole URL: it may carry a password. The scheme is what is wrong anyway.
    shown = f"{url.split('://', 1)[0]}://..." if "://" in url else url
    raise ConfigError(
        f"{ENV_PREFIX}DATABASE_URL: expected sqlite:///PATH or postgresql://..., got {shown!r}"
    )
