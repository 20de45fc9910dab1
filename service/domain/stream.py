"""The change stream's wire format (server-sent events), shared by the server and its readers.

A stream is ``text/event-stream`` (WHATWG HTML, "Server-sent events"):

* each change is one event: ``id: <change id>``, ``event: <change kind>``, ``data: <Change JSON>``;
* the first block is ``id: <position>`` alone, the change id the stream starts after: a reader
  that drops before any change arrives resumes from there and misses nothing;
* ``: keep-alive`` comment lines come every ``BRIEFS_STREAM_HEARTBEAT_SECONDS`` so that proxies
  keep an idle stream open; readers ignore them;
* a stream the server ends on purpose (a client too slow to keep up, a shutdown) ends with
  ``event: disconnect`` and ``data:`` a `StreamDisconnect`; the reader resumes with
  ``Last-Event-ID``, and the log replays what it missed.
"""

from __future__ import annotations

import msgspec

EVENT_STREAM = "text/event-stream"
"""The media type of a change stream."""
LAST_EVENT_ID = "Last-Event-ID"
"""The request header a resuming reader sends: the id of the last change it received."""
HEARTBEAT_COMMENT = "keep-alive"
"""The text of the heartbeat comment lines."""
DISCONNECT_EVENT = "disconnect"
"""The event type of the last event of a stream the server ends on purpose."""


class StreamDisconnect(msgspec.Struct, kw_only=True, frozen=True):
    """Why the server ended a change stream (the ``data`` of its ``disconnect`` event)."""

    reason: str
    """A sentence for people: the client fell behind, or the server is shutting down."""
