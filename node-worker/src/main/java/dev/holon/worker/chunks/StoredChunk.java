package dev.holon.worker.chunks;

/** One replica held by this worker: its id, its size in bytes and its CRC32C as 8 lowercase hex digits. */
public record StoredChunk(String chunkId, long size, String checksum) {
}
