package dev.holon.scheduler.job;

import dev.holon.contracts.node.NodeResources;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

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

    /** A job row; {@code command} is null when the job runs a {@code script}. */
    public record JobRow(String id, String name, String owner, String tenant, List<String> command, String script,
            Map<String, String> env, List<String> constraints, List<JobRequest.Affinity> affinities, long cpuMillis,
            long memoryMiB, int gpus, int count,
            Strategy strategy, int maxRetries, int retryBackoffSeconds, long timeoutSeconds, int priority, String state,
            String pendingReason, boolean cancelRequested, String requestHash, Instant createdAt, Instant updatedAt,
            List<String> inputs, String outputDir, long inputBytes, Map<String, Long> inputBytesByNode) {
    }

    /** A task row: the task and its current attempt ({@code notBefore}: a retry is not placed earlier). */
    public record TaskRow(String id, String jobId, int index, TaskState state, int attempt, String attemptId,
            String nodeId, Long fencingToken, int retriesUsed, Integer exitCode, String reason, Instant scheduledAt,
            Instant startedAt, Instant finishedAt, Instant notBefore) {
    }

    /** One attempt of a task, as kept in {@code task_attempt}; usage as its worker reported it (null: unknown). */
    public record AttemptRow(String attemptId, String taskId, int attempt, TaskState state, String nodeId,
            Integer exitCode, String reason, Instant notBefore, Instant createdAt, Instant scheduledAt,
            Instant startedAt, Instant finishedAt, Long cpuMillisUsed, Long peakMemoryBytes) {
    }

    /** One state change of one attempt, as kept in {@code job_event}; {@code seq} orders a job's events. */
    public record EventRow(long seq, String id, String jobId, Instant at, int taskIndex, String attemptId,
            TaskState from, TaskState to, String nodeId, String reason) {
    }

    public void insertJob(JobRow job, String idempotencyKey) {
        jdbc.sql("""
                INSERT INTO job (id, name, owner, tenant, command, script, env, constraints, affinities, cpu_millis,
                                 memory_mib, gpus, task_count, strategy, max_retries, retry_backoff_seconds,
                                 timeout_seconds, priority, state, idempotency_key, request_hash, created_at, updated_at,
                                 inputs, output_dir, input_bytes, input_bytes_by_node)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(job.id(), job.name(), job.owner(), job.tenant(),
                        job.command() == null ? null : JSON.writeValueAsString(job.command()), job.script(),
                        JSON.writeValueAsString(job.env()), JSON.writeValueAsString(job.constraints()),
                        JSON.writeValueAsString(job.affinities()), job.cpuMillis(),
                        job.memoryMiB(), job.gpus(), job.count(), job.strategy().name(), job.maxRetries(),
                        job.retryBackoffSeconds(), job.timeoutSeconds(), job.priority(), job.state(), idempotencyKey, job.requestHash(),
                        ts(job.createdAt()), ts(job.updatedAt()), JSON.writeValueAsString(job.inputs()), job.outputDir(),
                        job.inputBytes(), JSON.writeValueAsString(job.inputBytesByNode()))
                .update();
    }

    public void insertTask(TaskRow task, Instant now) {
        jdbc.sql("""
                INSERT INTO task (id, job_id, idx, state, attempt, attempt_id, retries_used, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)""")
                .params(task.id(), task.jobId(), task.index(), task.state().name(), task.attempt(), task.attemptId(),
                        ts(now), ts(now))
                .update();
        insertAttempt(task.attemptId(), task.id(), task.attempt(), null, now);
    }

    public void insertAttempt(String attemptId, String taskId, int attempt, Instant notBefore, Instant now) {
        jdbc.sql("""
                INSERT INTO task_attempt (attempt_id, task_id, attempt, state, not_before, created_at)
                VALUES (?, ?, ?, 'PENDING', ?, ?)""")
                .params(attemptId, taskId, attempt, ts(notBefore), ts(now))
                .update();
    }

    /** Writes where an attempt now stands; times and the exit code, once set, are kept. */
    public void updateAttempt(String attemptId, TaskState state, String nodeId, Integer exitCode, String reason,
            Instant scheduledAt, Instant startedAt, Instant finishedAt) {
        jdbc.sql("""
                UPDATE task_attempt SET state = ?, node_id = COALESCE(?, node_id), exit_code = COALESCE(?, exit_code),
                       reason = COALESCE(?, reason), scheduled_at = COALESCE(scheduled_at, ?),
                       started_at = COALESCE(started_at, ?), finished_at = COALESCE(finished_at, ?)
                WHERE attempt_id = ?""")
                .params(state.name(), nodeId, exitCode, reason, ts(scheduledAt), ts(startedAt), ts(finishedAt),
                        attemptId)
                .update();
    }

    /** What the attempt used, as its worker measured it; a figure it could not measure stays null. */
    public void recordUsage(String attemptId, Long cpuMillisUsed, Long peakMemoryBytes) {
        jdbc.sql("""
                UPDATE task_attempt SET cpu_millis_used = COALESCE(?, cpu_millis_used),
                       peak_memory_bytes = COALESCE(?, peak_memory_bytes)
                WHERE attempt_id = ?""")
                .params(cpuMillisUsed, peakMemoryBytes, attemptId)
                .update();
    }

    /** Every attempt of the job's tasks, by task id, oldest first. */
    public Map<String, List<AttemptRow>> attemptsOf(String jobId) {
        return jdbc.sql("""
                SELECT a.* FROM task_attempt a JOIN task t ON t.id = a.task_id
                WHERE t.job_id = ? ORDER BY t.idx, a.attempt""")
                .param(jobId)
                .query(JobRepository::attempt).list().stream()
                .collect(Collectors.groupingBy(AttemptRow::taskId, LinkedHashMap::new, Collectors.toList()));
    }

    public void insertEvent(EventRow event) {
        jdbc.sql("""
                INSERT INTO job_event (id, job_id, at, task_index, attempt_id, from_state, to_state, node_id, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(event.id(), event.jobId(), ts(event.at()), event.taskIndex(), event.attemptId(),
                        event.from().name(), event.to().name(), event.nodeId(), event.reason())
                .update();
    }

    /** The job's events after {@code afterSeq} (0: from the start), oldest first. */
    public List<EventRow> eventsAfter(String jobId, long afterSeq, int limit) {
        return jdbc.sql("SELECT * FROM job_event WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?")
                .params(jobId, afterSeq, limit)
                .query((rs, n) -> new EventRow(rs.getLong("seq"), rs.getString("id"), rs.getString("job_id"),
                        instant(rs, "at"), rs.getInt("task_index"), rs.getString("attempt_id"),
                        TaskState.valueOf(rs.getString("from_state")), TaskState.valueOf(rs.getString("to_state")),
                        rs.getString("node_id"), rs.getString("reason")))
                .list();
    }

    /** Where the event with this id stands in its job's order, if it is one of the job's. */
    public Optional<Long> eventSeq(String jobId, String eventId) {
        return jdbc.sql("SELECT seq FROM job_event WHERE job_id = ? AND id = ?").params(jobId, eventId)
                .query(Long.class).optional();
    }

    /** Tasks that should be on the node now (SCHEDULED or RUNNING), in job and index order. */
    public List<TaskRow> activeOnNode(String nodeId) {
        return jdbc.sql("""
                SELECT * FROM task WHERE node_id = ? AND state IN ('SCHEDULED', 'RUNNING') ORDER BY job_id, idx""")
                .param(nodeId).query(JobRepository::task).list();
    }

    /** The nodes that hold SCHEDULED or RUNNING tasks. */
    public List<String> nodesWithActiveTasks() {
        return jdbc.sql("SELECT DISTINCT node_id FROM task WHERE state IN ('SCHEDULED', 'RUNNING') AND node_id IS NOT NULL")
                .query(String.class).list();
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

    /**
     * One page in id order (ids are time-ordered) of what the reader ({@code owner} in {@code tenant}, or one who
     * sees all) may see, optionally only jobs in {@code state} and of {@code ownerFilter}.
     */
    public List<JobRow> findPage(String owner, String tenant, boolean seesAll, String state, String ownerFilter,
            String afterId, int limit) {
        return jdbc.sql("""
                SELECT * FROM job
                WHERE (? OR (owner = ? AND tenant = ?))
                  AND (CAST(? AS text) IS NULL OR state = CAST(? AS text))
                  AND (CAST(? AS text) IS NULL OR owner = CAST(? AS text))
                  AND (CAST(? AS text) IS NULL OR id > CAST(? AS text))
                ORDER BY id LIMIT ?""")
                .params(seesAll, owner, tenant, state, state, ownerFilter, ownerFilter, afterId, afterId, limit)
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

    /** Tasks holding resources on the node, to move them off it: only those placed there before {@code placedBefore}. */
    public List<TaskRow> tasksOnNode(String nodeId, Instant placedBefore) {
        return jdbc.sql("""
                SELECT * FROM task WHERE node_id = ? AND state IN ('SCHEDULED', 'RUNNING') AND scheduled_at <= ?
                ORDER BY job_id, idx""")
                .params(nodeId, ts(placedBefore)).query(JobRepository::task).list();
    }

    public void updateTask(TaskRow t, Instant now) {
        jdbc.sql("""
                UPDATE task SET state = ?, attempt = ?, attempt_id = ?, node_id = ?, fencing_token = ?, retries_used = ?,
                       exit_code = ?, reason = ?, scheduled_at = ?, started_at = ?, finished_at = ?, not_before = ?,
                       updated_at = ?
                WHERE id = ?""")
                .params(t.state().name(), t.attempt(), t.attemptId(), t.nodeId(), t.fencingToken(), t.retriesUsed(),
                        t.exitCode(), t.reason(), ts(t.scheduledAt()), ts(t.startedAt()), ts(t.finishedAt()),
                        ts(t.notBefore()), ts(now), t.id())
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

    /** Pending tasks that are due at {@code now}, in placement order: priority, then age, then index. */
    public List<TaskRow> pendingTasks(int limit, Instant now) {
        return jdbc.sql("""
                SELECT t.* FROM task t JOIN job j ON j.id = t.job_id
                WHERE t.state = 'PENDING' AND (t.not_before IS NULL OR t.not_before <= ?)
                ORDER BY j.priority DESC, j.created_at, j.id, t.idx LIMIT ?""")
                .params(ts(now), limit).query(JobRepository::task).list();
    }

    /** The nodes the earlier attempts of these tasks were placed on (they failed or were lost there), by task id. */
    public Map<String, Set<String>> earlierNodes(List<String> taskIds) {
        Map<String, Set<String>> nodes = new HashMap<>();
        if (taskIds.isEmpty()) {
            return nodes;
        }
        jdbc.sql("""
                SELECT a.task_id, a.node_id FROM task_attempt a JOIN task t ON t.id = a.task_id
                WHERE a.task_id = ANY(?) AND a.attempt < t.attempt AND a.node_id IS NOT NULL""")
                .param(taskIds.toArray(String[]::new))
                .query(rs -> {
                    nodes.computeIfAbsent(rs.getString("task_id"), id -> new TreeSet<>()).add(rs.getString("node_id"));
                });
        return nodes;
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

    /** Whether any task is PENDING and due now. */
    public boolean anyPendingDue(Instant now) {
        return jdbc.sql("""
                SELECT EXISTS (SELECT 1 FROM task
                               WHERE state = 'PENDING' AND (not_before IS NULL OR not_before <= ?))""")
                .params(ts(now)).query(Boolean.class).single();
    }

    /** Tenants with PENDING tasks due now (their quotas are read before a placement pass). */
    public Set<String> pendingTenants(Instant now) {
        return new TreeSet<>(jdbc.sql("""
                SELECT DISTINCT j.tenant FROM task t JOIN job j ON j.id = t.job_id
                WHERE t.state = 'PENDING' AND (t.not_before IS NULL OR t.not_before <= ?)""")
                .params(ts(now)).query(String.class).list());
    }

    /** What each tenant's SCHEDULED and RUNNING tasks hold (CPU, memory, GPUs; disk 0), the use its quota limits. */
    public Map<String, NodeResources> heldByTenant() {
        Map<String, NodeResources> held = new HashMap<>();
        jdbc.sql("""
                SELECT j.tenant, SUM(j.cpu_millis) AS cpu, SUM(j.memory_mib) AS mem, SUM(j.gpus) AS gpus
                FROM task t JOIN job j ON j.id = t.job_id
                WHERE t.state IN ('SCHEDULED', 'RUNNING')
                GROUP BY j.tenant""")
                .query(rs -> {
                    held.put(rs.getString("tenant"),
                            new NodeResources(rs.getLong("cpu"), rs.getLong("mem"), rs.getInt("gpus"), 0));
                });
        return held;
    }

    /** Records a worker report (also one about an attempt that is no longer current); false if already seen. */
    public boolean recordReport(String eventId, String taskId, String attemptId, String type, boolean applied, Instant now) {
        return jdbc.sql("""
                INSERT INTO task_report (event_id, task_id, attempt_id, type, applied, received_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(eventId, taskId, attemptId, type, applied, ts(now)).update() == 1;
    }

    private static JobRow job(ResultSet rs, int row) throws SQLException {
        String command = rs.getString("command");
        return new JobRow(rs.getString("id"), rs.getString("name"), rs.getString("owner"), rs.getString("tenant"),
                command == null ? null : JSON.readValue(command, new TypeReference<List<String>>() { }),
                rs.getString("script"),
                JSON.readValue(rs.getString("env"), new TypeReference<Map<String, String>>() { }),
                JSON.readValue(rs.getString("constraints"), new TypeReference<List<String>>() { }),
                JSON.readValue(rs.getString("affinities"), new TypeReference<List<JobRequest.Affinity>>() { }),
                rs.getLong("cpu_millis"), rs.getLong("memory_mib"), rs.getInt("gpus"), rs.getInt("task_count"),
                Strategy.valueOf(rs.getString("strategy")), rs.getInt("max_retries"), rs.getInt("retry_backoff_seconds"), rs.getLong("timeout_seconds"),
                rs.getInt("priority"), rs.getString("state"), rs.getString("pending_reason"),
                rs.getBoolean("cancel_requested"), rs.getString("request_hash"), instant(rs, "created_at"),
                instant(rs, "updated_at"), JSON.readValue(rs.getString("inputs"), new TypeReference<List<String>>() { }),
                rs.getString("output_dir"), rs.getLong("input_bytes"),
                JSON.readValue(rs.getString("input_bytes_by_node"), new TypeReference<Map<String, Long>>() { }));
    }

    private static TaskRow task(ResultSet rs, int row) throws SQLException {
        return new TaskRow(rs.getString("id"), rs.getString("job_id"), rs.getInt("idx"),
                TaskState.valueOf(rs.getString("state")), rs.getInt("attempt"), rs.getString("attempt_id"),
                rs.getString("node_id"), (Long) rs.getObject("fencing_token"), rs.getInt("retries_used"),
                (Integer) rs.getObject("exit_code"), rs.getString("reason"), instant(rs, "scheduled_at"),
                instant(rs, "started_at"), instant(rs, "finished_at"), instant(rs, "not_before"));
    }

    private static AttemptRow attempt(ResultSet rs, int row) throws SQLException {
        return new AttemptRow(rs.getString("attempt_id"), rs.getString("task_id"), rs.getInt("attempt"),
                TaskState.valueOf(rs.getString("state")), rs.getString("node_id"), (Integer) rs.getObject("exit_code"),
                rs.getString("reason"), instant(rs, "not_before"), instant(rs, "created_at"),
                instant(rs, "scheduled_at"), instant(rs, "started_at"), instant(rs, "finished_at"),
                (Long) rs.getObject("cpu_millis_used"), (Long) rs.getObject("peak_memory_bytes"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    private static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
