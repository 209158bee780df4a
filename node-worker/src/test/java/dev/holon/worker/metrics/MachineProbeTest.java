package dev.holon.worker.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import oshi.SystemInfo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class MachineProbeTest {

    private static final SystemInfo SYSTEM = new SystemInfo();
    private static final long TIB = 1L << 40;

    @TempDir
    Path dataDir;

    private MachineProbe probe(long reclaimableBytes) {
        return new MachineProbe(SYSTEM, dataDir, () -> reclaimableBytes,
                new NvidiaSmi(Optional.empty(), Duration.ofSeconds(1)));
    }

    @Test
    void freeDiskCountsWhatTheWorkerCanHandBackAtOnce() {
        long plain = probe(0).sampleUsage().diskFreeMiB();
        long withRecycled = probe(TIB).sampleUsage().diskFreeMiB();

        assertThat(plain).isPositive().isLessThanOrEqualTo(probe(0).inventory().capacity().diskMiB());
        // a TiB is far beyond what the rest of the machine writes between two samples
        assertThat(withRecycled - plain).isBetween(TIB / MachineProbe.MIB - 1024, TIB / MachineProbe.MIB + 1024);
    }
}
