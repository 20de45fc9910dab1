-- Story summaries kept on the story row, so listing stories reads one row per story instead of
-- counting every brief (160-900 ms on SQLite for 10,000 stories and 1,000,000 briefs before
-- this). Triggers keep them current on every write path, including bulk loads.

ALTER TABLE stories ADD COLUMN brief_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stories ADD COLUMN latest_as_of {date};
ALTER TABLE stories ADD COLUMN open_issue_count INTEGER NOT NULL DEFAULT 0;

UPDATE stories SET
    brief_count = (SELECT count(*) FROM briefs AS b WHERE b.story_id = stories.id),
    latest_as_of = (SELECT max(b.as_of) FROM briefs AS b WHERE b.story_id = stories.id),
    open_issue_count = coalesce(
        (SELECT b.open_issues FROM briefs AS b WHERE b.story_id = stories.id
         ORDER BY b.as_of DESC LIMIT 1),
        0
    );

-- @postgres
CREATE FUNCTION briefs_summarise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- A new brief: one more, and it is the latest when no brief is dated later.
        UPDATE stories SET
            brief_count = brief_count + 1,
            open_issue_count = CASE WHEN latest_as_of IS NULL OR NEW.as_of > latest_as_of
                THEN NEW.open_issues ELSE open_issue_count END,
            latest_as_of = CASE WHEN latest_as_of IS NULL OR NEW.as_of > latest_as_of
                THEN NEW.as_of ELSE latest_as_of END
        WHERE id = NEW.story_id;
    ELSIF NEW.open_issues IS DISTINCT FROM OLD.open_issues THEN
        -- A new revision of the latest brief may open or close issues (the date never changes).
        UPDATE stories SET open_issue_count = NEW.open_issues
        WHERE id = NEW.story_id AND latest_as_of = NEW.as_of;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER briefs_summarise AFTER INSERT OR UPDATE OF open_issues ON briefs
    FOR EACH ROW EXECUTE FUNCTION briefs_summarise();
-- @sqlite
-- A new brief: one more, and it is the latest when no brief is dated later.
CREATE TRIGGER briefs_summarise_insert AFTER INSERT ON briefs
BEGIN
    UPDATE stories SET
        brief_count = brief_count + 1,
        open_issue_count = CASE WHEN latest_as_of IS NULL OR NEW.as_of > latest_as_of
            THEN NEW.open_issues ELSE open_issue_count END,
        latest_as_of = CASE WHEN latest_as_of IS NULL OR NEW.as_of > latest_as_of
            THEN NEW.as_of ELSE latest_as_of END
    WHERE id = NEW.story_id;
END;

-- A new revision of the latest brief may open or close issues (the date never changes).
CREATE TRIGGER briefs_summarise_update AFTER UPDATE OF open_issues ON briefs
WHEN NEW.open_issues IS NOT OLD.open_issues
BEGIN
    UPDATE stories SET open_issue_count = NEW.open_issues
    WHERE id = NEW.story_id AND latest_as_of = NEW.as_of;
END;
