package dev.holon.auth.token;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The {@code personal_access_token} table. */
@Repository
public class PatRepository {

    public record PatRow(String id, String name, String owner, String tenant, List<String> scopes, List<String> roles,
                         byte[] secretHash, Instant createdAt, Instant expiresAt, Instant revokedAt, String revokedBy,
                         Instant lastUsedAt) {

        public boolean activeAt(Instant now) {
            return revokedAt == null && now.isBefore(expiresAt);
        }
    }

    private final JdbcClient jdbc;

    public PatRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(PatRow pat) {
        jdbc.sql("""
                        INSERT INTO personal_access_token (id, name, owner, tenant, scopes, roles, secret_hash, created_at, expires_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(pat.id(), pat.name(), pat.owner(), pat.tenant(), pat.scopes().toArray(String[]::new),
                        pat.roles().toArray(String[]::new), pat.secretHash(), Timestamp.from(pat.createdAt()),
                        Timestamp.from(pat.expiresAt()))
                .update();
    }

    public Optional<PatRow> find(String id) {
        return jdbc.sql("SELECT * FROM personal_access_token WHERE id = ?").param(id).query(PatRepository::row).optional();
    }

    /** The owner's tokens (all owners' when null) by id after {@code after}. */
    public List<PatRow> list(String owner, String after, int limit) {
        return jdbc.sql("""
                        SELECT * FROM personal_access_token
                        WHERE (CAST(:owner AS TEXT) IS NULL OR owner = :owner)
                          AND (CAST(:after AS TEXT) IS NULL OR id > :after)
                        ORDER BY id LIMIT :limit""")
                .param("owner", owner).param("after", after).param("limit", limit)
                .query(PatRepository::row).list();
    }

    public int countActive(String owner, Instant now) {
        return jdbc.sql("SELECT count(*) FROM personal_access_token WHERE owner = ? AND revoked_at IS NULL AND expires_at > ?")
                .params(owner, Timestamp.from(now)).query(Integer.class).single();
    }

    /** False when it was revoked already. */
    public boolean revoke(String id, String by, Instant now) {
        return jdbc.sql("UPDATE personal_access_token SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL")
                .params(Timestamp.from(now), by, id).update() == 1;
    }

    /** Revokes the tenant's unrevoked tokens (only {@code owner}'s unless null); their ids. */
    public List<String> revokeAll(String tenant, String owner, String by, Instant now) {
        return jdbc.sql("""
                        UPDATE personal_access_token SET revoked_at = :now, revoked_by = :by
                        WHERE tenant = :tenant AND revoked_at IS NULL AND (CAST(:owner AS TEXT) IS NULL OR owner = :owner)
                        RETURNING id""")
                .param("now", Timestamp.from(now)).param("by", by).param("tenant", tenant).param("owner", owner)
                .query(String.class).list();
    }

    public void touch(String id, Instant now) {
        jdbc.sql("UPDATE personal_access_token SET last_used_at = ? WHERE id = ?").params(Timestamp.from(now), id).update();
    }

    private static PatRow row(ResultSet rs, int n) throws SQLException {
        return new PatRow(rs.getString("id"), rs.getString("name"), rs.getString("owner"), rs.getString("tenant"),
                strings(rs, "scopes"), strings(rs, "roles"), rs.getBytes("secret_hash"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("expires_at").toInstant(),
                instant(rs, "revoked_at"), rs.getString("revoked_by"), instant(rs, "last_used_at"));
    }

    private static List<String> strings(ResultSet rs, String column) throws SQLException {
        java.sql.Array array = rs.getArray(column);
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }
}
