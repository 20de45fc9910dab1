"""A server process started like a container runtime starts one: a given argv, environment and
working directory, SIGTERM to the main process only (as ``docker stop`` does), stdout and stderr
kept apart so that the JSON log lines can be read back."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from service.settings import ENV_PREFIX

HEALTHY_TIMEOUT_SECONDS = 60.0
BRIEFS = Path(sys.executable).parent / "briefs"
"""The console script of the virtualenv running the tests."""


def briefs_env(env: dict[str, str]) -> dict[str, str]:
    """This process's environment without its ``BRIEFS_*`` variables, plus ``env``."""
    base = {key: value for key, value in os.environ.items() if not key.startswith(ENV_PREFIX)}
    return {**base, **env}


def run_briefs(
    *args: str,
    env: dict[str, str],
    cwd: Path,
    timeout: float = 60,
    file_size_limit: int | None = None,
) -> subprocess.CompletedProcess[str]:
    """``briefs ARGS`` with only ``env`` for its ``BRIEFS_*`` settings (none inherited).

    ``file_size_limit`` (bytes, ``RLIMIT_FSIZE``) makes every write past it fail as on a full
    disk; Python ignores the SIGXFSZ that would otherwise kill the process.
    """

    def limit() -> None:
        if file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.run(
        [str(BRIEFS), *args],
        env=briefs_env(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        preexec_fn=limit if file_size_limit is not None else None,
    )


def process_alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie, dead but not yet reaped, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    state = stat.rsplit(")", 1)[1].split()[0]
    return state not in {"Z", "X"}


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class ServerProcess:
    """One server process (and the process group of its workers)."""

    def __init__(self, argv: Sequence[str], *, env: dict[str, str], cwd: Path, logs: Path) -> None:
        self.argv = list(argv)
        self.env = env
        self.cwd = cwd
        self.stdout_path = logs.with_suffix(".stdout")
        self.stderr_path = logs.with_suffix(".stderr")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> ServerProcess:
        """Start it (without waiting for anything)."""
        with self.stdout_path.open("ab") as out, self.stderr_path.open("ab") as err:
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,  # its own group, to find stray workers afterwards
            )
        return self

    def wait_healthy(self, probe: Sequence[str], timeout: float = HEALTHY_TIMEOUT_SECONDS) -> None:
        """Run ``probe`` (the HEALTHCHECK command) until it exits 0, as Docker does."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"the server exited with {self.process.returncode}\n{self.logs()}"
                )
            result = subprocess.run(
                list(probe),
                env=self.env,
                cwd=self.cwd,
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
            if result.returncode == 0:
                return
            last = result.stderr.strip()
            time.sleep(0.2)
        raise AssertionError(f"not healthy after {timeout}s: {last}\n{self.logs()}")

    def children(self) -> list[int]:
        """The pids of the main process's child processes (granian's workers)."""
        assert self.process is not None
        pid = self.process.pid
        return [
            int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]

    def namespace_init(self) -> int:
        """The host pid of the process our child started as PID 1 of a new PID namespace
        (``unshare --pid --fork`` forks it and waits); checks that it is PID 1 there."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        (child,) = (int(pid) for pid in children.split())
        status = Path(f"/proc/{child}/status").read_text()
        (nspid,) = [line.split()[1:] for line in status.splitlines() if line.startswith("NSpid:")]
        assert nspid[-1] == "1", f"not PID 1 in its namespace: {nspid}"
        return child

    def terminate(self, timeout: float, target: int | None = None) -> tuple[int, float]:
        """SIGTERM to the main process (or to ``target``, e.g. a namespace's PID 1, as
        ``docker stop`` does); returns the exit code and how long the exit took.

        Fails if it takes longer than ``timeout`` or leaves worker processes behind.
        """
        assert self.process is not None
        started = time.monotonic()
        os.kill(target if target is not None else self.process.pid, signal.SIGTERM)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"still running {timeout}s after SIGTERM\n{self.logs()}") from None
        elapsed = time.monotonic() - started
        leftovers = self._group_alive()
        self.kill()
        assert not leftovers, "worker processes outlived the server"
        self.process = None
        return code, elapsed

    def kill(self) -> None:
        """SIGKILL everything that is left of it."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(10)

    def stdout_lines(self) -> list[str]:
        """Everything it wrote to stdout so far, by line."""
        return self.stdout_path.read_text(errors="replace").splitlines()

    def json_logs(self) -> list[dict[str, Any]]:
        """The JSON log records on stdout."""
        records = []
        for line in self.stdout_lines():
            with contextlib.suppress(ValueError):
                record = json.loads(line)
                if isinstance(record, dict):
                    records.append(record)
        return records

    def logs(self) -> str:
        """The tail of both streams, for failure messages."""
        out = self.stdout_path.read_text(errors="replace")[-3000:]
        err = self.stderr_path.read_text(errors="replace")[-3000:]
        return f"--- stdout ---\n{out}\n--- stderr ---\n{err}"

    def _group_alive(self) -> bool:
        assert self.process is not None
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                return False
            time.sleep(0.05)
        return True
