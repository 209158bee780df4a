package dev.holon.worker.execution;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the captured output of attempts under one sandbox root: the whole log, its last lines, or a live follow
 * that the HTTP layer can turn into SSE. Works for running, finished and adopted attempts alike, since the logs are
 * plain files. Attempt ids are checked, so a caller's id never reaches outside the root. Thread-safe.
 */
public final class TaskLogs {

    static final Duration DEFAULT_POLL = Duration.ofMillis(100);
    private static final int BLOCK = 8192;

    private final Path root;
    private final Duration pollInterval;

    public TaskLogs(Path root) {
        this(root, DEFAULT_POLL);
    }

    public TaskLogs(Path root, Duration pollInterval) {
        this.root = root.toAbsolutePath().normalize();
        this.pollInterval = pollInterval;
    }

    /** The log file; {@link NoSuchFileException} when the attempt has no sandbox here. */
    public Path file(String attemptId, LogStream stream) throws NoSuchFileException {
        Path file = TaskSandbox.of(root, attemptId).log(stream);
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such attempt on this worker");
        }
        return file;
    }

    /** The whole log, decoded as UTF-8 (malformed bytes replaced). For large logs prefer {@link #open}. */
    public String read(String attemptId, LogStream stream) throws IOException {
        return new String(Files.readAllBytes(file(attemptId, stream)), StandardCharsets.UTF_8);
    }

    public InputStream open(String attemptId, LogStream stream) throws IOException {
        return Files.newInputStream(file(attemptId, stream));
    }

    /** The last {@code lines} lines (fewer if the log is shorter); a final line without newline counts. */
    public List<String> tail(String attemptId, LogStream stream, int lines) throws IOException {
        Path file = file(attemptId, stream);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long start = tailOffset(channel, size, lines);
            ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(size - start));
            while (bytes.hasRemaining() && channel.read(bytes, start + bytes.position()) >= 0) {
                // read until full
            }
            return splitLines(new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8));
        }
    }

    /**
     * Follows the log: {@code onLine} gets the last {@code lastLines} lines (0: only new output), then each new
     * line as it is written, until the attempt has ended and its output is read to the end, or the follower is
     * closed. Lines longer than 64 KiB are delivered in pieces. Runs on its own virtual thread.
     */
    public LogFollower follow(String attemptId, LogStream stream, int lastLines, Consumer<LogFollower.Line> onLine)
            throws IOException {
        Path file = file(attemptId, stream);
        long start;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            start = tailOffset(channel, channel.size(), lastLines);
        }
        return LogFollower.start(file, TaskSandbox.of(root, attemptId), start, pollInterval, onLine);
    }

    /**
     * Follows the log from byte {@code offset} (a {@link LogFollower.Line#end()} seen before, to resume), like
     * {@link #follow}. An offset past the end starts at the end: the file only grows, so the caller cannot have
     * seen more.
     */
    public LogFollower followFrom(String attemptId, LogStream stream, long offset, Consumer<LogFollower.Line> onLine)
            throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative, got " + offset);
        }
        Path file = file(attemptId, stream);
        long start = Math.min(offset, Files.size(file));
        return LogFollower.start(file, TaskSandbox.of(root, attemptId), start, pollInterval, onLine);
    }

    /** The offset where the last {@code lines} lines of the first {@code size} bytes begin. */
    static long tailOffset(FileChannel channel, long size, int lines) throws IOException {
        if (lines < 0) {
            throw new IllegalArgumentException("lines must not be negative, got " + lines);
        }
        if (lines == 0) {
            return size;
        }
        long end = size;
        ByteBuffer last = ByteBuffer.allocate(1);
        if (size > 0 && channel.read(last, size - 1) == 1 && last.get(0) == '\n') {
            end = size - 1; // a final newline ends the last line, it does not start another
        }
        int found = 0;
        ByteBuffer block = ByteBuffer.allocate(BLOCK);
        long pos = end;
        while (pos > 0) {
            int length = (int) Math.min(BLOCK, pos);
            block.clear().limit(length);
            long from = pos - length;
            while (block.hasRemaining() && channel.read(block, from + block.position()) >= 0) {
                // read until full
            }
            for (int i = block.position() - 1; i >= 0; i--) {
                if (block.get(i) == '\n' && ++found == lines) {
                    return from + i + 1;
                }
            }
            pos = from;
        }
        return 0;
    }

    static List<String> splitLines(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.getLast().isEmpty()) {
            lines.removeLast();
        }
        return lines;
    }
}
