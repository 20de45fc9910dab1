-- Webhook endpoints (issue 12) and the log of their delivery attempts. An endpoint's row is its
-- durable queue over the change log: every change up to ``last_change_id`` is delivered or given
-- up on, and ``attempt`` attempts were made at the next one. The deliverer holding the lease
-- (``lease_owner`` until ``lease_until``) is the only one sending to the endpoint; replicas
-- claim leases with ``FOR UPDATE SKIP LOCKED``.

CREATE TABLE webhooks (
    id              text        PRIMARY KEY,
    url             text        NOT NULL,
    events          text        NOT NULL,  -- JSON array of change kinds
    story_id        text        REFERENCES stories (id),
    secret          text        NOT NULL,  -- whsec_...: kept as it is, signing needs it
    created_at      timestamptz NOT NULL,
    deleted_at      timestamptz,
    disabled_at     timestamptz,
    disabled_reason text,
    last_change_id  bigint      NOT NULL DEFAULT 0,
    attempt         integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    failing_since   timestamptz,
    failed_changes  integer     NOT NULL DEFAULT 0,
    lease_owner     text,
    lease_until     timestamptz
);

-- What a deliverer's claim scans: the endpoints still delivering.
CREATE INDEX webhooks_active ON webhooks (last_change_id)
    WHERE deleted_at IS NULL AND disabled_at IS NULL;

CREATE TABLE webhook_deliveries (
    id            bigint           GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id    text             NOT NULL REFERENCES webhooks (id),
    change_id     bigint           NOT NULL,
    message_id    text             NOT NULL,
    attempt       integer          NOT NULL CHECK (attempt >= 1),
    at            timestamptz      NOT NULL,
    outcome       text             NOT NULL,
    status_code   integer,
    error         text,
    duration_ms   double precision NOT NULL,
    next_retry_at timestamptz
);

CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id);
