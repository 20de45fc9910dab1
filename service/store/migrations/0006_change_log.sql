-- The change log (issue 12): one row per brief created, revised or withdrawn and per story
-- created or updated, written in the same transaction as the change itself (an outbox), so no
-- change is without its row and no row without its change. Channels (the change stream,
-- webhooks) read it; a reader resumes after the last id it saw. The log starts with this
-- migration: revisions stored before it have no rows (brief_revisions keeps their history).
--
-- Ids must follow commit order.
--
-- On SQLite every write is one BEGIN IMMEDIATE transaction, so writers of the file commit one at
-- a time, in the order they take ids. AUTOINCREMENT: an id is never handed out twice, even if
-- the newest row were ever removed.
--
-- On PostgreSQL an identity column alone does not give that: two transactions (on different
-- stories, so under different story locks) may take ids 6 and 7 and commit 7 first; a reader
-- would then see 7, resume after it and miss 6 for ever. So every writer takes one
-- transaction-scoped advisory lock (the driver's ``serialise_commits``) just before it takes its
-- ids, as its last statements, and holds it until it commits: ids are handed out and committed
-- one transaction at a time. Only the tail of a write (the change rows and NOTIFY) is
-- serialised; the lock is always taken last, so it joins no lock cycle.

CREATE TABLE changes (
    id            {identity},
    kind          TEXT        NOT NULL CHECK (kind IN ('brief.created', 'brief.revised',
                      'brief.withdrawn', 'story.created', 'story.updated')),
    story_id      TEXT        NOT NULL REFERENCES stories (id),
    brief_id      TEXT,
    as_of         {date},
    revision      INTEGER,
    revised_by    TEXT,
    change_note   TEXT,
    headline      TEXT,
    -- The diff's headline figures (NULL for story changes).
    issues_opened INTEGER,
    issues_closed INTEGER,
    stance_shifts INTEGER,
    events_added  INTEGER,
    significance  {float},
    at            {timestamp} NOT NULL  -- when it was committed
);

-- A story's changes after an id (the per-story stream); the whole log walks the primary key.
CREATE INDEX changes_by_story ON changes (story_id, id);

-- @postgres
CREATE FUNCTION changes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the change log is append-only';
END;
$$;

CREATE TRIGGER changes_append_only BEFORE UPDATE OR DELETE ON changes
    FOR EACH ROW EXECUTE FUNCTION changes_append_only();
-- @sqlite
CREATE TRIGGER changes_no_update BEFORE UPDATE ON changes
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;

CREATE TRIGGER changes_no_delete BEFORE DELETE ON changes
BEGIN
    SELECT RAISE(ABORT, 'the change log is append-only');
END;
