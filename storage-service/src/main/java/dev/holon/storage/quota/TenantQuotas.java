package dev.holon.storage.quota;

import dev.holon.contracts.problem.ProblemType;
import dev.holon.storage.StorageProperties;
import dev.holon.storage.namespace.EntryRepository;
import dev.holon.support.problem.ProblemException;
import org.springframework.stereotype.Component;

import java.util.Locale;

/**
 * Per-tenant limits (bytes stored, number of files) from {@code holon.storage.quotas.*}, checked before an upload
 * is accepted (with its announced size) and again at commit (with its real size), answering 403
 * {@code /problems/quota-exceeded} with the numbers.
 */
@Component
public class TenantQuotas {

    private final StorageProperties.Quotas quotas;
    private final EntryRepository entries;

    public TenantQuotas(StorageProperties properties, EntryRepository entries) {
        this.quotas = properties.quotas();
        this.entries = entries;
    }

    /**
     * @param addedBytes bytes the tenant stores more after the change (new size minus the replaced file's size)
     * @param addedFiles 1 for a new file, 0 for an overwrite
     */
    public void check(String tenant, long addedBytes, int addedFiles) {
        StorageProperties.Limit limit = quotas.of(tenant);
        EntryRepository.Usage usage = entries.usage(tenant);
        long maxBytes = limit.bytes().toBytes();
        if (addedBytes > 0 && usage.bytes() + addedBytes > maxBytes) {
            throw new ProblemException(ProblemType.QUOTA_EXCEEDED, "tenant %s uses %s of %s; this upload needs %s"
                    .formatted(tenant, human(usage.bytes()), human(maxBytes), human(addedBytes)));
        }
        if (addedFiles > 0 && usage.files() + addedFiles > limit.files()) {
            throw new ProblemException(ProblemType.QUOTA_EXCEEDED, "tenant %s has %d of %d files; delete some first"
                    .formatted(tenant, usage.files(), limit.files()));
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
