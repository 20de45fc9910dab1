"""``briefs healthcheck``: probe a running server's ``/healthz`` (the container HEALTHCHECK).

The slim image has no curl, so the probe is this command. It uses only the standard library and
imports nothing heavy: Docker runs it every few seconds. Exit 0 means healthy, 1 unhealthy (the
only codes Docker gives a meaning; 2 is reserved there, so configuration problems are 1 too).
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping

from service.cli._command import Arg, Command
from service.settings import ConfigError, load_settings

DEFAULT_TIMEOUT_SECONDS = 3.0


def default_url(environ: Mapping[str, str]) -> str:
    """The /healthz URL of the server that these ``BRIEFS_*`` variables configure."""
    settings = load_settings(environ)
    host = settings.host
    # A wildcard listen address is reachable on loopback; IPv6 literals need brackets.
    if host in {"0.0.0.0", ""}:  # noqa: S104 - matching the wildcard, not binding to it
        host = "127.0.0.1"
    elif host == "::":
        host = "[::1]"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}/healthz"


def probe(url: str, timeout: float) -> str | None:
    """``None`` when ``url`` answers 200, else one line saying what went wrong."""
    if not url.startswith(("http://", "https://")):
        return f"not an http(s) URL: {url!r}"
    # No proxies: HTTP_PROXY in a container's environment must not reroute a loopback probe.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            status: int = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return f"{url}: {reason}"
    if status != 200:
        return f"{url}: HTTP {status}"
    return None


def run(args: argparse.Namespace) -> int:
    """Probe and report; the exit code is what Docker reads."""
    try:
        url = args.url or default_url(os.environ)
    except ConfigError as error:
        print(f"briefs healthcheck: {error}", file=sys.stderr)
        return 1
    problem = probe(url, args.timeout)
    if problem is not None:
        print(f"unhealthy: {problem}", file=sys.stderr)
        return 1
    print(f"healthy: {url}")
    return 0


register = Command(
    name="healthcheck",
    handler=run,
    help="check that a running server answers /healthz (exit 0 healthy, 1 not)",
    description=(
        "Request /healthz of a running server and exit 0 if it answers 200, 1 otherwise. "
        "Without --url, the server is the one BRIEFS_HOST and BRIEFS_PORT configure."
    ),
    arguments=(
        Arg("--url", help="URL to probe (default: http://<BRIEFS_HOST>:<BRIEFS_PORT>/healthz)"),
        Arg(
            "--timeout",
            type=float,
            default=DEFAULT_TIMEOUT_SECONDS,
            help=f"seconds to wait for the answer (default {DEFAULT_TIMEOUT_SECONDS:g})",
        ),
    ),
)
