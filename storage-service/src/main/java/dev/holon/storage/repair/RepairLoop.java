package dev.holon.storage.repair;

import dev.holon.storage.StorageProperties;
import dev.holon.storage.chunk.ChunkClient;
import dev.holon.storage.chunk.ChunkReader;
import dev.holon.storage.chunk.ChunkRepository;
import dev.holon.storage.node.NodeDirectory;
import dev.holon.storage.placement.RepairPlanner;
import dev.holon.storage.placement.StorageNode;
import dev.holon.support.concurrent.Wakeup;
import dev.holon.support.leader.AdvisoryLockLeadership;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The repair leader's loop (one replica of storage-service at a time, elected by a PostgreSQL advisory lock).
 * Level-triggered: each pass reads the replicas from the database and the nodes from the registry, lets
 * {@link RepairPlanner} say what to copy and trim, and does it with bounded concurrency (copies worker to worker,
 * fewest replicas first); then deletes the chunks of replaced, deleted and failed uploads from the workers. The
 * database is the only memory, so a restarted service simply carries on. Passes run every {@code repair-interval}
 * and at once on node and storage events.
 */
@Component
public class RepairLoop implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RepairLoop.class);
    /** "holon.storage.repair" as one 64-bit advisory lock key, unique in the shared database. */
    static final long LOCK_KEY = 0x686f6c6f6e5f7374L;

    private final AdvisoryLockLeadership leadership;
    private final NodeDirectory directory;
    private final ChunkRepository chunks;
    private final ChunkClient client;
    private final RepairPlanner planner;
    private final TransactionTemplate tx;
    private final StorageProperties properties;
    private final Clock clock;
    private final ExecutorService workers;
    private final Wakeup wakeup;

    public RepairLoop(DataSource dataSource, NodeDirectory directory, ChunkRepository chunks, ChunkClient client,
            RepairPlanner planner, TransactionTemplate tx, StorageProperties properties, Clock clock, ChunkReader reader,
            @Value("${spring.application.name:storage-service}") String service) {
        this.leadership = new AdvisoryLockLeadership(dataSource, LOCK_KEY, service + "/" + ProcessHandle.current().pid());
        this.directory = directory;
        this.chunks = chunks;
        this.client = client;
        this.planner = planner;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
        this.workers = Executors.newFixedThreadPool(properties.repairConcurrency(),
                Thread.ofPlatform().name("chunk-repair-", 0).daemon().factory());
        this.wakeup = new Wakeup("storage-repair-wakeup", this::pass);
        reader.onCorruption(this::wake);
    }

    public boolean isLeader() {
        return leadership.isLeader();
    }

    /** Asks for a pass soon (a node changed, a replica turned out corrupt). */
    public void wake() {
        wakeup.request();
    }

    @Scheduled(fixedDelayString = "${holon.storage.leader-retry:PT1S}")
    public void tryLead() {
        boolean was = leadership.isLeader();
        if (leadership.tryLead() && !was) {
            wake();
        }
    }

    @Scheduled(fixedDelayString = "${holon.storage.repair-interval:PT5S}")
    public void scheduledPass() {
        wake();
    }

    /** One level-triggered pass; only the leader does anything. */
    public synchronized void pass() {
        if (!leadership.isLeader()) {
            return;
        }
        try {
            List<StorageNode> nodes = directory.refresh();
            repair(nodes);
            collectGarbage(nodes);
        } catch (RuntimeException e) {
            log.warn("Repair pass failed, the next one retries: {}", e.toString());
        }
    }

    private void repair(List<StorageNode> nodes) {
        List<String> healthy = nodes.stream().filter(n -> n.alive() && !n.draining()).map(StorageNode::id).toList();
        List<String> readable = nodes.stream().filter(StorageNode::readable).map(StorageNode::id).toList();
        List<ChunkRepository.Chunk> candidates = chunks.needingRepair(healthy, readable, properties.repairBatch());
        if (candidates.isEmpty()) {
            return;
        }
        List<RepairPlanner.ChunkReplicas> input = candidates.stream()
                .map(c -> new RepairPlanner.ChunkReplicas(c.id(), c.replication(), c.replicas().stream()
                        .map(r -> new RepairPlanner.Replica(r.nodeId(), r.corrupt())).toList()))
                .toList();
        RepairPlanner.Plan plan = planner.plan(input, nodes);
        List<Callable<Void>> work = new ArrayList<>();
        for (RepairPlanner.Copy copy : plan.copies()) {
            work.add(() -> {
                try {
                    ChunkClient.Stored stored = client.replicate(copy.source(), copy.target(), copy.chunkId());
                    List<String> on = stored.storedOn().isEmpty() ? List.of(copy.target().id()) : stored.storedOn();
                    tx.executeWithoutResult(s -> chunks.addReplicas(copy.chunkId(), on.stream()
                            .filter(id -> !id.equals(copy.source().id())).toList()));
                    log.info("Copied chunk {} from node {} to node {} ({} live replicas before)", copy.chunkId(),
                            copy.source().id(), copy.target().id(), copy.liveReplicas());
                } catch (ChunkClient.WorkerCallFailed e) {
                    log.info("Copying chunk {} to node {} failed, a later pass retries: {}", copy.chunkId(),
                            copy.target().id(), e.getMessage());
                }
                return null;
            });
        }
        // One batched deletion per node: a node back after a repair has an extra replica of each chunk copied while
        // it was away, thousands for a node that held a few GiB of small files.
        Map<String, List<RepairPlanner.Trim>> trimsByNode = plan.trims().stream()
                .collect(Collectors.groupingBy(trim -> trim.node().id(), LinkedHashMap::new, Collectors.toList()));
        trimsByNode.forEach((nodeId, trims) -> work.add(() -> {
            List<String> chunkIds = trims.stream().map(RepairPlanner.Trim::chunkId).toList();
            try {
                client.deleteAll(trims.getFirst().node(), chunkIds);
                List<String> onNode = Collections.nCopies(chunkIds.size(), nodeId);
                tx.executeWithoutResult(s -> chunks.removeReplicas(chunkIds, onNode));
                Map<String, Long> reasons = trims.stream()
                        .collect(Collectors.groupingBy(RepairPlanner.Trim::reason, TreeMap::new, Collectors.counting()));
                log.info("Trimmed {} replicas on node {} ({})", chunkIds.size(), nodeId, reasons);
            } catch (ChunkClient.WorkerCallFailed e) {
                log.info("Trimming {} replicas on node {} failed, a later pass retries: {}", chunkIds.size(), nodeId,
                        e.getMessage());
            }
            return null;
        }));
        runAll(work);
    }

    /**
     * Deletes the replicas of garbage chunks from the nodes that can answer, one batch per node (rows of nodes the
     * registry forgot just go; a DOWN node's wait until it answers again), then records it all in one transaction.
     * A crash before that commit leaves the rows, and the next pass deletes again.
     */
    private void collectGarbage(List<StorageNode> nodes) {
        Map<String, StorageNode> byId = nodes.stream().collect(Collectors.toMap(StorageNode::id, Function.identity(), (a, b) -> a));
        var abandonedBefore = clock.instant().minus(properties.abandonedUploadAfter());
        List<ChunkRepository.Chunk> garbage = chunks.garbage(abandonedBefore, properties.repairBatch());
        Map<String, List<String>> chunksByNode = new LinkedHashMap<>();
        for (ChunkRepository.Chunk chunk : garbage) {
            for (ChunkRepository.ReplicaRow replica : chunk.replicas()) {
                StorageNode node = byId.get(replica.nodeId());
                if (node != null && node.readable()) {
                    chunksByNode.computeIfAbsent(node.id(), id -> new ArrayList<>()).add(chunk.id());
                }
            }
        }
        List<Callable<String>> work = new ArrayList<>();
        chunksByNode.forEach((nodeId, ids) -> work.add(() -> {
            try {
                client.deleteAll(byId.get(nodeId), ids);
                return nodeId;
            } catch (ChunkClient.WorkerCallFailed e) {
                log.info("Deleting {} garbage chunks on node {} failed, a later pass retries: {}", ids.size(), nodeId,
                        e.getMessage());
                return null;
            }
        }));
        Set<String> cleaned = new HashSet<>(runAll(work));
        List<String> chunkIds = new ArrayList<>();
        List<String> nodeIds = new ArrayList<>();
        List<String> allGone = new ArrayList<>();
        for (ChunkRepository.Chunk chunk : garbage) {
            boolean gone = true;
            for (ChunkRepository.ReplicaRow replica : chunk.replicas()) {
                if (cleaned.contains(replica.nodeId())) {
                    chunkIds.add(chunk.id());
                    nodeIds.add(replica.nodeId());
                } else if (byId.containsKey(replica.nodeId())) {
                    gone = false; // not reachable now, or its call failed
                }
            }
            if (gone) {
                allGone.add(chunk.id());
            }
        }
        tx.executeWithoutResult(s -> {
            chunks.removeReplicas(chunkIds, nodeIds);
            chunks.deleteChunks(allGone);
            chunks.dropEmptyGarbage(abandonedBefore);
        });
    }

    /** Runs the work with bounded concurrency; answers the results of what finished (a failed call is logged). */
    private <T> List<T> runAll(List<Callable<T>> work) {
        if (work.isEmpty()) {
            return List.of();
        }
        List<T> results = new ArrayList<>();
        try {
            for (Future<T> done : workers.invokeAll(work)) {
                try {
                    results.add(done.get());
                } catch (ExecutionException e) {
                    log.warn("A repair step failed, the next pass retries: {}", e.getCause().toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return results;
    }

    @Override
    public void destroy() {
        wakeup.close();
        workers.shutdownNow();
        leadership.close();
    }
}
