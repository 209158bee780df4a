package dev.holon.scheduler.job;

import dev.holon.contracts.Page;
import dev.holon.support.problem.ProblemException;
import dev.holon.support.web.Cursors;
import jakarta.validation.Valid;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.Set;

/**
 * {@code /api/v1/jobs}: people submit, read and cancel jobs. A {@code user} sees only their own jobs (another's
 * answers 404); operators and admins see all.
 */
@RestController
@RequestMapping("/api/v1/jobs")
@PreAuthorize("hasAnyRole('user', 'operator', 'admin')")
public class JobController {

    private static final Set<String> STATES = Set.of("PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED");

    private final JobService jobs;

    public JobController(JobService jobs) {
        this.jobs = jobs;
    }

    /** 201 with the new job; a replay of an earlier request with the same {@code Idempotency-Key} is 200. */
    @PostMapping
    public ResponseEntity<JobView> submit(@Valid @RequestBody JobRequest request, Authentication who,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 255)) {
            throw ProblemException.invalid("Idempotency-Key must be 1-255 characters");
        }
        JobService.Submitted submitted = jobs.submit(request, Caller.of(who), idempotencyKey);
        URI location = URI.create("/api/v1/jobs/" + submitted.job().id());
        return submitted.created()
                ? ResponseEntity.created(location).body(submitted.job())
                : ResponseEntity.ok().location(location).body(submitted.job());
    }

    @GetMapping
    public Page<JobView> list(@RequestParam(required = false) String state,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor, Authentication who) {
        if (limit < 1 || limit > 500) {
            throw ProblemException.invalid("limit must be between 1 and 500, got " + limit);
        }
        if (state != null && !STATES.contains(state)) {
            throw ProblemException.invalid("state must be one of " + STATES + ", got '" + state + "'");
        }
        Page<JobView> page = jobs.list(Caller.of(who), state, Cursors.decode(cursor), limit);
        return new Page<>(page.items(), Cursors.encode(page.nextCursor()));
    }

    @GetMapping("/{id}")
    public JobView get(@PathVariable String id, Authentication who) {
        return jobs.get(id, Caller.of(who));
    }

    /** Cancelling is long work on the workers: 202, and the job shows CANCELLED once its tasks stopped. */
    @PostMapping("/{id}/cancel")
    public ResponseEntity<JobView> cancel(@PathVariable String id, Authentication who) {
        return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + id)).body(jobs.cancel(id, Caller.of(who)));
    }
}
