package dev.holon.worker.tasks;

import dev.holon.contracts.problem.ProblemType;
import dev.holon.support.problem.ProblemException;
import dev.holon.worker.execution.LogFollower;
import dev.holon.worker.execution.LogStream;
import dev.holon.worker.execution.TaskLogs;
import dev.holon.worker.execution.TaskSpec;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/v1/tasks/{attemptId}/logs?stream=stdout|stderr&tail=N}: the captured output of an attempt that
 * runs or ran on this worker, as text/plain (whole log without {@code tail}). With {@code follow=true} or
 * {@code Accept: text/event-stream} it is a live SSE follow: one event per line ({@code data:} the line, {@code id:}
 * the byte offset after it), from {@code Last-Event-ID} or {@code offset} if given, else from the last {@code tail}
 * lines, else from the start; it ends with an {@code end} event once the attempt has ended and all output was sent.
 * Bearer token with role service, user, operator or admin.
 */
@RestController
@PreAuthorize("hasAnyRole('service', 'user', 'operator', 'admin')")
class TaskLogController {

    private static final Logger log = LoggerFactory.getLogger(TaskLogController.class);
    private static final String PATH = "/api/v1/tasks/{attemptId}/logs";
    private static final MediaType TEXT_UTF8 = new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8);
    /** A comment this often keeps a quiet follow alive through proxies and the scheduler's idle timeout. */
    static final Duration KEEPALIVE = Duration.ofSeconds(15);

    private final TaskLogs logs;
    private final ScheduledExecutorService keepalives = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("holon-log-keepalive").daemon().factory());

    TaskLogController(TaskLogs logs) {
        this.logs = logs;
    }

    @PreDestroy
    void stop() {
        keepalives.shutdownNow();
    }

    /** Also produces {@code *}{@code /*} so a client that accepts anything gets the text, not the event stream. */
    @GetMapping(path = PATH, produces = {MediaType.TEXT_PLAIN_VALUE, MediaType.ALL_VALUE})
    ResponseEntity<StreamingResponseBody> logs(@PathVariable String attemptId,
                                               @RequestParam(defaultValue = "stdout") String stream,
                                               @RequestParam(required = false) Integer tail) throws IOException {
        LogStream which = checked(attemptId, stream, tail);
        try {
            if (tail == null) {
                InputStream file = logs.open(attemptId, which); // opened here, so a missing log is still a 404
                StreamingResponseBody copy = out -> {
                    try (file) {
                        file.transferTo(out);
                    }
                };
                return ResponseEntity.ok().contentType(TEXT_UTF8).body(copy);
            }
            StringBuilder lines = new StringBuilder();
            logs.tail(attemptId, which, tail).forEach(line -> lines.append(line).append('\n'));
            byte[] text = lines.toString().getBytes(StandardCharsets.UTF_8);
            return ResponseEntity.ok().contentType(TEXT_UTF8).body(out -> out.write(text));
        } catch (NoSuchFileException e) {
            throw noSuchAttempt(attemptId);
        }
    }

    @GetMapping(path = PATH, produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter followByAccept(@PathVariable String attemptId, @RequestParam(defaultValue = "stdout") String stream,
                              @RequestParam(required = false) Integer tail,
                              @RequestParam(required = false) Long offset,
                              @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId)
            throws IOException {
        return follow(attemptId, stream, tail, offset, lastEventId);
    }

    @GetMapping(path = PATH, params = "follow=true")
    SseEmitter follow(@PathVariable String attemptId, @RequestParam(defaultValue = "stdout") String stream,
                      @RequestParam(required = false) Integer tail,
                      @RequestParam(required = false) Long offset,
                      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) throws IOException {
        LogStream which = checked(attemptId, stream, tail);
        Long from = lastEventId != null ? Long.valueOf(parseOffset(lastEventId)) : offset;
        if (from != null && from < 0) {
            throw ProblemException.invalid("offset must not be negative");
        }
        SseEmitter emitter = new SseEmitter(0L); // no timeout: the follow lasts as long as the task writes
        LogFollower follower;
        try {
            follower = tail != null && from == null
                    ? logs.follow(attemptId, which, tail, line -> send(emitter, line))
                    : logs.followFrom(attemptId, which, from == null ? 0 : from, line -> send(emitter, line));
        } catch (NoSuchFileException e) {
            throw noSuchAttempt(attemptId);
        }
        var keepalive = keepalives.scheduleWithFixedDelay(() -> {
            try {
                emitter.send(SseEmitter.event().comment("keepalive"));
            } catch (IOException | IllegalStateException e) {
                follower.close(); // the client is gone
            }
        }, KEEPALIVE.toMillis(), KEEPALIVE.toMillis(), TimeUnit.MILLISECONDS);
        emitter.onCompletion(follower::close);
        emitter.onError(e -> follower.close());
        follower.done().whenComplete((end, failure) -> {
            keepalive.cancel(false);
            if (failure != null) {
                log.debug("Follow of {} {} stopped: {}", attemptId, which, failure.toString());
                emitter.complete();
                return;
            }
            try {
                emitter.send(SseEmitter.event().name("end").id(Long.toString(end)).data("end"));
                emitter.complete();
            } catch (IOException | IllegalStateException e) {
                emitter.completeWithError(e);
            }
        });
        return emitter;
    }

    /** SSE has no escape for a lone CR inside data, so it becomes a line break (progress bars print lines). */
    private static void send(SseEmitter emitter, LogFollower.Line line) {
        try {
            emitter.send(SseEmitter.event().id(Long.toString(line.end())).data(line.text().replace('\r', '\n')));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // stops the follower: nobody is listening
        }
    }

    private static LogStream checked(String attemptId, String stream, Integer tail) {
        if (!TaskSpec.isSafeId(attemptId)) {
            throw ProblemException.invalid("not an attempt id: " + attemptId);
        }
        if (tail != null && tail < 0) {
            throw ProblemException.invalid("tail must not be negative");
        }
        return switch (stream) {
            case "stdout" -> LogStream.STDOUT;
            case "stderr" -> LogStream.STDERR;
            default -> throw ProblemException.invalid("stream must be stdout or stderr, got '" + stream + "'");
        };
    }

    private static long parseOffset(String lastEventId) {
        try {
            return Long.parseLong(lastEventId.strip());
        } catch (NumberFormatException e) {
            throw ProblemException.invalid("Last-Event-ID must be a byte offset from an earlier event");
        }
    }

    private static ProblemException noSuchAttempt(String attemptId) {
        return new ProblemException(ProblemType.NOT_FOUND, "no attempt " + attemptId + " on this worker");
    }
}
