"""A real HTTP receiver on 127.0.0.1 (asyncio + h11) that webhook tests deliver to.

Each request is answered by the next entry of its script (a status, or a delay then a status),
then by ``default``; every request is recorded with its headers, body and arrival time.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

import h11
import msgspec


class Received(msgspec.Struct, kw_only=True, frozen=True):
    """One request the receiver read."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float
    """``time.monotonic()`` when the whole request had arrived."""


class Answer(msgspec.Struct, kw_only=True, frozen=True):
    """How to answer one request: after ``delay`` seconds, with ``status``."""

    status: int = 204
    delay: float = 0.0


class Receiver:
    """The server's script and what it received; ``url`` once started."""

    def __init__(self, script: list[Answer] | None = None, default: Answer | None = None) -> None:
        self.script = list(script or [])
        self.default = default or Answer()
        self.received: list[Received] = []
        self.url = ""
        self._arrived = asyncio.Condition()
        self.handlers: set[asyncio.Task[object]] = set()

    async def wait_for(self, count: int, within: float = 10.0) -> list[Received]:
        """The first ``count`` requests, once they have arrived (``TimeoutError`` otherwise)."""
        async with asyncio.timeout(within), self._arrived:
            await self._arrived.wait_for(lambda: len(self.received) >= count)
        return self.received[:count]

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Answer the requests of one connection (keep-alive), one at a time."""
        task = asyncio.current_task()
        if task is not None:
            self.handlers.add(task)
        connection = h11.Connection(h11.SERVER)
        try:
            while True:
                request = await self._read_request(connection, reader)
                if request is None:
                    return
                answer = self.script.pop(0) if self.script else self.default
                if answer.delay:
                    await asyncio.sleep(answer.delay)
                response = h11.Response(
                    status_code=answer.status, headers=[("content-length", "0")]
                )
                writer.write(connection.send(response) + connection.send(h11.EndOfMessage()))
                await writer.drain()
                connection.start_next_cycle()
        except (ConnectionError, h11.ProtocolError):
            return
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _read_request(
        self, connection: h11.Connection, reader: asyncio.StreamReader
    ) -> Received | None:
        head: h11.Request | None = None
        body = b""
        while True:
            event = connection.next_event()
            if event is h11.NEED_DATA:
                data = await reader.read(65536)
                connection.receive_data(data)
                if not data and head is None:
                    return None
                continue
            if isinstance(event, h11.Request):
                head = event
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage) and head is not None:
                received = Received(
                    method=head.method.decode(),
                    path=head.target.decode(),
                    headers={name.decode(): value.decode() for name, value in head.headers},
                    body=body,
                    at=time.monotonic(),
                )
                async with self._arrived:
                    self.received.append(received)
                    self._arrived.notify_all()
                return received
            elif isinstance(event, h11.ConnectionClosed):
                return None


@contextlib.asynccontextmanager
async def receiving(receiver: Receiver) -> AsyncIterator[Receiver]:
    """Serve ``receiver`` on a free port of 127.0.0.1 for the block."""
    server = await asyncio.start_server(receiver.serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    receiver.url = f"http://127.0.0.1:{port}/hooks/briefs"
    try:
        yield receiver
    finally:
        server.close()
        for handler in receiver.handlers:  # a connection still open (a hung attempt)
            handler.cancel()
        await asyncio.gather(*receiver.handlers, return_exceptions=True)
        await server.wait_closed()
