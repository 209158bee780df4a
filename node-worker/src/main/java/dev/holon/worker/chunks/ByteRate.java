package dev.holon.worker.chunks;

import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Paces a reader to at most {@code bytesPerSecond}: after each read it waits until the bytes read so far are due.
 * The clock and the pause are injectable so tests need not wait. Not thread-safe: one per reader.
 */
public final class ByteRate {

    public interface Pause {
        void nanos(long nanos) throws InterruptedException;
    }

    private final long bytesPerSecond;
    private final java.util.function.LongSupplier nanoTime;
    private final Pause pause;
    private long start;
    private long bytes;

    public ByteRate(long bytesPerSecond, java.util.function.LongSupplier nanoTime, Pause pause) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond must be positive");
        }
        this.bytesPerSecond = bytesPerSecond;
        this.nanoTime = nanoTime;
        this.pause = pause;
        this.start = nanoTime.getAsLong();
    }

    public static ByteRate realTime(long bytesPerSecond) {
        return new ByteRate(bytesPerSecond, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    /** Counts {@code read} bytes and waits as long as the budget is exceeded. */
    public void acquire(long read) throws InterruptedException {
        bytes += read;
        long dueAt = start + (long) (bytes * 1e9 / bytesPerSecond);
        long early = dueAt - nanoTime.getAsLong();
        if (early > 0) {
            pause.nanos(early);
        }
    }

    /** As a callback for {@link ChunkStore#checksumOnDisk}: an interrupt stops the read. */
    public LongConsumer asCallback() {
        return read -> {
            try {
                acquire(read);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ScrubInterrupted();
            }
        };
    }

    static final class ScrubInterrupted extends RuntimeException {
        ScrubInterrupted() {
            super("scrub interrupted", null, false, false);
        }
    }
}
