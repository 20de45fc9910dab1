-- Covering indexes for the hot reads: the latest brief and a listing page walk
-- (story_id, as_of) and need only brief_id and revision, the key of the revision's body; on
-- SQLite a brief lookup, walking (story_id, brief_id), gets one too. Without them every read
-- also visits the ``briefs`` table; at 1,000,000 briefs that one extra B-tree descent made up
-- about a quarter of a SQLite lookup (docs/perf/store.md).

-- @postgres
CREATE INDEX briefs_by_date ON briefs (story_id, as_of) INCLUDE (brief_id, revision);
-- @sqlite
CREATE INDEX briefs_by_date ON briefs (story_id, as_of, brief_id, revision);

CREATE INDEX briefs_current ON briefs (story_id, brief_id, revision);
