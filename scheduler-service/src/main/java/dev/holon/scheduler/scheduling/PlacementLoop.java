package dev.holon.scheduler.scheduling;

import dev.holon.contracts.Topics;
import dev.holon.contracts.node.NodeResources;
import dev.holon.contracts.node.NodeView;
import dev.holon.contracts.task.TaskState;
import dev.holon.scheduler.SchedulerProperties;
import dev.holon.scheduler.assignment.Assignments;
import dev.holon.scheduler.job.JobRepository;
import dev.holon.scheduler.job.JobRepository.JobRow;
import dev.holon.scheduler.job.JobRepository.TaskRow;
import dev.holon.scheduler.placement.Affinity;
import dev.holon.scheduler.placement.ClusterSnapshot;
import dev.holon.scheduler.placement.InputLocalityScorer;
import dev.holon.scheduler.placement.LocalityScorer;
import dev.holon.scheduler.placement.PlacementOptions;
import dev.holon.scheduler.placement.TenantLimits;
import dev.holon.scheduler.placement.TenantQuota;
import dev.holon.scheduler.placement.LabelConstraint;
import dev.holon.scheduler.placement.NodeSnapshot;
import dev.holon.scheduler.placement.PlacementPlan;
import dev.holon.scheduler.placement.PlacementPlanner;
import dev.holon.scheduler.placement.TaskPlacement;
import dev.holon.scheduler.placement.TaskRequest;
import dev.holon.scheduler.task.TaskStateMachine;
import dev.holon.scheduler.task.TaskTransitions;
import dev.holon.support.concurrent.Wakeup;
import dev.holon.support.outbox.Outbox;
import dev.holon.support.tenant.TenantQuotas;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The leader's placement pass, every {@code holon.scheduler.placement-interval} while tasks are due (an idle pass is
 * one query): the registry's nodes (re-read every {@code node-view-refresh}) plus what SCHEDULED/RUNNING tasks hold
 * make a {@link ClusterSnapshot}; the pending tasks (priority, then age) are planned against it, and in one
 * transaction the placed ones become SCHEDULED with an {@code AssignTask} (fenced by the leader epoch) and the others
 * leave their reason on the job.
 * Tenant quotas (auth-service's, through {@link TenantQuotas}) are a feasibility stage: a tenant's tasks are placed
 * only while its SCHEDULED and RUNNING tasks plus the new ones stay within its CPU, memory and GPU limits; the
 * quotas of the tenants with pending tasks are read before the pass's transaction, so a slow auth-service holds
 * no database connection.
 * A commit that leaves tasks pending (a submit on any replica, a LOST attempt) wakes a pass at once on the leader.
 * One pass at a time (synchronized: the planner is not thread-safe).
 */
@Component
public class PlacementLoop {

    private static final Logger log = LoggerFactory.getLogger(PlacementLoop.class);

    private final LeaderElection leadership;
    private final RegistryNodes registry;
    private final JobRepository jobs;
    private final TaskTransitions transitions;
    private final Outbox outbox;
    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final SchedulerProperties properties;
    private final TenantQuotas quotas;
    private final Clock clock;
    /** The locality of the jobs of the current pass (its inputs' bytes per node), read with their rows. */
    private volatile InputLocalityScorer passLocality = new InputLocalityScorer(Map.of());
    /** The tenant limits and use of the current pass. */
    private volatile TenantQuota passQuota = TenantQuota.UNLIMITED;
    private final PlacementPlanner planner = new PlacementPlanner(PlacementOptions.DEFAULTS,
            new TenantQuota() {
                @Override
                public boolean admits(TaskRequest task, NodeSnapshot node, NodeResources plannedForTenant) {
                    return passQuota.admits(task, node, plannedForTenant);
                }

                @Override
                public String explain(TaskRequest task, NodeResources plannedForTenant) {
                    return passQuota.explain(task, plannedForTenant);
                }
            },
            new LocalityScorer() {
                @Override
                public boolean appliesTo(TaskRequest task) {
                    return passLocality.appliesTo(task);
                }

                @Override
                public double score(TaskRequest task, NodeSnapshot node) {
                    return passLocality.score(task, node);
                }
            });
    private final Wakeup wakeup = new Wakeup("placement-wakeup", this::placePending);

    private volatile List<NodeView> nodes;
    private volatile Instant nodesReadAt = Instant.MIN;

    public PlacementLoop(LeaderElection leadership, RegistryNodes registry, JobRepository jobs,
            TaskTransitions transitions, Outbox outbox, JdbcClient jdbc, TransactionTemplate transaction,
            SchedulerProperties properties, TenantQuotas quotas, Clock clock) {
        this.leadership = leadership;
        this.registry = registry;
        this.jobs = jobs;
        this.transitions = transitions;
        this.outbox = outbox;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.properties = properties;
        this.quotas = quotas;
        this.clock = clock;
    }

    /** Tasks became pending and due ({@link PendingNotifications}): on the leader, place them now, not at the next pass. */
    void wake() {
        if (leadership.isLeader()) {
            wakeup.request();
        }
    }

    @PreDestroy
    void stopWakeups() {
        wakeup.close();
    }

    @Scheduled(fixedDelayString = "${holon.scheduler.placement-interval:PT0.2S}")
    public synchronized void placePending() {
        if (!leadership.isLeader()) {
            return;
        }
        try {
            if (!jobs.anyPendingDue(clock.instant())) {
                return; // idle: no registry read and no transaction
            }
            refreshNodes();
            if (nodes == null) {
                return;
            }
            Map<String, TenantLimits.Limit> limits = quotas.enabled() ? pendingTenantLimits() : null;
            transaction.executeWithoutResult(status -> placeBatch(leadership.epoch(), limits));
        } catch (RuntimeException e) {
            log.warn("Placement pass failed, retrying at the next one: {}", e.toString());
        }
    }

    /** A node changed: the next pass re-reads the registry instead of trusting the last view. */
    void nodesChanged() {
        nodesReadAt = Instant.MIN;
    }

    /** A fresher view read elsewhere (the reconcile pass): placement must not put new attempts where it moved old ones. */
    void nodesRead(List<NodeView> view, Instant at) {
        nodes = view;
        nodesReadAt = at;
    }

    private void refreshNodes() {
        Instant now = clock.instant();
        if (nodes != null && now.isBefore(nodesReadAt.plus(properties.nodeViewRefresh()))) {
            return;
        }
        try {
            nodes = registry.all();
        } catch (RuntimeException e) {
            log.warn("Cannot read the nodes from the registry ({}); placing against the last view", e.toString());
        }
        nodesReadAt = now;
    }

    /** The quotas of the tenants with due pending tasks, read (or taken from the cache) outside any transaction. */
    private Map<String, TenantLimits.Limit> pendingTenantLimits() {
        Map<String, TenantLimits.Limit> limits = new HashMap<>();
        for (String tenant : jobs.pendingTenants(clock.instant())) {
            limits.put(tenant, TenantLimits.Limit.of(quotas.of(tenant)));
        }
        return limits;
    }

    /** @param limits the quotas of the tenants whose tasks may be placed; null when quotas are off */
    private void placeBatch(long epoch, Map<String, TenantLimits.Limit> limits) {
        Long current = jdbc.sql("SELECT epoch FROM leader_epoch WHERE id = 1 FOR SHARE").query(Long.class).single();
        if (current != epoch) {
            log.warn("Epoch {} is no longer current ({}): not placing", epoch, current);
            return;
        }
        Instant now = clock.instant();
        List<TaskRow> pending = jobs.pendingTasks(properties.placementBatch(), now);
        if (pending.isEmpty()) {
            return;
        }
        // Lock the jobs in id order (no deadlock with listeners, which lock one job), then re-read their tasks.
        Map<String, JobRow> byId = new HashMap<>();
        for (String jobId : new TreeSet<>(pending.stream().map(TaskRow::jobId).toList())) {
            jobs.lock(jobId).ifPresent(job -> byId.put(job.id(), job));
        }
        Map<String, TaskRow> tasks = new LinkedHashMap<>();
        List<TaskRequest> requests = new ArrayList<>();
        // retries go elsewhere where they can: the nodes of their earlier attempts are penalised
        Map<String, Set<String>> earlierNodes = jobs.earlierNodes(pending.stream().filter(t -> t.attempt() > 1)
                .map(TaskRow::id).toList());
        for (TaskRow seen : pending) {
            JobRow job = byId.get(seen.jobId());
            TaskRow task = jobs.findTask(seen.id()).orElse(null);
            if (job == null || task == null || task.state() != TaskState.PENDING) {
                continue;
            }
            if (limits != null && !limits.containsKey(job.tenant())) {
                continue; // submitted after the quotas were read: the next pass places it
            }
            tasks.put(key(job.id(), task.index()), task);
            requests.add(request(job, task, earlierNodes.getOrDefault(task.id(), Set.of())));
        }
        Map<String, InputLocalityScorer.JobInputs> inputs = new HashMap<>();
        byId.values().stream().filter(job -> job.inputBytes() > 0).forEach(job -> inputs.put(job.id(),
                new InputLocalityScorer.JobInputs(job.inputBytes(), job.inputBytesByNode())));
        passLocality = new InputLocalityScorer(inputs);
        boolean limited = limits != null && limits.values().stream().anyMatch(limit -> !limit.unlimited());
        passQuota = limited ? new TenantLimits(limits, jobs.heldByTenant()) : TenantQuota.UNLIMITED;
        PlacementPlan plan = planner.plan(snapshot(), requests);
        Map<String, String> reasons = new HashMap<>();
        for (TaskPlacement placement : plan.placements()) {
            TaskRequest request = placement.task();
            JobRow job = byId.get(request.jobId());
            TaskRow task = tasks.get(key(request.jobId(), request.taskIndex()));
            switch (placement) {
                case TaskPlacement.Placed placed -> {
                    TaskRow scheduled = transitions.apply(job, task, new TaskStateMachine.Input.Schedule(placed.nodeId()),
                            epoch, now);
                    outbox.publish(Topics.TASK_ASSIGNMENTS, placed.nodeId(), job.tenant(),
                            Assignments.command(job, scheduled, placed.nodeId(), epoch));
                    reasons.putIfAbsent(job.id(), null);
                }
                case TaskPlacement.Pending waiting -> reasons.put(job.id(), waiting.reason().explanation());
            }
        }
        reasons.forEach((jobId, reason) -> {
            jobs.setPendingReason(jobId, reason, now);
            jobs.refreshState(jobId, now);
        });
        if (plan.placedCount() > 0) {
            log.info("Placed {} task(s), {} pending (epoch {})", plan.placedCount(), plan.pendingCount(), epoch);
        }
    }

    private ClusterSnapshot snapshot() {
        Map<String, long[]> held = new HashMap<>();
        Map<String, Map<String, Integer>> jobTasks = new HashMap<>();
        for (JobRepository.Held h : jobs.heldByNodeAndJob()) {
            long[] sum = held.computeIfAbsent(h.nodeId(), id -> new long[3]);
            sum[0] += h.cpuMillis();
            sum[1] += h.memoryMiB();
            sum[2] += h.gpus();
            jobTasks.computeIfAbsent(h.nodeId(), id -> new TreeMap<>()).put(h.jobId(), h.tasks());
        }
        List<NodeSnapshot> snapshots = new ArrayList<>(nodes.size());
        for (NodeView node : nodes) {
            long[] sum = held.getOrDefault(node.id(), new long[3]);
            NodeResources allocatable = node.allocatable() != null ? node.allocatable() : node.capacity();
            snapshots.add(new NodeSnapshot(node.id(), node.state(), node.cordoned(), node.draining(),
                    node.labels() == null ? Map.of() : node.labels(), allocatable,
                    new NodeResources(sum[0], sum[1], (int) sum[2], 0), jobTasks.get(node.id())));
        }
        return ClusterSnapshot.of(snapshots);
    }

    private static TaskRequest request(JobRow job, TaskRow task, Set<String> earlierNodes) {
        return new TaskRequest(job.id(), task.index(), job.count(), job.tenant(), job.cpuMillis(), job.memoryMiB(),
                job.gpus(), job.constraints().stream().map(LabelConstraint::parse).toList(),
                job.affinities().stream().map(a -> Affinity.parse(a.match(), a.weight())).toList(), job.strategy(),
                earlierNodes);
    }

    private static String key(String jobId, int index) {
        return jobId + "/" + index;
    }
}
