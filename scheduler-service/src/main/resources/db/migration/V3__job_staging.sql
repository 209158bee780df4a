-- Task staging (issue 6): the job's input files and output folder, tenant-qualified (/<tenant>/...), and the bytes
-- of those inputs each node held at submit time (JSON object node id -> bytes; empty when storage could not say).
ALTER TABLE job ADD COLUMN inputs TEXT NOT NULL DEFAULT '[]';
ALTER TABLE job ADD COLUMN output_dir TEXT;
ALTER TABLE job ADD COLUMN input_bytes_by_node TEXT NOT NULL DEFAULT '{}';
ALTER TABLE job ADD COLUMN input_bytes BIGINT NOT NULL DEFAULT 0;
