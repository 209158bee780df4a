package dev.holon.contracts.storage;

/**
 * The headers of the workers' chunk API (docs/storage-data-path.md), besides the token ({@link ChunkToken#HEADER}),
 * spoken by the workers and by storage-service.
 */
public final class ChunkHeaders {

    /** The chunk's CRC32C as 8 lowercase hex digits: announced on a {@code PUT}, recorded and answered on a GET. */
    public static final String CHECKSUM = "X-Holon-Chunk-Checksum";
    /** The workers a {@code PUT} is forwarded to, in order, comma-separated API URLs. */
    public static final String PIPELINE = "X-Holon-Chunk-Pipeline";
    /** {@code true}: the reader checks the CRC32C itself, so the worker may send a whole replica unchecked. */
    public static final String READER_VERIFIES = "X-Holon-Chunk-Reader-Verifies";

    private ChunkHeaders() {
    }
}
