package dev.holon.auth.audit;

import dev.holon.contracts.audit.AuditFact;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/** The {@code audit_entry} table: one row per envelope id. */
@Repository
public class AuditRepository {

    /** Query filters; null = any. {@code action} ending in {@code .*} matches the prefix. */
    public record Filter(String actor, String tenant, String action, Instant from, Instant to, String after) {
    }

    private final JdbcClient jdbc;

    public AuditRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** False when this envelope was stored before (a redelivery). */
    public boolean insert(String id, String source, AuditFact fact, Instant fallbackTime) {
        Instant at = fact.at() != null ? fact.at() : fallbackTime;
        return jdbc.sql("""
                        INSERT INTO audit_entry (id, actor, tenant, action, target, outcome, status, detail, source_ip, at, source)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""")
                .params(id, orElse(fact.actor(), "anonymous"), fact.tenant(), orElse(fact.action(), "unknown"),
                        fact.target(), orElse(fact.outcome(), AuditFact.FAILED), fact.status(), fact.detail(),
                        fact.sourceIp(), Timestamp.from(at), source)
                .update() == 1;
    }

    public List<AuditEntry> find(Filter filter, int limit) {
        String action = filter.action();
        boolean prefix = action != null && action.endsWith(".*");
        return jdbc.sql("""
                        SELECT * FROM audit_entry
                        WHERE (CAST(:actor AS TEXT) IS NULL OR actor = :actor)
                          AND (CAST(:tenant AS TEXT) IS NULL OR tenant = :tenant)
                          AND (CAST(:action AS TEXT) IS NULL OR action = :action)
                          AND (CAST(:prefix AS TEXT) IS NULL OR starts_with(action, :prefix))
                          AND (CAST(:from AS TIMESTAMPTZ) IS NULL OR at >= :from)
                          AND (CAST(:to AS TIMESTAMPTZ) IS NULL OR at < :to)
                          AND (CAST(:after AS TEXT) IS NULL OR id > :after)
                        ORDER BY id LIMIT :limit""")
                .param("actor", filter.actor())
                .param("tenant", filter.tenant())
                .param("action", prefix ? null : action)
                .param("prefix", prefix ? action.substring(0, action.length() - 1) : null)
                .param("from", filter.from() == null ? null : Timestamp.from(filter.from()))
                .param("to", filter.to() == null ? null : Timestamp.from(filter.to()))
                .param("after", filter.after())
                .param("limit", limit)
                .query(AuditRepository::entry).list();
    }

    public int deleteBefore(Instant cutoff) {
        return jdbc.sql("DELETE FROM audit_entry WHERE at < ?").param(Timestamp.from(cutoff)).update();
    }

    private static AuditEntry entry(ResultSet rs, int row) throws SQLException {
        return new AuditEntry(rs.getString("id"), rs.getString("actor"), rs.getString("tenant"), rs.getString("action"),
                rs.getString("target"), rs.getString("outcome"), rs.getInt("status"), rs.getString("detail"),
                rs.getString("source_ip"), rs.getTimestamp("at").toInstant(), rs.getString("source"));
    }

    private static String orElse(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
