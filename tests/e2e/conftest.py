"""Real ``briefs serve`` processes for end-to-end tests.

Use the ``briefs_server`` fixture, a factory::

    async def test_something(briefs_server: ServerFactory, tmp_path: Path) -> None:
        server = briefs_server(f"sqlite:///{tmp_path / 'briefs.db'}")
        token = server.create_token("write")            # runs `briefs token create`
        async with server.client(token) as client:      # a BriefsClient on server.base_url
            ...
        server.kill()                                   # SIGKILL the whole process group
        server.start()                                  # same port, same database

Each server gets a free loopback port, its own log file (shown when it fails to start) and is
configured only through ``BRIEFS_*`` environment variables, as in production. Every server the
factory started is stopped (SIGTERM, then SIGKILL) when the test ends.

`BriefsServer` needs nothing from pytest, so other suites can import it too:
``from e2e.conftest import BriefsServer`` (``tests/`` is on ``sys.path`` under pytest, because
``tests/conftest.py`` lives there), then ``BriefsServer(url, log_path=...).start()`` and
``stop()`` in a ``finally``, as ``tests/client/test_contract_tcp.py`` does.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import httpx
import pytest

from service.client import BriefsClient
from tests.conftest import in_ci

READY_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0
_LOG_TAIL_CHARS = 4000


class ServerStartError(RuntimeError):
    """The server exited or did not become ready in time; the message ends with its log."""


def free_port() -> int:
    """A loopback TCP port that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def briefs_command(*args: str) -> list[str]:
    """The command line running ``briefs ARGS`` with this interpreter."""
    return [sys.executable, "-m", "service.cli.main", *args]


class BriefsServer:
    """One ``briefs serve`` process (a process group: granian spawns workers) on loopback.

    ``env`` adds or overrides ``BRIEFS_*`` variables; the database URL, host and port are set
    here. The log goes to ``log_path``; `start` waits for ``/readyz`` to answer 200.
    """

    def __init__(
        self,
        database_url: str,
        *,
        log_path: Path,
        port: int | None = None,
        env: Mapping[str, str] | None = None,
        ready_timeout: float = READY_TIMEOUT_SECONDS,
    ) -> None:
        self.database_url = database_url
        self.port = port or free_port()
        self.log_path = log_path
        self.ready_timeout = ready_timeout
        self.env = {
            **os.environ,
            "BRIEFS_LOAD_FIXTURES": "false",
            "BRIEFS_LOG_FORMAT": "json",
            **(env or {}),
            "BRIEFS_DATABASE_URL": database_url,
            "BRIEFS_HOST": "127.0.0.1",
            "BRIEFS_PORT": str(self.port),
        }
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """The process id of the server's main process."""
        if self.process is None:
            raise RuntimeError("the server is not running")
        return self.process.pid

    def start(self) -> BriefsServer:
        """Start the server and wait until ``/readyz`` answers 200."""
        if self.process is not None and self.process.poll() is None:
            raise RuntimeError("the server is already running")
        with self.log_path.open("ab") as log:
            # A new session makes the server a process group we can signal as a whole.
            self.process = subprocess.Popen(
                briefs_command("serve"),
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_ready()
        return self

    def stop(self) -> None:
        """Graceful stop: SIGTERM to the group, then SIGKILL if it outlives the grace period."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.process.wait()
        self._signal(signal.SIGKILL)  # stray workers of an already-dead main process
        self.process = None

    def kill(self) -> None:
        """Crash: SIGKILL the whole process group at once (no shutdown hooks run)."""
        if self.process is None:
            return
        self._signal(signal.SIGKILL)
        self.process.wait()
        self.process = None

    def client(self, token: str | None = None, *, timeout: float = 10.0) -> BriefsClient:
        """A `BriefsClient` for this server (use it as an async context manager)."""
        return BriefsClient.connect(self.base_url, token, timeout=timeout)

    def create_token(self, scope: str = "write", name: str | None = None) -> str:
        """Create a token with ``briefs token create`` on the same database; returns the secret."""
        name = name or f"e2e-{scope}-{time.monotonic_ns()}"
        result = subprocess.run(
            briefs_command("token", "create", "--scope", scope, "--name", name),
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"briefs token create failed ({result.returncode}): {result.stderr}")
        lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
        if not lines:
            raise RuntimeError("briefs token create printed nothing")
        return lines[-1].split()[-1]

    def log_tail(self) -> str:
        """The end of the server's log."""
        try:
            return self.log_path.read_text(errors="replace")[-_LOG_TAIL_CHARS:]
        except OSError:
            return ""

    def _wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.ready_timeout
        last_problem = "no answer yet"
        with httpx.Client(base_url=self.base_url, timeout=1.0) as http:
            while time.monotonic() < deadline:
                code = self.process.poll()
                if code is not None:
                    self.process = None
                    raise ServerStartError(f"briefs serve exited with {code}:\n{self.log_tail()}")
                try:
                    response = http.get("/readyz")
                except httpx.HTTPError as error:
                    last_problem = repr(error)
                else:
                    if response.status_code == 200:
                        return
                    last_problem = f"/readyz answered {response.status_code}: {response.text}"
                time.sleep(0.05)
        self.stop()
        raise ServerStartError(
            f"briefs serve was not ready after {self.ready_timeout}s ({last_problem}):\n"
            f"{self.log_tail()}"
        )

    def _signal(self, signum: signal.Signals) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)


ServerFactory = Callable[..., BriefsServer]
"""``briefs_server(database_url, *, env=None, start=True) -> BriefsServer``."""


@pytest.fixture
def briefs_server(tmp_path: Path) -> Iterator[ServerFactory]:
    """A factory of started `BriefsServer`s, all stopped at the end of the test."""
    servers: list[BriefsServer] = []

    def start_server(
        database_url: str, *, env: Mapping[str, str] | None = None, start: bool = True
    ) -> BriefsServer:
        log_path = tmp_path / f"briefs-serve-{len(servers)}.log"
        server = BriefsServer(database_url, log_path=log_path, env=env)
        servers.append(server)
        return server.start() if start else server

    yield start_server
    for server in servers:
        server.stop()


@pytest.fixture
def tmux() -> str:
    """The tmux binary; CI installs it, elsewhere the test skips without it."""
    path = shutil.which("tmux")
    if path is None:
        if in_ci():
            pytest.fail("tmux is not installed (CI=true: the terminal test may not be skipped)")
        pytest.skip("tmux is not installed")
    return path


@pytest.fixture
def pane_env() -> dict[str, str]:
    """A UTF-8, 256-colour environment with no BRIEFS_* settings leaking in."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("BRIEFS_")}
    env.update(LC_ALL="C.UTF-8", LANG="C.UTF-8", TERM="xterm-256color")
    env.pop("TMUX", None)
    # The TUI's settings file (theme, keys): never the real ~/.config of whoever runs the tests.
    env["BRIEFS_TUI_CONFIG"] = os.devnull
    return env


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend: SQLite in a temporary folder, or a fresh PostgreSQL
    schema."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_url")
        return url
    return f"sqlite:///{tmp_path / 'briefs.db'}"
