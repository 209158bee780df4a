package dev.holon.worker.chunks;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Re-reads every replica of a {@link ChunkStore} at a bounded rate and tells {@link ChunkCorruption} about each one
 * whose bytes no longer match the checksum recorded at write, or whose data file is gone. Plain Java; one pass at
 * a time (the caller's thread).
 */
public final class ChunkScrubber {

    private static final Logger log = LoggerFactory.getLogger(ChunkScrubber.class);

    /** What one pass found. */
    public record Pass(int checked, int corrupted, long bytes) {
    }

    private final ChunkStore store;
    private final ChunkCorruption corruption;
    private final java.util.function.Supplier<ByteRate> rate;

    public ChunkScrubber(ChunkStore store, ChunkCorruption corruption, java.util.function.Supplier<ByteRate> rate) {
        this.store = store;
        this.corruption = corruption;
        this.rate = rate;
    }

    private boolean stillStored(StoredChunk chunk) {
        try {
            return store.find(chunk.chunkId()).isPresent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One pass over every replica (an on-demand pass may overlap the periodic one: a replica is then reported twice). */
    public Pass scrubAll() throws IOException {
        ByteRate pace = rate.get();
        AtomicInteger checked = new AtomicInteger();
        AtomicInteger corrupted = new AtomicInteger();
        long[] bytes = {0};
        try {
            store.forEach(chunk -> {
                if (Thread.currentThread().isInterrupted()) {
                    throw new ByteRate.ScrubInterrupted();
                }
                String actual;
                try {
                    actual = store.checksumOnDisk(chunk, pace.asCallback());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                checked.incrementAndGet();
                bytes[0] += chunk.size();
                if (actual.equals(ChunkStore.MISSING) && !stillStored(chunk)) {
                    return; // deleted while we looked: not a corruption
                }
                if (!actual.equals(chunk.checksum())) {
                    corrupted.incrementAndGet();
                    log.warn("Chunk {} failed its checksum: {} on disk, {} recorded", chunk.chunkId(), actual,
                            chunk.checksum());
                    corruption.found(chunk.chunkId(), chunk.checksum(), actual);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (ByteRate.ScrubInterrupted e) {
            log.debug("Scrub interrupted after {} replicas", checked.get());
        }
        return new Pass(checked.get(), corrupted.get(), bytes[0]);
    }
}
