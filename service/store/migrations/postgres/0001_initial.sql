-- Stories, append-only brief revisions, the current-revision pointer per brief with its filter
-- side tables, and API tokens.

CREATE TABLE stories (
    id    text PRIMARY KEY,
    title text  NOT NULL,
    body  jsonb NOT NULL  -- the encoded Story
);

-- Every revision ever stored. Rows are never updated or deleted (see the trigger below).
CREATE TABLE brief_revisions (
    story_id   text        NOT NULL REFERENCES stories (id),
    brief_id   text        NOT NULL,
    revision   integer     NOT NULL CHECK (revision >= 1),
    as_of      date        NOT NULL,
    status     text        NOT NULL,
    headline   text        NOT NULL,
    created_at timestamptz NOT NULL,
    revised_at timestamptz NOT NULL,
    body       jsonb       NOT NULL,  -- the encoded Brief
    -- The backstop of the compare-and-set: two writers can never both store revision n + 1.
    CONSTRAINT brief_revisions_key PRIMARY KEY (story_id, brief_id, revision)
);

CREATE FUNCTION brief_revisions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'brief revisions are immutable and never deleted';
END;
$$;

CREATE TRIGGER brief_revisions_immutable BEFORE UPDATE OR DELETE ON brief_revisions
    FOR EACH ROW EXECUTE FUNCTION brief_revisions_immutable();

-- One row per brief: its current (latest) revision and the columns the listing filters on.
CREATE TABLE briefs (
    story_id    text    NOT NULL REFERENCES stories (id),
    brief_id    text    NOT NULL,
    as_of       date    NOT NULL,
    revision    integer NOT NULL,
    status      text    NOT NULL,
    headline    text    NOT NULL,
    open_issues integer NOT NULL,
    search_text text    NOT NULL,  -- casefolded headline and summary, for ``q``
    PRIMARY KEY (story_id, brief_id),
    CONSTRAINT briefs_as_of_key UNIQUE (story_id, as_of),
    FOREIGN KEY (story_id, brief_id, revision)
        REFERENCES brief_revisions (story_id, brief_id, revision)
);

-- Parties with a position in the current revision of a brief.
CREATE TABLE brief_parties (
    story_id text NOT NULL,
    brief_id text NOT NULL,
    party_id text NOT NULL,
    PRIMARY KEY (story_id, brief_id, party_id),
    FOREIGN KEY (story_id, brief_id) REFERENCES briefs (story_id, brief_id)
);

CREATE INDEX brief_parties_by_party ON brief_parties (story_id, party_id);

-- Issues (id and status) listed by the current revision of a brief.
CREATE TABLE brief_issues (
    story_id text NOT NULL,
    brief_id text NOT NULL,
    issue_id text NOT NULL,
    status   text NOT NULL,
    PRIMARY KEY (story_id, brief_id, issue_id),
    FOREIGN KEY (story_id, brief_id) REFERENCES briefs (story_id, brief_id)
);

CREATE INDEX brief_issues_by_issue ON brief_issues (story_id, issue_id, status);
CREATE INDEX brief_issues_by_status ON brief_issues (story_id, status);

CREATE TABLE api_tokens (
    id          text        PRIMARY KEY,
    name        text        NOT NULL UNIQUE,
    scopes      text[]      NOT NULL,
    secret_hash text        NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
