package dev.holon.worker.chunks;

import dev.holon.worker.BackgroundLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs the {@link ChunkScrubber} every {@code scrub-interval}, the first pass one interval after start. */
final class ChunkScrubLoop extends BackgroundLoop {

    private static final Logger log = LoggerFactory.getLogger(ChunkScrubLoop.class);

    private final ChunkScrubber scrubber;
    private final Duration interval;

    ChunkScrubLoop(ChunkScrubber scrubber, Duration interval) {
        super("chunk-scrubber");
        this.scrubber = scrubber;
        this.interval = interval;
    }

    @Override
    protected void started(ScheduledExecutorService executor) {
        executor.scheduleWithFixedDelay(this::scrub, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void scrub() {
        try {
            long start = System.nanoTime();
            ChunkScrubber.Pass pass = scrubber.scrubAll();
            if (pass.checked() > 0) {
                log.info("Scrubbed {} chunk replicas ({} bytes) in {} ms: {} corrupted", pass.checked(), pass.bytes(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), pass.corrupted());
            }
        } catch (Exception e) {
            if (!isStopping()) {
                log.warn("Chunk scrub failed: {}", e.toString());
            }
        }
    }
}
