package dev.holon.scheduler.job;

import dev.holon.support.security.Caller;
import dev.holon.contracts.Page;
import dev.holon.support.problem.ProblemException;
import dev.holon.support.web.Cursors;
import jakarta.validation.Valid;
import org.springframework.http.MediaType;
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
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

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
    private final JobEventStream stream;

    public JobController(JobService jobs, JobEventStream stream) {
        this.jobs = jobs;
        this.stream = stream;
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

    /**
     * A page of the jobs the caller may see, filtered by {@code state} and {@code owner} (a user sees only their own
     * jobs anyway, so for them another owner's name gives an empty page).
     */
    @GetMapping
    public Page<JobView> list(@RequestParam(required = false) String state,
            @RequestParam(required = false) String owner,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor, Authentication who) {
        checkLimit(limit);
        if (state != null && !STATES.contains(state)) {
            throw ProblemException.invalid("state must be one of " + STATES + ", got '" + state + "'");
        }
        if (owner != null && (owner.isBlank() || owner.length() > 255)) {
            throw ProblemException.invalid("owner must be a user name of 1-255 characters");
        }
        Page<JobView> page = jobs.list(Caller.of(who), state, owner, Cursors.decode(cursor), limit);
        return new Page<>(page.items(), Cursors.encode(page.nextCursor()));
    }

    @GetMapping("/{id}")
    public JobView get(@PathVariable String id, Authentication who) {
        return jobs.get(id, Caller.of(who));
    }

    /** Cancelling is long work on the workers: 202, and the job shows CANCELLED once its tasks stopped. */
    @PostMapping("/{id}/cancel")
    public ResponseEntity<JobView> cancel(@PathVariable String id, Authentication who) {
        JobView cancelled = jobs.cancel(id, Caller.of(who)); // an unknown id is a 404 before any URI is made of it
        return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + cancelled.id())).body(cancelled);
    }

    /** Cancels one task of the job (202, like the job's cancel); an index the job does not have is 404. */
    @PostMapping("/{id}/tasks/{index}/cancel")
    public ResponseEntity<JobView> cancelTask(@PathVariable String id, @PathVariable int index, Authentication who) {
        JobView cancelled = jobs.cancelTask(id, index, Caller.of(who));
        return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + cancelled.id())).body(cancelled);
    }

    /** The job's history, oldest first: one item per state change of any attempt of its tasks. */
    @GetMapping(path = "/{id}/events", produces = MediaType.APPLICATION_JSON_VALUE)
    public Page<JobEventView> events(@PathVariable String id, @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor, Authentication who) {
        checkLimit(limit);
        Page<JobEventView> page = jobs.events(id, Caller.of(who), afterSeq(cursor), limit);
        return new Page<>(page.items(), Cursors.encode(page.nextCursor()));
    }

    /** The same history followed live; resumes after {@code Last-Event-ID}; ends once the job has finished. */
    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter followEvents(@PathVariable String id, Authentication who,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        return stream.follow(id, jobs.resumeAfter(id, Caller.of(who), lastEventId));
    }

    private static long afterSeq(String cursor) {
        String decoded = Cursors.decode(cursor);
        if (decoded == null) {
            return 0;
        }
        try {
            return Long.parseLong(decoded);
        } catch (NumberFormatException e) {
            throw ProblemException.invalid("cursor is not one this API returned");
        }
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > 500) {
            throw ProblemException.invalid("limit must be between 1 and 500, got " + limit);
        }
    }
}
