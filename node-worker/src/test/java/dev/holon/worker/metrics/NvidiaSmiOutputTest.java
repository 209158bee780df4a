package dev.holon.worker.metrics;

import dev.holon.contracts.node.GpuDevice;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NvidiaSmiOutputTest {

    @Test
    void readsOneGpuPerLine() {
        String output = """
                NVIDIA GeForce RTX 3090, 24576
                NVIDIA A100-SXM4-80GB, 81920
                """;

        assertThat(NvidiaSmiOutput.parse(output)).containsExactly(
                new GpuDevice("NVIDIA GeForce RTX 3090", "NVIDIA", 24576),
                new GpuDevice("NVIDIA A100-SXM4-80GB", "NVIDIA", 81920));
    }

    @Test
    void toleratesWindowsLineEndingsBlankLinesAndSpaces() {
        assertThat(NvidiaSmiOutput.parse("\r\n  Tesla T4 ,  15360  \r\n\r\n"))
                .containsExactly(new GpuDevice("Tesla T4", "NVIDIA", 15360));
    }

    @Test
    void keepsACommaInsideTheName() {
        assertThat(NvidiaSmiOutput.parse("Quadro RTX 6000, Rev 2, 24576"))
                .containsExactly(new GpuDevice("Quadro RTX 6000, Rev 2", "NVIDIA", 24576));
    }

    @Test
    void readsMemoryThatIsNotANumberAsZero() {
        assertThat(NvidiaSmiOutput.parse("NVIDIA Jetson, [N/A]\nNVIDIA Grace, [Not Supported]"))
                .extracting(GpuDevice::memoryMiB).containsExactly(0L, 0L);
    }

    @Test
    void skipsLinesThatAreNotAGpu() {
        String output = """
                NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.
                , 1024
                Tesla V100, 16384
                """;

        assertThat(NvidiaSmiOutput.parse(output)).containsExactly(new GpuDevice("Tesla V100", "NVIDIA", 16384));
    }

    @Test
    void readsNoOutputAsNoGpus() {
        assertThat(NvidiaSmiOutput.parse("")).isEmpty();
        assertThat(NvidiaSmiOutput.parse(null)).isEmpty();
    }
}
