package dev.holon.scheduler.placement;

/**
 * The order in which one job visits the nodes of a snapshot: the snapshot's shuffled base order walked from a start
 * with a stride coprime to the node count, both derived from the job id. Every node comes once per round, different
 * jobs walk differently (so they do not all pile onto the same nodes), the same job id always walks the same way,
 * and setting it up costs O(1), not a shuffle per job. The position persists across the tasks of an array, so each
 * task starts where the previous one stopped (as Nomad's iterator does). Not thread-safe.
 */
final class VisitOrder {

    private final int[] base;
    private final int n;
    private final int stride;
    private int position;

    VisitOrder(ClusterSnapshot snapshot, String jobId) {
        this.base = snapshot.visitOrder();
        this.n = base.length;
        long seed = seedOf(jobId);
        this.position = n == 0 ? 0 : (int) Long.remainderUnsigned(seed, n);
        this.stride = n <= 1 ? 1 : coprimeStride(seed >>> 32, n);
    }

    /** The next node index; call it at most {@code size()} times per round. */
    int next() {
        int node = base[position];
        position += stride;
        if (position >= n) {
            position -= n;
        }
        return node;
    }

    int size() {
        return n;
    }

    int stride() {
        return stride;
    }

    /** A well-mixed 64-bit seed from the job id (FNV-1a, then the SplitMix64 finaliser). */
    static long seedOf(String jobId) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < jobId.length(); i++) {
            hash ^= jobId.charAt(i);
            hash *= 0x100000001b3L;
        }
        hash = (hash ^ (hash >>> 30)) * 0xbf58476d1ce4e5b9L;
        hash = (hash ^ (hash >>> 27)) * 0x94d049bb133111ebL;
        return hash ^ (hash >>> 31);
    }

    private static int coprimeStride(long bits, int n) {
        int stride = 1 + (int) Long.remainderUnsigned(bits, n - 1);
        while (gcd(stride, n) != 1) {
            stride = stride % (n - 1) + 1;
        }
        return stride;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
