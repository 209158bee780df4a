package dev.holon.worker.chunks;

/** Told when a replica's bytes no longer match the checksum recorded at write ({@code actual} is null when the data file is gone). */
@FunctionalInterface
public interface ChunkCorruption {

    void found(String chunkId, String expectedChecksum, String actualChecksum);

    ChunkCorruption IGNORE = (chunkId, expected, actual) -> { };
}
