package dev.holon.registry.node;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

import java.time.Instant;
import java.util.List;

public interface NodeRepository extends JpaRepository<Node, String> {

    /** One page in id order (ids are time-ordered), filtered by state and by labels the node must all carry. */
    @Query(nativeQuery = true, value = """
            SELECT * FROM node
            WHERE (CAST(:state AS text) IS NULL OR state = CAST(:state AS text))
              AND CAST(labels AS jsonb) @> CAST(:labels AS jsonb)
              AND (CAST(:after AS text) IS NULL OR id > CAST(:after AS text))
            ORDER BY id
            LIMIT :limit""")
    List<Node> findPage(@Param("state") String state, @Param("labels") String labelsJson,
            @Param("after") String afterId, @Param("limit") int limit);

    /** Live nodes that have been quiet since before {@code cutoff}: the only ones the failure sweep must judge. */
    @Query("SELECT n FROM Node n WHERE n.state <> dev.holon.contracts.node.NodeState.DOWN AND n.lastHeartbeatAt < :cutoff")
    List<Node> findQuietSince(@Param("cutoff") Instant cutoff);
}
