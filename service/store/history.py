"""Read-only history of the store: what the service said at an instant, and revisions by time.

Revisions are immutable and carry the instant they were stored (``revised_at``), so the state
of a story at an instant ``at`` is, for each brief, its highest revision stored at or before
``at`` (briefs created later are absent). These queries read the revision rows' columns over the
one core's `Driver` (both backends), choose in Python (timestamps compared as instants, whatever
offset a stored revision was written with) and read only the bodies chosen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import msgspec

from service.domain import codec
from service.domain.errors import NotFoundError
from service.domain.models import Brief, BriefRef, PubStatus
from service.store.driver import Driver, Row

_COLUMNS = (
    "story_id, brief_id, revision, as_of, status, headline, revised_at, revised_by, change_note"
)
_BY_STORY = f"SELECT {_COLUMNS} FROM brief_revisions WHERE story_id = ?"  # noqa: S608 - constants
# Newest first; the index of migration 0007 walks it without sorting.
_NEWEST = "ORDER BY revised_at DESC, story_id, brief_id, revision DESC LIMIT ? OFFSET ?"
_IN_EFFECT = (
    "SELECT brief_id, as_of, revision FROM briefs WHERE story_id = ? AND status <> 'canceled'"
    " AND as_of <= ? ORDER BY as_of DESC LIMIT 1"
)
_BODIES_CHUNK = 200
"""Revisions read per statement (well inside both backends' parameter limits)."""


class RevisionRecord(msgspec.Struct, kw_only=True, frozen=True):
    """One stored revision's columns: what history needs without its body."""

    story_id: str
    brief_id: str
    revision: int
    as_of: dt.date
    status: PubStatus
    headline: str
    revised_at: dt.datetime
    """Always aware (a revision stored without an offset is taken as UTC)."""
    revised_by: str | None = None
    change_note: str | None = None

    @property
    def ref(self) -> BriefRef:
        """The revision as a `BriefRef` with its provenance."""
        return msgspec.convert(self, BriefRef, from_attributes=True)


def aware(instant: dt.datetime) -> dt.datetime:
    """``instant`` with an offset (naive instants are UTC)."""
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=dt.UTC)


def state_at(records: Iterable[RevisionRecord], at: dt.datetime) -> list[RevisionRecord]:
    """For each brief, its highest revision stored at or before ``at``, by as-of date."""
    current: dict[str, RevisionRecord] = {}
    for record in records:
        if record.revised_at > at:
            continue
        held = current.get(record.brief_id)
        if held is None or record.revision > held.revision:
            current[record.brief_id] = record
    return sorted(current.values(), key=lambda record: (record.as_of, record.brief_id))


def standing_before(
    state: Iterable[RevisionRecord], as_of: dt.date, *, inclusive: bool = False
) -> RevisionRecord | None:
    """The brief not withdrawn dated latest before ``as_of`` (or on it, ``inclusive``)."""
    found = None
    for record in state:
        before = record.as_of <= as_of if inclusive else record.as_of < as_of
        standing = record.status is not PubStatus.CANCELED
        if before and standing and (found is None or record.as_of > found.as_of):
            found = record
    return found


class StoreHistory:
    """History queries over a connected store's driver (``SQLStore.driver``)."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver

    async def story_revisions(self, story_id: str) -> list[RevisionRecord]:
        """Every revision of every brief of a story (no bodies); ``NotFoundError`` for an
        unknown story."""
        rows = await self.driver.all(f"{_BY_STORY} ORDER BY brief_id, revision", story_id)
        if not rows:
            await self._require_story(story_id)
        return [_record(row) for row in rows]

    async def brief_revisions(self, story_id: str, brief_id: str) -> list[RevisionRecord]:
        """Every revision of one brief, oldest first; ``NotFoundError`` when there is none."""
        rows = await self.driver.all(
            f"{_BY_STORY} AND brief_id = ? ORDER BY revision", story_id, brief_id
        )
        if not rows:
            await self._require_story(story_id)
            raise NotFoundError(f"brief {brief_id!r} does not exist in story {story_id!r}")
        return [_record(row) for row in rows]

    async def state_at(self, story_id: str, at: dt.datetime) -> list[RevisionRecord]:
        """The story's briefs as they stood at ``at`` (`state_at`), withdrawn ones too."""
        return state_at(await self.story_revisions(story_id), at)

    async def briefs_at(self, story_id: str, at: dt.datetime) -> list[Brief]:
        """The bodies of the story's briefs as they stood at ``at``, by as-of date."""
        return await self.bodies(story_id, await self.state_at(story_id, at))

    async def in_effect_on(self, story_id: str, on: dt.date) -> BriefRef:
        """The current revision of the brief in effect on ``on``: dated latest on or before it
        and not withdrawn (one row of the ``briefs_standing`` index); ``NotFoundError``."""
        row = await self.driver.one(_IN_EFFECT, story_id, on.isoformat())
        if row is None:
            await self._require_story(story_id)
            raise NotFoundError(
                f"story {story_id!r} has no brief in effect on {on.isoformat()}:"
                " none dated on or before it, or every one is withdrawn"
            )
        brief_id, as_of, revision = row
        return BriefRef(brief_id=brief_id, as_of=dt.date.fromisoformat(as_of), revision=revision)

    async def bodies(self, story_id: str, records: Sequence[RevisionRecord]) -> list[Brief]:
        """The bodies of these revisions of one story, in the order given."""
        found: dict[tuple[str, int], Brief] = {}
        for start in range(0, len(records), _BODIES_CHUNK):
            chunk = records[start : start + _BODIES_CHUNK]
            where = " OR ".join("(brief_id = ? AND revision = ?)" for _ in chunk)
            params = [value for record in chunk for value in (record.brief_id, record.revision)]
            rows = await self.driver.all(
                f"SELECT body FROM brief_revisions WHERE story_id = ? AND ({where})",  # noqa: S608 - values are parameters
                story_id,
                *params,
            )
            for (body,) in rows:
                brief = codec.decode_brief(body)
                found[brief.id, brief.revision] = brief
        return [found[record.brief_id, record.revision] for record in records]

    async def newest(
        self, story_id: str | None, *, limit: int, offset: int
    ) -> tuple[list[RevisionRecord], int]:
        """A page of revisions, newest first (of one story, or of all), and how many there are
        in all; ``NotFoundError`` for an unknown story."""
        if story_id is None:
            rows = await self.driver.all(
                f"SELECT {_COLUMNS} FROM brief_revisions {_NEWEST}",  # noqa: S608 - constants
                limit,
                offset,
            )
            total = await self.driver.one("SELECT count(*) FROM brief_revisions")
        else:
            await self._require_story(story_id)
            rows = await self.driver.all(f"{_BY_STORY} {_NEWEST}", story_id, limit, offset)
            total = await self.driver.one(
                "SELECT count(*) FROM brief_revisions WHERE story_id = ?", story_id
            )
        return [_record(row) for row in rows], int(total[0]) if total else 0

    async def _require_story(self, story_id: str) -> None:
        if await self.driver.one("SELECT 1 FROM stories WHERE id = ?", story_id) is None:
            raise NotFoundError(f"story {story_id!r} does not exist")


def _record(row: Row) -> RevisionRecord:
    story_id, brief_id, revision, as_of, status, headline, revised_at, revised_by, note = row
    return RevisionRecord(
        story_id=story_id,
        brief_id=brief_id,
        revision=revision,
        as_of=dt.date.fromisoformat(as_of),
        status=PubStatus(status),
        headline=headline,
        revised_at=aware(dt.datetime.fromisoformat(revised_at)),
        revised_by=revised_by,
        change_note=note,
    )
