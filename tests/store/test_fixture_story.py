"""The shipped fixture story round-trips through both stores, and re-importing it is a no-op."""

from __future__ import annotations

from service.domain.files import StoryFolder
from service.domain.models import OPEN_STATUSES
from service.domain.wire import BriefQuery
from service.store.base import ImportReport, Store


async def test_fixture_story_round_trips(store: Store, ceasefire: StoryFolder) -> None:
    story_id = ceasefire.story.id
    revisions = len(ceasefire.briefs)
    first = await store.import_folder(ceasefire)
    assert first == ImportReport(stories_created=1, revisions_created=revisions)
    again = await store.import_folder(ceasefire)
    assert again == ImportReport(revisions_unchanged=revisions)

    assert await store.get_story(story_id) == ceasefire.story
    assert await store.story_briefs(story_id) == ceasefire.latest()
    for brief in ceasefire.briefs:
        assert await store.get_brief(story_id, brief.id, brief.revision) == brief
    page = await store.list_briefs(story_id, BriefQuery(limit=200))
    assert page.items == ceasefire.latest()

    latest = ceasefire.latest()[-1]
    assert await store.latest_brief(story_id) == latest
    [summary] = await store.list_stories()
    assert summary.brief_count == len(ceasefire.latest())
    assert summary.latest_as_of == latest.as_of
    open_issues = sum(1 for issue in latest.issues if issue.status in OPEN_STATUSES)
    assert summary.open_issue_count == open_issues
