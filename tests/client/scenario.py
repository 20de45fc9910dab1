"""One scenario that drives every endpoint of docs/api.md through `BriefsClient`.

It runs unchanged against the in-process app (ASGITransport, SQLite) and against a real
``briefs serve`` over TCP (PostgreSQL), so both backends honour the same contract.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import jsonpatch
import msgspec
import pytest

from service.client import (
    BadRequest,
    BriefsClient,
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    PreconditionRequired,
    Tagged,
    TransportError,
    Unauthorized,
    Unprocessable,
)
from service.domain.changes import IssueClosed, IssueOpened
from service.domain.files import StoryFolder
from service.domain.models import (
    Brief,
    BriefContent,
    BriefDraft,
    IssueStatus,
    Position,
    Stance,
    StoryUpdate,
    content_of,
)
from service.domain.wire import Scope

Connect = Callable[[str | None], BriefsClient]
"""Makes a client for the server under test, with an optional bearer token."""

D14, D18 = dt.date(2025, 3, 14), dt.date(2025, 3, 18)


def draft_of(brief: Brief) -> BriefDraft:
    """The creation body of a stored revision."""
    return BriefDraft(**{name: getattr(brief, name) for name in BriefDraft.__struct_fields__})


async def drive_every_endpoint(
    connect: Connect, admin_token: str, folder: StoryFolder, *, over_tcp: bool = False
) -> None:
    """Load ``folder`` through the API and exercise every operation and error path.

    ``over_tcp``: a real server may reset the connection instead of delivering its early 413
    (see `check_payload_too_large`).
    """
    story_id = folder.story.id
    async with connect(admin_token) as admin, connect(None) as anonymous:
        assert (await anonymous.health()).ok
        ready = await anonymous.ready()
        assert ready.ok, ready

        writer_token = (await admin.create_token("contract-writer", [Scope.WRITE])).token
        reader = await admin.create_token("contract-reader", ["read"])
        with pytest.raises(Conflict):
            await admin.create_token("contract-reader", ["read"])
        names = {info.name for info in await admin.list_tokens()}
        assert {"contract-writer", "contract-reader"} <= names

        async with connect(writer_token) as writer, connect(reader.token) as read_only:
            with pytest.raises(Unauthorized):
                await anonymous.create_story(folder.story)
            with pytest.raises(Forbidden):
                await read_only.create_story(folder.story)
            with pytest.raises(Forbidden):
                await writer.list_tokens()

            tags = await load_story(writer, folder)
            await check_stories(writer, folder)
            await check_listing(anonymous, folder)
            await check_briefs(anonymous, folder)
            await check_acceptance_diff(anonymous, story_id)
            await check_views_and_exports(anonymous, folder)
            await check_write_errors(writer, folder, tags)
            await check_payload_too_large(connect, writer_token, folder, over_tcp=over_tcp)

            revoked = await admin.revoke_token("contract-reader")
            assert revoked.revoked_at is not None
            with pytest.raises(Unauthorized, match="revoked"):
                await read_only.update_story(story_id, StoryUpdate(description="x"))
            await check_webhooks(admin, writer, story_id)


async def check_webhooks(admin: BriefsClient, writer: BriefsClient, story_id: str) -> None:
    """Register, read and delete an endpoint, after the last write (so that nothing is ever
    delivered to its public address), and the refusals."""
    with pytest.raises(Unprocessable, match="loopback"):
        await admin.create_webhook("http://127.0.0.1:9/hook", ["brief.created"])
    with pytest.raises(Forbidden):
        await writer.list_webhooks()
    created = await admin.create_webhook(
        "https://93.184.216.34/hook", ["brief.revised"], story_id=story_id
    )
    assert created.secret.startswith("whsec_")
    hook = created.webhook
    assert await admin.list_webhooks() == [hook]
    assert await admin.get_webhook(hook.id) == hook
    assert await admin.webhook_deliveries(hook.id, limit=5) == []
    await admin.delete_webhook(hook.id)
    with pytest.raises(NotFound):
        await admin.get_webhook(hook.id)


async def load_story(writer: BriefsClient, folder: StoryFolder) -> dict[str, Tagged[Brief]]:
    """Create the story and every revision (revision 1 by POST, later ones by PUT + If-Match)."""
    story = await writer.create_story(folder.story)
    assert story == folder.story
    with pytest.raises(Conflict):
        await writer.create_story(folder.story)
    tags: dict[str, Tagged[Brief]] = {}
    for brief in folder.briefs:  # ordered by as-of date, then revision
        if brief.revision == 1:
            tagged = await writer.create_brief(story.id, draft_of(brief))
        else:
            tagged = await writer.update_brief(
                story.id, brief.id, content_of(brief), if_match=tags[brief.id]
            )
        assert tagged.value.revision == brief.revision
        assert content_of(tagged.value) == content_of(brief)
        assert tagged.etag != tags[brief.id].etag if brief.id in tags else tagged.etag
        tags[brief.id] = tagged
    return tags


async def check_stories(writer: BriefsClient, folder: StoryFolder) -> None:
    story_id = folder.story.id
    [summary] = await writer.list_stories()
    assert summary.id == story_id
    assert summary.brief_count == len(folder.latest())
    assert summary.latest_as_of == folder.latest()[-1].as_of
    updated = await writer.update_story(story_id, StoryUpdate(description="Updated by tests."))
    assert updated.description == "Updated by tests."
    assert updated.parties == folder.story.parties
    assert await writer.get_story(story_id) == updated
    with pytest.raises(NotFound):
        await writer.get_story("no-such-story")


async def check_listing(client: BriefsClient, folder: StoryFolder) -> None:
    story_id = folder.story.id
    latest = folder.latest()
    page = await client.list_briefs(story_id)
    assert [brief.id for brief in page.items] == [brief.id for brief in latest]
    assert page.next_cursor is None
    assert [brief.revision for brief in page.items] == [brief.revision for brief in latest]

    first = await client.list_briefs(story_id, limit=2)
    assert len(first.items) == 2
    assert first.next_cursor
    walked = [brief.id async for brief in client.iter_briefs(story_id, page_size=2)]
    assert walked == [brief.id for brief in latest]

    since = await client.list_briefs(story_id, as_of_from=D14, as_of_to=D18)
    assert [brief.as_of for brief in since.items] == [
        brief.as_of for brief in latest if D14 <= brief.as_of <= D18
    ]
    resolved = await client.list_briefs(
        story_id, issue="putin-trump-call", issue_status=IssueStatus.RESOLVED
    )
    assert [brief.as_of for brief in resolved.items] == [D18]
    for brief in (await client.list_briefs(story_id, party="ukraine")).items:
        assert any(position.party_id == "ukraine" for position in brief.positions)
    word = latest[-1].headline.split()[0]
    assert (await client.list_briefs(story_id, q=word)).items

    projected = await client.project_briefs(story_id, ["headline", "as_of"], limit=3)
    assert len(projected.items) == 3
    for item in projected.items:
        assert set(item) == {"id", "headline", "as_of"}
    with pytest.raises(Unprocessable):
        await client.project_briefs(story_id, ["no_such_field"])
    with pytest.raises(BadRequest):
        await client.send("GET", f"/v1/stories/{story_id}/briefs", params={"limt": 5})
    with pytest.raises(NotFound):
        await client.list_briefs("no-such-story")


async def check_briefs(client: BriefsClient, folder: StoryFolder) -> None:
    story_id = folder.story.id
    newest = folder.latest()[-1]
    latest = await client.get_tagged_latest_brief(story_id)
    assert content_of(latest.value) == content_of(newest)
    assert latest.etag.startswith('"')
    assert await client.latest_brief(story_id) == latest.value
    assert await client.refresh_brief(story_id, latest) is latest  # 304: still current

    r1 = next(b for b in folder.briefs if b.as_of == D14 and b.revision == 1)
    by_date = await client.brief_on(story_id, D14)
    by_id = await client.get_brief(story_id, r1.id)
    assert by_date == by_id
    assert by_id.revision == 2
    refs = await client.list_revisions(story_id, D14)
    assert [ref.revision for ref in refs] == [1, 2]
    first = await client.get_revision(story_id, r1.id, 1)
    assert content_of(first) == content_of(r1)
    assert (await client.get_tagged_brief(story_id, D14, revision=1)).value == first
    with pytest.raises(NotFound):
        await client.get_revision(story_id, r1.id, 99)
    with pytest.raises(NotFound):
        await client.get_brief(story_id, "2024-02-30")


async def check_acceptance_diff(client: BriefsClient, story_id: str) -> None:
    """2025-03-14 -> 2025-03-18: the call is closed as resolved; two new tracks opened."""
    diff = await client.diff(story_id, D14, D18)
    assert (diff.old.as_of, diff.new.as_of) == (D14, D18)
    closed = {c.issue_id: c for c in diff.issues if isinstance(c, IssueClosed)}
    opened = {c.issue.id for c in diff.issues if isinstance(c, IssueOpened)}
    assert closed["putin-trump-call"].new_status is IssueStatus.RESOLVED
    assert {"energy-strike-moratorium", "black-sea-ceasefire"} <= opened
    assert diff.significance > 0

    assert await client.diff_brief(story_id, D18) == diff  # default: against the predecessor
    assert await client.diff_brief(story_id, D18, against=D14) == diff
    quiet = await client.diff(story_id, D14, D18, hide_trivial=True)
    assert {c.issue_id for c in quiet.issues if isinstance(c, IssueClosed)} >= {"putin-trump-call"}
    revisions = await client.diff(story_id, D14, D14, old_revision=1, new_revision=2)
    assert (revisions.old.revision, revisions.new.revision) == (1, 2)

    old = await client.get_brief(story_id, D14)
    new = await client.get_brief(story_id, D18)
    patch = await client.patch(story_id, D14, D18)
    assert patch == await client.patch_brief(story_id, D18, against=D14)
    patched = jsonpatch.apply_patch(msgspec.to_builtins(old), msgspec.to_builtins(patch))
    expected = msgspec.to_builtins(new)
    for name in BriefContent.__struct_fields__:
        assert patched.get(name) == expected.get(name), name

    earliest = (await client.list_briefs(story_id, limit=1)).items[0]
    with pytest.raises(NotFound):
        await client.diff_brief(story_id, earliest.id)


async def check_views_and_exports(client: BriefsClient, folder: StoryFolder) -> None:
    story_id = folder.story.id
    timeline = await client.timeline(story_id)
    dates = [entry.event.when.date for entry in timeline.entries]
    assert dates
    assert dates == sorted(dates)

    closed = await client.issue_lifecycles(story_id, state="closed")
    by_id = {issue.issue_id: issue for issue in closed.issues}
    assert by_id["putin-trump-call"].current_status is IssueStatus.RESOLVED
    assert all(issue.is_closed for issue in closed.issues)
    every = await client.issue_lifecycles(story_id)
    assert len(every.issues) > len(closed.issues)

    party = folder.story.parties[0].id
    history = await client.stance_history(story_id, party)
    assert history.party_id == party
    assert history.points

    newest = folder.latest()[-1]
    markdown = await client.export_markdown(story_id, newest.id)
    assert newest.headline in markdown
    old_markdown = await client.export_markdown(story_id, D14, revision=1)
    assert old_markdown != await client.export_markdown(story_id, D14)
    ninjs = await client.export_ninjs(story_id, newest.id)
    assert ninjs["version"] in {"1", 1, str(newest.revision), newest.revision}


async def check_write_errors(
    writer: BriefsClient, folder: StoryFolder, tags: dict[str, Tagged[Brief]]
) -> None:
    story_id = folder.story.id
    current = tags[folder.latest()[-1].id]
    stale = tags[folder.latest()[-1].id].etag
    edited = msgspec.structs.replace(content_of(current.value), summary="Edited in a test.")
    fresh = await writer.update_brief(story_id, current.value.id, edited, if_match=current)
    assert fresh.value.revision == current.value.revision + 1
    assert await writer.refresh_brief(story_id, current) == fresh
    with pytest.raises(PreconditionFailed) as caught:
        await writer.update_brief(story_id, current.value.id, edited, if_match=stale)
    assert caught.value.current_revision == fresh.value.revision

    path = f"/v1/stories/{story_id}/briefs/{current.value.id}"
    with pytest.raises(PreconditionRequired):
        await writer.send("PUT", path, body=edited)

    duplicate = draft_of(folder.latest()[0])
    with pytest.raises(Conflict):
        await writer.create_brief(story_id, duplicate)

    bad_party = [Position(party_id="nobody-at-all", stance=Stance.UNCLEAR)]
    invalid = msgspec.structs.replace(
        duplicate, id="invalid-brief", as_of=dt.date(2030, 1, 1), positions=bad_party
    )
    with pytest.raises(Unprocessable) as unprocessable:
        await writer.create_brief(story_id, invalid)
    assert [e.path for e in unprocessable.value.field_errors] == ["$.positions[0].party_id"]

    with pytest.raises(NotFound):
        await writer.update_story("no-such-story", StoryUpdate(title="Nothing"))


async def check_payload_too_large(
    connect: Connect, token: str, folder: StoryFolder, *, over_tcp: bool
) -> None:
    """A body over the limit (1 MiB) is refused with 413 before it is read.

    Over TCP the server answers while the body is still arriving; granian then sometimes closes
    the connection with unread bytes (a TCP reset that can destroy the 413 in flight), and
    sometimes omits ``Connection: close`` (poisoning the pooled connection). So over TCP a
    `TransportError` is tolerated here, on a client of its own.
    """
    newest = folder.latest()[-1]
    path = f"/v1/stories/{folder.story.id}/briefs/{newest.id}"
    body: dict[str, Any] = {"headline": "x", "summary": "y" * (1024 * 1024 + 1)}
    expected: tuple[type[Exception], ...] = (PayloadTooLarge,)
    if over_tcp:
        expected += (TransportError,)
    async with connect(token) as client:
        with pytest.raises(expected):
            await client.send("PUT", path, body=body, headers={"If-Match": '"any"'})
