"""HTTP load generators for ``bench.api_load``: ``wrk`` when installed, else a Python fallback.

Both keep ``connections`` HTTP/1.1 keep-alive connections busy with one GET each for
``duration`` seconds and report requests/s, the 50th and 99th latency percentiles and the number
of failed requests (non-2xx answers and socket errors).

The fallback (``python -m bench.loadgen URL --connections 32 --duration 5``) runs in its own
process, so it does not share an event loop with the bench; it speaks just enough HTTP/1.1 for
these servers (``Content-Length`` bodies) and prints one JSON result. It costs far more CPU per
request than wrk, so its figures are lower and only comparable within one run.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class LoadResult:
    """One load run."""

    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def run_load(
    url: str, *, connections: int, duration: float, threads: int, generator: str = "auto"
) -> LoadResult:
    """One run with ``wrk`` (``generator="wrk"``), the fallback (``"python"``) or ``"auto"``."""
    if generator == "wrk" or (generator == "auto" and shutil.which("wrk")):
        return run_wrk(url, connections=connections, duration=duration, threads=threads)
    command = [sys.executable, "-m", "bench.loadgen", url]
    command += ["--connections", str(connections), "--duration", f"{duration:g}"]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 30, check=True
    )
    return LoadResult(**json.loads(result.stdout))


def run_wrk(url: str, *, connections: int, duration: float, threads: int) -> LoadResult:
    """``wrk --latency`` with a fixed duration, parsed."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", "--latency"]
    command += ["--timeout", "5s", url]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 30, check=True
    )
    return parse_wrk(result.stdout)


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> LoadResult:
    """Requests/s, the 50th and 99th latency percentiles and error counts from ``wrk --latency``."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    if not (rps and p50 and p99):
        raise ValueError(f"cannot parse wrk output:\n{output}")
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", output))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return LoadResult(float(rps.group(1)), _ms(p50.group(1)), _ms(p99.group(1)), errors)


async def python_load(url: str, *, connections: int, duration: float) -> LoadResult:
    """The fallback generator: ``connections`` keep-alive loops until the deadline."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    request = f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + duration

    async def connection() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                if length is None:  # cannot find the next response on this connection
                    errors += 1
                    return
                await reader.readexactly(int(length.group(1)))
                latencies.append(time.perf_counter() - started)
                errors += not 200 <= status < 300
        except (OSError, asyncio.IncompleteReadError):
            errors += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(share: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000

    return LoadResult(len(latencies) / elapsed, percentile(0.50), percentile(0.99), errors)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the fallback generator once and print its result as JSON."""
    parser = argparse.ArgumentParser(prog="bench.loadgen", description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=5.0)
    args = parser.parse_args(argv)
    result = asyncio.run(
        python_load(args.url, connections=args.connections, duration=args.duration)
    )
    print(json.dumps(dataclasses.asdict(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
