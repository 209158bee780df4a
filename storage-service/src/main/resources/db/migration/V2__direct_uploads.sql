-- Direct uploads (the client writes the chunks to the workers itself): what the upload's begin promised, checked
-- again at commit. NULL for streamed uploads. A direct upload's chunk has no checksum until its commit.
ALTER TABLE content
    ADD COLUMN path        TEXT,
    ADD COLUMN owner       TEXT,
    ADD COLUMN size        BIGINT,
    ADD COLUMN replication INTEGER,
    ADD COLUMN expires_at  TIMESTAMPTZ;
ALTER TABLE chunk ALTER COLUMN checksum DROP NOT NULL;
