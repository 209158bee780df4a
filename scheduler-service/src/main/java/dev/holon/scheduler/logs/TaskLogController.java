package dev.holon.scheduler.logs;

import dev.holon.contracts.node.NodeState;
import dev.holon.contracts.node.NodeView;
import dev.holon.contracts.problem.ProblemType;
import dev.holon.support.security.Caller;
import dev.holon.scheduler.job.JobService;
import dev.holon.scheduler.job.JobView;
import dev.holon.scheduler.scheduling.RegistryNodes;
import dev.holon.support.problem.ProblemException;
import dev.holon.support.problem.Problems;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClientException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Optional;

/**
 * {@code GET /api/v1/jobs/{id}/tasks/{index}/logs?stream=stdout|stderr&tail=N&attempt=<attemptId>}: a task's log,
 * read from whichever node ran the attempt, streamed through as it arrives (never buffered whole). text/plain by
 * default; with {@code follow=true} or {@code Accept: text/event-stream} the worker's SSE follow (one event per line,
 * {@code id:} the byte offset after it, {@code event: end} last), resumable with {@code Last-Event-ID} or
 * {@code offset}. The caller must be allowed to read the job (another user's job is 404).
 */
@RestController
@PreAuthorize("hasAnyRole('user', 'operator', 'admin')")
class TaskLogController {

    private static final Logger log = LoggerFactory.getLogger(TaskLogController.class);
    private static final MediaType TEXT = MediaType.parseMediaType("text/plain;charset=UTF-8");

    private final JobService jobs;
    private final RegistryNodes registry;
    private final WorkerLogs workers;
    private final Problems problems;
    private final LogsProperties properties;

    TaskLogController(JobService jobs, RegistryNodes registry, WorkerLogs workers, Problems problems,
            LogsProperties properties) {
        this.jobs = jobs;
        this.registry = registry;
        this.workers = workers;
        this.problems = problems;
        this.properties = properties;
    }

    @GetMapping("/api/v1/jobs/{id}/tasks/{index}/logs")
    ResponseEntity<ResponseBodyEmitter> logs(@PathVariable String id, @PathVariable int index,
            @RequestParam(defaultValue = "stdout") String stream,
            @RequestParam(required = false) Integer tail,
            @RequestParam(required = false) String attempt,
            @RequestParam(defaultValue = "false") boolean follow,
            @RequestParam(required = false) Long offset,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
            @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept,
            Authentication who, HttpServletResponse response) throws IOException {
        if (!stream.equals("stdout") && !stream.equals("stderr")) {
            throw ProblemException.invalid("stream must be stdout or stderr, got '" + stream + "'");
        }
        if (tail != null && tail < 0) {
            throw ProblemException.invalid("tail must not be negative, got " + tail);
        }
        boolean live = follow || (accept != null && accept.contains(MediaType.TEXT_EVENT_STREAM_VALUE));
        Long from = resumeOffset(offset, lastEventId);

        JobView job = jobs.get(id, Caller.of(who));
        JobView.TaskView task = job.tasks().stream().filter(t -> t.index() == index).findFirst()
                .orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND,
                        "job " + id + " has no task " + index + " (it has " + job.count() + ")"));
        Attempt target = attempt(task, attempt);
        if (target.nodeId() == null) {
            throw notStarted(target);
        }
        NodeView node = node(target);
        ClientHttpResponse upstream;
        try {
            upstream = workers.open(node, new WorkerLogs.Request(target.attemptId(), stream, tail, live, live ? from : null));
        } catch (WorkerLogs.NotOnWorker e) {
            if (target.state().equals("SCHEDULED")) {
                throw notStarted(target);
            }
            throw new ProblemException(ProblemType.NOT_FOUND, "the log of attempt " + target.attemptId()
                    + " of task " + index + " is no longer on node " + node.id());
        }
        if (!live) {
            copy(upstream, response);
            return null; // answered
        }
        MediaType type = MediaType.TEXT_EVENT_STREAM;
        ResponseBodyEmitter emitter = new ResponseBodyEmitter(0L); // no timeout: a follow lasts as long as the task
        Thread.ofVirtual().name("holon-log-relay-" + target.attemptId()).start(() -> relay(upstream, emitter, type));
        return ResponseEntity.ok().contentType(type).cacheControl(CacheControl.noStore())
                .header("X-Accel-Buffering", "no") // tells proxies such as nginx not to buffer the stream
                .body(emitter);
    }

    /**
     * A log read to its end is copied on the request thread, as any plain answer is. Relayed from another thread, such
     * a read once left the gateway's reused connection to this service with a next answer whose headers it could not
     * parse (CI, JobsSystemIT): writes from two threads to one response, which Tomcat recycles for the next request.
     */
    private static void copy(ClientHttpResponse upstream, HttpServletResponse response) throws IOException {
        response.setContentType(TEXT.toString());
        response.setHeader(HttpHeaders.CACHE_CONTROL, CacheControl.noStore().getHeaderValue());
        try (upstream; InputStream in = upstream.getBody()) {
            in.transferTo(response.getOutputStream());
        }
    }

    /**
     * Copies the worker's bytes to the client as they arrive: a read returns what the worker has flushed so far.
     * A client that left is noticed at the next write (at the latest the worker's keepalive). Only the body is
     * closed, which drops the connection: closing the response would first drain a follow to its end.
     */
    private static void relay(ClientHttpResponse upstream, ResponseBodyEmitter emitter, MediaType type) {
        byte[] buffer = new byte[8192];
        try (InputStream in = upstream.getBody()) {
            int read;
            while ((read = in.read(buffer)) > 0) {
                emitter.send(Arrays.copyOf(buffer, read), type);
            }
            emitter.complete();
        } catch (IOException | IllegalStateException e) {
            // the client left (its write failed) or the worker broke off mid-stream: the client resumes with
            // Last-Event-ID; there is no answer to change once bytes were sent
            log.debug("Log relay stopped: {}", e.toString());
            emitter.complete();
        }
    }

    /** The node that ran the attempt, as the registry sees it now; 503 if it or the registry is not there. */
    private NodeView node(Attempt task) {
        Optional<NodeView> found;
        try {
            found = registry.find(task.nodeId());
        } catch (CallNotPermittedException | RestClientException e) {
            throw new WorkerUnavailable("the node registry cannot be reached to find node " + task.nodeId()
                    + "; try again later", properties.retryAfter());
        }
        NodeView node = found.orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND, "node " + task.nodeId()
                + ", which ran attempt " + task.attemptId() + ", has left the cluster; its logs are gone"));
        if (node.state() == NodeState.DOWN || node.state() == NodeState.REMOVED) {
            throw workers.unavailable(node, "is down");
        }
        if (node.apiUrl() == null || node.apiUrl().isBlank()) {
            throw workers.unavailable(node, "does not advertise an API URL");
        }
        return node;
    }

    /** One attempt of a task: the one whose log is read. */
    private record Attempt(int index, String attemptId, String nodeId, String state) {
    }

    /** The current attempt, or the one named (the task's history keeps every attempt and where it ran). */
    private static Attempt attempt(JobView.TaskView task, String attemptId) {
        if (attemptId == null || attemptId.equals(task.attemptId())) {
            return new Attempt(task.index(), task.attemptId(), task.nodeId(), task.state());
        }
        return task.attempts().stream().filter(a -> a.attemptId().equals(attemptId)).findFirst()
                .map(a -> new Attempt(task.index(), a.attemptId(), a.nodeId(), a.state()))
                .orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND, "task " + task.index()
                        + " has no attempt " + attemptId + "; its attempts are listed in GET /api/v1/jobs/{id}"));
    }

    private static ProblemException notStarted(Attempt task) {
        return ProblemException.conflict("task " + task.index() + " has not started yet (" + task.state()
                + "); its log exists once it runs");
    }

    private static Long resumeOffset(Long offset, String lastEventId) {
        if (lastEventId != null) {
            try {
                offset = Long.valueOf(lastEventId.strip());
            } catch (NumberFormatException e) {
                throw ProblemException.invalid("Last-Event-ID must be the id of an earlier event (a byte offset)");
            }
        }
        if (offset != null && offset < 0) {
            throw ProblemException.invalid("offset must not be negative, got " + offset);
        }
        return offset;
    }

    @ExceptionHandler(WorkerUnavailable.class)
    ResponseEntity<ProblemDetail> unavailable(WorkerUnavailable e, HttpServletRequest request) {
        long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
        return ResponseEntity.status(503).header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problems.of(ProblemType.UNAVAILABLE, e.getMessage(), request.getRequestURI()));
    }
}
