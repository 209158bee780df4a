CREATE TABLE node (
    id                      TEXT PRIMARY KEY,
    hostname                TEXT,
    state                   TEXT        NOT NULL,
    cordoned                BOOLEAN     NOT NULL DEFAULT FALSE,
    draining                BOOLEAN     NOT NULL DEFAULT FALSE,
    labels                  TEXT        NOT NULL DEFAULT '{}',
    cpu_millis              BIGINT      NOT NULL DEFAULT 0,
    memory_mib              BIGINT      NOT NULL DEFAULT 0,
    gpus                    INTEGER     NOT NULL DEFAULT 0,
    disk_mib                BIGINT      NOT NULL DEFAULT 0,
    gpu_devices             TEXT        NOT NULL DEFAULT '[]',
    cpu_load                DOUBLE PRECISION NOT NULL DEFAULT 0,
    load_average            DOUBLE PRECISION NOT NULL DEFAULT 0,
    memory_available_mib    BIGINT      NOT NULL DEFAULT 0,
    disk_free_mib           BIGINT      NOT NULL DEFAULT 0,
    agent_version           TEXT,
    joined_at               TIMESTAMPTZ NOT NULL,
    last_heartbeat_at       TIMESTAMPTZ,
    last_heartbeat_sequence BIGINT      NOT NULL DEFAULT 0,
    state_changed_at        TIMESTAMPTZ NOT NULL,
    version                 BIGINT      NOT NULL DEFAULT 0
);
-- The failure sweep looks only at live nodes that have been quiet.
CREATE INDEX node_live_by_heartbeat ON node (last_heartbeat_at) WHERE state <> 'DOWN';
