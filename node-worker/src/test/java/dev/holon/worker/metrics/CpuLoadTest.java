package dev.holon.worker.metrics;

import org.junit.jupiter.api.Test;
import oshi.hardware.CentralProcessor.TickType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CpuLoadTest {

    /** Ticks in OSHI's order: USER, NICE, SYSTEM, IDLE, IOWAIT, IRQ, SOFTIRQ, STEAL. */
    private static long[] ticks(long user, long nice, long system, long idle, long iowait, long irq, long softirq, long steal) {
        long[] ticks = new long[TickType.values().length];
        ticks[TickType.USER.getIndex()] = user;
        ticks[TickType.NICE.getIndex()] = nice;
        ticks[TickType.SYSTEM.getIndex()] = system;
        ticks[TickType.IDLE.getIndex()] = idle;
        ticks[TickType.IOWAIT.getIndex()] = iowait;
        ticks[TickType.IRQ.getIndex()] = irq;
        ticks[TickType.SOFTIRQ.getIndex()] = softirq;
        ticks[TickType.STEAL.getIndex()] = steal;
        return ticks;
    }

    @Test
    void isTheBusyShareOfTheTicksBetweenTwoSamples() {
        long[] before = ticks(1000, 0, 500, 8000, 100, 0, 0, 0);
        long[] after = ticks(1300, 0, 600, 8500, 100, 0, 0, 0);

        // 300 user + 100 system busy out of 900 elapsed ticks.
        assertThat(CpuLoad.between(before, after)).isCloseTo(400.0 / 900.0, within(1e-9));
    }

    @Test
    void countsIoWaitAsIdleAndIrqNiceAndStealAsBusy() {
        long[] before = ticks(0, 0, 0, 0, 0, 0, 0, 0);
        long[] after = ticks(0, 10, 0, 50, 30, 5, 3, 2);

        assertThat(CpuLoad.between(before, after)).isCloseTo(20.0 / 100.0, within(1e-9));
    }

    @Test
    void isOneWhenNothingWasIdleAndZeroWhenAllWas() {
        long[] start = ticks(0, 0, 0, 0, 0, 0, 0, 0);

        assertThat(CpuLoad.between(start, ticks(70, 0, 30, 0, 0, 0, 0, 0))).isEqualTo(1.0);
        assertThat(CpuLoad.between(start, ticks(0, 0, 0, 100, 0, 0, 0, 0))).isEqualTo(0.0);
    }

    @Test
    void isZeroWhenNoTickElapsed() {
        long[] same = ticks(10, 0, 10, 10, 0, 0, 0, 0);

        assertThat(CpuLoad.between(same, same.clone())).isEqualTo(0.0);
    }

    @Test
    void isZeroWhenACounterWentBackwards() {
        assertThat(CpuLoad.between(ticks(100, 0, 0, 100, 0, 0, 0, 0), ticks(50, 0, 0, 200, 0, 0, 0, 0))).isEqualTo(0.0);
    }

    @Test
    void refusesArraysOfDifferentLength() {
        assertThatThrownBy(() -> CpuLoad.between(new long[8], new long[7])).isInstanceOf(IllegalArgumentException.class);
    }
}
