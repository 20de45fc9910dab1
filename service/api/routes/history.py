"""Time travel and Memento (RFC 7089): what the service said at an instant, and TimeMaps.

* ``?on=YYYY-MM-DD`` on the latest brief: the brief in effect that day (dated latest on or before
  it and not withdrawn), at its current revision.
* ``?at=RFC3339`` on a brief, the latest brief, the timeline and the issue lifecycles: the answer
  as the service gave it at that instant (each brief at its highest revision stored at or before
  it; briefs created later are absent). An instant in the future means now.
* ``Accept-Datetime`` (an HTTP-date) on a brief or the latest brief: the brief's URL is its own
  TimeGate with 200-style negotiation. The answer is the memento (the revision current then, or
  the first one for an instant before it), with ``Memento-Datetime``, ``Content-Location`` (the
  revision's URL), ``Link`` (original, timegate, timemap, first/last/prev/next memento) and
  ``Vary: Accept-Datetime``.
* ``GET .../briefs/{brief_ref}/timemap``: the brief's revisions as an ``application/link-format``
  TimeMap.

These answers are never served from the response cache under the plain reads' keys: a brief's
revision bytes are (they are immutable, keyed by revision), the derived views are not cached.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Callable
from typing import Annotated

import msgspec
from litestar import get
from litestar.exceptions import ValidationException
from litestar.params import HeaderParameter, QueryParameter

from service.api.cache import CachedBody, ResponseCache, cached_body
from service.api.deps import StoreDep
from service.api.representations import (
    HEADER_MAX,
    JSON,
    Answer,
    BriefRefParam,
    IfNoneMatch,
    StoryId,
    read_responses,
    resolve_ref,
    serve,
    stored_body,
)
from service.api.resources import resource
from service.domain import codec
from service.domain.errors import NotFoundError
from service.domain.models import Brief
from service.store.base import Store, story_version_of
from service.store.history import RevisionRecord, StoreHistory, aware, standing_before, state_at

LINK_FORMAT = "application/link-format"
ACCEPT_DATETIME = "Accept-Datetime"
_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
RFC3339_PATTERN = (
    rf"^[0-9]{{4}}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt ]{_TIME}(\.[0-9]{{1,6}})?"
    r"([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)
"""RFC 3339 with an offset; what it cannot say (February 30) is a 400 `NO_SUCH_DATE`."""
HTTP_DATE_PATTERN = (
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (0[1-9]|[12][0-9]|3[01])"
    r" (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} " + _TIME + " GMT$"
)
"""An HTTP-date (RFC 9110's IMF-fixdate), as Memento's ``Accept-Datetime`` is sent."""
NO_SUCH_DATE = "no such date"
BOTH = "send either at or Accept-Datetime, not both"
_RFC3339 = re.compile(RFC3339_PATTERN)
_HTTP_DATE = re.compile(HTTP_DATE_PATTERN)

OnQuery = Annotated[
    dt.date | None,
    QueryParameter(
        name="on",
        description="A day `YYYY-MM-DD`: the brief in effect on it (dated latest on or before "
        "it, not withdrawn).",
        required=False,
    ),
]
AtQuery = Annotated[
    str | None,
    QueryParameter(
        name="at",
        description="An RFC 3339 instant with its offset (`2025-03-14T09:30:00Z`): the answer "
        "as it was then (each brief at its revision current then; later briefs absent). "
        "A future instant means now.",
        pattern=RFC3339_PATTERN,
        max_length=40,
        required=False,
    ),
]
AcceptDatetime = Annotated[
    str | None,
    HeaderParameter(
        name=ACCEPT_DATETIME,
        description="Memento (RFC 7089): an HTTP-date; the answer is the revision current then.",
        pattern=HTTP_DATE_PATTERN,
        max_length=HEADER_MAX,
        required=False,
    ),
]


def bad_parameter(source: str, key: str, message: str) -> ValidationException:
    """A 400 problem naming the parameter as Litestar does (``query.at``,
    ``header.accept_datetime``)."""
    extra = [{"source": source, "key": key, "message": message}]
    return ValidationException("Invalid request parameter.", extra=extra)


def parse_at(value: str) -> dt.datetime:
    """The instant ``?at=`` names (aware; a future instant becomes now); 400 if it is not one."""
    if not _RFC3339.match(value):
        raise bad_parameter("query", "at", "not an RFC 3339 date-time with an offset")
    try:
        instant = dt.datetime.fromisoformat(value.upper().replace(" ", "T"))
    except ValueError:
        raise bad_parameter("query", "at", NO_SUCH_DATE) from None
    return min(instant, dt.datetime.now(dt.UTC))


def parse_accept_datetime(value: str) -> dt.datetime:
    """The instant an ``Accept-Datetime`` header names; 400 if it is not an HTTP-date."""
    if not _HTTP_DATE.match(value):
        raise bad_parameter("header", "accept_datetime", "not an HTTP-date (RFC 9110)")
    try:
        instant = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        raise bad_parameter("header", "accept_datetime", NO_SUCH_DATE) from None
    return min(aware(instant), dt.datetime.now(dt.UTC))


def http_date(instant: dt.datetime) -> str:
    """``Thu, 14 Mar 2025 09:30:00 GMT``."""
    return email.utils.format_datetime(aware(instant).astimezone(dt.UTC), usegmt=True)


def history_of(store: Store) -> StoreHistory:
    """The history queries of the store's driver (every store is a ``SQLStore``)."""
    driver = getattr(store, "driver", None)
    if driver is None:
        raise TypeError(f"{type(store).__name__} has no driver to read history from")
    return StoreHistory(driver)


def _one_of(at: str | None, accept_datetime: str | None) -> None:
    if at is not None and accept_datetime is not None:
        raise bad_parameter("query", "at", BOTH)


async def brief_then(
    store: Store,
    cache: ResponseCache,
    story_id: str,
    brief_ref: str,
    *,
    at: str | None,
    accept_datetime: str | None,
    if_none_match: str | None,
) -> Answer:
    """``getBrief`` with ``at`` or ``Accept-Datetime``."""
    _one_of(at, accept_datetime)
    brief_id = (await resolve_ref(store, story_id, brief_ref)).brief_id
    revisions = await history_of(store).brief_revisions(story_id, brief_id)
    if at is not None:
        chosen = _current_at(revisions, parse_at(at))
        if chosen is None:
            raise NotFoundError(
                f"brief {brief_id!r} of story {story_id!r} did not exist yet at {at}"
            )
        body = await stored_body(store, cache, story_id, brief_id, chosen.revision)
        return serve(body, if_none_match)
    assert accept_datetime is not None
    instant = parse_accept_datetime(accept_datetime)
    chosen = _current_at(revisions, instant) or revisions[0]  # before the first: the first
    original = _brief_url(story_id, brief_id)
    return await _memento(
        store, cache, revisions, chosen, original=original, if_none_match=if_none_match
    )


async def latest_then(
    store: Store,
    cache: ResponseCache,
    story_id: str,
    *,
    on: dt.date | None,
    at: str | None,
    accept_datetime: str | None,
    if_none_match: str | None,
) -> Answer:
    """``getLatestBrief`` with ``on``, ``at`` or ``Accept-Datetime``."""
    _one_of(at, accept_datetime)
    history = history_of(store)
    if on is not None and at is None and accept_datetime is None:
        current = await history.in_effect_on(story_id, on)
        body = await stored_body(store, cache, story_id, current.brief_id, current.revision)
        return serve(body, if_none_match)
    instant = parse_at(at) if at is not None else parse_accept_datetime(accept_datetime or "")
    records = await history.story_revisions(story_id)
    state = state_at(records, instant)
    day = on if on is not None else dt.date.max
    chosen = standing_before(state, day, inclusive=True)
    if chosen is None:
        when = f"on {on.isoformat()} " if on is not None else ""
        raise NotFoundError(f"story {story_id!r} had no brief {when}standing at {instant}")
    if at is not None:
        body = await stored_body(store, cache, story_id, chosen.brief_id, chosen.revision)
        return serve(body, if_none_match)
    revisions = [record for record in records if record.brief_id == chosen.brief_id]
    original = f"{_briefs_url(story_id)}/latest"
    return await _memento(
        store, cache, revisions, chosen, original=original, if_none_match=if_none_match
    )


async def view_at_body(
    store: Store,
    story_id: str,
    view: tuple[str, ...],
    derive: Callable[[list[Brief]], msgspec.Struct],
    at: str,
) -> CachedBody:
    """A story view derived from the briefs as they stood at ``at`` (not cached)."""
    instant = parse_at(at)
    briefs = await history_of(store).briefs_at(story_id, instant)
    identity = "/".join((story_id, *view, "at", f"v{story_version_of(briefs)}"))
    return cached_body(identity, codec.encode(derive(briefs)), JSON)


@get(
    "/{brief_ref:str}/timemap",
    operation_id="getBriefTimeMap",
    responses=read_responses("The brief's TimeMap (RFC 7089) in link format.", str, LINK_FORMAT),
)
async def get_brief_timemap(
    store: StoreDep, story_id: StoryId, brief_ref: BriefRefParam, if_none_match: IfNoneMatch
) -> Answer:
    """Every revision of a brief as a Memento TimeMap (RFC 7089, `application/link-format`):
    the original resource (also its TimeGate, with `Accept-Datetime`), this TimeMap and one
    memento per revision (its `/revisions/{n}` URL) with its `datetime`."""
    brief_id = (await resolve_ref(store, story_id, brief_ref)).brief_id
    revisions = await history_of(store).brief_revisions(story_id, brief_id)
    original = _brief_url(story_id, brief_id)
    first, last = revisions[0], revisions[-1]
    links = [
        f'<{original}>;rel="original timegate"',
        f'<{original}/timemap>;rel="self";type="{LINK_FORMAT}"'
        f';from="{http_date(first.revised_at)}";until="{http_date(last.revised_at)}"',
    ]
    for record in revisions:
        rel = " ".join(
            [
                *(["first"] if record is first else []),
                *(["last"] if record is last else []),
                "memento",
            ]
        )
        links.append(
            f'<{original}/revisions/{record.revision}>;rel="{rel}"'
            f';datetime="{http_date(record.revised_at)}"'
        )
    identity = f"{story_id}/{brief_id}/timemap/r{last.revision}"
    body = cached_body(identity, ",\n".join(links).encode() + b"\n", LINK_FORMAT)
    return serve(body, if_none_match)


def _current_at(revisions: list[RevisionRecord], at: dt.datetime) -> RevisionRecord | None:
    then = [record for record in revisions if record.revised_at <= at]
    return max(then, key=lambda record: record.revision) if then else None


async def _memento(
    store: Store,
    cache: ResponseCache,
    revisions: list[RevisionRecord],
    chosen: RevisionRecord,
    *,
    original: str,
    if_none_match: str | None,
) -> Answer:
    """The memento ``chosen`` of one brief, as a 200-style TimeGate answers it."""
    story_id, brief_id = chosen.story_id, chosen.brief_id
    brief_url = _brief_url(story_id, brief_id)
    ordered = sorted(revisions, key=lambda record: record.revision)
    index = next(i for i, record in enumerate(ordered) if record.revision == chosen.revision)
    rels: dict[int, list[str]] = {}
    rels.setdefault(ordered[0].revision, []).append("first")
    rels.setdefault(ordered[-1].revision, []).append("last")
    if index > 0:
        rels.setdefault(ordered[index - 1].revision, []).append("prev")
    if index + 1 < len(ordered):
        rels.setdefault(ordered[index + 1].revision, []).append("next")
    rels.setdefault(chosen.revision, [])
    by_revision = {record.revision: record for record in ordered}
    links = [
        f'<{original}>; rel="original timegate"',
        f'<{brief_url}/timemap>; rel="timemap"; type="{LINK_FORMAT}"',
    ]
    for revision in sorted(rels):
        rel = " ".join([*rels[revision], "memento"])
        when = http_date(by_revision[revision].revised_at)
        links.append(f'<{brief_url}/revisions/{revision}>; rel="{rel}"; datetime="{when}"')
    headers = {
        "Memento-Datetime": http_date(chosen.revised_at),
        "Content-Location": f"{brief_url}/revisions/{chosen.revision}",
        "Link": ", ".join(links),
    }
    body = await stored_body(store, cache, story_id, brief_id, chosen.revision)
    return serve(body, if_none_match, headers=headers, vary=ACCEPT_DATETIME)


def _briefs_url(story_id: str) -> str:
    return f"/v1/stories/{story_id}/briefs"


def _brief_url(story_id: str, brief_id: str) -> str:
    return f"{_briefs_url(story_id)}/{brief_id}"


ROUTER = resource("/v1/stories/{story_id:str}/briefs", get_brief_timemap, tag="briefs")
