"""Hostile bytes over a real socket to a real ``briefs serve`` (granian, SQLite in a temporary
folder): deep nesting, invalid UTF-8, other charsets, NUL, truncated bodies, bad chunking, client
aborts and slow uploads. Whatever arrives, the answer is never a 5xx, the server logs no error
and no traceback, and it stays healthy (``/readyz`` 200) afterwards.

Requests are written by hand (``http.client`` would refuse to send most of them) and read back
until the server closes the connection (every request says ``Connection: close``).
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from e2e.conftest import BriefsServer

pytestmark = pytest.mark.slow

BODY_TIMEOUT_SECONDS = 1.5
STORY = "/v1/stories/ceasefire-2025"


class Answer:
    """A parsed HTTP/1.1 response (or ``status`` 0 when the server closed without one)."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2) if lines[0].startswith("HTTP/") else []
        self.status = int(parts[1]) if len(parts) > 1 else 0
        self.headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in lines[1:])
        }

    def problem(self) -> dict[str, Any]:
        """The problem+json body (asserting that it is one)."""
        assert self.headers.get("content-type") == "application/problem+json", self.raw[:300]
        problem: dict[str, Any] = json.loads(self.body)
        assert problem["status"] == self.status
        return problem


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BriefsServer, str]]:
    """One server with the fixture story, a short body time limit and a write token."""
    folder = tmp_path_factory.mktemp("hostile")
    running = BriefsServer(
        f"sqlite:///{folder / 'briefs.db'}",
        log_path=folder / "serve.log",
        env={
            "BRIEFS_LOAD_FIXTURES": "true",
            "BRIEFS_BODY_TIMEOUT_SECONDS": str(BODY_TIMEOUT_SECONDS),
        },
    )
    running.start()
    try:
        yield running, running.create_token("write", name="hostile")
    finally:
        running.stop()


def _connect(server: BriefsServer) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.settimeout(10)
    return sock


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except (ConnectionResetError, TimeoutError):
        pass
    return b"".join(chunks)


def send(server: BriefsServer, raw: bytes, *, shut_write: bool = False) -> Answer:
    """Send ``raw`` as is on a new connection; the server's whole answer."""
    with _connect(server) as sock:
        sock.sendall(raw)
        if shut_write:
            sock.shutdown(socket.SHUT_WR)
        return Answer(_read_all(sock))


def request(
    method: str,
    path: str,
    body: bytes = b"",
    *,
    token: str | None = None,
    content_type: str | None = "application/json",
    extra: str = "",
    length: int | None = None,
) -> bytes:
    """The bytes of one HTTP/1.1 request (``length`` overrides the announced Content-Length)."""
    headers = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    if token is not None:
        headers.append(f"Authorization: Bearer {token}")
    if content_type is not None:
        headers.append(f"Content-Type: {content_type}")
    if body or length is not None:
        headers.append(f"Content-Length: {len(body) if length is None else length}")
    return ("\r\n".join(headers) + "\r\n" + extra + "\r\n").encode("latin-1") + body


def assert_healthy(server: BriefsServer) -> None:
    """``/readyz`` answers 200, and the log holds no 5xx, error line or traceback."""
    answer = send(server, request("GET", "/readyz", content_type=None))
    assert answer.status == 200, answer.raw[:300]
    time.sleep(0.2)  # the access log line of the last request is written after its answer
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]
    for line in log.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not isinstance(record, dict):
            continue
        assert record.get("level") not in {"error", "critical"}, line
        assert not (isinstance(record.get("status"), int) and record["status"] >= 500), line


def test_deep_nesting_is_a_400(server: tuple[BriefsServer, str]) -> None:
    running, token = server
    for deep in (b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 5000 + b"1" + b"}" * 5000):
        answer = send(running, request("POST", "/v1/stories", deep, token=token))
        assert answer.status == 400, answer.raw[:300]
        assert "nest deeper than 32" in answer.problem()["detail"]
    assert_healthy(running)


def test_invalid_utf8_is_a_400(server: tuple[BriefsServer, str]) -> None:
    running, token = server
    for bad in (b'{"id": "x", "title": "\xc3\x28"}', b"\xff\xfe{}", b'{"id": "\xed\xa0\x80"}'):
        answer = send(running, request("POST", "/v1/stories", bad, token=token))
        assert answer.status == 400, answer.raw[:300]
        assert "not valid UTF-8" in answer.problem()["detail"]
    assert_healthy(running)


@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "utf-32le", "cp1252"])
def test_other_charsets_are_a_415(server: tuple[BriefsServer, str], charset: str) -> None:
    running, token = server
    body = '{"id": "charset", "title": "Ünïcödé"}'.encode(charset)
    answer = send(
        running,
        request(
            "POST",
            "/v1/stories",
            body,
            token=token,
            content_type=f"application/json; charset={charset}",
        ),
    )
    assert answer.status == 415, answer.raw[:300]
    answer.problem()
    assert_healthy(running)


def test_nul_in_bodies_and_parameters_is_a_4xx(server: tuple[BriefsServer, str]) -> None:
    running, token = server
    escaped = send(
        running, request("POST", "/v1/stories", b'{"id": "n", "title": "a\\u0000b"}', token=token)
    )
    assert escaped.status == 422, escaped.raw[:300]
    assert escaped.problem()["errors"][0]["path"] == "$.title"
    raw_byte = send(
        running, request("POST", "/v1/stories", b'{"id": "n", "title": "a\x00b"}', token=token)
    )
    assert raw_byte.status == 400, raw_byte.raw[:300]  # a control character: not JSON
    for path in (f"{STORY}/briefs?q=a%00b", f"{STORY}/briefs?cursor=%00", "/v1/stories/a%00b"):
        answer = send(running, request("GET", path, content_type=None))
        assert 400 <= answer.status < 500, (path, answer.raw[:300])
        answer.problem()
    assert_healthy(running)


def test_truncated_body_then_half_close_is_a_400(server: tuple[BriefsServer, str]) -> None:
    running, token = server
    answer = send(
        running,
        request("POST", "/v1/stories", b'{"id": "trunc', token=token, length=500),
        shut_write=True,
    )
    assert answer.status == 400, answer.raw[:300]
    assert answer.problem()["detail"] == "The client disconnected before the body ended."
    assert_healthy(running)


@pytest.mark.parametrize(
    "chunks",
    [
        b"zz\r\n{}\r\n0\r\n\r\n",  # a chunk size that is not hex
        b"5\r\n{}\r\n0\r\n\r\n",  # a chunk shorter than it says
        b"2\r\n{}XX0\r\n\r\n",  # no CRLF after the chunk
        b"ffffffffffffffffffff\r\n{}",  # an absurd chunk size
    ],
)
def test_bad_chunk_framing_is_a_400(server: tuple[BriefsServer, str], chunks: bytes) -> None:
    """granian ends the body stream with a disconnect; the app answers it as the client's error."""
    running, token = server
    raw = request("POST", "/v1/stories", token=token, extra="Transfer-Encoding: chunked\r\n")
    answer = send(running, raw + chunks, shut_write=True)
    assert answer.status == 400, answer.raw[:300]
    answer.problem()
    assert_healthy(running)


def test_client_aborts_mid_body(server: tuple[BriefsServer, str]) -> None:
    running, token = server
    for _ in range(20):
        with _connect(running) as sock:
            sock.sendall(request("POST", "/v1/stories", b'{"id": "ab', token=token, length=5000))
            time.sleep(0.02)
        # closing without reading: the server sees the peer go away mid-body
    with _connect(running) as sock:  # and a chunked upload cut off mid-chunk
        raw = request("POST", "/v1/stories", token=token, extra="Transfer-Encoding: chunked\r\n")
        sock.sendall(raw + b'100\r\n{"id": ')
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    time.sleep(0.5)
    assert_healthy(running)


def test_slow_upload_is_a_408(server: tuple[BriefsServer, str]) -> None:
    running, token = server
    with _connect(running) as sock:
        sock.sendall(request("POST", "/v1/stories", b'{"id": "slow",', token=token, length=200))
        started = time.monotonic()
        answer = Answer(_read_all(sock))
    elapsed = time.monotonic() - started
    assert answer.status == 408, answer.raw[:300]
    assert answer.problem()["detail"].startswith("The request body did not arrive within")
    assert BODY_TIMEOUT_SECONDS - 0.2 <= elapsed < BODY_TIMEOUT_SECONDS + 5
    assert_healthy(running)


def test_granian_own_answers_are_4xx_without_a_body(server: tuple[BriefsServer, str]) -> None:
    """What granian refuses before the app sees it: an empty 400/414/431 that is not
    problem+json (docs/api.md, "Errors the server answers itself"). Never a 5xx."""
    running, _ = server
    many_headers = "".join(f"X-H{i}: v\r\n" for i in range(99))  # 101 with Host, Connection
    for raw, status in (
        (request("GET", "/v1/stories/" + "a" * 65_600, content_type=None), 414),
        (
            request(
                "GET", "/v1/stories", content_type=None, extra="X-Big: " + "b" * 600_000 + "\r\n"
            ),
            431,
        ),
        (request("GET", "/v1/stories", content_type=None, extra=many_headers), 431),
        (b"NOT HTTP AT ALL\r\n\r\n", 400),
        (b"POST /v1/stories HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400),
    ):
        answer = send(running, raw)
        assert answer.status == status, answer.raw[:300]
        assert answer.headers.get("content-length") == "0"
        assert "content-type" not in answer.headers
    assert_healthy(running)


def test_server_still_serves_after_all_of_it(server: tuple[BriefsServer, str]) -> None:
    running, token = server
    body = b'{"id": "after-the-storm", "title": "Still standing"}'
    created = send(running, request("POST", "/v1/stories", body, token=token))
    assert created.status == 201, created.raw[:300]
    assert (
        send(running, request("GET", "/v1/stories/after-the-storm", content_type=None)).status
        == 200
    )
    assert_healthy(running)
