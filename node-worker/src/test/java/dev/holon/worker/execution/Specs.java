package dev.holon.worker.execution;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Task specs for tests: a fresh attempt id each, 500 mCPU, 64 MiB, tenant "tenant-a" unless told otherwise. */
final class Specs {

    private Specs() {
    }

    static TaskSpec of(String... command) {
        return of(Map.of(), null, command);
    }

    static TaskSpec of(Map<String, String> env, Duration timeout, String... command) {
        return new TaskSpec("task-" + shortId(), "attempt-" + shortId(), "job-1", 2, 5, List.of(command), env, 500,
                64, timeout, "tenant-a");
    }

    static TaskSpec forTenant(String tenant, String... command) {
        return new TaskSpec("task-" + shortId(), "attempt-" + shortId(), "job-1", 0, 1, List.of(command), Map.of(),
                500, 64, null, tenant);
    }

    static TaskSpec withTimeout(Duration timeout, String... command) {
        return of(Map.of(), timeout, command);
    }

    static String shortId() {
        return UUID.randomUUID().toString().substring(0, 13);
    }
}
