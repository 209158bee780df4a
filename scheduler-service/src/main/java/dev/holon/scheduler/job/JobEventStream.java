package dev.holon.scheduler.job;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Follows a job's history live as Server-Sent Events ({@code id:} = event id): polls {@code job_event} every
 * {@link #POLL} on a virtual thread per stream, and ends once the job is finished and everything was sent, or when the
 * client has gone (noticed at the latest by the next keep-alive comment). The
 * job's state is read before its events, so a finished job's last events (same transaction) are always sent.
 */
@Component
class JobEventStream {

    private static final Logger log = LoggerFactory.getLogger(JobEventStream.class);
    private static final Duration POLL = Duration.ofMillis(250);
    /** A client that stays longer reconnects with Last-Event-ID. */
    private static final Duration MAX_STREAM = Duration.ofMinutes(30);
    /** A comment line this often while nothing happens: a gone client is noticed, proxies keep the connection. */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    private static final Set<String> FINISHED = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    private static final int BATCH = 500;

    private final JobRepository jobs;

    JobEventStream(JobRepository jobs) {
        this.jobs = jobs;
    }

    /** The caller has already checked that the job is visible and resolved where to resume. */
    SseEmitter follow(String jobId, long afterSeq) {
        SseEmitter emitter = new SseEmitter(MAX_STREAM.toMillis());
        AtomicBoolean closed = new AtomicBoolean();
        emitter.onCompletion(() -> closed.set(true));
        emitter.onTimeout(() -> closed.set(true));
        emitter.onError(e -> closed.set(true));
        Thread.ofVirtual().name("job-events-" + jobId).start(() -> pump(jobId, afterSeq, emitter, closed));
        return emitter;
    }

    private void pump(String jobId, long afterSeq, SseEmitter emitter, AtomicBoolean closed) {
        long seq = afterSeq;
        long deadline = System.nanoTime() + MAX_STREAM.toNanos();
        long lastSent = System.nanoTime();
        try {
            while (!closed.get() && System.nanoTime() < deadline) {
                boolean finished = jobs.findById(jobId).map(j -> FINISHED.contains(j.state())).orElse(true);
                List<JobRepository.EventRow> batch;
                do {
                    batch = jobs.eventsAfter(jobId, seq, BATCH);
                    for (JobRepository.EventRow row : batch) {
                        emitter.send(SseEmitter.event().id(row.id()).name("TaskStateChanged")
                                .data(JobEventView.of(row), MediaType.APPLICATION_JSON));
                        seq = row.seq();
                        lastSent = System.nanoTime();
                    }
                } while (batch.size() == BATCH);
                if (finished) {
                    emitter.complete();
                    return;
                }
                if (System.nanoTime() - lastSent > KEEP_ALIVE.toNanos()) {
                    emitter.send(SseEmitter.event().comment("keep-alive"));
                    lastSent = System.nanoTime();
                }
                Thread.sleep(POLL);
            }
            if (!closed.get()) {
                emitter.complete();
            }
        } catch (IOException | IllegalStateException e) {
            log.debug("Event stream of job {} closed by the client: {}", jobId, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emitter.complete();
        } catch (RuntimeException e) {
            log.warn("Event stream of job {} failed: {}", jobId, e.toString());
            emitter.completeWithError(e);
        }
    }
}
