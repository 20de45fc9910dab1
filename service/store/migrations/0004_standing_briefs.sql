-- A withdrawn brief (status canceled) is never the latest brief, nor the previous of another.
-- The partial index briefs_standing keeps those lookups index-only, as briefs_by_date keeps
-- them for every brief. The story summary's latest brief (latest_as_of, open_issue_count)
-- follows the same rule: recomputed from that index whenever a brief is added, edited,
-- withdrawn or brought back. brief_count still counts every brief.

-- @postgres
CREATE INDEX briefs_standing ON briefs (story_id, as_of) INCLUDE (brief_id, revision)
    WHERE status <> 'canceled';

CREATE OR REPLACE FUNCTION briefs_summarise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE stories SET brief_count = brief_count + 1 WHERE id = NEW.story_id;
        IF NEW.status <> 'canceled' THEN
            UPDATE stories SET latest_as_of = NEW.as_of, open_issue_count = NEW.open_issues
            WHERE id = NEW.story_id AND (latest_as_of IS NULL OR NEW.as_of > latest_as_of);
        END IF;
    ELSE
        -- An edit may open or close issues, withdraw the brief or bring it back: any of
        -- these can change which brief is the latest standing one, so it is looked up again
        -- (the aggregates make one row of the one or no latest brief).
        UPDATE stories SET (latest_as_of, open_issue_count) = (
            SELECT max(latest.as_of), coalesce(max(latest.open_issues), 0) FROM (
                SELECT b.as_of, b.open_issues FROM briefs AS b
                WHERE b.story_id = stories.id AND b.status <> 'canceled'
                ORDER BY b.as_of DESC LIMIT 1
            ) AS latest
        )
        WHERE id = NEW.story_id;
    END IF;
    RETURN NULL;
END;
$$;

DROP TRIGGER briefs_summarise ON briefs;
CREATE TRIGGER briefs_summarise AFTER INSERT OR UPDATE OF open_issues, status ON briefs
    FOR EACH ROW EXECUTE FUNCTION briefs_summarise();
-- @sqlite
CREATE INDEX briefs_standing ON briefs (story_id, as_of, brief_id, revision)
    WHERE status <> 'canceled';

DROP TRIGGER briefs_summarise_insert;
DROP TRIGGER briefs_summarise_update;

CREATE TRIGGER briefs_count_insert AFTER INSERT ON briefs
BEGIN
    UPDATE stories SET brief_count = brief_count + 1 WHERE id = NEW.story_id;
END;

-- A new brief that stands (not withdrawn) is the latest when no standing brief is dated later.
CREATE TRIGGER briefs_latest_insert AFTER INSERT ON briefs
WHEN NEW.status <> 'canceled'
BEGIN
    UPDATE stories SET latest_as_of = NEW.as_of, open_issue_count = NEW.open_issues
    WHERE id = NEW.story_id AND (latest_as_of IS NULL OR NEW.as_of > latest_as_of);
END;

-- An edit may open or close issues, withdraw the brief or bring it back: any of these can
-- change which brief is the latest standing one, so it is looked up again.
CREATE TRIGGER briefs_latest_update AFTER UPDATE OF open_issues, status ON briefs
BEGIN
    UPDATE stories SET
        latest_as_of = (SELECT max(b.as_of) FROM briefs AS b
            WHERE b.story_id = stories.id AND b.status <> 'canceled'),
        open_issue_count = coalesce((SELECT b.open_issues FROM briefs AS b
            WHERE b.story_id = stories.id AND b.status <> 'canceled'
            ORDER BY b.as_of DESC LIMIT 1), 0)
    WHERE id = NEW.story_id;
END;
-- @both

-- Stories whose latest brief is withdrawn already: the same lookup, fired for each such brief.
UPDATE briefs SET status = status WHERE status = 'canceled';
