-- Covering index for the latest brief and listing pages: an index-only scan on
-- (story_id, as_of) yields brief_id and revision, the key of the revision's body.

CREATE INDEX briefs_by_date ON briefs (story_id, as_of) INCLUDE (brief_id, revision);
