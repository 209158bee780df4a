package dev.holon.scheduler.job;

import dev.holon.contracts.task.TaskState;
import dev.holon.scheduler.placement.Strategy;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Jobs and tasks in PostgreSQL (schema {@code scheduler}). Visibility is decided here, in the queries: a caller who
 * does not see everything only ever reads rows they own in their tenant, so a controller cannot forget the check.
 */
@Repository
public class JobRepository {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;

    public JobRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A job row. */
    public record JobRow(String id, String name, String owner, String tenant, List<String> command,
            Map<String, String> env, List<String> constraints, long cpuMillis, long memoryMiB, int gpus, int count,
            Strategy strategy, int maxRetries, long timeoutSeconds, int priority, String state, String pendingReason,
            boolean cancelRequested, String requestHash, Instant createdAt, Instant updatedAt) {
    }

    /** A task row: the task and its current attempt. */
    public record TaskRow(String id, String jobId, int index, TaskState state, int attempt, String attemptId,
            String nodeId, Long fencingToken, int retriesUsed, Integer exitCode, String reason, Instant scheduledAt,
            Instant startedAt, Instant finishedAt) {
    }

    public void insertJob(JobRow job, String idempotencyKey) {
        jdbc.sql("""
                INSERT INTO job (id, name, owner, tenant, command, env, constraints, cpu_millis, memory_mib, gpus,
                                 task_count, strategy, max_retries, timeout_seconds, priority, state, idempotency_key,
                                 request_hash, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(job.id(), job.name(), job.owner(), job.tenant(), JSON.writeValueAsString(job.command()),
                        JSON.writeValueAsString(job.env()), JSON.writeValueAsString(job.constraints()), job.cpuMillis(),
                        job.memoryMiB(), job.gpus(), job.count(), job.strategy().name(), job.maxRetries(),
                        job.timeoutSeconds(), job.priority(), job.state(), idempotencyKey, job.requestHash(),
                        ts(job.createdAt()), ts(job.updatedAt()))
                .update();
    }

    public void insertTask(TaskRow task, Instant now) {
        jdbc.sql("""
                INSERT INTO task (id, job_id, idx, state, attempt, attempt_id, retries_used, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)""")
                .params(task.id(), task.jobId(), task.index(), task.state().name(), task.attempt(), task.attemptId(),
                        ts(now), ts(now))
                .update();
    }

    public Optional<JobRow> findVisible(String id, String owner, String tenant, boolean seesAll) {
        return jdbc.sql("""
                SELECT * FROM job WHERE id = ? AND (? OR (owner = ? AND tenant = ?))""")
                .params(id, seesAll, owner, tenant)
                .query(JobRepository::job).optional();
    }

    public Optional<JobRow> findById(String id) {
        return jdbc.sql("SELECT * FROM job WHERE id = ?").param(id).query(JobRepository::job).optional();
    }

    /** Locks the job row: changes to one job's tasks are serialised on it. */
    public Optional<JobRow> lock(String id) {
        return jdbc.sql("SELECT * FROM job WHERE id = ? FOR UPDATE").param(id).query(JobRepository::job).optional();
    }

    /** One page in id order (ids are time-ordered). */
    public List<JobRow> findPage(String owner, String tenant, boolean seesAll, String state, String afterId, int limit) {
        return jdbc.sql("""
                SELECT * FROM job
                WHERE (? OR (owner = ? AND tenant = ?))
                  AND (CAST(? AS text) IS NULL OR state = CAST(? AS text))
                  AND (CAST(? AS text) IS NULL OR id > CAST(? AS text))
                ORDER BY id LIMIT ?""")
                .params(seesAll, owner, tenant, state, state, afterId, afterId, limit)
                .query(JobRepository::job).list();
    }

    /** The job a key was used for by this owner within the window, if any; forgets older uses of the key. */
    public Optional<JobRow> findByIdempotencyKey(String owner, String key, Instant notBefore) {
        jdbc.sql("UPDATE job SET idempotency_key = NULL WHERE owner = ? AND idempotency_key = ? AND created_at < ?")
                .params(owner, key, ts(notBefore)).update();
        return jdbc.sql("SELECT * FROM job WHERE owner = ? AND idempotency_key = ?")
                .params(owner, key).query(JobRepository::job).optional();
    }

    public List<TaskRow> tasksOf(String jobId) {
        return jdbc.sql("SELECT * FROM task WHERE job_id = ? ORDER BY idx").param(jobId).query(JobRepository::task).list();
    }

    public Optional<TaskRow> findTask(String taskId) {
        return jdbc.sql("SELECT * FROM task WHERE id = ?").param(taskId).query(JobRepository::task).optional();
    }

    /** Tasks holding resources on the node, for NodeDown: only those placed there before {@code placedBefore}. */
    public List<TaskRow> tasksOnNode(String nodeId, Instant placedBefore) {
        return jdbc.sql("""
                SELECT * FROM task WHERE node_id = ? AND state IN ('SCHEDULED', 'RUNNING') AND scheduled_at <= ?
                ORDER BY job_id, idx""")
                .params(nodeId, ts(placedBefore)).query(JobRepository::task).list();
    }

    public void updateTask(TaskRow t, Instant now) {
        jdbc.sql("""
                UPDATE task SET state = ?, attempt = ?, attempt_id = ?, node_id = ?, fencing_token = ?, retries_used = ?,
                       exit_code = ?, reason = ?, scheduled_at = ?, started_at = ?, finished_at = ?, updated_at = ?
                WHERE id = ?""")
                .params(t.state().name(), t.attempt(), t.attemptId(), t.nodeId(), t.fencingToken(), t.retriesUsed(),
                        t.exitCode(), t.reason(), ts(t.scheduledAt()), ts(t.startedAt()), ts(t.finishedAt()), ts(now),
                        t.id())
                .update();
    }

    public void setPendingReason(String jobId, String reason, Instant now) {
        jdbc.sql("UPDATE job SET pending_reason = ?, updated_at = ? WHERE id = ? AND pending_reason IS DISTINCT FROM ?")
                .params(reason, ts(now), jobId, reason).update();
    }

    /** The newest leader epoch: the highest fencing token any worker can have seen. */
    public long currentEpoch() {
        return jdbc.sql("SELECT epoch FROM leader_epoch WHERE id = 1").query(Long.class).single();
    }

    public void markCancelRequested(String jobId, Instant now) {
        jdbc.sql("UPDATE job SET cancel_requested = TRUE, updated_at = ? WHERE id = ?").params(ts(now), jobId).update();
    }

    /** Re-derives the job's state from its tasks (see {@link JobStates}). */
    public void refreshState(String jobId, Instant now) {
        List<TaskState> states = jdbc.sql("SELECT state FROM task WHERE job_id = ?").param(jobId)
                .query((rs, n) -> TaskState.valueOf(rs.getString(1))).list();
        boolean cancelRequested = jdbc.sql("SELECT cancel_requested FROM job WHERE id = ?").param(jobId)
                .query(Boolean.class).single();
        String state = JobStates.derive(states, cancelRequested);
        jdbc.sql("""
                UPDATE job SET state = ?, updated_at = ?,
                       pending_reason = CASE WHEN ? IN ('PENDING', 'RUNNING') THEN pending_reason END
                WHERE id = ? AND state <> ?""")
                .params(state, ts(now), state, jobId, state).update();
    }

    /** Pending tasks in placement order: priority, then age, then index. */
    public List<TaskRow> pendingTasks(int limit) {
        return jdbc.sql("""
                SELECT t.* FROM task t JOIN job j ON j.id = t.job_id
                WHERE t.state = 'PENDING'
                ORDER BY j.priority DESC, j.created_at, j.id, t.idx LIMIT ?""")
                .param(limit).query(JobRepository::task).list();
    }

    /** What tasks already hold per node and job (SCHEDULED or RUNNING). */
    public record Held(String nodeId, String jobId, int tasks, long cpuMillis, long memoryMiB, int gpus) {
    }

    public List<Held> heldByNodeAndJob() {
        return jdbc.sql("""
                SELECT t.node_id, t.job_id, COUNT(*) AS tasks, SUM(j.cpu_millis) AS cpu, SUM(j.memory_mib) AS mem,
                       SUM(j.gpus) AS gpus
                FROM task t JOIN job j ON j.id = t.job_id
                WHERE t.state IN ('SCHEDULED', 'RUNNING') AND t.node_id IS NOT NULL
                GROUP BY t.node_id, t.job_id""")
                .query((rs, n) -> new Held(rs.getString("node_id"), rs.getString("job_id"), rs.getInt("tasks"),
                        rs.getLong("cpu"), rs.getLong("mem"), rs.getInt("gpus")))
                .list();
    }

    /** Records a worker report (also one about an attempt that is no longer current); false if already seen. */
    public boolean recordReport(String eventId, String taskId, String attemptId, String type, boolean applied, Instant now) {
        return jdbc.sql("""
                INSERT INTO task_report (event_id, task_id, attempt_id, type, applied, received_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(eventId, taskId, attemptId, type, applied, ts(now)).update() == 1;
    }

    private static JobRow job(ResultSet rs, int row) throws SQLException {
        return new JobRow(rs.getString("id"), rs.getString("name"), rs.getString("owner"), rs.getString("tenant"),
                JSON.readValue(rs.getString("command"), new TypeReference<List<String>>() { }),
                JSON.readValue(rs.getString("env"), new TypeReference<Map<String, String>>() { }),
                JSON.readValue(rs.getString("constraints"), new TypeReference<List<String>>() { }),
                rs.getLong("cpu_millis"), rs.getLong("memory_mib"), rs.getInt("gpus"), rs.getInt("task_count"),
                Strategy.valueOf(rs.getString("strategy")), rs.getInt("max_retries"), rs.getLong("timeout_seconds"),
                rs.getInt("priority"), rs.getString("state"), rs.getString("pending_reason"),
                rs.getBoolean("cancel_requested"), rs.getString("request_hash"), instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    private static TaskRow task(ResultSet rs, int row) throws SQLException {
        return new TaskRow(rs.getString("id"), rs.getString("job_id"), rs.getInt("idx"),
                TaskState.valueOf(rs.getString("state")), rs.getInt("attempt"), rs.getString("attempt_id"),
                rs.getString("node_id"), (Long) rs.getObject("fencing_token"), rs.getInt("retries_used"),
                (Integer) rs.getObject("exit_code"), rs.getString("reason"), instant(rs, "scheduled_at"),
                instant(rs, "started_at"), instant(rs, "finished_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    private static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
