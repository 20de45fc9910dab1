-- Webhook endpoints (issue 12) and the log of their delivery attempts. An endpoint's row is its
-- durable queue over the change log: every change up to ``last_change_id`` is delivered or given
-- up on, and ``attempt`` attempts were made at the next one. The deliverer holding the lease
-- (``lease_owner`` until ``lease_until``) is the only one sending to the endpoint.

CREATE TABLE webhooks (
    id              TEXT    PRIMARY KEY,
    url             TEXT    NOT NULL,
    events          TEXT    NOT NULL,  -- JSON array of change kinds
    story_id        TEXT    REFERENCES stories (id),
    secret          TEXT    NOT NULL,  -- whsec_...: kept as it is, signing needs it
    created_at      TEXT    NOT NULL,
    deleted_at      TEXT,
    disabled_at     TEXT,
    disabled_reason TEXT,
    last_change_id  INTEGER NOT NULL DEFAULT 0,
    attempt         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    failing_since   TEXT,
    failed_changes  INTEGER NOT NULL DEFAULT 0,
    lease_owner     TEXT,
    lease_until     TEXT
);

-- What a deliverer's claim scans: the endpoints still delivering.
CREATE INDEX webhooks_active ON webhooks (last_change_id)
    WHERE deleted_at IS NULL AND disabled_at IS NULL;

CREATE TABLE webhook_deliveries (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id    TEXT    NOT NULL REFERENCES webhooks (id),
    change_id     INTEGER NOT NULL,
    message_id    TEXT    NOT NULL,
    attempt       INTEGER NOT NULL CHECK (attempt >= 1),
    at            TEXT    NOT NULL,
    outcome       TEXT    NOT NULL,
    status_code   INTEGER,
    error         TEXT,
    duration_ms   REAL    NOT NULL,
    next_retry_at TEXT
);

CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id);
