"""`briefs load` and `briefs token` in-process; `briefs serve` configuration and a real start."""

from __future__ import annotations

import argparse
import errno
import importlib.metadata
import json
import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import NoReturn

import httpx
import msgspec
import pytest

from service.cli.main import describe_failure, main
from service.cli.serve import export_overrides, overrides_from
from service.domain.errors import NotFoundError
from service.settings import ConfigError
from tests.conftest import FIXTURES_ROOT


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "briefs.db"
    monkeypatch.setenv("BRIEFS_DATABASE_URL", f"sqlite:///{path}")
    return path


def test_load_is_idempotent(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["load", str(FIXTURES_ROOT)]) == 0
    assert (
        capsys.readouterr().out
        == "ceasefire-2025: story created, 7 revision(s) stored, 0 already present\n"
    )
    assert main(["load", str(FIXTURES_ROOT)]) == 0
    assert (
        capsys.readouterr().out
        == "ceasefire-2025: story exists, 0 revision(s) stored, 7 already present\n"
    )


def test_load_reports_bad_paths(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["load", str(tmp_path / "missing")]) == 2
    broken = tmp_path / "broken"
    (broken / "briefs").mkdir(parents=True)
    (broken / "story.json").write_text('{"id": "Not A Slug"}')
    assert main(["load", str(broken)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 2
    assert "story.json" in err


def test_token_create_list_revoke(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "create", "--name", "ci", "--scope", "write"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("brf_")
    assert out.count("\n") == 1  # the token alone, so scripts can capture it
    assert main(["token", "create", "--name", "ci", "--scope", "read"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["token", "list"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["NAME", "ID", "SCOPES", "CREATED", "REVOKED"]
    assert table[1].split()[0] == "ci"
    assert table[1].split()[-1] == "-"
    assert main(["token", "revoke", "ci"]) == 0
    assert "revoked ci" in capsys.readouterr().out
    assert main(["token", "list"]) == 0
    assert capsys.readouterr().out.splitlines()[1].split()[-1] != "-"
    assert main(["token", "revoke", "nobody"]) == 1


def test_serve_config_error_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BRIEFS_WORKERS", "zero")
    assert main(["serve", "--no-fixtures"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("briefs serve: BRIEFS_WORKERS")
    assert captured.err.count("\n") == 1
    assert "Traceback" not in captured.err


def test_serve_passes_flags_to_workers_through_the_environment() -> None:
    args = argparse.Namespace(host="0.0.0.0", port=9000, database_url=None, no_fixtures=True)
    environ: dict[str, str] = {}
    export_overrides(overrides_from(args), environ)
    assert environ == {
        "BRIEFS_HOST": "0.0.0.0",
        "BRIEFS_PORT": "9000",
        "BRIEFS_LOAD_FIXTURES": "false",
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.slow
def test_serve_finishes_in_flight_requests_on_sigterm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database_url = f"sqlite:///{tmp_path / 'briefs.db'}"
    monkeypatch.setenv("BRIEFS_DATABASE_URL", database_url)
    assert main(["token", "create", "--name", "writer", "--scope", "write"]) == 0
    token = capsys.readouterr().out.strip()
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli.main", "serve", "--port", str(port)],
            env={**os.environ, "BRIEFS_DATABASE_URL": database_url, "BRIEFS_LOG_FORMAT": "json"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_serving(port, process, log)
        stories = httpx.get(f"http://127.0.0.1:{port}/v1/stories", timeout=5)
        assert [story["id"] for story in stories.json()] == ["ceasefire-2025"]  # fixtures loaded
        body = b'{"id": "in-flight", "title": "Sent across a SIGTERM"}'
        head = (
            f"POST /v1/stories HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(head + body[:10])  # the request is in flight: half its body sent
            time.sleep(0.3)
            process.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            connection.sendall(body[10:])
            answer = connection.recv(4096)
        assert answer.startswith(b"HTTP/1.1 201 "), answer[:200]
        assert process.wait(timeout=20) == 0
        _assert_granian_logs_json(log.read_text())
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _assert_granian_logs_json(output: str) -> None:
    """granian's own lines (start, workers, shutdown) and serve's are JSON like the app's."""
    assert "[INFO]" not in output, output  # granian's default line format
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert any(record["logger"] == "_granian" for record in records), output
    assert any(record["logger"] == "briefs.access" for record in records), output
    assert any(record["logger"] == "briefs.serve" for record in records), output  # fixtures


def _wait_until_serving(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
        except httpx.TransportError:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        else:
            return


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"briefs {importlib.metadata.version('briefs')}\n"


def test_help_lists_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "exit codes:" in out
    for code in ("0", "1", "2", "70", "130"):
        assert f"\n  {code} " in out
    assert "BRIEFS_DEBUG=1" in out


def _explode(*args: object) -> NoReturn:
    # Stands in for what ``token list`` calls first (the handler itself is bound at import).
    del args
    raise RuntimeError("a bug\nwith a second line")


def test_an_unexpected_error_is_one_line_and_exit_70(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("service.cli.token.settings_or_report", _explode)
    assert main(["token", "list"]) == 70
    err = capsys.readouterr().err
    assert err == (
        "briefs token list: internal error: RuntimeError: a bug "
        "(rerun with --debug for the traceback)\n"
    )


@pytest.mark.parametrize(
    ("argv", "environ"),
    [(["--debug", "token", "list"], {}), (["token", "list"], {"BRIEFS_DEBUG": "1"})],
)
def test_debug_shows_the_traceback(
    database: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    environ: dict[str, str],
) -> None:
    monkeypatch.setattr("service.cli.token.settings_or_report", _explode)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert main(argv) == 70
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert err.splitlines()[-1].startswith("briefs token list: internal error: RuntimeError")


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        (ConfigError("BRIEFS_PORT: expected an integer, got 'x'"), 2, "BRIEFS_PORT: expected"),
        (NotFoundError("no token named 'x'"), 1, "no token named 'x'"),
        (
            OSError(errno.ENOSPC, "No space left on device", "/data/briefs.db"),
            1,
            "/data/briefs.db: no space left on device",
        ),
        (
            sqlite3.OperationalError("database or disk is full"),
            1,
            "cannot use the database: database or disk is full",
        ),
        (msgspec.ValidationError("Expected `str`"), 2, "invalid input: Expected `str`"),
    ],
)
def test_expected_errors_map_to_one_line_and_a_code(
    error: Exception, code: int, message: str
) -> None:
    got_code, got_message = describe_failure(error)
    assert got_code == code
    assert got_message.startswith(message)
    assert "\n" not in got_message


def test_driver_warnings_are_kept_for_the_one_line_not_printed(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def warn_then_time_out(*args: object) -> NoReturn:
        del args
        for _ in range(3):
            logging.getLogger("psycopg.pool").warning(
                "error connecting: Connection refused\n\thint"
            )
        raise sqlite3.OperationalError("pool initialization incomplete after 10.0 sec")

    monkeypatch.setattr("service.cli.token.settings_or_report", warn_then_time_out)
    assert main(["token", "list"]) == 1
    assert capsys.readouterr().err == (
        "briefs token list: cannot use the database: pool initialization incomplete after "
        "10.0 sec (error connecting: Connection refused)\n"
    )
