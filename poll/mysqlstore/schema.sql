-- zcbridge idempotency store and sink outbox for MySQL 8 and MariaDB 10.6+.
--
-- Run it in the database the store's DSN selects; mysqlstore.Migrate runs
-- this same file, one statement at a time. Every statement is idempotent.
-- Times are DATETIME(6) in UTC, written by the application from its own
-- clock, never by NOW(). Text is compared byte for byte (utf8mb4_bin), so
-- source IDs that differ only in letter case stay distinct.

-- One row per push: one revision of one record of one flow.
CREATE TABLE IF NOT EXISTS zcbridge_push (
    flow        VARCHAR(64)  NOT NULL,
    source_id   VARCHAR(64)  NOT NULL,
    revision    INT          NOT NULL,
    -- pending, in_doubt, accepted or finished.
    state       VARCHAR(16)  NOT NULL,
    -- The latest claim: its owner, its fencing value (incremented on every
    -- claim) and when its lease ends (NULL once released or completed).
    owner       VARCHAR(255) NOT NULL,
    fence       BIGINT       NOT NULL,
    lease_until DATETIME(6)  NULL,
    -- The exact request body sent; a resend sends these bytes.
    body        LONGBLOB     NULL,
    receipt_id  VARCHAR(255) NOT NULL,
    outcome     TEXT         NOT NULL,
    last_error  TEXT         NOT NULL,
    attempts    INT          NOT NULL,
    updated_at  DATETIME(6)  NOT NULL,
    PRIMARY KEY (flow, source_id, revision),
    -- Serves listing one flow's entries in one state, oldest update first.
    KEY zcbridge_push_state_idx (flow, state, updated_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- One row per sink delivery waiting to be acknowledged.
CREATE TABLE IF NOT EXISTS zcbridge_outbox (
    id          VARCHAR(255) NOT NULL,
    sink        VARCHAR(64)  NOT NULL,
    payload     LONGBLOB     NOT NULL,
    attempts    INT          NOT NULL,
    next_at     DATETIME(6)  NOT NULL,
    last_error  TEXT         NOT NULL,
    created_at  DATETIME(6)  NOT NULL,
    PRIMARY KEY (id),
    -- Serves taking the deliveries that are due, oldest first.
    KEY zcbridge_outbox_due_idx (next_at, created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
