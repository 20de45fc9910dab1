-- Stories, append-only brief revisions, the current-revision pointer per brief with its filter
-- side tables, and API tokens. Dates and timestamps are ISO 8601 text (they sort correctly).

CREATE TABLE stories (
    id    TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    body  BLOB NOT NULL  -- the encoded Story (msgspec JSON)
);

-- Every revision ever stored. Rows are never updated or deleted (see the triggers below).
CREATE TABLE brief_revisions (
    story_id   TEXT    NOT NULL REFERENCES stories (id),
    brief_id   TEXT    NOT NULL,
    revision   INTEGER NOT NULL CHECK (revision >= 1),
    as_of      TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    headline   TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    revised_at TEXT    NOT NULL,
    body       BLOB    NOT NULL,  -- the encoded Brief (msgspec JSON)
    -- The backstop of the compare-and-set: two writers can never both store revision n + 1.
    CONSTRAINT brief_revisions_key UNIQUE (story_id, brief_id, revision)
);

CREATE TRIGGER brief_revisions_no_update BEFORE UPDATE ON brief_revisions
BEGIN
    SELECT RAISE(ABORT, 'brief revisions are immutable');
END;

CREATE TRIGGER brief_revisions_no_delete BEFORE DELETE ON brief_revisions
BEGIN
    SELECT RAISE(ABORT, 'brief revisions are never deleted');
END;

-- One row per brief: its current (latest) revision and the columns the listing filters on.
CREATE TABLE briefs (
    story_id    TEXT    NOT NULL REFERENCES stories (id),
    brief_id    TEXT    NOT NULL,
    as_of       TEXT    NOT NULL,
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
) WITHOUT ROWID;

CREATE INDEX brief_parties_by_party ON brief_parties (story_id, party_id);

-- Issues (id and status) listed by the current revision of a brief.
CREATE TABLE brief_issues (
    story_id TEXT NOT NULL,
    brief_id TEXT NOT NULL,
    issue_id TEXT NOT NULL,
    status   TEXT NOT NULL,
    PRIMARY KEY (story_id, brief_id, issue_id),
    FOREIGN KEY (story_id, brief_id) REFERENCES briefs (story_id, brief_id)
) WITHOUT ROWID;

CREATE INDEX brief_issues_by_issue ON brief_issues (story_id, issue_id, status);
CREATE INDEX brief_issues_by_status ON brief_issues (story_id, status);

CREATE TABLE api_tokens (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    scopes      TEXT NOT NULL,  -- JSON array of scope names
    secret_hash TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
