"""API latency and peak memory at 1,000 vs 1,000,000 briefs (SQLite), under load.

Serves the two databases built by ``bench.store_scale`` (run it first) with ``briefs serve``
(granian, one worker, default 64 MiB response cache) and loads each with ``wrk``: every request
picks a random story, so the cache and SQLite's page cache see the whole database, not one hot
brief. Reports requests/s, p50 and p99 of list, latest and timeline, the 1M / 1k ratios, and the
server's peak RSS (``VmHWM`` summed over granian's processes) after all the load.

Before measuring, the cached reads (latest, timeline) are requested once for every story, so
both databases are measured in the steady state of a long-running server rather than while one
warms 10 cache entries and the other 10,000 (``--cold`` skips that; ``--cache-bytes 0`` measures
the database path alone, with nothing to warm).

    .venv/bin/python -m bench.store_scale          # builds /tmp/briefs-bench/store-*.db once
    .venv/bin/python -m bench.api_scale            # needs wrk (apt-get install -y wrk)
    .venv/bin/python -m bench.api_scale --cache-bytes 0
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.api_load import Server, free_port
from bench.loadgen import LoadResult, parse_wrk

DATABASES = {"1k": ("store-1000.db", 10), "1M": ("store-1000000.db", 10_000)}
ENDPOINTS = {
    "list": "/briefs?limit=50",
    "latest": "/briefs/latest",
    "timeline": "/timeline",
}
# Endpoints whose answers the response cache keeps (``warm`` requests them once per story).
CACHED = ("latest", "timeline")
# A seeded random story per request, so each run covers the same spread of the database.
SCRIPT = """
math.randomseed(42)
request = function()
  local story = string.format("story-%%05d", math.random(0, %(stories)d - 1))
  return wrk.format("GET", "/v1/stories/" .. story .. "%(suffix)s")
end
"""


def start(name: str, database: Path, folder: Path, cache_bytes: int | None) -> Server:
    port = free_port()
    cache = {} if cache_bytes is None else {"BRIEFS_CACHE_BYTES": str(cache_bytes)}
    env = {
        **cache,
        "BRIEFS_DATABASE_URL": f"sqlite:///{database}",
        "BRIEFS_PORT": str(port),
        "BRIEFS_LOAD_FIXTURES": "false",
        "BRIEFS_LOG_FORMAT": "json",
        "BRIEFS_LOG_LEVEL": "warning",
    }
    command = [sys.executable, "-m", "service.cli.main", "serve"]
    server = Server(name, command, env, port, folder / f"{name}.log")
    server.wait_until_up("/readyz", timeout=120)
    return server


def load(server: Server, stories: int, suffix: str, folder: Path, seconds: float) -> LoadResult:
    script = folder / "random_story.lua"
    script.write_text(SCRIPT % {"stories": stories, "suffix": suffix})
    command = ["wrk", "-t1", "-c32", f"-d{seconds:g}s", "--latency", "--timeout", "5s"]
    command += ["-s", str(script), server.base_url]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    result = parse_wrk(output)
    if result.errors:
        raise RuntimeError(f"{server.name}{suffix}: {result.errors} errors\n{output}")
    return result


def warm(server: Server, stories: int) -> None:
    """Request each cached endpoint of every story once, on one keep-alive connection."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        for endpoint in CACHED:
            for number in range(stories):
                connection.request("GET", f"/v1/stories/story-{number:05d}{ENDPOINTS[endpoint]}")
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"warm-up: {endpoint} of story {number}: {response.status}")
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path("/tmp/briefs-bench"))
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--cache-bytes",
        type=int,
        default=None,
        help="response cache size (default: the service's 64 MiB; 0 compares the database path)",
    )
    parser.add_argument(
        "--cold", action="store_true", help="measure without first warming the response cache"
    )
    args = parser.parse_args()
    results: dict[tuple[str, str], list[LoadResult]] = {}
    peaks: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(tmp)
        servers = {
            size: start(size, args.folder / name, logs, args.cache_bytes)
            for size, (name, _) in DATABASES.items()
        }
        try:
            if not args.cold and args.cache_bytes != 0:
                for size, server in servers.items():
                    warm(server, DATABASES[size][1])
            for _ in range(args.repeats):  # interleaved, so background noise hits both alike
                for endpoint, suffix in ENDPOINTS.items():
                    for size, server in servers.items():
                        stories = DATABASES[size][1]
                        result = load(server, stories, suffix, logs, args.seconds)
                        results.setdefault((endpoint, size), []).append(result)
            peaks = {size: server.peak_rss_mib() for size, server in servers.items()}
        finally:
            for server in servers.values():
                server.stop()
    print("| endpoint | 1k req/s | 1k p50 / p99 ms | 1M req/s | 1M p50 / p99 ms | 1M/1k p50 |")
    print("|---|---:|---:|---:|---:|---:|")
    for endpoint in ENDPOINTS:
        small, large = (results[(endpoint, size)] for size in DATABASES)
        row = [endpoint]
        for runs in (small, large):
            row.append(f"{statistics.median(r.rps for r in runs):,.0f}")
            p50 = statistics.median(r.p50_ms for r in runs)
            p99 = statistics.median(r.p99_ms for r in runs)
            row.append(f"{p50:.2f} / {p99:.2f}")
        ratio = statistics.median(r.p50_ms for r in large) / statistics.median(
            r.p50_ms for r in small
        )
        row.append(f"{ratio:.2f}x")
        print("| " + " | ".join(row) + " |")
    for size, peak in peaks.items():
        print(f"peak RSS under load, {size} database: {peak:.1f} MiB")


if __name__ == "__main__":
    main()
