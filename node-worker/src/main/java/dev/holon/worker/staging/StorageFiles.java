package dev.holon.worker.staging;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The file namespace as task staging needs it: one file down to disk, one file up. Paths are tenant-qualified
 * ({@code /<tenant>/...}). Implementations stream (no whole file in memory).
 */
public interface StorageFiles {

    /** Writes the file's bytes to {@code target} (created or replaced). */
    void download(String path, Path target) throws FileMissing, IOException;

    /** Stores {@code source} at {@code path}: created, or overwriting what is there. */
    void upload(Path source, String path) throws IOException;

    /** The file is not there (or not visible to this node). */
    final class FileMissing extends Exception {
        public FileMissing(String path) {
            super(path);
        }
    }
}
