-- Covering indexes for the hot reads: the latest brief and a listing page walk
-- (story_id, as_of) and a brief lookup walks (story_id, brief_id), and both need only
-- brief_id and revision to reach the revision's body. Without them every read also visits the
-- ``briefs`` table; at 1,000,000 briefs that one extra B-tree descent made up about a quarter of
-- a lookup (docs/perf/store.md).

CREATE INDEX briefs_by_date ON briefs (story_id, as_of, brief_id, revision);

CREATE INDEX briefs_current ON briefs (story_id, brief_id, revision);
