"""An httpx transport that runs an ASGI app and streams its response as it is sent.

``httpx.ASGITransport`` waits for the app to finish before it returns the response, so a change
stream (which never finishes) cannot be read through it. `StreamingASGITransport` returns the
response once the app sends ``http.response.start`` and hands the body over chunk by chunk;
closing the response tells the app the client went away (``http.disconnect``), as a server does.
``send_delay`` makes every body chunk's ``send`` take that long: a client that reads slowly;
`StreamingASGITransport.drop` breaks every open response as a lost connection would.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx

_DROP = b"\0drop"
"""Put in a body's queue: the connection is lost there."""


class _Body(httpx.AsyncByteStream):
    def __init__(
        self, chunks: asyncio.Queue[bytes | None], task: asyncio.Task[None], gone: asyncio.Event
    ) -> None:
        self._chunks = chunks
        self._task = task
        self._gone = gone

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            chunk = await self._chunks.get()
            if chunk is None:
                return
            if chunk is _DROP:
                raise httpx.ReadError("the connection was lost (StreamingASGITransport.drop)")
            yield chunk

    async def aclose(self) -> None:
        self._gone.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(self._task, 5)


class StreamingASGITransport(httpx.AsyncBaseTransport):
    """Requests to ``app`` on this event loop, responses streamed (see the module docstring)."""

    def __init__(self, app: Any, *, send_delay: float = 0.0) -> None:
        self.app = app
        self.send_delay = send_delay
        self.requests: list[httpx.Request] = []
        self._open: list[asyncio.Queue[bytes | None]] = []

    def drop(self) -> None:
        """Break every response still open, as if the network went away."""
        for chunks in self._open:
            chunks.put_nowait(_DROP)
        self._open.clear()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Start the app on the request; answer once its response starts."""
        body = await request.aread()
        self.requests.append(request)
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "scheme": request.url.scheme,
            "path": request.url.path,
            "raw_path": request.url.raw_path.split(b"?", 1)[0],
            "query_string": request.url.query,
            "root_path": "",
            "headers": [(key.lower(), value) for key, value in request.headers.raw],
            "client": ("127.0.0.1", 12345),
            "server": (request.url.host, request.url.port or 80),
            "state": {},
        }
        started: asyncio.Future[tuple[int, list[tuple[bytes, bytes]]]] = (
            asyncio.get_running_loop().create_future()
        )
        chunks: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._open.append(chunks)
        gone = asyncio.Event()
        sent_request = False

        async def receive() -> dict[str, Any]:
            nonlocal sent_request
            if not sent_request:
                sent_request = True
                return {"type": "http.request", "body": body, "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                started.set_result((message["status"], list(message.get("headers", []))))
            elif message["type"] == "http.response.body":
                if self.send_delay:
                    await asyncio.sleep(self.send_delay)
                if message.get("body"):
                    chunks.put_nowait(message["body"])
                if not message.get("more_body", False):
                    chunks.put_nowait(None)

        async def run() -> None:
            try:
                await self.app(scope, receive, send)
            finally:
                chunks.put_nowait(None)
                if not started.done():
                    started.set_exception(RuntimeError("the app sent no response"))

        task = asyncio.create_task(run())
        status, headers = await started
        return httpx.Response(
            status, headers=headers, stream=_Body(chunks, task, gone), request=request
        )
