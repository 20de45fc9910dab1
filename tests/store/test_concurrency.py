"""Store contract: the compare-and-set under concurrent editors, in one process and across two
store instances (two connections or pools, as two server processes or replicas would have)."""

from __future__ import annotations

import asyncio

from service.domain.errors import PreconditionFailedError
from service.domain.models import Brief, Story
from service.settings import Settings
from service.store.base import Store
from service.store.factory import open_store

from .factories import NOW, STORY_ID, day, make_content, make_draft

EDITORS = 32


async def race(stores: list[Store]) -> tuple[list[Brief], list[PreconditionFailedError]]:
    """32 updates of the same brief, all based on revision 1, spread over the stores."""
    results = await asyncio.gather(
        *(
            stores[n % len(stores)].update_brief(
                STORY_ID, "contested", make_content(headline=f"Editor {n}"), 1, NOW
            )
            for n in range(EDITORS)
        ),
        return_exceptions=True,
    )
    won = [result for result in results if isinstance(result, Brief)]
    lost = [result for result in results if isinstance(result, PreconditionFailedError)]
    assert len(won) + len(lost) == EDITORS, [r for r in results if isinstance(r, Exception)]
    return won, lost


async def test_one_of_32_concurrent_editors_wins(store: Store, story: Story) -> None:
    await store.create_brief(STORY_ID, make_draft("contested", day(1)), NOW)
    won, lost = await race([store])
    assert len(won) == 1
    assert len(lost) == EDITORS - 1
    assert {error.current_revision for error in lost} == {2}
    revisions = await store.list_revisions(STORY_ID, "contested")
    assert [brief.revision for brief in revisions] == [1, 2]
    assert revisions[1] == won[0]


async def test_one_wins_across_two_store_instances(
    store: Store, story: Story, settings: Settings
) -> None:
    await store.create_brief(STORY_ID, make_draft("contested", day(1)), NOW)
    other = await open_store(settings)
    try:
        won, lost = await race([store, other])
        assert len(won) == 1
        assert len(lost) == EDITORS - 1
        assert {error.current_revision for error in lost} == {2}
        for reader in (store, other):
            revisions = await reader.list_revisions(STORY_ID, "contested")
            assert [brief.revision for brief in revisions] == [1, 2]
            assert await reader.get_brief(STORY_ID, "contested") == won[0]
    finally:
        await other.close()
