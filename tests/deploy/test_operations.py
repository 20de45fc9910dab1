"""``briefs db backup``, ``briefs db upgrade``, ``briefs healthcheck`` and ``briefs serve`` as
operators run them, and the CLI's failures: one line each, never a traceback."""

from __future__ import annotations

import contextlib
import http.server
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from service.cli.healthcheck import default_url
from service.cli.serve import check_address_free
from tests.conftest import FIXTURES_ROOT
from tests.deploy.processes import (
    BRIEFS,
    ServerProcess,
    briefs_env,
    free_port,
    process_alive,
    run_briefs,
)

BATCH = 25


@contextlib.contextmanager
def busy_writer(database: Path) -> Iterator[threading.Event]:
    """A thread committing batches of ``BATCH`` rows as fast as it can, in WAL mode."""
    stop = threading.Event()
    with contextlib.closing(sqlite3.connect(database)) as db:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("CREATE TABLE IF NOT EXISTS rows (batch INTEGER, n INTEGER)")
        db.commit()

    def write() -> None:
        with contextlib.closing(sqlite3.connect(database, timeout=10)) as db:
            batch = 0
            while not stop.is_set():
                with db:
                    db.executemany(
                        "INSERT INTO rows VALUES (?, ?)", [(batch, n) for n in range(BATCH)]
                    )
                batch += 1

    thread = threading.Thread(target=write)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join()


def test_backup_is_a_consistent_snapshot_while_writes_go_on(tmp_path: Path) -> None:
    database = tmp_path / "briefs.db"
    env = {"BRIEFS_DATABASE_URL": f"sqlite:///{database}"}
    copies = [tmp_path / "backups" / f"copy-{index}.db" for index in range(3)]
    with busy_writer(database):
        time.sleep(0.2)
        for copy in copies:
            result = run_briefs("db", "backup", str(copy), env=env, cwd=tmp_path)
            assert result.returncode == 0, result.stderr
            assert "integrity ok" in result.stdout
    counts = []
    for copy in copies:
        with contextlib.closing(sqlite3.connect(copy)) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)
            partial = db.execute(
                "SELECT batch, COUNT(*) FROM rows GROUP BY batch HAVING COUNT(*) != ?", (BATCH,)
            ).fetchall()
            assert partial == [], "a backup holds half a transaction"
            counts.append(db.execute("SELECT COUNT(*) FROM rows").fetchone()[0])
    assert counts[0] > 0
    assert counts == sorted(counts), "later backups see at least as much"
    assert not list((tmp_path / "backups").glob(".*partial")), "no partial file is left behind"


def test_backup_never_overwrites_by_accident_nor_invents_a_database(tmp_path: Path) -> None:
    database = tmp_path / "briefs.db"
    env = {"BRIEFS_DATABASE_URL": f"sqlite:///{database}"}
    missing = run_briefs("db", "backup", str(tmp_path / "copy.db"), env=env, cwd=tmp_path)
    assert missing.returncode == 1
    assert "no database" in missing.stderr
    assert not database.exists(), "the backup created an empty database"

    with busy_writer(database) as stop:
        stop.set()
    target = tmp_path / "copy.db"
    target.write_text("precious")
    refused = run_briefs("db", "backup", str(target), env=env, cwd=tmp_path)
    assert refused.returncode == 1
    assert "--force" in refused.stderr
    assert target.read_text() == "precious"
    forced = run_briefs("db", "backup", "--force", str(target), env=env, cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    with contextlib.closing(sqlite3.connect(target)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_backup_points_postgresql_users_to_pg_dump(tmp_path: Path) -> None:
    env = {"BRIEFS_DATABASE_URL": "postgresql://briefs@db.example.org/briefs"}
    result = run_briefs("db", "backup", str(tmp_path / "copy.db"), env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "pg_dump" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not list(tmp_path.iterdir())


def assert_upgrade_applies_migrations_once(database_url: str, cwd: Path) -> None:
    env = {"BRIEFS_DATABASE_URL": database_url}
    first = run_briefs("db", "upgrade", env=env, cwd=cwd)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("applied migrations: 1,"), first.stdout
    again = run_briefs("db", "upgrade", env=env, cwd=cwd)
    assert again.returncode == 0, again.stderr
    assert "schema is current" in again.stdout


def test_upgrade_applies_migrations_once(tmp_path: Path) -> None:
    assert_upgrade_applies_migrations_once(f"sqlite:///{tmp_path / 'briefs.db'}", tmp_path)


@pytest.mark.postgres
def test_upgrade_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    assert_upgrade_applies_migrations_once(postgres_url, tmp_path)


class _Probe(http.server.BaseHTTPRequestHandler):
    status = 200
    delay = 0.0

    def do_GET(self) -> None:  # the stdlib's naming
        time.sleep(self.delay)
        # A probe that timed out has hung up by now: answering it is expected to fail.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(self.status if self.path == "/healthz" else 404)
            self.end_headers()
            self.wfile.write(b'{"status":"ok"}')

    def log_message(self, format: str, *args: object) -> None:
        del format, args


@contextlib.contextmanager
def probe_server(status: int, delay: float = 0.0) -> Iterator[int]:
    handler = type("Handler", (_Probe,), {"status": status, "delay": delay})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_healthcheck_exit_codes(tmp_path: Path) -> None:
    with probe_server(200) as port:
        # A proxy in the environment (nothing listens there) must not catch the loopback probe.
        proxy = {"HTTP_PROXY": "http://127.0.0.1:9", "http_proxy": "http://127.0.0.1:9"}
        healthy = run_briefs("healthcheck", env={"BRIEFS_PORT": str(port), **proxy}, cwd=tmp_path)
        assert healthy.returncode == 0, healthy.stderr
        assert f"http://127.0.0.1:{port}/healthz" in healthy.stdout
    with probe_server(503) as port:
        failing = run_briefs(
            "healthcheck", "--url", f"http://127.0.0.1:{port}/healthz", env={}, cwd=tmp_path
        )
        assert failing.returncode == 1
        assert "HTTP 503" in failing.stderr
    refused = run_briefs("healthcheck", env={"BRIEFS_PORT": str(port)}, cwd=tmp_path)
    assert refused.returncode == 1
    with probe_server(200, delay=5) as port:
        started = time.monotonic()
        slow = run_briefs(
            "healthcheck",
            "--timeout",
            "0.5",
            "--url",
            f"http://127.0.0.1:{port}/healthz",
            env={},
            cwd=tmp_path,
        )
        assert slow.returncode == 1
        assert time.monotonic() - started < 4


def test_healthcheck_reaches_wildcard_and_ipv6_listeners_on_loopback() -> None:
    assert (
        default_url({"BRIEFS_HOST": "0.0.0.0", "BRIEFS_PORT": "8000"})
        == "http://127.0.0.1:8000/healthz"
    )
    assert default_url({"BRIEFS_HOST": "::", "BRIEFS_PORT": "9000"}) == "http://[::1]:9000/healthz"
    assert default_url({"BRIEFS_HOST": "10.0.0.5"}) == "http://10.0.0.5:8000/healthz"
    assert default_url({"BRIEFS_HOST": "fd00::5"}) == "http://[fd00::5]:8000/healthz"


def _server(tmp_path: Path, name: str, port: int, **env: str) -> ServerProcess:
    settings = {
        "BRIEFS_DATABASE_URL": f"sqlite:///{tmp_path / f'{name}.db'}",
        "BRIEFS_PORT": str(port),
        "BRIEFS_LOG_FORMAT": "json",
        **env,
    }
    return ServerProcess(
        [str(BRIEFS), "serve"], env=briefs_env(settings), cwd=tmp_path, logs=tmp_path / name
    )


@pytest.mark.slow
def test_a_second_server_on_a_busy_port_refuses_to_start(tmp_path: Path) -> None:
    port = free_port()
    first = _server(tmp_path, "first", port).start()
    # Started like the first (its own process group), so that a second server that did start
    # is stopped with all its workers whatever the outcome.
    second = _server(tmp_path, "second", port)
    try:
        first.wait_healthy([str(BRIEFS), "healthcheck"])
        second.start()
        assert second.process is not None
        try:
            code = second.process.wait(30)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the second server is running\n{second.logs()}") from None
        assert code == 1, second.logs()
        assert second.stderr_path.read_text() == (
            f"briefs serve: cannot listen on 127.0.0.1:{port}: address already in use "
            "(is another server running there?)\n"
        )
        assert not (tmp_path / "second.db").exists(), "the refused server touched its database"
        # Every request still reaches the one server, and its database.
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            for _ in range(20):
                stories = client.get("/v1/stories").json()
                assert [story["id"] for story in stories] == ["ceasefire-2025"]
    finally:
        second.kill()
        first.terminate(timeout=30)


@pytest.mark.slow
def test_workers_die_with_a_killed_master(tmp_path: Path) -> None:
    port = free_port()
    server = _server(tmp_path, "server", port, BRIEFS_WORKERS="2").start()
    try:
        server.wait_healthy([str(BRIEFS), "healthcheck"])
        workers = server.children()
        assert len(workers) == 2, workers
        assert server.process is not None
        server.process.kill()  # SIGKILL: no handler runs, granian cannot stop its workers
        server.process.wait(10)
        deadline = time.monotonic() + 10
        while any(map(process_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(map(process_alive, workers)), f"orphaned workers: {workers}"
        check_address_free("127.0.0.1", port)  # nobody listens there any more
    finally:
        server.kill()


@pytest.mark.slow
def test_an_unreachable_postgresql_is_one_line(tmp_path: Path) -> None:
    env = {"BRIEFS_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/x"}
    result = run_briefs("token", "list", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("briefs token list: cannot use the database: "), line
    assert "Connection refused" in line, "the driver's reason, not only the pool's timeout"


def test_a_full_disk_is_one_line(tmp_path: Path) -> None:
    database = tmp_path / "briefs.db"
    env = {"BRIEFS_DATABASE_URL": f"sqlite:///{database}"}
    assert run_briefs("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    create_token = ("token", "create", "--name", "ci", "--scope", "write")
    # An open connection keeps the WAL and shared-memory files in place, as a running server
    # does; past that, every write beyond 8 KiB in any file fails as on a full disk.
    with contextlib.closing(sqlite3.connect(database)) as db:
        db.execute("SELECT count(*) FROM sqlite_master").fetchall()
        result = run_briefs(*create_token, env=env, cwd=tmp_path, file_size_limit=8192)
    assert result.returncode == 1
    assert result.stdout == "", "no token printed for a write that failed"
    assert result.stderr.startswith("briefs token create: cannot use the database: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    debug = run_briefs("--debug", *create_token, env=env, cwd=tmp_path, file_size_limit=8192)
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr
    assert debug.stderr.splitlines()[-1].startswith("briefs token create: cannot use the database")


def test_a_closed_pipe_ends_the_command_quietly(tmp_path: Path) -> None:
    # `briefs validate ... | head -0`: the reader is gone before the command writes.
    process = subprocess.Popen(
        [str(BRIEFS), "validate", str(FIXTURES_ROOT)],
        env=briefs_env({}),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert err == b"", "no traceback, and no 'Exception ignored' at exit"


ORPHAN = """
import os, signal, sys, time
import service.cli.serve as serve
if sys.argv[1] == "watchdog-only":  # as on a system without PR_SET_PDEATHSIG
    serve._request_parent_death_signal = lambda signum: False
if os.fork() == 0:
    if sys.argv[1] == "stuck":  # a graceful stop that never ends
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    serve.die_with_parent(os.getppid(), grace_seconds=0.5)
    print(os.getpid(), flush=True)
    time.sleep(60)
    os._exit(3)
time.sleep(0.3)
os._exit(0)  # the parent dies without a word, as after SIGKILL
"""


@pytest.mark.parametrize("case", ["watchdog-only", "stuck"])
def test_an_orphaned_worker_stops_by_itself(tmp_path: Path, case: str) -> None:
    started = time.monotonic()
    # Returns when the child, which shares its stdout, has exited too.
    result = subprocess.run(
        [sys.executable, "-c", ORPHAN, case],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    orphan = int(result.stdout)
    # Its stdout closes while it exits, a moment before the kernel marks it dead.
    deadline = time.monotonic() + 5
    while process_alive(orphan) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_alive(orphan), "the orphan still runs"
    assert time.monotonic() - started < 10
