package dev.holon.scheduler.placement;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One plan being made against one snapshot: tasks are placed one at a time, each seeing what the earlier ones took.
 * For each task: visit nodes in the job's shuffled order, drop infeasible ones ({@link FeasibilityChain}), score the
 * feasible ones ({@link NodeRanker}) until the limit is reached ({@link CandidateSelector}), take the best. Tasks of
 * one array share a {@link RequestShape}: the visit order continues where the previous task stopped, and once one
 * task is pending the rest of the array is pending for the same reason without another scan.
 *
 * <p>Confined to one thread, and valid until its planner begins the next session (the planner's scratch space is
 * reused).
 */
public final class PlacementSession {

    private final PlacementPlanner owner;
    private final long generation;
    private final ClusterSnapshot snapshot;
    private final PlanState plan;
    private final PlacementOptions options;
    private final LocalityScorer locality;
    private final FeasibilityChain feasibility;
    private final NodeRanker ranker;
    private final CandidateSelector selector;
    private final PendingExplainer explainer;
    private final Map<TaskRequest, RequestShape> shapes = new HashMap<>();
    private final Map<List<List<?>>, ClassEligibility> eligibilities = new HashMap<>();
    private final List<TaskPlacement> placements = new ArrayList<>();
    private RequestShape lastShape;

    PlacementSession(PlacementPlanner owner, long generation, ClusterSnapshot snapshot, PlanState plan,
                     PlacementOptions options, TenantQuota quota, LocalityScorer locality) {
        this.owner = owner;
        this.generation = generation;
        this.snapshot = snapshot;
        this.plan = plan;
        this.options = options;
        this.locality = locality;
        this.feasibility = new FeasibilityChain(snapshot, plan, quota);
        this.ranker = new NodeRanker(snapshot, plan, locality);
        this.selector = new CandidateSelector(options.maxSkip(), options.skipScoreThreshold());
        this.explainer = new PendingExplainer(snapshot, plan, feasibility);
    }

    /** Places one task given everything placed so far in this session. */
    public TaskPlacement place(TaskRequest task) {
        Objects.requireNonNull(task, "task");
        if (owner.generation() != generation) {
            throw new IllegalStateException("this placement session ended: its planner began a newer one");
        }
        RequestShape shape = shapeOf(task);
        TaskPlacement result = shape.pending != null ? new TaskPlacement.Pending(task, shape.pending) : select(shape, task);
        placements.add(result);
        return result;
    }

    /** Places the tasks in order. */
    public List<TaskPlacement> placeAll(Collection<TaskRequest> tasks) {
        List<TaskPlacement> results = new ArrayList<>(tasks.size());
        for (TaskRequest task : tasks) {
            results.add(place(task));
        }
        return results;
    }

    /** Everything placed in this session so far, in order. */
    public PlacementPlan plan() {
        return new PlacementPlan(placements);
    }

    public ClusterSnapshot snapshot() {
        return snapshot;
    }

    private TaskPlacement select(RequestShape shape, TaskRequest task) {
        selector.reset(shape.limit);
        VisitOrder order = shape.order;
        for (int visited = 0, n = order.size(); visited < n; visited++) {
            int node = order.next();
            if (feasibility.check(shape, task, node) == null && selector.offer(node, ranker.score(shape, task, node))) {
                break;
            }
        }
        int best = selector.best();
        if (best < 0) {
            shape.pending = explainer.explain(shape, task);
            return new TaskPlacement.Pending(task, shape.pending);
        }
        plan.assign(best, task, shape.jobCounter);
        return new TaskPlacement.Placed(task, snapshot.node(best).id(), selector.bestScore());
    }

    private RequestShape shapeOf(TaskRequest task) {
        if (lastShape != null && task.sameShapeAs(lastShape.template)) {
            return lastShape;
        }
        TaskRequest key = task.taskIndex() == 0 ? task : task.withTaskIndex(0);
        RequestShape shape = shapes.get(key);
        if (shape == null) {
            ClassEligibility eligibility = eligibilities.computeIfAbsent(List.of(task.constraints(), task.affinities()),
                    k -> new ClassEligibility(snapshot, task.constraints(), task.affinities()));
            boolean localityApplies = locality.appliesTo(task);
            int limit = options.limitFor(snapshot.size(), localityApplies || !task.affinities().isEmpty());
            shape = new RequestShape(key, new VisitOrder(snapshot, task.jobId()), eligibility,
                    plan.jobCounter(task.jobId()), limit, localityApplies);
            shapes.put(key, shape);
        }
        lastShape = shape;
        return shape;
    }
}
