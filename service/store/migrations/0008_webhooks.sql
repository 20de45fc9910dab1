-- Webhook endpoints (issue 12) and the log of their delivery attempts. An endpoint's row is its
-- durable queue over the change log: every change up to ``last_change_id`` is delivered or given
-- up on, and ``attempt`` attempts were made at the next one. The deliverer holding the lease
-- (``lease_owner`` until ``lease_until``) is the only one sending to the endpoint; PostgreSQL
-- replicas claim leases with ``FOR UPDATE SKIP LOCKED``.

CREATE TABLE webhooks (
    id              TEXT        PRIMARY KEY,
    url             TEXT        NOT NULL,
    events          TEXT        NOT NULL,  -- JSON array of change kinds
    story_id        TEXT        REFERENCES stories (id),
    secret          TEXT        NOT NULL,  -- whsec_...: kept as it is, signing needs it
    created_at      {timestamp} NOT NULL,
    deleted_at      {timestamp},
    disabled_at     {timestamp},
    disabled_reason TEXT,
    last_change_id  {bigint}    NOT NULL DEFAULT 0,
    attempt         INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at {timestamp},
    failing_since   {timestamp},
    failed_changes  INTEGER     NOT NULL DEFAULT 0,
    lease_owner     TEXT,
    lease_until     {timestamp}
);

-- What a deliverer's claim scans: the endpoints still delivering.
CREATE INDEX webhooks_active ON webhooks (last_change_id)
    WHERE deleted_at IS NULL AND disabled_at IS NULL;

CREATE TABLE webhook_deliveries (
    id            {identity},
    webhook_id    TEXT        NOT NULL REFERENCES webhooks (id),
    change_id     {bigint}    NOT NULL,
    message_id    TEXT        NOT NULL,
    attempt       INTEGER     NOT NULL CHECK (attempt >= 1),
    at            {timestamp} NOT NULL,
    outcome       TEXT        NOT NULL,
    status_code   INTEGER,
    error         TEXT,
    duration_ms   {float}     NOT NULL,
    next_retry_at {timestamp}
);

CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id);
