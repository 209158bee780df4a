package dev.holon.auth.audit;

import dev.holon.contracts.Page;
import dev.holon.support.problem.ProblemException;
import dev.holon.support.web.Cursors;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/audit} (admins): the audit log, oldest first (envelope ids are time-ordered), filtered by
 * {@code user} (the actor), {@code tenant}, {@code action} (exact, or a prefix such as {@code token.*}), {@code from}
 * (inclusive) and {@code to} (exclusive) as RFC 3339 times, and {@code after} (entries after this entry id: a client
 * following the log passes the last id it saw). Paged with {@code limit} (1-500, default 50) and {@code cursor}.
 */
@RestController
@RequestMapping("/api/v1/audit")
@PreAuthorize("hasRole('admin')")
public class AuditController {

    private final AuditRepository entries;

    public AuditController(AuditRepository entries) {
        this.entries = entries;
    }

    @GetMapping
    public Page<AuditEntry> query(@RequestParam(required = false) String user,
            @RequestParam(required = false) String tenant,
            @RequestParam(required = false) String action,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
            @RequestParam(required = false) String after,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor) {
        if (limit < 1 || limit > 500) {
            throw ProblemException.invalid("limit must be between 1 and 500, got " + limit);
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw ProblemException.invalid("from must be before to");
        }
        String start = Cursors.decode(cursor);
        if (start == null || (after != null && after.compareTo(start) > 0)) {
            start = after;
        }
        List<AuditEntry> found = entries.find(new AuditRepository.Filter(blankToNull(user), blankToNull(tenant),
                blankToNull(action), from, to, start), limit + 1);
        List<AuditEntry> items = found.stream().limit(limit).toList();
        String next = found.size() > limit ? Cursors.encode(items.getLast().id()) : null;
        return new Page<>(items, next);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
