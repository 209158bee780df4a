-- The namespace: directories and files under /<tenant>/... (a tenant's root is implicit).
CREATE TABLE entry (
    id          TEXT PRIMARY KEY,
    tenant      TEXT        NOT NULL,
    path        TEXT        NOT NULL,              -- /tenant/a/b, normalised
    parent      TEXT        NOT NULL,              -- /tenant/a
    name        TEXT        NOT NULL,
    type        TEXT        NOT NULL CHECK (type IN ('FILE', 'DIRECTORY')),
    size        BIGINT      NOT NULL DEFAULT 0,
    checksum    TEXT,                              -- SHA-256 of the bytes (files)
    version     BIGINT      NOT NULL,              -- the ETag; bumped by every change
    replication INTEGER     NOT NULL,
    owner       TEXT        NOT NULL,
    content_id  TEXT,                              -- the committed content (files)
    created_at  TIMESTAMPTZ NOT NULL,
    modified_at TIMESTAMPTZ NOT NULL,
    UNIQUE (tenant, path)
);
CREATE INDEX entry_children ON entry (tenant, parent, name);

-- One upload's bytes: WRITING while chunks go out, LIVE once an entry points at it, GARBAGE when replaced,
-- deleted or failed (its chunks are then deleted from the workers in the background).
CREATE TABLE content (
    id         TEXT PRIMARY KEY,
    tenant     TEXT        NOT NULL,
    state      TEXT        NOT NULL CHECK (state IN ('WRITING', 'LIVE', 'GARBAGE')),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX content_by_state ON content (state, updated_at);

CREATE TABLE chunk (
    id          TEXT PRIMARY KEY,
    content_id  TEXT    NOT NULL REFERENCES content (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    size        INTEGER NOT NULL,
    checksum    TEXT    NOT NULL,                  -- CRC32C, 8 lowercase hex digits
    replication INTEGER NOT NULL,
    UNIQUE (content_id, seq)
);

-- Where a chunk's bytes are. The repair leader compares these rows with the live nodes each pass, so work left
-- by a restarted service is found again.
CREATE TABLE replica (
    chunk_id   TEXT        NOT NULL REFERENCES chunk (id) ON DELETE CASCADE,
    node_id    TEXT        NOT NULL,
    corrupt    BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (chunk_id, node_id)
);
CREATE INDEX replica_by_node ON replica (node_id);
