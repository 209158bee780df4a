-- A job names its program as a command (JSON array) or as a shell script; exactly one of them is set.
ALTER TABLE job ALTER COLUMN command DROP NOT NULL;
ALTER TABLE job ADD COLUMN script TEXT;
-- Soft label preferences: JSON array of {"match": "zone=a", "weight": 50}.
ALTER TABLE job ADD COLUMN affinities TEXT NOT NULL DEFAULT '[]';
-- What an attempt used, as its worker measured it (null: not measurable there, or not reported).
ALTER TABLE task_attempt ADD COLUMN cpu_millis_used BIGINT;
ALTER TABLE task_attempt ADD COLUMN peak_memory_bytes BIGINT;
