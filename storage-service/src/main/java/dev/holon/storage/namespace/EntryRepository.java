package dev.holon.storage.namespace;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The namespace table. Every query names the tenant: the tenant filter lives here, so no caller can reach another
 * tenant's rows by forgetting a check.
 */
@Repository
public class EntryRepository {

    private static final RowMapper<Entry> ROW = (rs, n) -> new Entry(rs.getString("id"), rs.getString("tenant"),
            rs.getString("path"), rs.getString("parent"), rs.getString("name"),
            Entry.Type.valueOf(rs.getString("type")), rs.getLong("size"), rs.getString("checksum"),
            rs.getLong("version"), rs.getInt("replication"), rs.getString("owner"), rs.getString("content_id"),
            rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("modified_at").toInstant());

    private final JdbcClient jdbc;

    public EntryRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Entry> find(String tenant, String path) {
        return jdbc.sql("SELECT * FROM entry WHERE tenant = ? AND path = ?").params(tenant, path).query(ROW).optional();
    }

    public Optional<Entry> findForUpdate(String tenant, String path) {
        return jdbc.sql("SELECT * FROM entry WHERE tenant = ? AND path = ? FOR UPDATE").params(tenant, path)
                .query(ROW).optional();
    }

    /** The children of {@code parent}, by name, after {@code afterName}. */
    public List<Entry> children(String tenant, String parent, String afterName, int limit) {
        return jdbc.sql("SELECT * FROM entry WHERE tenant = ? AND parent = ? AND name > ? ORDER BY name LIMIT ?")
                .params(tenant, parent, afterName == null ? "" : afterName, limit).query(ROW).list();
    }

    public boolean hasChildren(String tenant, String path) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM entry WHERE tenant = ? AND parent = ?)")
                .params(tenant, path).query(Boolean.class).single();
    }

    /** Inserts unless the path exists; true when inserted. */
    public boolean insert(Entry e) {
        return jdbc.sql("""
                INSERT INTO entry (id, tenant, path, parent, name, type, size, checksum, version, replication, owner,
                                   content_id, created_at, modified_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, path) DO NOTHING""")
                .params(e.id(), e.tenant(), e.path(), e.parent(), e.name(), e.type().name(), e.size(), e.checksum(),
                        e.version(), e.replication(), e.owner(), e.contentId(), ts(e.createdAt()), ts(e.modifiedAt()))
                .update() == 1;
    }

    /** Points a file at new content; the version goes up by one. */
    public void replaceContent(String tenant, String id, long size, String checksum, int replication,
            String contentId, Instant now) {
        jdbc.sql("""
                UPDATE entry SET size = ?, checksum = ?, replication = ?, content_id = ?, version = version + 1,
                       modified_at = ? WHERE tenant = ? AND id = ?""")
                .params(size, checksum, replication, contentId, ts(now), tenant, id).update();
    }

    /** Moves {@code from} and everything under it to {@code to} (same tenant); the moved entry's version goes up. */
    public void move(String tenant, String from, String to, String newParent, String newName, Instant now) {
        jdbc.sql("""
                UPDATE entry SET path = ? || substr(path, ?), parent = ? || substr(parent, ?)
                WHERE tenant = ? AND starts_with(path, ?)""")
                .params(to, from.length() + 1, to, from.length() + 1, tenant, from + "/").update();
        jdbc.sql("""
                UPDATE entry SET path = ?, parent = ?, name = ?, version = version + 1, modified_at = ?
                WHERE tenant = ? AND path = ?""")
                .params(to, newParent, newName, ts(now), tenant, from).update();
    }

    /** Deletes {@code path} and everything under it; returns the deleted rows. */
    public List<Entry> deleteTree(String tenant, String path) {
        return jdbc.sql("DELETE FROM entry WHERE tenant = ? AND (path = ? OR starts_with(path, ?)) RETURNING *")
                .params(tenant, path, path + "/").query(ROW).list();
    }

    /** Bytes and files a tenant stores now. */
    public Usage usage(String tenant) {
        return jdbc.sql("SELECT coalesce(sum(size), 0) AS bytes, count(*) AS files FROM entry WHERE tenant = ? AND type = 'FILE'")
                .param(tenant).query((rs, n) -> new Usage(rs.getLong("bytes"), rs.getLong("files"))).single();
    }

    public record Usage(long bytes, long files) {
    }

    private static Timestamp ts(Instant instant) {
        return Timestamp.from(instant);
    }
}
