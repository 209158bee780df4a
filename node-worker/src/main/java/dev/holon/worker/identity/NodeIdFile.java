package dev.holon.worker.identity;

import dev.holon.contracts.Ids;
import dev.holon.worker.PrivateFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The node id, kept in {@code <data-dir>/node-id}: generated once (UUIDv7) and read back on every later start,
 * so a machine is the same node across restarts. The file is written to a temporary file, flushed to disk and
 * renamed into place, so a crash leaves either no id or a whole one, never half of one. Plain Java.
 */
public final class NodeIdFile {

    public static final String FILE_NAME = "node-id";

    private NodeIdFile() {
    }

    /** Reads the node id in {@code dataDir}, creating the directory and the id the first time. */
    public static String loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dataDir);
            if (Files.exists(file)) {
                return read(file);
            }
            String id = Ids.newId();
            PrivateFile.write(file, id + "\n");
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create or read the node id in " + file + ": " + e.getMessage(), e);
        }
    }

    private static String read(Path file) throws IOException {
        String id = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!isUuidV7(id)) {
            throw new IllegalStateException("The node id file " + file + " does not hold a UUIDv7 (found '"
                    + abbreviate(id) + "'). Restore it, or delete it to enrol this machine as a new node.");
        }
        return id;
    }

    static boolean isUuidV7(String value) {
        try {
            UUID uuid = UUID.fromString(value);
            return uuid.version() == 7 && uuid.toString().equals(value.toLowerCase());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
