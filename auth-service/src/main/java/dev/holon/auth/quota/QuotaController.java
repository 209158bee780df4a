package dev.holon.auth.quota;

import dev.holon.auth.audit.AuditLog;
import dev.holon.auth.tenant.TenantAccess;
import dev.holon.auth.tenant.TenantService;
import dev.holon.contracts.tenant.TenantQuota;
import dev.holon.support.problem.ProblemException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /api/v1/tenants/{name}/quota}: the {@link TenantQuota} contract. Read by services (the scheduler, storage),
 * the tenant's members and admins; a tenant without a quota answers every limit null (unlimited). Set by admins with
 * {@code PUT} (the whole quota: an absent limit becomes unlimited), honouring {@code If-Match} with the {@code ETag}.
 */
@RestController
@RequestMapping("/api/v1/tenants/{name}/quota")
public class QuotaController {

    private final QuotaRepository quotas;
    private final TenantService tenants;
    private final AuditLog audit;
    private final Clock clock;

    public QuotaController(QuotaRepository quotas, TenantService tenants, AuditLog audit, Clock clock) {
        this.quotas = quotas;
        this.tenants = tenants;
        this.audit = audit;
        this.clock = clock;
    }

    @GetMapping
    @Transactional(readOnly = true)
    public ResponseEntity<TenantQuota> get(@PathVariable String name, Authentication who) {
        tenants.visible(name, who);
        QuotaRepository.Versioned quota = quotas.find(name);
        return ResponseEntity.ok().eTag(etag(quota.version())).body(quota.quota());
    }

    @PutMapping
    @PreAuthorize("hasRole('admin')")
    @Transactional
    public ResponseEntity<TenantQuota> put(@PathVariable String name, @RequestBody TenantQuota quota,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch, Authentication who) {
        validate(quota);
        tenants.visible(name, who);
        long current = quotas.lock(name).map(QuotaRepository.Versioned::version).orElse(0L);
        if (ifMatch != null && !ifMatch.trim().equals("*") && !ifMatch.trim().equals(etag(current))) {
            throw ProblemException.preconditionFailed("the quota changed (version " + current
                    + "); read it again and retry");
        }
        long version = current + 1;
        String by = TenantAccess.username(who);
        quotas.put(name, quota, version, by, clock.instant());
        audit.success(by, name, "quota.changed", name, 200, describe(quota));
        return ResponseEntity.ok().eTag(etag(version)).body(quota);
    }

    static void validate(TenantQuota quota) {
        if (quota == null) {
            throw ProblemException.invalid("send the quota: {\"cpuMillis\": ..., \"memoryMib\": ..., \"gpus\": ..., "
                    + "\"storageBytes\": ..., \"files\": ...} (null or absent = unlimited)");
        }
        List<String> negative = new ArrayList<>();
        check("cpuMillis", quota.cpuMillis(), negative);
        check("memoryMib", quota.memoryMib(), negative);
        check("gpus", quota.gpus(), negative);
        check("storageBytes", quota.storageBytes(), negative);
        check("files", quota.files(), negative);
        if (!negative.isEmpty()) {
            throw ProblemException.invalid(String.join("; ", negative));
        }
    }

    private static void check(String field, Long value, List<String> problems) {
        if (value != null && value < 0) {
            problems.add(field + " must be 0 or more (null = unlimited), got " + value);
        }
    }

    static String describe(TenantQuota q) {
        return "cpuMillis=%s memoryMib=%s gpus=%s storageBytes=%s files=%s"
                .formatted(q.cpuMillis(), q.memoryMib(), q.gpus(), q.storageBytes(), q.files());
    }

    private static String etag(long version) {
        return "\"" + version + "\"";
    }
}
