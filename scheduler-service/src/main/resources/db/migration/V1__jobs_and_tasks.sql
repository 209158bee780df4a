CREATE TABLE job (
    id               TEXT PRIMARY KEY,
    name             TEXT        NOT NULL,
    owner            TEXT        NOT NULL,
    tenant           TEXT        NOT NULL,
    command          TEXT        NOT NULL,           -- JSON array
    env              TEXT        NOT NULL DEFAULT '{}', -- JSON object
    constraints      TEXT        NOT NULL DEFAULT '[]', -- JSON array of "key=value" etc.
    cpu_millis       BIGINT      NOT NULL,
    memory_mib       BIGINT      NOT NULL,
    gpus             INTEGER     NOT NULL,
    task_count       INTEGER     NOT NULL,
    strategy         TEXT        NOT NULL,
    max_retries      INTEGER     NOT NULL,
    timeout_seconds  BIGINT      NOT NULL,
    priority         INTEGER     NOT NULL,
    state            TEXT        NOT NULL,
    pending_reason   TEXT,
    cancel_requested BOOLEAN     NOT NULL DEFAULT FALSE,
    idempotency_key  TEXT,
    request_hash     TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX job_idempotency ON job (owner, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX job_by_owner ON job (owner, id);

CREATE TABLE task (
    id             TEXT PRIMARY KEY,
    job_id         TEXT        NOT NULL REFERENCES job (id),
    idx            INTEGER     NOT NULL,
    state          TEXT        NOT NULL,
    attempt        INTEGER     NOT NULL,
    attempt_id     TEXT        NOT NULL,
    node_id        TEXT,
    fencing_token  BIGINT,
    retries_used   INTEGER     NOT NULL DEFAULT 0,
    exit_code      INTEGER,
    reason         TEXT,
    scheduled_at   TIMESTAMPTZ,
    started_at     TIMESTAMPTZ,
    finished_at    TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (job_id, idx)
);
-- The placement loop reads pending tasks and what is on nodes; NodeDown looks tasks up by node.
CREATE INDEX task_pending ON task (created_at) WHERE state = 'PENDING';
CREATE INDEX task_on_node ON task (node_id) WHERE state IN ('SCHEDULED', 'RUNNING');

-- Every worker report, including those about attempts that are no longer current (kept, not acted on).
CREATE TABLE task_report (
    event_id    TEXT PRIMARY KEY,
    task_id     TEXT        NOT NULL,
    attempt_id  TEXT        NOT NULL,
    type        TEXT        NOT NULL,
    applied     BOOLEAN     NOT NULL,
    received_at TIMESTAMPTZ NOT NULL
);

-- The fencing token: incremented by every replica that becomes leader.
CREATE TABLE leader_epoch (
    id          INTEGER PRIMARY KEY,
    epoch       BIGINT      NOT NULL,
    holder      TEXT,
    acquired_at TIMESTAMPTZ
);
INSERT INTO leader_epoch (id, epoch) VALUES (1, 0);
