package dev.holon.worker.execution;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a short host command the worker needs (a probe, {@code useradd}, {@code getent}) with a bounded wait and a
 * minimal environment, and returns its exit code and combined output. Never used for tasks.
 */
record OneShotCommand(int exitCode, String output) {

    static final int TIMED_OUT = -1;
    static final int NOT_STARTED = -2;

    boolean ok() {
        return exitCode == 0;
    }

    static OneShotCommand run(List<String> command, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", SandboxOptions.DEFAULT_PATH);
        env.put("LANG", "C");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new OneShotCommand(NOT_STARTED, e.getMessage());
        }
        try {
            CompletableFuture<byte[]> output = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (var in = process.getInputStream()) {
                    output.complete(in.readAllBytes());
                } catch (IOException e) {
                    output.complete(new byte[0]);
                }
            });
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new OneShotCommand(TIMED_OUT, command.getFirst() + " did not finish within " + timeout);
            }
            byte[] bytes = output.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new OneShotCommand(process.exitValue(), new String(bytes, StandardCharsets.UTF_8).trim());
        } catch (ExecutionException | TimeoutException e) {
            return new OneShotCommand(process.exitValue(), "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return new OneShotCommand(TIMED_OUT, "interrupted");
        }
    }
}
