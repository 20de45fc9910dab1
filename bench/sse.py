"""The change stream under 1,000 concurrent subscribers on one ``briefs serve`` worker.

Run: ``.venv/bin/python -m bench.sse [--subscribers 1000] [--writes 30] [--duration 5]
[--repeats 3]``

Starts ``briefs serve`` (granian, one worker, SQLite in a temporary folder, the fixture story
loaded, access log off), then:

1. **Delivery**: a subscriber process opens ``--subscribers`` streams of ``GET /v1/changes``
   (raw sockets, so the client's own cost stays small) and the bench makes ``--writes`` story
   updates, one every 200 ms. Each write's latency to each subscriber is the time from the start
   of the write request to the arrival of its event there (one clock: ``CLOCK_MONOTONIC``).
   Reported: p50/p99/max over every (write, subscriber), how many subscribers got every write,
   and the server's RSS with the streams open. Target: p99 < 250 ms.
2. **Writes/s**: ``--repeats`` rounds, alternating without and with the subscribers (the same
   run), of story updates by 4 concurrent writers for ``--duration`` seconds each. Reported: the
   median writes/s of each; target: with subscribers within 10 % of without.

The load average is printed first and last: the figures are only as quiet as the machine.

``--cpu`` measures instead, in this process, the CPU time one change costs the server to hand to
``--subscribers`` streams (the app driven through ASGI, no sockets, no client): the figure that
does not move with the machine's load.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from bench.api_load import Server, _group_pids, _lifespan, start_briefs

STORY = "ceasefire-2025"
P99_TARGET_MS = 250.0
WRITES_SHARE_TARGET = 0.90
WRITERS = 4
_EVENT = re.compile(rb"id: (\d+)\r\nevent: ")
_CONTENT_LENGTH = re.compile(rb"(?i)\r\ncontent-length: *(\d+)")


# --- the subscriber process -------------------------------------------------------------------


class _Stream(asyncio.Protocol):
    """One raw SSE connection: records when each change id first arrives."""

    def __init__(self, arrivals: dict[int, list[float]], connected: asyncio.Event) -> None:
        self.arrivals = arrivals
        self.connected = connected
        self.buffer = b""
        self.disconnected_by_server = False

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        self.connected.set()
        self.buffer += data
        events, _, self.buffer = self.buffer.rpartition(b"\r\n\r\n")
        for match in _EVENT.finditer(events):
            self.arrivals.setdefault(int(match.group(1)), []).append(now)
        if b"event: disconnect" in events:
            self.disconnected_by_server = True


class _Drain(_Stream):
    """A stream that only reads: for the writes/s rounds, which need no arrival times, so that
    the subscribers' own CPU (on the same two cores as the server) stays as small as it can."""

    def data_received(self, data: bytes) -> None:
        self.connected.set()
        # The server sends it last, so only its own chunk (or the seam with the one before it)
        # needs a look: no parsing.
        seam = self.buffer + data[:32]
        if b"event: disconnect" in data or b"event: disconnect" in seam:
            self.disconnected_by_server = True
        self.buffer = data[-32:]


async def subscribe(host: str, port: int, count: int, out: Path, *, drain: bool) -> None:
    """Open ``count`` streams, say ``ready`` on stdout, record (or with ``drain`` only read)
    until ``stop`` on stdin."""
    loop = asyncio.get_running_loop()
    arrivals: dict[int, list[float]] = {}
    request = (
        f"GET /v1/changes HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n"
    ).encode()
    streams: list[_Stream] = []
    for _ in range(count):
        connected = asyncio.Event()
        transport, stream = await loop.create_connection(
            functools.partial(_Drain if drain else _Stream, arrivals, connected), host, port
        )
        transport.write(request)
        streams.append(stream)
        await asyncio.wait_for(connected.wait(), 30)  # the stream's position block arrived
    print("ready", flush=True)
    await loop.run_in_executor(None, sys.stdin.readline)
    disconnected = sum(stream.disconnected_by_server for stream in streams)
    _save(out, {"arrivals": {str(k): v for k, v in arrivals.items()}, "disconnected": disconnected})


def _save(out: Path, found: dict[str, object]) -> None:
    out.write_text(json.dumps(found))


class Subscribers:
    """The subscriber process, started and stopped from the bench."""

    def __init__(self, server: Server, count: int, folder: Path, *, drain: bool = False) -> None:
        self.out = folder / f"arrivals-{time.monotonic_ns()}.json"
        command = [sys.executable, "-m", "bench.sse", "--subscribe", str(server.port)]
        command += ["--subscribers", str(count), "--out", str(self.out)]
        command += ["--drain"] if drain else []
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"the subscribers did not connect: {line!r}")

    def stop(self) -> tuple[dict[int, list[float]], int]:
        assert self.process.stdin is not None
        self.process.stdin.write("stop\n")
        self.process.stdin.flush()
        self.process.wait(60)
        found = json.loads(self.out.read_text())
        arrivals = {int(k): v for k, v in found["arrivals"].items()}
        return arrivals, int(found["disconnected"])


# --- the bench --------------------------------------------------------------------------------


async def _write(http: httpx.AsyncClient, title: str) -> None:
    response = await http.patch(f"/v1/stories/{STORY}", json={"title": title})
    response.raise_for_status()


async def delivery(http: httpx.AsyncClient, writes: int) -> dict[int, float]:
    """Make ``writes`` updates 200 ms apart; each change id with its write's start time."""
    started: dict[int, float] = {}
    after = await _last_change_id(http, 0)
    for n in range(writes):
        begun = time.monotonic()
        await _write(http, f"Delivery {n}")
        after = await _last_change_id(http, after)
        started[after] = begun
        await asyncio.sleep(0.2)
    return started


async def _last_change_id(http: httpx.AsyncClient, after: int) -> int:
    while True:
        page = (await http.get("/v1/changes", params={"after": after, "limit": 500})).json()
        after = int(page["last_id"])
        if not page["has_more"]:
            return after


class RawWriter:
    """One keep-alive HTTP/1.1 connection that makes story updates with as little client CPU as
    it can: httpx costs about as much CPU per request as the server's write, on the same two
    cores, and would blur what the subscribers cost the server."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.head = (
            f"PATCH /v1/stories/{STORY} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        ).encode()
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def update(self, title: str) -> None:
        """One ``PATCH`` of the story's title; raises unless it answers 200."""
        if self.streams is None:
            self.streams = await asyncio.open_connection("127.0.0.1", self.port)
        reader, writer = self.streams
        body = json.dumps({"title": title}).encode()
        writer.write(self.head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
        head = await reader.readuntil(b"\r\n\r\n")
        length = _CONTENT_LENGTH.search(head)
        await reader.readexactly(int(length.group(1)) if length else 0)
        if head[9:12] != b"200":
            raise RuntimeError(f"the update failed: {head[:12]!r}")

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()


async def writes_per_second(port: int, token: str, duration: float) -> float:
    """Story updates by `WRITERS` concurrent writers for ``duration`` seconds, per second."""
    done = 0
    deadline = time.monotonic() + duration

    async def writer(index: int) -> None:
        nonlocal done
        connection = RawWriter(port, token)
        try:
            while time.monotonic() < deadline:
                await connection.update(f"Throughput {index}-{done}")
                done += 1
        finally:
            connection.close()

    begun = time.monotonic()
    await asyncio.gather(*(writer(i) for i in range(WRITERS)))
    return done / (time.monotonic() - begun)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (``/proc/PID/stat``)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


async def measured_round(
    server: Server, token: str, duration: float, others: list[int]
) -> tuple[float, float, float]:
    """Writes/s, the server's CPU ms per write, and the other processes' CPU share of a core."""
    pids = _group_pids(server.process.pid)
    server_cpu, other_cpu, begun = cpu_seconds(pids), cpu_seconds(others), time.monotonic()
    rate = await writes_per_second(server.port, token, duration)
    elapsed = time.monotonic() - begun
    server_ms = (cpu_seconds(pids) - server_cpu) * 1000 / max(1.0, rate * elapsed)
    return rate, server_ms, (cpu_seconds(others) - other_cpu) / elapsed


def rss_mib(server: Server) -> float:
    """The current RSS (``VmRSS``) summed over the server's process group."""
    total = 0
    for pid in _group_pids(server.process.pid):
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{pid}/status").read_text()
            found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
            total += int(found.group(1)) if found else 0
    return total / 1024


async def bench(args: argparse.Namespace, folder: Path) -> int:
    print(f"load average before: {os.getloadavg()}")
    server = start_briefs("sse", folder, {"BRIEFS_LOG_LEVEL": "warning"})
    try:
        server.wait_until_up("/readyz")
        token = _token(server)
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=server.base_url, headers=headers, timeout=30) as http:
            idle_rss = rss_mib(server)
            subscribers = Subscribers(server, args.subscribers, folder)
            open_rss = rss_mib(server)
            started = await delivery(http, args.writes)
            await asyncio.sleep(1.0)
            arrivals, disconnected = subscribers.stop()
            latencies = [
                (arrival - started[change_id]) * 1000
                for change_id in started
                for arrival in arrivals.get(change_id, [])
            ]
            complete = sum(len(arrivals.get(change_id, [])) for change_id in started)
            p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
            print(f"\n{args.subscribers} subscribers, {args.writes} writes, 200 ms apart:")
            print(f"  deliveries: {complete} of {args.subscribers * args.writes}")
            print(f"  disconnected by the server: {disconnected}")
            print(
                f"  latency from write start: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
                f"max {max(latencies):.1f} ms (target p99 < {P99_TARGET_MS:.0f} ms)"
            )
            print(f"  server RSS: {idle_rss:.0f} MiB idle, {open_rss:.0f} MiB with the streams")
            without, with_streams = [], []
            cpu_without, cpu_with, subscriber_cpu = [], [], []
            for _ in range(args.repeats):
                rate, server_ms, _ = await measured_round(server, token, args.duration, [])
                without.append(rate)
                cpu_without.append(server_ms)
                subscribers = Subscribers(server, args.subscribers, folder, drain=True)
                rate, server_ms, share_of_core = await measured_round(
                    server, token, args.duration, [subscribers.process.pid]
                )
                with_streams.append(rate)
                cpu_with.append(server_ms)
                subscriber_cpu.append(share_of_core)
                await asyncio.sleep(1.0)
                _, disconnected = subscribers.stop()
                if disconnected:
                    print(f"  ({disconnected} streams were disconnected as too slow)")
            share = statistics.median(with_streams) / statistics.median(without)
            print(f"\nwrites/s ({WRITERS} writers, {args.duration:.0f} s rounds, medians):")
            print(f"  without subscribers: {statistics.median(without):.0f} ({_list(without)})")
            print(
                f"  with {args.subscribers}: {statistics.median(with_streams):.0f} "
                f"({_list(with_streams)}), {share:.0%} of without "
                f"(target >= {WRITES_SHARE_TARGET:.0%})"
            )
            print(
                f"  server CPU per write: {statistics.median(cpu_without):.1f} ms without, "
                f"{statistics.median(cpu_with):.1f} ms with the subscribers; the subscriber "
                f"process used {statistics.median(subscriber_cpu):.0%} of a core"
            )
            print(f"  server peak RSS: {server.peak_rss_mib():.0f} MiB")
    finally:
        server.stop()
    print(f"\nload average after: {os.getloadavg()}")
    return 0


async def fan_out_cpu(subscribers: int, changes: int = 50) -> int:
    """CPU per change delivered to ``subscribers`` in-process streams (see the docstring)."""
    from service.api.app import create_app
    from service.domain.models import Story, StoryUpdate
    from service.settings import Settings

    delivered = 0
    gone = asyncio.Event()

    async def receive_for() -> Any:
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        return receive

    all_delivered = asyncio.Event()
    expected = 0

    async def send(message: dict[str, Any]) -> None:
        nonlocal delivered
        delivered += message["type"] == "http.response.body"
        if delivered >= expected:
            all_delivered.set()

    with tempfile.TemporaryDirectory(prefix="bench-sse-cpu-") as folder:
        settings = Settings(database_url=f"sqlite:///{folder}/b.db", load_fixtures=False)
        app: Any = create_app(settings)  # driven with plain dicts as the ASGI messages
        async with _lifespan(app):
            await app.state.store.create_story(Story(id="bench", title="Bench"))
            scope = {
                "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                "method": "GET", "scheme": "http", "path": "/v1/changes",
                "raw_path": b"/v1/changes", "query_string": b"", "root_path": "",
                "headers": [(b"accept", b"text/event-stream"), (b"host", b"bench")],
                "client": ("127.0.0.1", 1), "server": ("bench", 80),
            }  # fmt: skip
            streams = [
                asyncio.create_task(app({**scope, "state": {}}, await receive_for(), send))
                for _ in range(subscribers)
            ]
            while app.state.change_broadcaster.subscribers < subscribers:  # noqa: ASYNC110 - polled state
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.2)
            expected, costs = delivered, []
            for n in range(changes):
                cpu_begun = time.process_time()
                await app.state.store.update_story("bench", StoryUpdate(title=f"Bench {n}"))
                expected += subscribers
                all_delivered.clear()
                if delivered < expected:
                    await all_delivered.wait()  # not a polling loop: it would cost CPU too
                costs.append(time.process_time() - cpu_begun)
            per_change = statistics.median(costs)
            gone.set()
            await asyncio.gather(*streams)
    print(
        f"{subscribers} in-process streams, {changes} changes one at a time: median "
        f"{per_change * 1000:.1f} ms CPU per change, "
        f"{per_change / subscribers * 1e6:.1f} us per stream (the write included)"
    )
    return 0


def _list(values: list[float]) -> str:
    return ", ".join(f"{value:.0f}" for value in values)


def _token(server: Server) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "service.cli.main",
            "token",
            "create",
            "--scope",
            "write",
            "--name",
            "bench-sse",
        ],
        env={**os.environ, "BRIEFS_DATABASE_URL": f"sqlite:///{server.log.parent / 'sse.db'}"},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1].split()[-1]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--writes", type=int, default=30)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cpu", action="store_true", help="in-process CPU per change instead")
    parser.add_argument("--subscribe", type=int, help=argparse.SUPPRESS)  # the child process
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--drain", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.subscribe:
        asyncio.run(
            subscribe("127.0.0.1", args.subscribe, args.subscribers, args.out, drain=args.drain)
        )
        return 0
    if args.cpu:
        return asyncio.run(fan_out_cpu(args.subscribers))
    with tempfile.TemporaryDirectory(prefix="bench-sse-") as folder:
        return asyncio.run(bench(args, Path(folder)))


if __name__ == "__main__":
    raise SystemExit(main())
