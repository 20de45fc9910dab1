"""The read requests whose answers the cache and the hot-read middleware must not change: known
edge cases (404s, slug and calendar failures, revisions, diffs), shared by ``test_cache`` and
``test_fastpath``."""

STORY = "/v1/stories/ceasefire-2025"
LATEST = f"{STORY}/briefs/latest"
DIFF = f"{STORY}/diff?from=2025-03-14&to=2025-03-18"

READ_PATHS = [
    LATEST,
    f"{LATEST}/",
    f"{STORY}/briefs/brief-2025-03-14",
    f"{STORY}/briefs/2025-03-18",
    f"{STORY}/briefs/2025-02-30",  # not a calendar date: 404
    f"{STORY}/briefs/no-such-brief",
    f"{STORY}/briefs/Bad_Ref",  # fails the slug pattern: 400
    f"{STORY}/briefs/brief-2025-03-14/revisions/1",
    f"{STORY}/briefs/brief-2025-03-14/revisions/2",
    f"{STORY}/briefs/2025-03-18/revisions/1",
    f"{STORY}/briefs/brief-2025-03-14/revisions/9",  # no such revision: 404
    "/v1/stories/no-such-story/briefs/latest",
    DIFF,
    f"{STORY}/diff?from=2025-03-14&to=2025-03-18&hide_trivial=true",
    f"{STORY}/diff?from=2025-03-14&to=2025-03-18&to_revision=1",
    f"{STORY}/diff?from=2025-03-14&to=no-such-brief",
    f"{STORY}/briefs/2025-03-18/diff",
    f"{STORY}/timeline",
]
"""Each answered cold and warm, by the cached path and the handler alike."""
