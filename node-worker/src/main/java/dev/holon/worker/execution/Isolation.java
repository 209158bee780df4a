package dev.holon.worker.execution;

import java.util.List;

/**
 * Which sandboxing mechanisms are in effect (with {@code attemptUids}, each attempt runs under a uid of its own in
 * its tenant's group; with only {@code tenantUsers}, as its tenant's user) on this host, as found by probing at start (not as configured), and
 * notes on why others are not. Logged once by {@link TaskRunner}; tests and later the worker's health details can
 * show it.
 */
public record Isolation(
        MemoryLimit memory,
        CpuLimit cpu,
        Namespaces namespaces,
        boolean tenantUsers,
        boolean attemptUids,
        List<String> notes) {

    public Isolation {
        notes = List.copyOf(notes);
    }

    public enum MemoryLimit {
        /** cgroup v2 {@code memory.max}: the kernel OOM-kills the task; {@code memory.events} counts it. */
        CGROUP_V2,
        /** cgroup v1 {@code memory.limit_in_bytes}: the kernel OOM-kills the task; {@code oom_control} counts it. */
        CGROUP_V1,
        /** {@code prlimit --as}: allocations beyond the limit fail; the task usually exits with an error. */
        PRLIMIT_ADDRESS_SPACE,
        NONE
    }

    public enum CpuLimit { CGROUP_V2, CGROUP_V1, NONE }

    public enum Namespaces {
        /** {@code unshare --pid --fork --mount-proc}: own PID namespace and /proc, the task tree dies with its init. */
        PID,
        /** The same inside a new user namespace (the worker is not root). */
        USER_AND_PID,
        NONE
    }

    public boolean memoryByCgroup() {
        return memory == MemoryLimit.CGROUP_V1 || memory == MemoryLimit.CGROUP_V2;
    }

    public boolean pidNamespace() {
        return namespaces != Namespaces.NONE;
    }

    /** One line for the log. */
    public String describe() {
        return "memory limit: " + switch (memory) {
            case CGROUP_V2 -> "cgroup v2";
            case CGROUP_V1 -> "cgroup v1";
            case PRLIMIT_ADDRESS_SPACE -> "prlimit --as (address space)";
            case NONE -> "none";
        } + "; CPU limit: " + switch (cpu) {
            case CGROUP_V2 -> "cgroup v2 cpu.max";
            case CGROUP_V1 -> "cgroup v1 CFS quota";
            case NONE -> "none";
        } + "; namespaces: " + switch (namespaces) {
            case PID -> "PID + mount (unshare)";
            case USER_AND_PID -> "user + PID + mount (unshare)";
            case NONE -> "none";
        } + "; Unix users: " + (attemptUids ? "one uid per attempt, the tenant's group"
                : tenantUsers ? "one per tenant" : "none (the worker's own)")
                + (notes.isEmpty() ? "" : "; notes: " + String.join("; ", notes));
    }
}
