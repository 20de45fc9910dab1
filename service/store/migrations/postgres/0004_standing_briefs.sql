-- The latest brief is the most recent one not withdrawn (status canceled), and so is the
-- "previous" of a brief: this partial index keeps those lookups index-only, as briefs_by_date
-- keeps them for every brief.

CREATE INDEX briefs_standing ON briefs (story_id, as_of) INCLUDE (brief_id, revision)
    WHERE status <> 'canceled';
