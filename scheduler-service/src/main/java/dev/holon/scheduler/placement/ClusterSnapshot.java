package dev.holon.scheduler.placement;

import dev.holon.contracts.node.NodeResources;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The cluster as one plan sees it: an immutable, id-ordered array of nodes with what placement needs precomputed
 * (status verdict, free resources as primitive arrays, computed node class, a shuffled base visit order). Immutable
 * and safe to share between planners on several threads; {@link #withPlan} and {@link #withNodes} return new
 * snapshots (copy-on-write of the primitive arrays, node classes reused).
 *
 * <p>A node <em>class</em> groups nodes with identical labels: constraint and affinity checks depend on labels only,
 * so they run once per class and plan, not once per node (Nomad's computed node classes).
 */
public final class ClusterSnapshot {

    private static final long VISIT_ORDER_SEED = 0x5EED_0F_40_1DL;

    private final NodeSnapshot[] nodes;
    private final Map<String, Integer> indexById;
    private final int[] classOf;
    private final List<Map<String, String>> classLabels;
    private final Map<Map<String, String>, Integer> classIds;
    private final Rejection[] statusRejections;
    private final long[] allocatableCpu;
    private final long[] allocatableMemory;
    private final int[] allocatableGpus;
    private final long[] freeCpu;
    private final long[] freeMemory;
    private final int[] freeGpus;
    private final int[] visitOrder;

    private ClusterSnapshot(NodeSnapshot[] nodes, Map<String, Integer> indexById, int[] classOf,
                            List<Map<String, String>> classLabels, Map<Map<String, String>, Integer> classIds,
                            int[] visitOrder) {
        this.nodes = nodes;
        this.indexById = indexById;
        this.classOf = classOf;
        this.classLabels = classLabels;
        this.classIds = classIds;
        this.visitOrder = visitOrder;
        int n = nodes.length;
        statusRejections = new Rejection[n];
        allocatableCpu = new long[n];
        allocatableMemory = new long[n];
        allocatableGpus = new int[n];
        freeCpu = new long[n];
        freeMemory = new long[n];
        freeGpus = new int[n];
        for (int i = 0; i < n; i++) {
            fillDerived(i);
        }
    }

    private ClusterSnapshot(ClusterSnapshot base, NodeSnapshot[] nodes, int[] classOf,
                            List<Map<String, String>> classLabels, Map<Map<String, String>, Integer> classIds) {
        this.nodes = nodes;
        this.indexById = base.indexById;
        this.classOf = classOf;
        this.classLabels = classLabels;
        this.classIds = classIds;
        this.visitOrder = base.visitOrder;
        statusRejections = base.statusRejections.clone();
        allocatableCpu = base.allocatableCpu.clone();
        allocatableMemory = base.allocatableMemory.clone();
        allocatableGpus = base.allocatableGpus.clone();
        freeCpu = base.freeCpu.clone();
        freeMemory = base.freeMemory.clone();
        freeGpus = base.freeGpus.clone();
    }

    /** A snapshot of these nodes (in any order; ids must be unique). */
    public static ClusterSnapshot of(Collection<NodeSnapshot> nodes) {
        NodeSnapshot[] sorted = nodes.toArray(NodeSnapshot[]::new);
        Arrays.sort(sorted, Comparator.comparing(NodeSnapshot::id));
        Map<String, Integer> indexById = HashMap.newHashMap(sorted.length);
        int[] classOf = new int[sorted.length];
        List<Map<String, String>> classLabels = new ArrayList<>();
        Map<Map<String, String>, Integer> classIds = new HashMap<>();
        for (int i = 0; i < sorted.length; i++) {
            if (indexById.put(sorted[i].id(), i) != null) {
                throw new IllegalArgumentException("node " + sorted[i].id() + " appears twice in the snapshot");
            }
            classOf[i] = classIdOf(sorted[i].labels(), classLabels, classIds);
        }
        return new ClusterSnapshot(sorted, Map.copyOf(indexById), classOf, classLabels, classIds,
                shuffledOrder(sorted.length));
    }

    public static ClusterSnapshot of(NodeSnapshot... nodes) {
        return of(List.of(nodes));
    }

    /**
     * This snapshot with some nodes replaced (matched by id). Unknown ids are added, which rebuilds the snapshot;
     * replacing known nodes copies the primitive arrays and keeps the node classes and the visit order.
     */
    public ClusterSnapshot withNodes(Collection<NodeSnapshot> changed) {
        if (changed.isEmpty()) {
            return this;
        }
        if (changed.stream().anyMatch(node -> !indexById.containsKey(node.id()))) {
            Map<String, NodeSnapshot> merged = new LinkedHashMap<>();
            for (NodeSnapshot node : nodes) {
                merged.put(node.id(), node);
            }
            changed.forEach(node -> merged.put(node.id(), node));
            return of(merged.values());
        }
        NodeSnapshot[] newNodes = nodes.clone();
        int[] newClassOf = classOf;
        List<Map<String, String>> newClassLabels = classLabels;
        Map<Map<String, String>, Integer> newClassIds = classIds;
        for (NodeSnapshot node : changed) {
            int i = indexById.get(node.id());
            newNodes[i] = node;
            if (!node.labels().equals(classLabels.get(classOf[i]))) {
                if (newClassOf == classOf) {
                    newClassOf = classOf.clone();
                    newClassLabels = new ArrayList<>(classLabels);
                    newClassIds = new HashMap<>(classIds);
                }
                newClassOf[i] = classIdOf(node.labels(), newClassLabels, newClassIds);
            }
        }
        ClusterSnapshot next = new ClusterSnapshot(this, newNodes, newClassOf, newClassLabels, newClassIds);
        for (NodeSnapshot node : changed) {
            next.fillDerived(indexById.get(node.id()));
        }
        return next;
    }

    /**
     * This snapshot with the plan's placements added to their nodes (allocated resources and per-job task counts):
     * what a plan applier commits. It does not re-check fit; a plan made on an older snapshot may over-commit.
     */
    public ClusterSnapshot withPlan(PlacementPlan plan) {
        Map<String, long[]> added = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> jobTasks = new HashMap<>();
        for (TaskPlacement.Placed placed : plan.placed()) {
            TaskRequest task = placed.task();
            if (!indexById.containsKey(placed.nodeId())) {
                throw new IllegalArgumentException("plan places on node " + placed.nodeId() + ", unknown to this snapshot");
            }
            long[] sum = added.computeIfAbsent(placed.nodeId(), id -> new long[3]);
            sum[0] += task.cpuMillis();
            sum[1] += task.memoryMiB();
            sum[2] += task.gpus();
            jobTasks.computeIfAbsent(placed.nodeId(), id -> new HashMap<>(node(id).jobTasks()))
                    .merge(task.jobId(), 1, Integer::sum);
        }
        List<NodeSnapshot> changed = new ArrayList<>(added.size());
        added.forEach((id, sum) -> {
            NodeSnapshot node = node(id);
            NodeResources allocated = node.allocated().plus(new NodeResources(sum[0], sum[1], (int) sum[2], 0));
            changed.add(node.withAllocated(allocated, jobTasks.get(id)));
        });
        return withNodes(changed);
    }

    public int size() {
        return nodes.length;
    }

    /** Node {@code index}, in id order. */
    public NodeSnapshot node(int index) {
        return nodes[index];
    }

    public NodeSnapshot node(String id) {
        Integer index = indexById.get(id);
        if (index == null) {
            throw new IllegalArgumentException("no node " + id + " in this snapshot");
        }
        return nodes[index];
    }

    /** Index of the node with this id, or -1. */
    public int indexOf(String id) {
        Integer index = indexById.get(id);
        return index == null ? -1 : index;
    }

    public List<NodeSnapshot> nodes() {
        return List.of(nodes);
    }

    /** Number of distinct label sets among the nodes. */
    public int nodeClassCount() {
        return classLabels.size();
    }

    int classOf(int node) {
        return classOf[node];
    }

    Map<String, String> classLabels(int nodeClass) {
        return classLabels.get(nodeClass);
    }

    /** The node-status filter's verdict, evaluated once per snapshot: {@code null} when the node takes tasks. */
    Rejection statusRejection(int node) {
        return statusRejections[node];
    }

    long allocatableCpu(int node) {
        return allocatableCpu[node];
    }

    long allocatableMemory(int node) {
        return allocatableMemory[node];
    }

    int allocatableGpus(int node) {
        return allocatableGpus[node];
    }

    /** Free CPU outside any plan; negative when the node is over-committed (allocatable shrank). */
    long freeCpu(int node) {
        return freeCpu[node];
    }

    long freeMemory(int node) {
        return freeMemory[node];
    }

    int freeGpus(int node) {
        return freeGpus[node];
    }

    /** The base visit order: a permutation of node indices, shuffled once per node set with a fixed seed. */
    int[] visitOrder() {
        return visitOrder;
    }

    private void fillDerived(int i) {
        NodeSnapshot node = nodes[i];
        statusRejections[i] = NodeStatusFilter.check(node);
        allocatableCpu[i] = node.allocatable().cpuMillis();
        allocatableMemory[i] = node.allocatable().memoryMiB();
        allocatableGpus[i] = node.allocatable().gpus();
        freeCpu[i] = node.allocatable().cpuMillis() - node.allocated().cpuMillis();
        freeMemory[i] = node.allocatable().memoryMiB() - node.allocated().memoryMiB();
        freeGpus[i] = node.allocatable().gpus() - node.allocated().gpus();
    }

    private static int classIdOf(Map<String, String> labels, List<Map<String, String>> classLabels,
                                 Map<Map<String, String>, Integer> classIds) {
        return classIds.computeIfAbsent(labels, key -> {
            classLabels.add(key);
            return classLabels.size() - 1;
        });
    }

    private static int[] shuffledOrder(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(VISIT_ORDER_SEED);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
