package dev.holon.registry.node;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

import java.time.Instant;
import java.util.List;

public interface NodeRepository extends JpaRepository<Node, String> {

    /**
     * One page in id order (ids are time-ordered), filtered by state and by labels the node must all carry. Without a
     * state, removed nodes are left out: they are no longer part of the cluster (ask for REMOVED to see them).
     */
    @Query(nativeQuery = true, value = """
            SELECT * FROM node
            WHERE ((CAST(:state AS text) IS NULL AND state <> 'REMOVED') OR state = CAST(:state AS text))
              AND CAST(labels AS jsonb) @> CAST(:labels AS jsonb)
              AND (CAST(:after AS text) IS NULL OR id > CAST(:after AS text))
            ORDER BY id
            LIMIT :limit""")
    List<Node> findPage(@Param("state") String state, @Param("labels") String labelsJson,
            @Param("after") String afterId, @Param("limit") int limit);

    /** Records a heartbeat's measurements; liveness only, so the node's version (its ETag) does not move. */
    @Modifying(flushAutomatically = true)
    @Query(nativeQuery = true, value = """
            UPDATE node SET last_heartbeat_at = :at, last_heartbeat_sequence = :sequence,
                   cpu_millis = :cpuMillis, memory_mib = :memoryMiB, gpus = :gpus, disk_mib = :diskMiB,
                   cpu_load = :cpuLoad, load_average = :loadAverage,
                   memory_available_mib = :memoryAvailableMiB, disk_free_mib = :diskFreeMiB
            WHERE id = :id""")
    int recordHeartbeat(@Param("id") String id, @Param("at") Instant at, @Param("sequence") long sequence,
            @Param("cpuMillis") long cpuMillis, @Param("memoryMiB") long memoryMiB, @Param("gpus") int gpus,
            @Param("diskMiB") long diskMiB, @Param("cpuLoad") double cpuLoad, @Param("loadAverage") double loadAverage,
            @Param("memoryAvailableMiB") long memoryAvailableMiB, @Param("diskFreeMiB") long diskFreeMiB);

    /**
     * Compare-and-set of the liveness state: moves the node only if it is still in {@code expected} and, when
     * {@code lastHeartbeat} is given, has had no heartbeat since. Of two replicas judging at once, one wins (1 row).
     */
    @Modifying(flushAutomatically = true)
    @Query(nativeQuery = true, value = """
            UPDATE node SET state = :next, state_changed_at = :at
            WHERE id = :id AND state = :expected
              AND (CAST(:lastHeartbeat AS timestamptz) IS NULL OR last_heartbeat_at = CAST(:lastHeartbeat AS timestamptz))""")
    int transition(@Param("id") String id, @Param("expected") String expected, @Param("next") String next,
            @Param("lastHeartbeat") Instant lastHeartbeat, @Param("at") Instant at);

    /** A sign of life other than a heartbeat (an enrolment): the silence is measured from here, never backwards. */
    @Modifying(flushAutomatically = true)
    @Query(nativeQuery = true, value = """
            UPDATE node SET last_heartbeat_at = GREATEST(last_heartbeat_at, :at) WHERE id = :id""")
    int touch(@Param("id") String id, @Param("at") Instant at);

    @Query(nativeQuery = true, value = "SELECT state FROM node WHERE id = :id")
    java.util.Optional<String> findStateById(@Param("id") String id);

    /**
     * Removes the node for good, unless it already is (compare-and-set: of two removals at once, one wins with 1 row).
     * Bumps the version, as an operator's edit does, so ETags read before the removal go stale.
     */
    @Modifying(flushAutomatically = true, clearAutomatically = true)
    @Query(nativeQuery = true, value = """
            UPDATE node SET state = 'REMOVED', state_changed_at = :at, removed_at = :at, removed_by = :by,
                   version = version + 1
            WHERE id = :id AND state <> 'REMOVED'""")
    int remove(@Param("id") String id, @Param("by") String by, @Param("at") Instant at);

    /**
     * Claims the right to audit a removed node's rejected heartbeat: 1 row when none was audited since
     * {@code cutoff} (compare-and-set, so every replica together audits at most one per interval).
     */
    @Modifying(flushAutomatically = true)
    @Query(nativeQuery = true, value = """
            UPDATE node SET heartbeat_rejection_audited_at = :at
            WHERE id = :id AND state = 'REMOVED'
              AND (heartbeat_rejection_audited_at IS NULL OR heartbeat_rejection_audited_at <= :cutoff)""")
    int claimHeartbeatRejectionAudit(@Param("id") String id, @Param("at") Instant at, @Param("cutoff") Instant cutoff);

    /** Live nodes that have been quiet since before {@code cutoff}: the only ones the failure sweep must judge. */
    @Query("""
            SELECT n FROM Node n
            WHERE n.state NOT IN (dev.holon.contracts.node.NodeState.DOWN, dev.holon.contracts.node.NodeState.REMOVED)
              AND n.lastHeartbeatAt < :cutoff""")
    List<Node> findQuietSince(@Param("cutoff") Instant cutoff);
}
