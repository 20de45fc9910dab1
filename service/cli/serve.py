"""``briefs serve``: run the API on granian.

Settings come from ``BRIEFS_*`` environment variables plus the flags here; flags win. Workers are
separate processes that import ``service.api.asgi:app_from_environment``, so the flags reach them
through the environment: this command writes each given flag back as its ``BRIEFS_*`` variable
before starting granian.

On first start with an empty database the fixture stories are loaded once, here, before any worker
starts (unless ``--no-fixtures`` or ``BRIEFS_LOAD_FIXTURES=false``). SIGTERM/SIGINT stop granian
gracefully: in-flight requests finish, workers still busy after ``BRIEFS_SHUTDOWN_GRACE_SECONDS``
are killed.

One server per address: granian's workers each bind with ``SO_REUSEPORT``, which would let a
second ``briefs serve`` on the same port start silently and the kernel split the requests between
the two (and their databases). So the address is probe-bound first, without ``SO_REUSEPORT``, and
a taken port ends the command with one line and exit 1, before the database is touched.

Workers die with the master: each worker asks Linux for SIGTERM when its parent dies
(``PR_SET_PDEATHSIG``) and runs a watchdog thread that notices a changed parent pid, so a master
killed with SIGKILL (OOM killer, ``kill -9``) leaves no orphan serving the port.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import errno
import functools
import logging
import math
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

from service.cli._command import Arg, Command
from service.settings import ENV_PREFIX, ConfigError, Settings, load_settings

ASGI_TARGET = "service.api.asgi:app_from_environment"


def overrides_from(args: argparse.Namespace) -> dict[str, object]:
    """The settings the flags override (``None`` values are absent flags)."""
    return {
        "host": args.host,
        "port": args.port,
        "database_url": args.database_url,
        "load_fixtures": False if args.no_fixtures else None,
    }


def export_overrides(overrides: Mapping[str, object], environ: MutableMapping[str, str]) -> None:
    """Write the given overrides into ``environ`` as ``BRIEFS_*`` variables for the workers."""
    for name, value in overrides.items():
        if value is None:
            continue
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        environ[f"{ENV_PREFIX}{name.upper()}"] = text


class CannotListenError(Exception):
    """The address cannot be listened on; ``str()`` is the one line to print."""


def display_address(host: str, port: int) -> str:
    """``host:port``, with an IPv6 literal in brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def check_address_free(host: str, port: int) -> None:
    """Bind ``host:port`` once, without ``SO_REUSEPORT``, and let go; raise if that fails.

    A listening socket on the port (another server's, ours included) makes the bind fail even
    though granian's own sockets share the port among its workers. ``SO_REUSEADDR`` keeps
    connections of a previous run still in TIME_WAIT from blocking a restart. Two servers
    started in the same instant can both pass this check: it guards against the common
    mistake (a second server on a busy port), not against a race between two starts.
    """
    where = display_address(host, port)
    try:
        infos = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as error:
        raise CannotListenError(f"cannot listen on {where}: {error.strerror}") from None
    family, kind, proto, _, address = infos[0]
    try:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            reason = "address already in use (is another server running there?)"
        else:
            reason = (error.strerror or str(error)).lower()
        raise CannotListenError(f"cannot listen on {where}: {reason}") from None


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCHDOG_INTERVAL_SECONDS = 0.5


def die_with_parent(parent: int, grace_seconds: float) -> None:
    """Make this (worker) process stop when ``parent``, the master, is gone.

    On Linux the kernel sends SIGTERM the moment the parent dies (``PR_SET_PDEATHSIG``), which
    granian's worker takes as a graceful stop. A watchdog thread covers the rest: other systems,
    a parent already dead before the request was made, and a graceful stop that hangs (it is
    followed by SIGKILL after ``grace_seconds``, as the master would have done).
    """
    notified = _request_parent_death_signal(signal.SIGTERM)
    if os.getppid() != parent:  # died before the request: the kernel will not tell
        os.kill(os.getpid(), signal.SIGTERM)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCHDOG_INTERVAL_SECONDS)
        if not notified:
            os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(grace_seconds + 1)
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, name="briefs-parent-watchdog", daemon=True).start()


def _request_parent_death_signal(signum: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        # The process's own symbols include libc's: no library search (which may run ldconfig).
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0)) == 0
    except (OSError, AttributeError):  # no libc or no prctl: the watchdog alone then
        return False


def spawn_worker(
    spawn: Any, parent: int, grace_seconds: float, *args: object, **kwargs: object
) -> None:
    """granian's worker entry point, run in the new worker process after `die_with_parent`."""
    die_with_parent(parent, grace_seconds)
    spawn(*args, **kwargs)


async def load_fixtures_if_empty(settings: Settings) -> list[str]:
    """Open and migrate the store; load the fixture stories if it holds none. Returns their ids."""
    from service.domain.files import find_story_dirs, load_story_dir
    from service.fixtures import default_fixtures_dir
    from service.store.factory import open_store

    store = await open_store(settings)
    try:
        if not settings.load_fixtures or not await store.is_empty():
            return []
        root = settings.fixtures_dir or default_fixtures_dir()
        loaded = []
        for folder in find_story_dirs(Path(root)):
            story_folder = load_story_dir(folder)
            await store.import_folder(story_folder)
            loaded.append(story_folder.story.id)
        return loaded
    finally:
        await store.close()


def run(args: argparse.Namespace) -> int:
    """Prepare the database, then serve until SIGTERM/SIGINT."""
    overrides = overrides_from(args)
    try:
        settings = load_settings(os.environ, **overrides)
    except ConfigError as error:
        print(f"briefs serve: {error}", file=sys.stderr)
        return 2
    try:
        check_address_free(settings.host, settings.port)
    except CannotListenError as error:
        print(f"briefs serve: {error}", file=sys.stderr)
        return 1
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import MPServer, Server

    from service.domain.files import StoryFileError
    from service.observability.logs import (
        configure_logging,
        granian_log_config,
    )

    # Before the store opens: the pool's connection retries log in the app's format too.
    configure_logging(settings)

    try:
        loaded = asyncio.run(load_fixtures_if_empty(settings))
    except StoryFileError as error:
        print(f"briefs serve: cannot load fixtures: {error}", file=sys.stderr)
        return 1
    # The database's own errors (unreachable, full) are reported by the one boundary, `main`.
    if loaded:
        logging.getLogger("briefs.serve").info(
            "loaded fixture stories: %s", ", ".join(loaded), extra={"stories": loaded}
        )
    export_overrides(overrides, os.environ)
    grace = max(1, math.ceil(settings.shutdown_grace_seconds))
    server = Server(
        ASGI_TARGET,
        address=settings.host,
        port=settings.port,
        interface=Interfaces.ASGI,
        workers=settings.workers,
        factory=True,
        # Graceful shutdown: granian stops accepting, lets in-flight requests finish, and kills a
        # worker only when it is still busy after this many seconds.
        workers_kill_timeout=grace,
        log_access=False,  # the app logs one structured access line per request itself
        # granian's own lines (start, workers, shutdown) in the app's format: one JSON per line.
        log_level=LogLevels(settings.log_level.lower()),
        log_dictconfig=granian_log_config(settings),
    )
    if issubclass(Server, MPServer):  # workers are processes (not threads of a free-threaded build)
        # Module-level function and arguments: picklable, for the "spawn" start method too.
        server.serve(
            spawn_target=functools.partial(
                spawn_worker, MPServer._spawn_asgi_lifespan_worker, os.getpid(), grace
            )
        )
    else:  # pragma: no cover - free-threaded Python only
        server.serve()
    return 0


_DEFAULTS = Settings()  # the help shows the real defaults, never a copy of them

register = Command(
    name="serve",
    handler=run,
    help="run the REST API (granian, ASGI)",
    description=(
        "Run the Briefs REST API until SIGTERM or SIGINT (in-flight requests finish). "
        "Configuration: BRIEFS_* variables (docs/configuration.md) and these flags, "
        "which win. An address already in use is refused (exit 1)."
    ),
    arguments=(
        Arg("--host", help=f"interface to listen on (BRIEFS_HOST, default {_DEFAULTS.host})"),
        Arg("--port", type=int, help=f"TCP port (BRIEFS_PORT, default {_DEFAULTS.port})"),
        Arg(
            "--database-url",
            help="sqlite:///PATH or postgresql://... "
            f"(BRIEFS_DATABASE_URL, default {_DEFAULTS.database_url})",
        ),
        Arg(
            "--no-fixtures",
            action="store_true",
            help="do not load the fixture stories into an empty database",
        ),
    ),
)
