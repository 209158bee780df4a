package dev.holon.scheduler.placement;

import java.util.Arrays;

/**
 * Counts per node index (tasks of one job placed by the plan being made), as an open-addressing table of
 * primitives: no boxing on the scoring path. Not thread-safe.
 */
final class NodeCounter {

    private static final int EMPTY = -1;

    private int[] keys = newKeys(16);
    private int[] counts = new int[16];
    private int size;

    int get(int node) {
        int mask = keys.length - 1;
        for (int slot = mix(node) & mask; ; slot = (slot + 1) & mask) {
            int key = keys[slot];
            if (key == node) {
                return counts[slot];
            }
            if (key == EMPTY) {
                return 0;
            }
        }
    }

    void increment(int node) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        for (int slot = mix(node) & mask; ; slot = (slot + 1) & mask) {
            if (keys[slot] == node) {
                counts[slot]++;
                return;
            }
            if (keys[slot] == EMPTY) {
                keys[slot] = node;
                counts[slot] = 1;
                size++;
                return;
            }
        }
    }

    private void grow() {
        int[] oldKeys = keys;
        int[] oldCounts = counts;
        keys = newKeys(oldKeys.length * 2);
        counts = new int[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                int slot = mix(oldKeys[i]) & mask;
                while (keys[slot] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = oldKeys[i];
                counts[slot] = oldCounts[i];
            }
        }
    }

    private static int[] newKeys(int capacity) {
        int[] keys = new int[capacity];
        Arrays.fill(keys, EMPTY);
        return keys;
    }

    private static int mix(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
