-- The change log (issue 12): one row per brief created, revised or withdrawn and per story
-- created or updated, written in the same transaction as the change itself (an outbox), so no
-- change is without its row and no row without its change. Channels (the change stream,
-- webhooks) read it; a reader resumes after the last id it saw.
--
-- Ids follow commit order: every SQLite write is one BEGIN IMMEDIATE transaction, so writers
-- of the file commit one at a time, in the order they take ids. AUTOINCREMENT: an id is never
-- handed out twice, even if the newest row were ever removed. The log starts with this
-- migration: revisions stored before it have no rows (brief_revisions keeps their history).

CREATE TABLE changes (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT    NOT NULL CHECK (kind IN ('brief.created', 'brief.revised',
                      'brief.withdrawn', 'story.created', 'story.updated')),
    story_id      TEXT    NOT NULL REFERENCES stories (id),
    brief_id      TEXT,
    as_of         TEXT,
    revision      INTEGER,
    revised_by    TEXT,
    change_note   TEXT,
    headline      TEXT,
    -- The diff's headline figures (NULL for story changes).
    issues_opened INTEGER,
    issues_closed INTEGER,
    stance_shifts INTEGER,
    events_added  INTEGER,
    significance  REAL,
    at            TEXT    NOT NULL  -- when it was committed (UTC, ISO 8601)
);

-- A story's changes after an id (the per-story stream); the whole log walks the primary key.
CREATE INDEX changes_by_story ON changes (story_id, id);

CREATE TRIGGER changes_no_update BEFORE UPDATE ON changes
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;

CREATE TRIGGER changes_no_delete BEFORE DELETE ON changes
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;
