package dev.holon.storage.quota;

import dev.holon.contracts.problem.ProblemType;
import dev.holon.contracts.tenant.TenantQuota;
import dev.holon.storage.namespace.EntryRepository;
import dev.holon.support.problem.ProblemException;
import dev.holon.support.tenant.TenantQuotas;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.Locale;

/**
 * A tenant's storage limits (bytes stored, number of files), from auth-service's quota ({@link TenantQuotas}:
 * {@code storageBytes}, {@code files}; null is unlimited, and so is everything when {@code holon.auth.url} is blank
 * or auth-service is down without a known quota). An upload reads the quota once, before its body
 * ({@link #limitsOf}); it is checked against the tenant's use before any byte goes out (with the announced size)
 * and again at commit with the real size ({@link #check}), where the tenant's commits are serialised so two
 * concurrent uploads cannot both pass. Refusals are 403 {@code /problems/quota-exceeded} with the numbers.
 */
@Component
public class StorageQuota {

    /** Advisory-lock class of the per-tenant commit lock (two-int keys: apart from the leaders' bigint keys). */
    private static final int TENANT_LOCK_CLASS = 0x51554f54; // "QUOT"

    private final TenantQuotas quotas;
    private final EntryRepository entries;
    private final JdbcClient jdbc;

    public StorageQuota(TenantQuotas quotas, EntryRepository entries, JdbcClient jdbc) {
        this.quotas = quotas;
        this.entries = entries;
        this.jdbc = jdbc;
    }

    /** The tenant's quota now; call it outside a transaction (it may ask auth-service). */
    public TenantQuota limitsOf(String tenant) {
        return quotas.of(tenant);
    }

    /**
     * Refuses the change when it would take the tenant above a limit. Within a transaction it also takes the
     * tenant's commit lock (held to the end of the transaction) before reading the use.
     *
     * @param addedBytes bytes the tenant stores more after the change (new size minus the replaced file's size)
     * @param addedFiles 1 for a new file, 0 for an overwrite
     */
    public void check(String tenant, TenantQuota quota, long addedBytes, int addedFiles, boolean lock) {
        Long maxBytes = quota.storageBytes();
        Long maxFiles = quota.files();
        boolean bytesMatter = maxBytes != null && addedBytes > 0;
        boolean filesMatter = maxFiles != null && addedFiles > 0;
        if (!bytesMatter && !filesMatter) {
            return;
        }
        if (lock) {
            jdbc.sql("SELECT pg_advisory_xact_lock(?, hashtext(?))").params(TENANT_LOCK_CLASS, tenant)
                    .query((rs, n) -> 1).single();
        }
        EntryRepository.Usage usage = entries.usage(tenant);
        if (bytesMatter && usage.bytes() + addedBytes > maxBytes) {
            throw new ProblemException(ProblemType.QUOTA_EXCEEDED, "tenant %s would store %s of its %s quota"
                    .formatted(tenant, human(usage.bytes() + addedBytes), human(maxBytes)));
        }
        if (filesMatter && usage.files() + addedFiles > maxFiles) {
            throw new ProblemException(ProblemType.QUOTA_EXCEEDED, "tenant %s would have %d files of its %d quota"
                    .formatted(tenant, usage.files() + addedFiles, maxFiles));
        }
    }

    /** 1.2 GiB, 512 KiB, 17 bytes. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        String number = String.format(Locale.ROOT, "%.1f", value);
        return (number.endsWith(".0") ? number.substring(0, number.length() - 2) : number) + " " + units[unit];
    }
}
