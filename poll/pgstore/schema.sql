-- zcbridge idempotency store and sink outbox for PostgreSQL.
--
-- Run it in the schema the store is configured with (pgstore.WithSchema);
-- pgstore.Migrate runs this same file. Every statement is idempotent.
-- Times are written by the application from its own clock, never by now().

-- One row per push: one revision of one record of one flow.
CREATE TABLE IF NOT EXISTS zcbridge_push (
    flow        TEXT        NOT NULL,
    source_id   TEXT        NOT NULL,
    revision    INTEGER     NOT NULL,
    -- pending, in_doubt, accepted or finished.
    state       TEXT        NOT NULL,
    -- The latest claim: its owner, its fencing value (incremented on every
    -- claim) and when its lease ends (NULL once released or completed).
    owner       TEXT        NOT NULL DEFAULT '',
    fence       BIGINT      NOT NULL DEFAULT 0,
    lease_until TIMESTAMPTZ,
    -- The exact request body sent; a resend sends these bytes.
    body        BYTEA,
    receipt_id  TEXT        NOT NULL DEFAULT '',
    outcome     TEXT        NOT NULL DEFAULT '',
    last_error  TEXT        NOT NULL DEFAULT '',
    attempts    INTEGER     NOT NULL DEFAULT 0,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (flow, source_id, revision)
);

-- Serves listing one flow's entries in one state, oldest update first.
CREATE INDEX IF NOT EXISTS zcbridge_push_state_idx
    ON zcbridge_push (flow, state, updated_at);

-- One row per sink delivery waiting to be acknowledged.
CREATE TABLE IF NOT EXISTS zcbridge_outbox (
    id          TEXT        NOT NULL PRIMARY KEY,
    sink        TEXT        NOT NULL,
    payload     BYTEA       NOT NULL,
    attempts    INTEGER     NOT NULL DEFAULT 0,
    next_at     TIMESTAMPTZ NOT NULL,
    last_error  TEXT        NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL
);

-- Serves taking the deliveries that are due, oldest first.
CREATE INDEX IF NOT EXISTS zcbridge_outbox_due_idx
    ON zcbridge_outbox (next_at, created_at);
