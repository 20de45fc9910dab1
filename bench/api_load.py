"""HTTP load benchmark of ``briefs serve`` against a raw ASGI ceiling on the same server.

Run: ``.venv/bin/python -m bench.api_load [--duration 5] [--repeats 3] [--connections 32]``

Starts, on loopback, with the fixture story loaded (SQLite in a temporary folder):

* ``cached``: ``briefs serve`` (granian, 1 worker) with the default response cache;
* ``uncached``: the same with ``BRIEFS_CACHE_BYTES=0``;
* ``raw``: granian (same options, 1 worker) serving `bench.raw_asgi`, which answers the same
  paths with the exact bytes recorded from ``cached``: the ceiling without any framework;
* ``litestar``: the same canned bytes from one bare Litestar route: the framework's own floor.

Then ``wrk`` (``apt-get install wrk``; without it, the slower Python fallback of
`bench.loadgen`) drives each endpoint on each server for ``--duration``
seconds with ``--connections`` connections, ``--repeats`` times, interleaved so that noise hits
every server alike, and reports the median requests/s, p50 and p99 latency, the ratio to the raw
ceiling, and each server's peak RSS (``VmHWM`` from /proc, summed over its process group).

``--cpu`` measures instead, in this process, the CPU time per request of the same four apps
driven directly through ASGI (no server, no sockets, no load generator): the figure to profile
and to compare fixes with on a noisy machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from bench.loadgen import LoadResult, run_load
from service.settings import LogLevel

REPO_ROOT = Path(__file__).resolve().parent.parent
STORY = "ceasefire-2025"
ENDPOINTS: dict[str, str] = {
    "latest brief": f"/v1/stories/{STORY}/briefs/latest",
    "list briefs": f"/v1/stories/{STORY}/briefs",
    "diff": f"/v1/stories/{STORY}/diff?from=2025-03-14&to=2025-03-18",
}
TARGETS = ("raw", "litestar", "cached", "uncached")
# Targets of issue 10: share of the raw ceiling's requests/s, and p99 at 32 connections.
RPS_TARGETS = {"cached": 0.60, "uncached": 0.30}
P99_TARGET_MS = 20.0


class Server:
    """A server process group on a loopback port; ``url`` must answer 200 once it is up."""

    def __init__(
        self, name: str, command: Sequence[str], env: Mapping[str, str], port: int, log: Path
    ) -> None:
        self.name = name
        self.port = port
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                list(command),
                env={**os.environ, **env},
                cwd=REPO_ROOT,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_until_up(self, path: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.base_url + path, timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not up after {timeout}s:\n{self.log.read_text()[-3000:]}")

    def peak_rss_mib(self) -> float:
        """Sum of ``VmHWM`` over the process group (granian's main process and its worker)."""
        total_kib = 0
        for pid in _group_pids(self.process.pid):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
            total_kib += int(match.group(1)) if match else 0
        return total_kib / 1024

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the parenthesised command: state ppid pgrp ...
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid:
            pids.append(int(entry.name))
    return pids


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def start_briefs(name: str, folder: Path, extra_env: Mapping[str, str]) -> Server:
    port = free_port()
    env = {
        "BRIEFS_DATABASE_URL": f"sqlite:///{folder / f'{name}.db'}",
        "BRIEFS_HOST": "127.0.0.1",
        "BRIEFS_PORT": str(port),
        "BRIEFS_WORKERS": "1",
        "BRIEFS_LOAD_FIXTURES": "true",
        "BRIEFS_LOG_FORMAT": "json",
        **extra_env,
    }
    command = [sys.executable, "-m", "service.cli.main", "serve"]
    return Server(name, command, env, port, folder / f"{name}.log")


def start_canned(name: str, target: str, folder: Path, bodies: Path) -> Server:
    """granian (as ``briefs serve`` runs it: ASGI, one worker) on a `bench.raw_asgi` app."""
    port = free_port()
    command = [
        sys.executable, "-m", "granian", "--interface", "asgi", "--workers", "1",
        "--host", "127.0.0.1", "--port", str(port), target,
    ]  # fmt: skip
    env = {"BENCH_RAW_BODIES": str(bodies), "PYTHONPATH": str(REPO_ROOT)}
    return Server(name, command, env, port, folder / f"{name}.log")


def record_bodies(server: Server, path: Path) -> None:
    """Fetch every endpoint once and store its exact bytes for the raw app."""
    recorded = {}
    for target in ENDPOINTS.values():
        with urllib.request.urlopen(server.base_url + target, timeout=10) as response:
            recorded[target] = {
                "body": response.read().decode(),
                "content_type": response.headers["content-type"],
            }
    path.write_text(json.dumps(recorded))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.api_load", description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run")
    parser.add_argument("--repeats", type=int, default=3, help="runs per endpoint and server")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (2 cores: keep 1)")
    parser.add_argument(
        "--generator",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="load generator: wrk if installed (auto), or the Python fallback (bench.loadgen)",
    )
    parser.add_argument("--cpu", action="store_true", help="in-process CPU time per request")
    parser.add_argument(
        "--log-level",
        default="warning",
        choices=["debug", "info", "warning", "error"],
        help="--cpu: the apps' log level (info: with the access log, written to /dev/null)",
    )
    args = parser.parse_args(argv)
    if args.cpu:
        return asyncio.run(measure_cpu(log_level=args.log_level))
    if args.generator == "auto":
        args.generator = "wrk" if shutil.which("wrk") else "python"
    if args.generator == "wrk" and shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="briefs-bench-") as tmp:
        folder = Path(tmp)
        servers: dict[str, Server] = {}
        try:
            servers["cached"] = start_briefs("cached", folder, {})
            servers["uncached"] = start_briefs("uncached", folder, {"BRIEFS_CACHE_BYTES": "0"})
            for name in ("cached", "uncached"):
                servers[name].wait_until_up(ENDPOINTS["latest brief"])
            bodies = folder / "bodies.json"
            record_bodies(servers["cached"], bodies)
            servers["raw"] = start_canned("raw", "bench.raw_asgi:app", folder, bodies)
            servers["litestar"] = start_canned(
                "litestar", "bench.raw_asgi:litestar_app", folder, bodies
            )
            for name in ("raw", "litestar"):
                servers[name].wait_until_up(ENDPOINTS["latest brief"])
            results = measure(servers, args)
            rss = {name: server.peak_rss_mib() for name, server in servers.items()}
        finally:
            for server in servers.values():
                server.stop()
    report(results, rss, args)
    return 0


def measure(
    servers: Mapping[str, Server], args: argparse.Namespace
) -> dict[tuple[str, str], list[LoadResult]]:
    results: dict[tuple[str, str], list[LoadResult]] = {}
    options = {
        "connections": args.connections,
        "threads": args.threads,
        "generator": args.generator,
    }
    for name in TARGETS:  # warm-up: imports, caches, connection pools
        for path in ENDPOINTS.values():
            run_load(servers[name].base_url + path, duration=1, **options)
    for repeat in range(args.repeats):
        for endpoint, path in ENDPOINTS.items():
            for name in TARGETS:
                result = run_load(servers[name].base_url + path, duration=args.duration, **options)
                if result.errors:
                    raise RuntimeError(f"{name} {endpoint}: {result.errors} failed requests")
                results.setdefault((name, endpoint), []).append(result)
                print(
                    f"run {repeat + 1}: {name:9} {endpoint:13} {result.rps:9.0f} req/s "
                    f"p50 {result.p50_ms:6.2f} ms  p99 {result.p99_ms:6.2f} ms",
                    flush=True,
                )
    return results


def report(
    results: Mapping[tuple[str, str], list[LoadResult]],
    rss: Mapping[str, float],
    args: argparse.Namespace,
) -> None:
    print(
        f"\nmedians of {args.repeats} runs, {args.duration:g} s each, "
        f"{args.connections} connections, generator {args.generator}"
    )
    print(
        f"{'endpoint':13} {'server':9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'vs raw':>7}  targets"
    )
    for endpoint in ENDPOINTS:
        raw_rps = statistics.median(r.rps for r in results[("raw", endpoint)])
        for name in TARGETS:
            runs = results[(name, endpoint)]
            rps = statistics.median(r.rps for r in runs)
            p50 = statistics.median(r.p50_ms for r in runs)
            p99 = statistics.median(r.p99_ms for r in runs)
            verdict = ""
            if name in RPS_TARGETS and endpoint == "latest brief":
                share_ok = rps / raw_rps >= RPS_TARGETS[name]
                verdict = (
                    f"rps>={RPS_TARGETS[name]:.0%} raw {'ok' if share_ok else 'MISSED'}, "
                    f"p99<{P99_TARGET_MS:g}ms {'ok' if p99 < P99_TARGET_MS else 'MISSED'}"
                )
            share = rps / raw_rps
            print(
                f"{endpoint:13} {name:9} {rps:9.0f} {p50:8.2f} {p99:8.2f} {share:7.0%}  {verdict}"
            )
    print(
        "\npeak RSS (VmHWM summed over the process group): "
        + ", ".join(f"{name} {mib:.1f} MiB" for name, mib in rss.items())
    )


async def measure_cpu(requests: int = 2000, log_level: LogLevel = "warning") -> int:
    """CPU milliseconds per request of each app, driven in-process through ASGI; the apps log
    at ``log_level`` to /dev/null (``info``: one access line per request, as the server does)."""
    from bench import raw_asgi
    from service.api.app import create_app
    from service.domain.files import load_story_dir
    from service.fixtures import default_fixtures_dir
    from service.settings import Settings
    from service.store.factory import create_store

    with (
        tempfile.TemporaryDirectory(prefix="briefs-cpu-") as tmp,
        open(os.devnull, "w") as devnull,  # noqa: ASYNC230 - once, before measuring
    ):
        apps: dict[str, Any] = {}
        for name, cache_bytes in (("cached", 64 * 1024 * 1024), ("uncached", 0)):
            url = f"sqlite:///{Path(tmp) / f'{name}.db'}"
            settings = Settings(
                database_url=url, cache_bytes=cache_bytes, log_level=log_level, log_format="json"
            )
            store = create_store(settings)
            with contextlib.redirect_stdout(devnull):
                apps[name] = create_app(settings, store)  # its log handler writes to devnull
            await store.open()
            await store.import_folder(load_story_dir(default_fixtures_dir() / STORY))
            await store.close()
        bodies = Path(tmp) / "bodies.json"
        recorded = {}
        async with _lifespan(apps["cached"]):
            for target in ENDPOINTS.values():
                start, body = await _asgi_get(apps["cached"], target)
                content_type = dict(start["headers"])[b"content-type"].decode()
                recorded[target] = {"body": body.decode(), "content_type": content_type}
        bodies.write_text(json.dumps(recorded))
        raw_asgi.load_bodies(bodies)
        apps["raw"], apps["litestar"] = raw_asgi.app, raw_asgi.litestar_app
        print(f"CPU ms per request, in-process ASGI, {requests} requests each (log {log_level})")
        print(f"{'endpoint':13} " + " ".join(f"{name:>9}" for name in TARGETS))
        for endpoint, target in ENDPOINTS.items():
            cells = []
            for name in TARGETS:
                async with _lifespan(apps[name]):
                    for _ in range(requests // 10):  # warm-up
                        await _asgi_get(apps[name], target)
                    started = time.process_time()
                    for _ in range(requests):
                        await _asgi_get(apps[name], target)
                    cells.append((time.process_time() - started) / requests * 1000)
            print(f"{endpoint:13} " + " ".join(f"{cell:9.3f}" for cell in cells))
    return 0


async def _asgi_get(app: Any, target: str) -> tuple[dict[str, Any], bytes]:
    path, _, query = target.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
        "root_path": "", "headers": [(b"host", b"bench")], "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80), "state": {},
    }  # fmt: skip
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await app(scope, receive, send)
    if messages[0]["status"] != 200:
        raise RuntimeError(f"GET {target}: HTTP {messages[0]['status']}")
    return messages[0], b"".join(m.get("body", b"") for m in messages[1:])


@contextlib.asynccontextmanager
async def _lifespan(app: Any) -> AsyncIterator[None]:
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    task = asyncio.create_task(app(scope, inbox.get, outbox.put))
    await inbox.put({"type": "lifespan.startup"})
    await outbox.get()
    try:
        yield
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await outbox.get()
        await task


if __name__ == "__main__":
    sys.exit(main())
