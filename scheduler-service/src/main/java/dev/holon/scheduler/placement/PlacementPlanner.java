package dev.holon.scheduler.placement;

import java.util.List;
import java.util.Objects;

/**
 * Entry point of placement: a pipeline like Nomad's (feasibility filters, scorers, limit, select) over an immutable
 * {@link ClusterSnapshot}. Plain Java, deterministic (the same snapshot, tasks and options give the same plan: the
 * shuffle is seeded from the job id) and not thread-safe: use one planner per thread; several planners may share a
 * snapshot. Sessions reuse the planner's scratch space, so only the latest session of a planner is usable.
 */
public final class PlacementPlanner {

    private final PlacementOptions options;
    private final TenantQuota quota;
    private final LocalityScorer locality;
    private final PlanState scratch = new PlanState();
    private long generation;

    public PlacementPlanner() {
        this(PlacementOptions.DEFAULTS, TenantQuota.UNLIMITED, LocalityScorer.NEUTRAL);
    }

    public PlacementPlanner(PlacementOptions options) {
        this(options, TenantQuota.UNLIMITED, LocalityScorer.NEUTRAL);
    }

    public PlacementPlanner(PlacementOptions options, TenantQuota quota, LocalityScorer locality) {
        this.options = Objects.requireNonNull(options, "options");
        this.quota = Objects.requireNonNull(quota, "quota");
        this.locality = Objects.requireNonNull(locality, "locality");
    }

    /** Starts a plan against the snapshot; ends this planner's previous session. */
    public PlacementSession begin(ClusterSnapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        scratch.reset(snapshot);
        return new PlacementSession(this, ++generation, snapshot, scratch, options, quota, locality);
    }

    /** Places the tasks in order against the snapshot in one session. */
    public PlacementPlan plan(ClusterSnapshot snapshot, List<TaskRequest> tasks) {
        PlacementSession session = begin(snapshot);
        session.placeAll(tasks);
        return session.plan();
    }

    public PlacementOptions options() {
        return options;
    }

    long generation() {
        return generation;
    }
}
