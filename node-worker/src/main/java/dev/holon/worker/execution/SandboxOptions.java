package dev.holon.worker.execution;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the worker sandboxes tasks. {@code root} holds one directory per attempt. The three switches allow a
 * mechanism to be used when the host supports it; turning one off forces the fallback (used by tests, and by
 * operators who want to rule a mechanism out). {@code path} and {@code lang} are the task's {@code PATH} and
 * {@code LANG}: fixed values, never the worker's own.
 */
public record SandboxOptions(
        Path root,
        Duration killGrace,
        String path,
        String lang,
        boolean cgroups,
        boolean pidNamespace,
        boolean tenantUsers,
        String cgroupParent,
        UidRange attemptUids) {

    /**
     * The uids attempts run under when the worker is root, one per attempt, machine-wide: taken by a lock on
     * {@code <lockDir>/<uid>.lock}, so every worker of a machine must use the same lock directory and range.
     */
    public record UidRange(int first, int count, Path lockDir) {

        public static final UidRange DEFAULT = new UidRange(6_100_000, 100_000, Path.of("/run/holon/task-uids"));

        public UidRange {
            if (first <= 0 || count <= 0 || (long) first + count > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("invalid attempt uid range: first " + first + ", count " + count);
            }
            Objects.requireNonNull(lockDir, "lockDir");
        }
    }

    public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(5);
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    public static final String DEFAULT_LANG = "C.UTF-8";
    public static final String DEFAULT_CGROUP_PARENT = "holon-tasks";

    public SandboxOptions {
        Objects.requireNonNull(root, "root");
        root = root.toAbsolutePath().normalize();
        killGrace = killGrace == null ? DEFAULT_KILL_GRACE : killGrace;
        if (killGrace.isNegative()) {
            throw new IllegalArgumentException("killGrace must not be negative, got " + killGrace);
        }
        path = path == null || path.isBlank() ? DEFAULT_PATH : path;
        lang = lang == null || lang.isBlank() ? DEFAULT_LANG : lang;
        cgroupParent = cgroupParent == null || cgroupParent.isBlank() ? DEFAULT_CGROUP_PARENT : cgroupParent;
        attemptUids = attemptUids == null ? UidRange.DEFAULT : attemptUids;
        if (!TaskSpec.isSafeId(cgroupParent)) {
            throw new IllegalArgumentException("cgroupParent must be a plain directory name, got " + cgroupParent);
        }
    }

    /** Everything the host supports, 5 s grace. */
    public static SandboxOptions defaults(Path root) {
        return new SandboxOptions(root, DEFAULT_KILL_GRACE, DEFAULT_PATH, DEFAULT_LANG, true, true, true,
                DEFAULT_CGROUP_PARENT, UidRange.DEFAULT);
    }

    public SandboxOptions withKillGrace(Duration grace) {
        return new SandboxOptions(root, grace, path, lang, cgroups, pidNamespace, tenantUsers, cgroupParent, attemptUids);
    }

    public SandboxOptions withCgroups(boolean use) {
        return new SandboxOptions(root, killGrace, path, lang, use, pidNamespace, tenantUsers, cgroupParent, attemptUids);
    }

    public SandboxOptions withPidNamespace(boolean use) {
        return new SandboxOptions(root, killGrace, path, lang, cgroups, use, tenantUsers, cgroupParent, attemptUids);
    }

    public SandboxOptions withTenantUsers(boolean use) {
        return new SandboxOptions(root, killGrace, path, lang, cgroups, pidNamespace, use, cgroupParent, attemptUids);
    }

    public SandboxOptions withAttemptUids(UidRange range) {
        return new SandboxOptions(root, killGrace, path, lang, cgroups, pidNamespace, tenantUsers, cgroupParent, range);
    }
}
