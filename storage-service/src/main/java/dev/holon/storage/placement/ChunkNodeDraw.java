package dev.holon.storage.placement;

import java.util.SplittableRandom;

/**
 * A pseudo-random draw fixed by a (chunk, node) pair: the same pair always draws the same number, and one chunk's draws
 * over a set of nodes are independent (rendezvous hashing). Both ids' string hashes are mixed by SplittableRandom, whose
 * first output is a strong 64-bit mix of its seed; a plain hash of the concatenated ids is not enough, because the
 * node's part only shifts it by a constant and one node then comes first for most chunks.
 */
public final class ChunkNodeDraw {

    private ChunkNodeDraw() {
    }

    /** Any {@code long}, uniformly. */
    public static long of(String chunkId, String nodeId) {
        return new SplittableRandom(((long) nodeId.hashCode() << 32) | (chunkId.hashCode() & 0xffffffffL)).nextLong();
    }

    /** In (0, 1], uniformly. */
    public static double unit(String chunkId, String nodeId) {
        return ((of(chunkId, nodeId) >>> 11) + 1) / (double) (1L << 53);
    }
}
