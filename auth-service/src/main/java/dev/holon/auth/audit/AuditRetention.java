package dev.holon.auth.audit;

import dev.holon.auth.AuthProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Clock;

/** Deletes audit entries older than {@code holon.auth.audit-retention}, hourly (any replica; the delete is idempotent). */
@Component
class AuditRetention {

    private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);

    private final AuditRepository entries;
    private final AuthProperties properties;
    private final Clock clock;

    AuditRetention(AuditRepository entries, AuthProperties properties, Clock clock) {
        this.entries = entries;
        this.properties = properties;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
    void forgetOldEntries() {
        int deleted = entries.deleteBefore(clock.instant().minus(properties.auditRetention()));
        if (deleted > 0) {
            log.info("Deleted {} audit entries older than {}", deleted, properties.auditRetention());
        }
    }
}
