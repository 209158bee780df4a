package dev.holon.auth.tenant;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The {@code tenant} and {@code tenant_member} tables. */
@Repository
public class TenantRepository {

    public record TenantRow(String name, String description, Instant createdAt, String createdBy, long generation,
                            long syncedGeneration) {
        public boolean synced() {
            return syncedGeneration >= generation;
        }
    }

    public record MemberRow(String tenant, String username, TenantRole role, Instant addedAt, String addedBy) {
    }

    private final JdbcClient jdbc;

    public TenantRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** False when the name is taken. */
    public boolean insert(String name, String description, String createdBy, Instant now) {
        return jdbc.sql("""
                        INSERT INTO tenant (name, description, created_at, created_by) VALUES (?, ?, ?, ?)
                        ON CONFLICT DO NOTHING""")
                .params(name, description, Timestamp.from(now), createdBy)
                .update() == 1;
    }

    public Optional<TenantRow> find(String name) {
        return jdbc.sql("SELECT * FROM tenant WHERE name = ?").param(name).query(TenantRepository::tenant).optional();
    }

    /** Locks the tenant's row for the transaction (member changes of one tenant queue up). */
    public Optional<TenantRow> lock(String name) {
        return jdbc.sql("SELECT * FROM tenant WHERE name = ? FOR UPDATE").param(name)
                .query(TenantRepository::tenant).optional();
    }

    /** By name after {@code after}; only those {@code member} belongs to unless null. */
    public List<TenantRow> list(String after, int limit, String member) {
        return jdbc.sql("""
                        SELECT t.* FROM tenant t
                        WHERE (CAST(:after AS TEXT) IS NULL OR t.name > :after)
                          AND (CAST(:member AS TEXT) IS NULL
                               OR EXISTS (SELECT 1 FROM tenant_member m WHERE m.tenant = t.name AND m.username = :member))
                        ORDER BY t.name LIMIT :limit""")
                .param("after", after).param("member", member).param("limit", limit)
                .query(TenantRepository::tenant).list();
    }

    public List<TenantRow> all() {
        return jdbc.sql("SELECT * FROM tenant ORDER BY name").query(TenantRepository::tenant).list();
    }

    public boolean delete(String name) {
        return jdbc.sql("DELETE FROM tenant WHERE name = ?").param(name).update() == 1;
    }

    /** The tenant's members changed: the Keycloak reconciler has something to do. */
    public void bumpGeneration(String name) {
        jdbc.sql("UPDATE tenant SET generation = generation + 1 WHERE name = ?").param(name).update();
    }

    /** The reconciler made Keycloak match {@code generation}. */
    public void markSynced(String name, long generation) {
        jdbc.sql("UPDATE tenant SET synced_generation = ? WHERE name = ? AND synced_generation < ?")
                .params(generation, name, generation).update();
    }

    // ---------------------------------------------------------------- members

    public Optional<MemberRow> member(String tenant, String username) {
        return jdbc.sql("SELECT * FROM tenant_member WHERE tenant = ? AND username = ?").params(tenant, username)
                .query(TenantRepository::member).optional();
    }

    public List<MemberRow> members(String tenant, String after, int limit) {
        return jdbc.sql("""
                        SELECT * FROM tenant_member WHERE tenant = :tenant
                          AND (CAST(:after AS TEXT) IS NULL OR username > :after)
                        ORDER BY username LIMIT :limit""")
                .param("tenant", tenant).param("after", after).param("limit", limit)
                .query(TenantRepository::member).list();
    }

    /** Every tenant's member names, for the reconciler. */
    public Map<String, Set<String>> memberNames() {
        Map<String, Set<String>> names = new HashMap<>();
        jdbc.sql("SELECT tenant, username FROM tenant_member").query((rs, n) -> names
                .computeIfAbsent(rs.getString(1), t -> new HashSet<>()).add(rs.getString(2))).list();
        return names;
    }

    /** The tenants the user belongs to, by name. */
    public List<MemberRow> membershipsOf(String username) {
        return jdbc.sql("SELECT * FROM tenant_member WHERE username = ? ORDER BY tenant").param(username)
                .query(TenantRepository::member).list();
    }

    /** Adds or changes the membership; the row as it was before (empty when new). */
    public Optional<MemberRow> putMember(String tenant, String username, TenantRole role, String by, Instant now) {
        Optional<MemberRow> before = jdbc.sql("SELECT * FROM tenant_member WHERE tenant = ? AND username = ? FOR UPDATE")
                .params(tenant, username).query(TenantRepository::member).optional();
        if (before.isEmpty()) {
            jdbc.sql("INSERT INTO tenant_member (tenant, username, role, added_at, added_by) VALUES (?, ?, ?, ?, ?)")
                    .params(tenant, username, role.value(), Timestamp.from(now), by).update();
        } else if (before.get().role() != role) {
            jdbc.sql("UPDATE tenant_member SET role = ? WHERE tenant = ? AND username = ?")
                    .params(role.value(), tenant, username).update();
        }
        return before;
    }

    public boolean removeMember(String tenant, String username) {
        return jdbc.sql("DELETE FROM tenant_member WHERE tenant = ? AND username = ?").params(tenant, username)
                .update() == 1;
    }

    private static TenantRow tenant(ResultSet rs, int row) throws SQLException {
        return new TenantRow(rs.getString("name"), rs.getString("description"),
                rs.getTimestamp("created_at").toInstant(), rs.getString("created_by"), rs.getLong("generation"),
                rs.getLong("synced_generation"));
    }

    private static MemberRow member(ResultSet rs, int row) throws SQLException {
        return new MemberRow(rs.getString("tenant"), rs.getString("username"),
                TenantRole.of(rs.getString("role")).orElseThrow(), rs.getTimestamp("added_at").toInstant(),
                rs.getString("added_by"));
    }
}
