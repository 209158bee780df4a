package dev.holon.worker.chunks;

import java.util.regex.Pattern;

/**
 * What a chunk id may look like on this worker: letters, digits, {@code -} and {@code _}, 2 to 128 characters
 * (a UUIDv7 fits). Nothing else ever reaches a file name, so no id can name a path outside the chunk directory.
 */
public final class ChunkIds {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{1,127}");

    private ChunkIds() {
    }

    public static boolean isValid(String chunkId) {
        return chunkId != null && SAFE.matcher(chunkId).matches();
    }
}
