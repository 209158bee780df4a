package dev.holon.worker.execution;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One attempt of one task, as the worker runs it: task {@code index} of the {@code count} tasks of job {@code jobId}.
 * {@code command} is an argv (no shell unless the caller passes {@code sh -c}); {@code env} is added to the clean
 * environment the sandbox builds; {@code timeout} is optional (null: none). Ids are path-safe, because the attempt id
 * names the attempt's directory.
 */
public record TaskSpec(
        String taskId,
        String attemptId,
        String jobId,
        int index,
        int count,
        List<String> command,
        Map<String, String> env,
        long cpuMillis,
        long memoryMiB,
        Duration timeout,
        String tenant) {

    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public TaskSpec {
        requireSafeId("taskId", taskId);
        requireSafeId("attemptId", attemptId);
        requireSafeId("jobId", jobId);
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("task index " + index + " is not within a count of " + count);
        }
        if (command == null || command.isEmpty() || command.getFirst() == null || command.getFirst().isBlank()) {
            throw new IllegalArgumentException("a task needs a command");
        }
        for (String arg : command) {
            if (arg == null || arg.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("command arguments must not be null or contain NUL");
            }
        }
        if (command.getFirst().startsWith("-")) {
            throw new IllegalArgumentException("the command must not start with '-': " + command.getFirst());
        }
        command = List.copyOf(command);
        env = env == null ? Map.of() : copyEnv(env);
        if (cpuMillis <= 0 || memoryMiB <= 0) {
            throw new IllegalArgumentException("a task needs cpuMillis > 0 and memoryMiB > 0, got "
                    + cpuMillis + " and " + memoryMiB);
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("a timeout must be positive, got " + timeout);
        }
        if (tenant == null || tenant.isBlank()) {
            throw new IllegalArgumentException("a task needs a tenant");
        }
    }

    /** Whether {@code id} may name a directory: letters, digits, '.', '_' and '-', not starting with '.' or '-'. */
    public static boolean isSafeId(String id) {
        return id != null && SAFE_ID.matcher(id).matches();
    }

    static String requireSafeId(String what, String id) {
        if (!isSafeId(id)) {
            throw new IllegalArgumentException(what + " must be 1-128 letters, digits, '.', '_' or '-' "
                    + "(not starting with '.' or '-'), got " + id);
        }
        return id;
    }

    public long memoryBytes() {
        return memoryMiB * 1024 * 1024;
    }

    private static Map<String, String> copyEnv(Map<String, String> env) {
        Map<String, String> copy = new LinkedHashMap<>();
        env.forEach((name, value) -> {
            if (name == null || !ENV_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not an environment variable name: " + name);
            }
            if (value == null || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("the value of " + name + " must not be null or contain NUL");
            }
            copy.put(name, value);
        });
        return Map.copyOf(copy);
    }
}
