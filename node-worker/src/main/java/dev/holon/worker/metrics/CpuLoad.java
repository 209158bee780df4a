package dev.holon.worker.metrics;

import oshi.hardware.CentralProcessor.TickType;

/**
 * The busy fraction of all CPUs between two samples of the system tick counters (as OSHI reads them from
 * {@code /proc/stat} or the OS equivalent, indexed by {@link TickType}). Idle and I/O-wait ticks count as idle;
 * everything else (user, nice, system, irq, softirq, steal) as busy. Plain Java, stateless.
 */
public final class CpuLoad {

    private CpuLoad() {
    }

    /**
     * @return busy ticks / all ticks between {@code previous} and {@code current}, clamped to 0..1; 0 when no tick
     * elapsed or a counter went backwards (a wrapped or reset counter is not a load)
     */
    public static double between(long[] previous, long[] current) {
        if (previous.length != current.length) {
            throw new IllegalArgumentException("Tick arrays differ in length: " + previous.length + " and " + current.length);
        }
        long total = 0;
        for (int i = 0; i < current.length; i++) {
            long delta = current[i] - previous[i];
            if (delta < 0) {
                return 0.0;
            }
            total += delta;
        }
        if (total == 0) {
            return 0.0;
        }
        long idle = delta(previous, current, TickType.IDLE) + delta(previous, current, TickType.IOWAIT);
        double busy = (double) (total - idle) / total;
        return Math.max(0.0, Math.min(1.0, busy));
    }

    private static long delta(long[] previous, long[] current, TickType type) {
        int i = type.getIndex();
        return i < current.length ? current[i] - previous[i] : 0;
    }
}
