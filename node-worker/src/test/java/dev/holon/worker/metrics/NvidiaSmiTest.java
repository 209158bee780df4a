package dev.holon.worker.metrics;

import dev.holon.contracts.node.GpuDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

@DisabledOnOs(OS.WINDOWS)
class NvidiaSmiTest {

    @TempDir
    Path tmp;

    private Path script(String body) throws Exception {
        Path script = tmp.resolve("nvidia-smi");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    @Test
    void runsTheQueryAndParsesItsOutput() throws Exception {
        Path binary = script("""
                [ "$1" = "--query-gpu=name,memory.total" ] && [ "$2" = "--format=csv,noheader,nounits" ] || exit 9
                echo 'Tesla T4, 15360'""");

        assertThat(new NvidiaSmi(Optional.of(binary), Duration.ofSeconds(5)).query())
                .containsExactly(new GpuDevice("Tesla T4", "NVIDIA", 15360));
    }

    @Test
    void givesUpOnAHangingBinaryWithinItsTimeout() throws Exception {
        Path binary = script("sleep 30");
        long start = System.nanoTime();

        assertThat(new NvidiaSmi(Optional.of(binary), Duration.ofMillis(300)).query()).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void ignoresAFailingBinary() throws Exception {
        Path binary = script("echo 'NVIDIA-SMI has failed'; exit 9");

        assertThat(new NvidiaSmi(Optional.of(binary), Duration.ofSeconds(5)).query()).isEmpty();
    }

    @Test
    void isEmptyWithoutTheBinary() {
        assertThat(new NvidiaSmi(Optional.empty(), Duration.ofSeconds(1)).query()).isEmpty();
    }

    @Test
    void findsTheBinaryOnThePath() throws Exception {
        Path binary = script("true");

        assertThat(NvidiaSmi.locate("/nonexistent:" + tmp, "nvidia-smi")).contains(binary);
        assertThat(NvidiaSmi.locate("/nonexistent", "nvidia-smi")).isEmpty();
        assertThat(NvidiaSmi.locate(null, "nvidia-smi")).isEmpty();
    }
}
