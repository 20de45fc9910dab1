"""One delivery attempt over HTTP: a signed Standard Webhooks POST to a checked target.

The signature is the ``standardwebhooks`` package's (the specification's reference code), so a
receiver verifies it with ``Webhook(secret).verify(body, headers)``. The request goes to the
address the SSRF guard checked (the ``Host`` header and TLS server name stay the URL's host),
follows no redirect (a redirect could point inward), ignores proxy variables, and reads no
response body: only the status matters.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import httpx
from standardwebhooks import Webhook

from service.webhooks.policy import AttemptResult
from service.webhooks.targets import PinnedTarget

USER_AGENT = "Briefs-Webhooks/1"
_RETRYABLE_STATUSES = frozenset({408, 429})


def new_client(timeout_seconds: float) -> httpx.AsyncClient:
    """The HTTP client deliveries share: no redirects, no proxies from the environment."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout_seconds),
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": USER_AGENT},
    )


def signed_headers(secret: str, message_id: str, at: dt.datetime, body: bytes) -> dict[str, str]:
    """The Standard Webhooks headers of a delivery sent at ``at``."""
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, at, body),
    }


async def post(
    client: httpx.AsyncClient,
    target: PinnedTarget,
    headers: dict[str, str],
    body: bytes,
    *,
    timeout_seconds: float,
) -> AttemptResult:
    """POST ``body`` to ``target``; the outcome, whatever happens (this never raises but for
    cancellation)."""
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout_seconds):  # the whole attempt, not each phase
            request = client.build_request(
                "POST",
                target.url,
                content=body,
                headers={**headers, "host": target.host_header},
                extensions={"sni_hostname": target.server_name},
            )
            response = await client.send(request, stream=True)
            await response.aclose()  # the status is all we read
    except TimeoutError:
        return _failure(started, f"no response within {timeout_seconds:g} s", retryable=True)
    except httpx.TimeoutException:
        return _failure(started, f"no response within {timeout_seconds:g} s", retryable=True)
    except httpx.HTTPError as error:
        reason = str(error) or type(error).__name__
        return _failure(started, f"{type(error).__name__}: {reason}", retryable=True)
    status = response.status_code
    duration_ms = _elapsed_ms(started)
    if 200 <= status < 300:
        return AttemptResult(status_code=status, duration_ms=duration_ms)
    retryable = status >= 500 or status in _RETRYABLE_STATUSES
    reason = f"the receiver answered {status}"
    if 300 <= status < 400:
        reason += " (redirects are not followed)"
    return AttemptResult(
        status_code=status, error=reason, retryable=retryable, duration_ms=duration_ms
    )


def _failure(started: float, error: str, *, retryable: bool) -> AttemptResult:
    return AttemptResult(error=error, retryable=retryable, duration_ms=_elapsed_ms(started))


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
