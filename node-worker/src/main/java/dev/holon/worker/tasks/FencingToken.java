package dev.holon.worker.tasks;

import dev.holon.worker.PrivateFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The highest scheduler fencing token (leader epoch) this worker has seen, kept in a file so a restarted worker
 * still refuses commands of a deposed scheduler. Thread-safe.
 */
public final class FencingToken {

    private static final Logger log = LoggerFactory.getLogger(FencingToken.class);

    private final Path file;
    private long highest;

    public FencingToken(Path file) {
        this.file = file;
        this.highest = read(file);
    }

    /**
     * Whether a command carrying {@code token} may be obeyed: not when it is lower than the highest seen. A higher
     * one becomes the highest (and is written down before this returns).
     */
    public synchronized boolean admit(long token) {
        if (token < highest) {
            return false;
        }
        if (token > highest) {
            highest = token;
            write(token);
        }
        return true;
    }

    public synchronized long highest() {
        return highest;
    }

    private void write(long token) {
        try {
            PrivateFile.write(file, Long.toString(token));
        } catch (IOException e) {
            log.warn("cannot record fencing token {} in {} (a restart forgets it): {}", token, file, e.toString());
        }
    }

    private static long read(Path file) {
        if (!Files.exists(file)) {
            return Long.MIN_VALUE;
        }
        try {
            return Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim());
        } catch (IOException | NumberFormatException e) {
            log.warn("cannot read the fencing token in {}, starting from none: {}", file, e.toString());
            return Long.MIN_VALUE;
        }
    }
}
