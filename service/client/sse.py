"""A reader of ``text/event-stream`` bodies, as the WHATWG HTML standard ("Server-sent events",
"Interpreting an event stream") parses them.

Bytes are UTF-8 (invalid sequences become U+FFFD), a leading BOM is dropped, lines end with CRLF,
LF or CR (a CR at the end of one chunk and an LF at the start of the next are one line end).
``field: value`` lines fill the event being built (one space after the colon is dropped), lines
starting with ``:`` are comments, and a blank line dispatches the event. ``id`` sets the last
event id even on a block without ``data`` (which dispatches nothing), and an ``id`` containing
NUL is ignored; ``retry`` takes digits only; unknown fields are ignored.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

_BOM = "\ufeff"


@dataclass(frozen=True, slots=True)
class ServerEvent:
    """One dispatched event."""

    event: str
    """Its type: the ``event`` field, ``message`` when there was none."""
    data: str
    """The ``data`` lines joined by LF."""
    last_event_id: str
    """The stream's last event id when it was dispatched."""


class EventStreamParser:
    """Incremental: `feed` it chunks as they arrive; it returns the events they complete."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buffer = ""
        self._started = False
        self._after_cr = False
        self._event = ""
        self._data: list[str] = []
        self._id_buffer = ""
        self.last_event_id = ""
        """The last event id so far (of the last dispatched block that had an ``id`` before)."""
        self.retry_ms: int | None = None
        """The reconnection time the stream asked for, in milliseconds, if any."""

    def feed(self, chunk: bytes) -> list[ServerEvent]:
        """The events completed by this chunk."""
        text = self._decoder.decode(chunk)
        if not self._started and text:
            self._started = True
            text = text.removeprefix(_BOM)
        if not text:
            return []
        if self._after_cr and text.startswith("\n"):
            text = text[1:]  # the LF of a CRLF split across chunks
        self._after_cr = False
        self._buffer += text
        events: list[ServerEvent] = []
        start = 0
        buffer = self._buffer
        while True:
            ends = [i for i in (buffer.find("\r", start), buffer.find("\n", start)) if i >= 0]
            if not ends:
                break
            end = min(ends)
            if buffer[end] == "\r":
                if end + 1 == len(buffer):
                    self._after_cr = True  # an LF may follow in the next chunk
                    step = 1
                else:
                    step = 2 if buffer[end + 1] == "\n" else 1
            else:
                step = 1
            event = self._line(buffer[start:end])
            if event is not None:
                events.append(event)
            start = end + step
        self._buffer = buffer[start:]
        return events

    def _line(self, line: str) -> ServerEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None  # a comment (the heartbeats)
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        match name:
            case "event":
                self._event = value
            case "data":
                self._data.append(value)
            case "id" if "\0" not in value:
                self._id_buffer = value
            case "retry" if value.isascii() and value.isdigit():
                self.retry_ms = int(value)
            case _:
                pass
        return None

    def _dispatch(self) -> ServerEvent | None:
        self.last_event_id = self._id_buffer
        data, event = self._data, self._event
        self._data, self._event = [], ""
        if not data:
            return None
        return ServerEvent(
            event=event or "message", data="\n".join(data), last_event_id=self.last_event_id
        )
