-- Every attempt of every task, oldest first per task: what a user reads to see LOST/FAILED attempts and their successors.
CREATE TABLE task_attempt (
    attempt_id   TEXT PRIMARY KEY,
    task_id      TEXT        NOT NULL REFERENCES task (id),
    attempt      INTEGER     NOT NULL,
    state        TEXT        NOT NULL,
    node_id      TEXT,
    exit_code    INTEGER,
    reason       TEXT,
    not_before   TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL,
    scheduled_at TIMESTAMPTZ,
    started_at   TIMESTAMPTZ,
    finished_at  TIMESTAMPTZ,
    UNIQUE (task_id, attempt)
);
INSERT INTO task_attempt (attempt_id, task_id, attempt, state, node_id, exit_code, reason, created_at, scheduled_at,
                          started_at, finished_at)
SELECT attempt_id, id, attempt, state, node_id, exit_code, reason, updated_at, scheduled_at, started_at, finished_at
FROM task;

-- Retries with backoff: a retried attempt is not placed before not_before.
ALTER TABLE job ADD COLUMN retry_backoff_seconds INTEGER NOT NULL DEFAULT 1;
ALTER TABLE task ADD COLUMN not_before TIMESTAMPTZ;

-- Every state change of every attempt of a job's tasks, written in the transaction of the change. seq orders them
-- (one job's changes are serialised by its row lock, so per job seq follows commit order); id is what clients see.
CREATE TABLE job_event (
    seq         BIGSERIAL PRIMARY KEY,
    id          TEXT        NOT NULL UNIQUE,
    job_id      TEXT        NOT NULL REFERENCES job (id),
    at          TIMESTAMPTZ NOT NULL,
    task_index  INTEGER     NOT NULL,
    attempt_id  TEXT        NOT NULL,
    from_state  TEXT        NOT NULL,
    to_state    TEXT        NOT NULL,
    node_id     TEXT,
    reason      TEXT
);
CREATE INDEX job_event_by_job ON job_event (job_id, seq);
