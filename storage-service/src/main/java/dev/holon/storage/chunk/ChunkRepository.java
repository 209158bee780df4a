package dev.holon.storage.chunk;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Contents (one upload's bytes), their ordered chunks and the chunks' replicas. */
@Repository
public class ChunkRepository {

    /** A chunk of a content, in file order, with the nodes that hold it. */
    public record Chunk(String id, int seq, int size, String checksum, int replication, List<ReplicaRow> replicas) {
    }

    public record ReplicaRow(String nodeId, boolean corrupt) {
    }

    private final JdbcClient jdbc;

    public ChunkRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void newContent(String id, String tenant, Instant now) {
        jdbc.sql("INSERT INTO content (id, tenant, state, created_at, updated_at) VALUES (?, ?, 'WRITING', ?, ?)")
                .params(id, tenant, Timestamp.from(now), Timestamp.from(now)).update();
    }

    /** A direct upload's content: what its begin promised (path, owner, size, replication) and until when. */
    public record DirectContent(String id, String tenant, String path, String owner, long size, int replication,
                                String state, Instant expiresAt) {
    }

    public void newDirectContent(String id, String tenant, String path, String owner, long size, int replication,
            Instant expiresAt, Instant now) {
        jdbc.sql("""
                INSERT INTO content (id, tenant, state, created_at, updated_at, path, owner, size, replication, expires_at)
                VALUES (?, ?, 'WRITING', ?, ?, ?, ?, ?, ?, ?)""")
                .params(id, tenant, Timestamp.from(now), Timestamp.from(now), path, owner, size, replication,
                        Timestamp.from(expiresAt))
                .update();
    }

    public Optional<DirectContent> directContent(String id) {
        return jdbc.sql("""
                SELECT id, tenant, path, owner, size, replication, state, expires_at FROM content
                WHERE id = ? AND expires_at IS NOT NULL""").param(id)
                .query((rs, n) -> new DirectContent(rs.getString("id"), rs.getString("tenant"), rs.getString("path"),
                        rs.getString("owner"), rs.getLong("size"), rs.getInt("replication"), rs.getString("state"),
                        rs.getTimestamp("expires_at").toInstant()))
                .optional();
    }

    /** A chunk of a direct upload as planned (no checksum yet) or as proven at commit, with its nodes. */
    public record DirectChunk(String chunkId, int seq, int size, String checksum, Collection<String> nodeIds) {
    }

    /** A direct upload's chunks with their planned target nodes: two statements, not one per chunk and replica. */
    public void insertPlanned(String contentId, int replication, List<DirectChunk> planned) {
        jdbc.sql("""
                INSERT INTO chunk (id, content_id, seq, size, checksum, replication)
                SELECT id, ?, seq, size, NULL, ? FROM unnest(?::text[], ?::int[], ?::int[]) AS planned (id, seq, size)""")
                .params(contentId, replication, planned.stream().map(DirectChunk::chunkId).toArray(String[]::new),
                        planned.stream().mapToInt(DirectChunk::seq).toArray(),
                        planned.stream().mapToInt(DirectChunk::size).toArray())
                .update();
        insertReplicas(planned);
    }

    /** Each directly written chunk's checksum and the nodes proven to hold it, in place of the planned targets. */
    public void setChecksumsAndReplicas(List<DirectChunk> proven) {
        String[] ids = proven.stream().map(DirectChunk::chunkId).toArray(String[]::new);
        jdbc.sql("""
                UPDATE chunk SET checksum = proven.checksum FROM unnest(?::text[], ?::text[]) AS proven (id, checksum)
                WHERE chunk.id = proven.id""")
                .params(ids, proven.stream().map(DirectChunk::checksum).toArray(String[]::new)).update();
        jdbc.sql("DELETE FROM replica WHERE chunk_id = ANY (?::text[])").param(ids).update();
        insertReplicas(proven);
    }

    private void insertReplicas(List<DirectChunk> chunks) {
        List<String> chunkIds = new ArrayList<>();
        List<String> nodeIds = new ArrayList<>();
        for (DirectChunk chunk : chunks) {
            for (String node : chunk.nodeIds()) {
                chunkIds.add(chunk.chunkId());
                nodeIds.add(node);
            }
        }
        upsertReplicas(chunkIds, nodeIds);
    }

    /** One statement for all the pairs; a replica already recorded is kept and counts as sound again. */
    private void upsertReplicas(List<String> chunkIds, List<String> nodeIds) {
        jdbc.sql("""
                INSERT INTO replica (chunk_id, node_id) SELECT DISTINCT * FROM unnest(?::text[], ?::text[])
                ON CONFLICT (chunk_id, node_id) DO UPDATE SET corrupt = FALSE""")
                .params(chunkIds.toArray(String[]::new), nodeIds.toArray(String[]::new)).update();
    }

    public void markContent(String id, String state, Instant now) {
        jdbc.sql("UPDATE content SET state = ?, updated_at = ? WHERE id = ?").params(state, Timestamp.from(now), id).update();
    }

    public void insertChunk(String contentId, String chunkId, int seq, int size, String checksum, int replication) {
        jdbc.sql("INSERT INTO chunk (id, content_id, seq, size, checksum, replication) VALUES (?, ?, ?, ?, ?, ?)")
                .params(chunkId, contentId, seq, size, checksum, replication).update();
    }

    public void addReplicas(String chunkId, Collection<String> nodeIds) {
        upsertReplicas(Collections.nCopies(nodeIds.size(), chunkId), List.copyOf(nodeIds));
    }

    /** True when such a replica was recorded (and is now marked corrupt). */
    public boolean markCorrupt(String chunkId, String nodeId) {
        return jdbc.sql("UPDATE replica SET corrupt = TRUE WHERE chunk_id = ? AND node_id = ?")
                .params(chunkId, nodeId).update() == 1;
    }

    public List<Chunk> chunksOf(String contentId) {
        return chunks(jdbc.sql("""
                SELECT c.id, c.seq, c.size, c.checksum, c.replication, r.node_id, r.corrupt
                FROM chunk c LEFT JOIN replica r ON r.chunk_id = c.id
                WHERE c.content_id = ? ORDER BY c.seq, r.node_id""").param(contentId));
    }

    /** The chunks of each of {@code contentIds}, in file order: one query for a page of files. */
    public Map<String, List<Chunk>> chunksOf(Collection<String> contentIds) {
        Map<String, String> contentOf = new HashMap<>();
        List<Chunk> rows = chunks(jdbc.sql("""
                SELECT c.id, c.content_id, c.seq, c.size, c.checksum, c.replication, r.node_id, r.corrupt
                FROM chunk c LEFT JOIN replica r ON r.chunk_id = c.id
                WHERE c.content_id = ANY(?) ORDER BY c.content_id, c.seq, r.node_id""")
                .param(contentIds.toArray(String[]::new)), contentOf);
        Map<String, List<Chunk>> byContent = new HashMap<>();
        rows.forEach(chunk -> byContent.computeIfAbsent(contentOf.get(chunk.id()), k -> new ArrayList<>()).add(chunk));
        return byContent;
    }

    /**
     * Chunks of live contents that may need work: fewer or more good replicas on healthy nodes than wanted, or a
     * corrupt replica or one on a draining node that is still readable.
     */
    public List<Chunk> needingRepair(Collection<String> healthy, Collection<String> readable, int limit) {
        String[] healthyIds = healthy.toArray(String[]::new);
        String[] readableIds = readable.toArray(String[]::new);
        return chunks(jdbc.sql("""
                SELECT c.id, c.seq, c.size, c.checksum, c.replication, r.node_id, r.corrupt
                FROM chunk c LEFT JOIN replica r ON r.chunk_id = c.id
                WHERE c.id IN (
                    SELECT c2.id FROM chunk c2
                    JOIN content ct ON ct.id = c2.content_id AND ct.state = 'LIVE'
                    LEFT JOIN replica r2 ON r2.chunk_id = c2.id
                    GROUP BY c2.id, c2.replication
                    HAVING count(r2.node_id) FILTER (WHERE r2.node_id = ANY(?) AND NOT r2.corrupt) <> c2.replication
                        OR count(r2.node_id) FILTER (WHERE r2.node_id = ANY(?) AND (r2.corrupt OR NOT r2.node_id = ANY(?))) > 0
                    ORDER BY c2.id LIMIT ?)
                ORDER BY c.id, r.node_id""").params(healthyIds, readableIds, healthyIds, limit));
    }

    /** Chunks of garbage contents and of uploads abandoned before {@code abandonedBefore}. */
    public List<Chunk> garbage(Instant abandonedBefore, int limit) {
        return chunks(jdbc.sql("""
                SELECT c.id, c.seq, c.size, c.checksum, c.replication, r.node_id, r.corrupt
                FROM chunk c LEFT JOIN replica r ON r.chunk_id = c.id
                WHERE c.id IN (
                    SELECT c2.id FROM chunk c2 JOIN content ct ON ct.id = c2.content_id
                    WHERE ct.state = 'GARBAGE' OR (ct.state = 'WRITING' AND ct.updated_at < ?)
                    ORDER BY c2.id LIMIT ?)
                ORDER BY c.id, r.node_id""").params(Timestamp.from(abandonedBefore), limit));
    }

    /** Forgets the replicas {@code (chunkIds[i], nodeIds[i])}. */
    public void removeReplicas(List<String> chunkIds, List<String> nodeIds) {
        if (chunkIds.isEmpty()) {
            return;
        }
        jdbc.sql("""
                DELETE FROM replica USING unnest(?::text[], ?::text[]) AS gone (chunk_id, node_id)
                WHERE replica.chunk_id = gone.chunk_id AND replica.node_id = gone.node_id""")
                .params(chunkIds.toArray(String[]::new), nodeIds.toArray(String[]::new)).update();
    }

    public void deleteChunks(List<String> chunkIds) {
        if (!chunkIds.isEmpty()) {
            jdbc.sql("DELETE FROM chunk WHERE id = ANY (?::text[])").param(chunkIds.toArray(String[]::new)).update();
        }
    }

    /** Drops garbage contents that have no chunks left. */
    public int dropEmptyGarbage(Instant abandonedBefore) {
        return jdbc.sql("""
                DELETE FROM content ct WHERE (ct.state = 'GARBAGE' OR (ct.state = 'WRITING' AND ct.updated_at < ?))
                AND NOT EXISTS (SELECT 1 FROM chunk c WHERE c.content_id = ct.id)""")
                .param(Timestamp.from(abandonedBefore)).update();
    }

    private static List<Chunk> chunks(JdbcClient.StatementSpec query) {
        return chunks(query, null);
    }

    /** {@code contentOf}, when given, learns each chunk's content (the query then selects {@code c.content_id}). */
    private static List<Chunk> chunks(JdbcClient.StatementSpec query, Map<String, String> contentOf) {
        Map<String, Chunk> byId = new LinkedHashMap<>();
        query.query(rs -> {
            String id = rs.getString("id");
            if (contentOf != null) {
                contentOf.put(id, rs.getString("content_id"));
            }
            Chunk chunk = byId.computeIfAbsent(id, k -> {
                try {
                    return new Chunk(k, rs.getInt("seq"), rs.getInt("size"), rs.getString("checksum"),
                            rs.getInt("replication"), new ArrayList<>());
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            String node = rs.getString("node_id");
            if (node != null) {
                chunk.replicas().add(new ReplicaRow(node, rs.getBoolean("corrupt")));
            }
        });
        return List.copyOf(byId.values());
    }
}
