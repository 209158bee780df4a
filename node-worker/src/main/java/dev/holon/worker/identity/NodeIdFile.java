package dev.holon.worker.identity;

import dev.holon.contracts.Ids;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
            write(dataDir, file, id);
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

    private static void write(Path dataDir, Path file, String id) throws IOException {
        Path temp = Files.createTempFile(dataDir, FILE_NAME + "-", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file);
            }
            syncDirectory(dataDir);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Makes the rename itself durable where the platform allows opening a directory (Linux, macOS). */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not supported on this platform or file system: the rename is still atomic, only not yet durable.
        }
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
