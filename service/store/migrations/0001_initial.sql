-- Stories, append-only brief revisions, the current-revision pointer per brief with its filter
-- side tables, and API tokens. On SQLite dates and timestamps are ISO 8601 text (they sort
-- correctly) and the encoded bodies are msgspec JSON in a BLOB.

CREATE TABLE stories (
    id    TEXT   PRIMARY KEY,
    title TEXT   NOT NULL,
    body  {json} NOT NULL  -- the encoded Story
);

-- Every revision ever stored. Rows are never updated or deleted (see the triggers below).
CREATE TABLE brief_revisions (
    story_id   TEXT        NOT NULL REFERENCES stories (id),
    brief_id   TEXT        NOT NULL,
    revision   INTEGER     NOT NULL CHECK (revision >= 1),
    as_of      {date}      NOT NULL,
    status     TEXT        NOT NULL,
    headline   TEXT        NOT NULL,
    created_at {timestamp} NOT NULL,
    revised_at {timestamp} NOT NULL,
    body       {json}      NOT NULL,  -- the encoded Brief
    -- The backstop of the compare-and-set: two writers can never both store revision n + 1.
-- @postgres
    CONSTRAINT brief_revisions_key PRIMARY KEY (story_id, brief_id, revision)
-- @sqlite
    CONSTRAINT brief_revisions_key UNIQUE (story_id, brief_id, revision)
-- @both
);

-- @postgres
CREATE FUNCTION brief_revisions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'brief revisions are immutable and never deleted';
END;
$$;

CREATE TRIGGER brief_revisions_immutable BEFORE UPDATE OR DELETE ON brief_revisions
    FOR EACH ROW EXECUTE FUNCTION brief_revisions_immutable();
-- @sqlite
CREATE TRIGGER brief_revisions_no_update BEFORE UPDATE ON brief_revisions
BEGIN
    SELECT RAISE(ABORT, 'brief revisions are immutable');
END;

CREATE TRIGGER brief_revisions_no_delete BEFORE DELETE ON brief_revisions
BEGIN
    SELECT RAISE(ABORT, 'brief revisions are never deleted');
END;
-- @both

-- One row per brief: its current (latest) revision and the columns the listing filters on.
CREATE TABLE briefs (
    story_id    TEXT    NOT NULL REFERENCES stories (id),
    brief_id    TEXT    NOT NULL,
    as_of       {date}  NOT NULL,
    revision    INTEGER NOT NULL,
    status      TEXT    NOT NULL,
    headline    TEXT    NOT NULL,
    open_issues INTEGER NOT NULL,
    search_text TEXT    NOT NULL,  -- casefolded headline and summary, for ``q``
    PRIMARY KEY (story_id, brief_id),
    CONSTRAINT briefs_as_of_key UNIQUE (story_id, as_of),
    FOREIGN KEY (story_id, brief_id, revision)
        REFERENCES brief_revisions (story_id, brief_id, revision)
);

-- Parties with a position in the current revision of a brief.
CREATE TABLE brief_parties (
    story_id TEXT NOT NULL,
    brief_id TEXT NOT NULL,
    party_id TEXT NOT NULL,
    PRIMARY KEY (story_id, brief_id, party_id),
    FOREIGN KEY (story_id, brief_id) REFERENCES briefs (story_id, brief_id)
){without_rowid};

CREATE INDEX brief_parties_by_party ON brief_parties (story_id, party_id);

-- Issues (id and status) listed by the current revision of a brief.
CREATE TABLE brief_issues (
    story_id TEXT NOT NULL,
    brief_id TEXT NOT NULL,
    issue_id TEXT NOT NULL,
    status   TEXT NOT NULL,
    PRIMARY KEY (story_id, brief_id, issue_id),
    FOREIGN KEY (story_id, brief_id) REFERENCES briefs (story_id, brief_id)
){without_rowid};

CREATE INDEX brief_issues_by_issue ON brief_issues (story_id, issue_id, status);
CREATE INDEX brief_issues_by_status ON brief_issues (story_id, status);

CREATE TABLE api_tokens (
    id          TEXT         PRIMARY KEY,
    name        TEXT         NOT NULL UNIQUE,
    scopes      {text_array} NOT NULL,  -- the scope names (on SQLite a JSON array)
    secret_hash TEXT         NOT NULL UNIQUE,
    created_at  {timestamp}  NOT NULL,
    revoked_at  {timestamp}
);
