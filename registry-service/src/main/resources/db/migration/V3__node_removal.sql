-- An operator can remove a node for good (state REMOVED): when and by whom, kept for the record.
ALTER TABLE node ADD COLUMN removed_at TIMESTAMPTZ;
ALTER TABLE node ADD COLUMN removed_by TEXT;
-- When the last rejected heartbeat of a removed node was audited: at most one audit fact per node per interval,
-- claimed with a compare-and-set, so several replicas together still publish at most one.
ALTER TABLE node ADD COLUMN heartbeat_rejection_audited_at TIMESTAMPTZ;
-- The failure sweep looks only at live nodes that have been quiet: removed ones are not live either.
DROP INDEX node_live_by_heartbeat;
CREATE INDEX node_live_by_heartbeat ON node (last_heartbeat_at) WHERE state NOT IN ('DOWN', 'REMOVED');
