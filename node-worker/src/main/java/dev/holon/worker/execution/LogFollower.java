package dev.holon.worker.execution;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A live follow of one log file (see {@link TaskLogs#follow}): polls the file for new bytes and hands complete
 * lines, each with the byte offset where it ends, to the consumer on its own virtual thread. {@link #done()} completes with the final offset when the
 * attempt has ended and everything is delivered, or when {@link #close()} is called; exceptionally if reading or
 * the consumer fails. The consumer is never called after {@code done()} completed.
 */
public final class LogFollower implements AutoCloseable {

    static final int MAX_LINE = 64 * 1024;

    /**
     * One line of output without its newline; {@code end} is the byte offset just after it (and its newline), so a
     * follow that starts at {@code end} continues with the next line.
     */
    public record Line(String text, long end) {
    }

    private final Path file;
    private final TaskSandbox sandbox;
    private final Duration pollInterval;
    private final Consumer<Line> onLine;
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private volatile boolean closed;
    private volatile long offset;
    private Thread thread;

    private LogFollower(Path file, TaskSandbox sandbox, long offset, Duration pollInterval, Consumer<Line> onLine) {
        this.file = file;
        this.sandbox = sandbox;
        this.offset = offset;
        this.pollInterval = pollInterval;
        this.onLine = onLine;
    }

    static LogFollower start(Path file, TaskSandbox sandbox, long offset, Duration pollInterval,
                             Consumer<Line> onLine) {
        LogFollower follower = new LogFollower(file, sandbox, offset, pollInterval, onLine);
        follower.thread = Thread.ofVirtual().name("holon-log-follow-" + sandbox.attemptId()).start(follower::run);
        return follower;
    }

    /** Completes with the offset after the last delivered byte. */
    public CompletableFuture<Long> done() {
        return done.copy();
    }

    /** The offset up to which the file has been read: where a new follow can resume. */
    public long offset() {
        return offset;
    }

    /** Stops following; lines already read but not yet delivered are dropped. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }

    private void run() {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (!closed) {
                boolean ended = sandbox.ended();
                boolean readSome = false;
                int read;
                while (!closed && (read = channel.read(buffer.clear(), offset)) > 0) {
                    readSome = true;
                    offset += read;
                    deliver(buffer.array(), read, offset - read);
                }
                if (ended && !readSome) {
                    if (!closed && pending.size() > 0) {
                        emit(offset);
                    }
                    break;
                }
                if (!readSome) {
                    LockSupport.parkNanos(pollInterval.toNanos());
                }
            }
            done.complete(offset);
        } catch (IOException | RuntimeException e) {
            done.completeExceptionally(e);
        }
    }

    /** Hands on the complete lines in {@code bytes}, which were read from the file at {@code base}. */
    private void deliver(byte[] bytes, int length, long base) {
        int start = 0;
        for (int i = 0; i < length && !closed; i++) {
            if (bytes[i] == '\n') {
                pending.write(bytes, start, i - start);
                emit(base + i + 1);
                start = i + 1;
            } else if (pending.size() + (i - start) >= MAX_LINE) {
                pending.write(bytes, start, i - start);
                emit(base + i);
                start = i;
            }
        }
        if (!closed) {
            pending.write(bytes, start, length - start);
        }
    }

    private void emit(long end) {
        String line = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        onLine.accept(new Line(line, end));
    }
}
