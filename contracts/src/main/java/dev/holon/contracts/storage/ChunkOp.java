package dev.holon.contracts.storage;

/** What a chunk token lets its bearer do with one chunk on a worker. */
public enum ChunkOp {
    /** {@code GET /api/v1/chunks/{chunkId}}, and being the source of a {@code replicate}. */
    READ,
    /** {@code PUT /api/v1/chunks/{chunkId}}, on the first worker and every worker down its pipeline. */
    WRITE,
    /** {@code DELETE /api/v1/chunks/{chunkId}}. */
    DELETE,
    /** {@code POST /api/v1/chunks/scrubs}: re-verify every replica on the worker now; the chunk id is {@link #EVERY_CHUNK}. */
    SCRUB;

    /** The chunk id of a token for an operation on the whole store rather than one chunk. */
    public static final String EVERY_CHUNK = "*";
}
