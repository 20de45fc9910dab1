"""The event-stream parser against the rules of the WHATWG standard, fed whole and byte by byte."""

from __future__ import annotations

import pytest

from service.client.sse import EventStreamParser, ServerEvent


def parse_whole(body: bytes) -> tuple[list[ServerEvent], EventStreamParser]:
    parser = EventStreamParser()
    return parser.feed(body), parser


def parse_bytewise(body: bytes) -> list[ServerEvent]:
    parser = EventStreamParser()
    return [event for i in range(len(body)) for event in parser.feed(body[i : i + 1])]


STREAM = (
    b"\xef\xbb\xbfid: 0\r\n\r\n"
    b": keep-alive\r\n\r\n"
    b'id: 7\r\nevent: brief.revised\r\ndata: {"id":7}\r\n\r\n'
    b"data:first\ndata: second\n\n"
    b'event: disconnect\rdata: {"reason": "slow"}\r\r'
)


def test_events_ids_types_and_data() -> None:
    events, parser = parse_whole(STREAM)
    assert events == [
        ServerEvent(event="brief.revised", data='{"id":7}', last_event_id="7"),
        ServerEvent(event="message", data="first\nsecond", last_event_id="7"),
        ServerEvent(event="disconnect", data='{"reason": "slow"}', last_event_id="7"),
    ]
    assert parser.last_event_id == "7"


def test_any_split_of_the_bytes_parses_the_same() -> None:
    assert parse_bytewise(STREAM) == parse_whole(STREAM)[0]
    text = "data: ünïcödé ✓\r\n\r\n".encode()
    assert parse_bytewise(text) == parse_whole(text)[0]
    assert parse_whole(text)[0][0].data == "ünïcödé ✓"


def test_an_id_only_block_sets_the_last_event_id_without_an_event() -> None:
    events, parser = parse_whole(b"id: 42\n\n")
    assert events == []
    assert parser.last_event_id == "42"


def test_a_block_not_yet_ended_is_not_dispatched() -> None:
    events, parser = parse_whole(b"id: 5\ndata: x\n")
    assert events == []
    assert parser.last_event_id == ""
    assert parser.feed(b"\n") == [ServerEvent(event="message", data="x", last_event_id="5")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"data\n\n", ""),  # a field name alone: empty value
        (b"data:\n\n", ""),
        (b"data:  two spaces\n\n", " two spaces"),  # only one space is dropped
        (b"data: a\ndata:\ndata: b\n\n", "a\n\nb"),
        (b"unknown: x\ndata: kept\n\n", "kept"),
    ],
)
def test_field_values(body: bytes, expected: str) -> None:
    (event,) = parse_whole(body)[0]
    assert event.data == expected


def test_ids_with_nul_are_ignored_and_retry_takes_digits_only() -> None:
    events, parser = parse_whole(b"id: 3\n\nid: a\x00b\nretry: 1500\ndata: x\n\nretry: soon\n\n")
    assert events[0].last_event_id == "3"
    assert parser.retry_ms == 1500


def test_comments_and_blank_lines_alone_dispatch_nothing() -> None:
    assert parse_whole(b": keep-alive\n\n\n\r\n: another\r\n")[0] == []


def test_invalid_utf8_becomes_replacement_characters() -> None:
    (event,) = parse_whole(b"data: \xff\n\n")[0]
    assert event.data == "\ufffd"
