package dev.holon.worker.metrics;

import dev.holon.contracts.node.GpuDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Asks {@code nvidia-smi} for the NVIDIA GPUs when the binary is on the {@code PATH}. Bounded: a run that takes
 * longer than the timeout is killed. Any failure (no binary, no driver, non-zero exit, timeout) means "no NVIDIA
 * details", never an error for the worker. Plain Java.
 */
public final class NvidiaSmi {

    static final List<String> QUERY = List.of("--query-gpu=name,memory.total", "--format=csv,noheader,nounits");

    private static final Logger log = LoggerFactory.getLogger(NvidiaSmi.class);

    private final Optional<Path> binary;
    private final Duration timeout;

    public NvidiaSmi(Optional<Path> binary, Duration timeout) {
        this.binary = binary;
        this.timeout = timeout;
    }

    /** Finds {@code nvidia-smi} on the {@code PATH} of this process. */
    public static NvidiaSmi onPath(Duration timeout) {
        return new NvidiaSmi(locate(System.getenv("PATH"), "nvidia-smi"), timeout);
    }

    static Optional<Path> locate(String pathVariable, String executable) {
        if (pathVariable == null) {
            return Optional.empty();
        }
        for (String dir : pathVariable.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, executable);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The NVIDIA GPUs as {@code nvidia-smi} reports them; empty when it is absent or fails. */
    public List<GpuDevice> query() {
        if (binary.isEmpty()) {
            return List.of();
        }
        Process process = null;
        try {
            ProcessBuilder builder = new ProcessBuilder(command(binary.get()))
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            process = builder.start();
            process.getOutputStream().close();
            InputStream stdout = process.getInputStream();
            // On a thread of its own: a hung nvidia-smi (or a child holding its stdout) must not block the common
            // ForkJoin pool, which has a single thread on a 2-CPU machine and which the JDK HttpClient relies on.
            CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> readAll(stdout),
                    task -> Thread.ofPlatform().daemon().name("nvidia-smi-output").start(task));
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} did not answer within {}; GPU details from it are ignored", binary.get(), timeout);
                return List.of();
            }
            if (process.exitValue() != 0) {
                log.info("{} exited with {}; GPU details from it are ignored", binary.get(), process.exitValue());
                return List.of();
            }
            return NvidiaSmiOutput.parse(new String(output.get(timeout.toMillis(), TimeUnit.MILLISECONDS),
                    StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (Exception e) {
            log.info("Could not run {} ({}); GPU details from it are ignored", binary.get(), e.toString());
            return List.of();
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    private static List<String> command(Path binary) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(binary.toString()), QUERY.stream()).toList();
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
