package dev.holon.auth.quota;

import dev.holon.contracts.tenant.TenantQuota;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/** The {@code tenant_quota} table. */
@Repository
public class QuotaRepository {

    /** A tenant's quota and its version (0 = never set: every limit null). */
    public record Versioned(TenantQuota quota, long version) {
        static final Versioned NONE = new Versioned(TenantQuota.UNLIMITED, 0);
    }

    private final JdbcClient jdbc;

    public QuotaRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Versioned find(String tenant) {
        return jdbc.sql("SELECT * FROM tenant_quota WHERE tenant = ?").param(tenant).query(QuotaRepository::row)
                .optional().orElse(Versioned.NONE);
    }

    /** Locks the row (if any) for the transaction. */
    public Optional<Versioned> lock(String tenant) {
        return jdbc.sql("SELECT * FROM tenant_quota WHERE tenant = ? FOR UPDATE").param(tenant)
                .query(QuotaRepository::row).optional();
    }

    public void put(String tenant, TenantQuota quota, long version, String by, Instant now) {
        jdbc.sql("""
                        INSERT INTO tenant_quota (tenant, cpu_millis, memory_mib, gpus, storage_bytes, files, version, updated_at, updated_by)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (tenant) DO UPDATE SET cpu_millis = excluded.cpu_millis,
                            memory_mib = excluded.memory_mib, gpus = excluded.gpus,
                            storage_bytes = excluded.storage_bytes, files = excluded.files, version = excluded.version,
                            updated_at = excluded.updated_at, updated_by = excluded.updated_by""")
                .params(tenant, quota.cpuMillis(), quota.memoryMib(), quota.gpus(), quota.storageBytes(), quota.files(),
                        version, Timestamp.from(now), by)
                .update();
    }

    private static Versioned row(ResultSet rs, int n) throws SQLException {
        return new Versioned(new TenantQuota(nullable(rs, "cpu_millis"), nullable(rs, "memory_mib"),
                nullable(rs, "gpus"), nullable(rs, "storage_bytes"), nullable(rs, "files")), rs.getLong("version"));
    }

    private static Long nullable(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
