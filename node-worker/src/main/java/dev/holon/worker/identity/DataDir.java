package dev.holon.worker.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The worker's data directory ({@code holon.worker.data-dir}: node id, fencing token, {@code chunks/},
 * {@code tasks/}) is the worker's own: mode 0711 and each file directly in it 0600, so a task running under another
 * uid can neither list it nor read the node's files. It is 0711 rather than 0700 because the task sandboxes live
 * below it: a task must be able to pass through to its own working directory (its HOME) by path; every directory
 * below is closed on its own ({@code chunks/} 0700, {@code tasks/} 0711 and each working directory 0700 owned by
 * the attempt's uid). Files created later in it are created 0600 by their writers.
 */
public final class DataDir {

    static final Set<PosixFilePermission> PASS_THROUGH = PosixFilePermissions.fromString("rwx--x--x");
    static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private DataDir() {
    }

    /** Creates the directory if needed and closes it and its files to everyone but the worker's user. */
    public static void secure(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            if (!Files.getPosixFilePermissions(dataDir).equals(PASS_THROUGH)) {
                Files.setPosixFilePermissions(dataDir, PASS_THROUGH);
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dataDir)) {
                for (Path entry : entries) {
                    if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)
                            && !Files.getPosixFilePermissions(entry, LinkOption.NOFOLLOW_LINKS).equals(OWNER_ONLY_FILE)) {
                        Files.setPosixFilePermissions(entry, OWNER_ONLY_FILE);
                    }
                }
            }
        } catch (UnsupportedOperationException notPosix) {
            // a file system without POSIX permissions: nothing to close
        } catch (IOException e) {
            throw new UncheckedIOException("cannot secure the data directory " + dataDir + ": " + e.getMessage(), e);
        }
    }
}
