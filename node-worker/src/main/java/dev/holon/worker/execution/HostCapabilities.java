package dev.holon.worker.execution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What this host really offers the sandbox, found by trying each mechanism once (create and remove a probe
 * cgroup, run {@code unshare} and {@code setpriv} on a no-op), filtered by the {@link SandboxOptions} switches.
 * Falls back step by step: cgroup v2, cgroup v1, {@code prlimit --as}, nothing; a PID namespace as root, inside a
 * user namespace otherwise, or none; tenant users only as root with {@code useradd}, {@code getent} and
 * {@code setpriv}.
 */
record HostCapabilities(Isolation isolation, HostTools tools, TaskCgroups cgroups, TenantUsers tenantUsers,
                        AttemptUids attemptUids) {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    static HostCapabilities detect(SandboxOptions options) {
        List<String> notes = new ArrayList<>();
        HostTools tools = HostTools.locate();
        if (tools.sh() == null) {
            throw new IllegalStateException("no /bin/sh on this host: the sandbox needs a POSIX shell");
        }
        boolean root = isRoot();

        TaskCgroups cgroups = null;
        if (!options.cgroups()) {
            notes.add("cgroups turned off by configuration");
        } else {
            try {
                cgroups = TaskCgroups.detect(CgroupLocations.ofThisProcess(), options.cgroupParent(), notes);
            } catch (IOException | RuntimeException e) {
                notes.add("cannot read this process's cgroups (" + e + ")");
            }
        }
        Isolation.MemoryLimit memory;
        if (cgroups != null) {
            memory = cgroups.memoryLimit();
        } else if (tools.prlimit() != null) {
            memory = Isolation.MemoryLimit.PRLIMIT_ADDRESS_SPACE;
        } else {
            memory = Isolation.MemoryLimit.NONE;
            notes.add("no prlimit: memory is not limited");
        }
        Isolation.CpuLimit cpu = cgroups != null ? cgroups.cpuLimit() : Isolation.CpuLimit.NONE;

        Isolation.Namespaces namespaces = Isolation.Namespaces.NONE;
        if (!options.pidNamespace()) {
            notes.add("PID namespace turned off by configuration");
        } else if (tools.unshare() == null) {
            notes.add("no unshare: tasks share the worker's PID namespace");
        } else {
            OneShotCommand plain = OneShotCommand.run(unshareProbe(tools, false), PROBE_TIMEOUT);
            if (plain.ok()) {
                namespaces = Isolation.Namespaces.PID;
            } else if (root) {
                notes.add("unshare --pid failed (" + plain.output() + "): tasks share the worker's PID namespace");
            } else {
                OneShotCommand withUser = OneShotCommand.run(unshareProbe(tools, true), PROBE_TIMEOUT);
                if (withUser.ok()) {
                    namespaces = Isolation.Namespaces.USER_AND_PID;
                } else {
                    notes.add("unshare --user --pid failed (" + withUser.output()
                            + "): tasks share the worker's PID namespace");
                }
            }
        }

        TenantUsers tenantUsers = null;
        AttemptUids attemptUids = null;
        if (!options.tenantUsers()) {
            notes.add("per-tenant users turned off by configuration");
        } else if (!root) {
            notes.add("not root: tasks run as the worker's user");
        } else if (tools.useradd() == null || tools.getent() == null || tools.setpriv() == null) {
            notes.add("no useradd, getent or setpriv: tasks run as the worker's user");
        } else {
            OneShotCommand drop = OneShotCommand.run(List.of(tools.setpriv().toString(), "--reuid=65534",
                    "--regid=65534", "--clear-groups", "--no-new-privs", "--", tools.sh().toString(), "-c", ":"),
                    PROBE_TIMEOUT);
            if (drop.ok()) {
                tenantUsers = new TenantUsers(tools.useradd(), tools.getent());
                try {
                    attemptUids = new AttemptUids(options.attemptUids());
                } catch (IOException e) {
                    notes.add("cannot use " + options.attemptUids().lockDir() + " to allocate uids (" + e
                            + "): the attempts of one tenant share its user");
                }
                String unreachable = unreachableAncestor(options.root());
                if (unreachable != null) {
                    notes.add(unreachable + " is not searchable by others: tasks of tenant users start in their "
                            + "working directory but cannot reach it (or HOME) by its path");
                }
            } else {
                notes.add("setpriv cannot change user (" + drop.output() + "): tasks run as the worker's user");
            }
        }
        return new HostCapabilities(new Isolation(memory, cpu, namespaces, tenantUsers != null,
                attemptUids != null, notes), tools,
                cgroups, tenantUsers, attemptUids);
    }

    private static List<String> unshareProbe(HostTools tools, boolean userNamespace) {
        List<String> command = new ArrayList<>(SandboxCommand.unshare(tools, userNamespace));
        command.addAll(List.of(tools.sh().toString(), "-c", ":"));
        return command;
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux or no /proc: assume not root
        }
        return false;
    }

    /** The first existing ancestor of {@code root} that others cannot search (no o+x), or null. */
    private static String unreachableAncestor(Path root) {
        for (Path dir = root; dir != null; dir = dir.getParent()) {
            if (!Files.exists(dir)) {
                continue;
            }
            try {
                if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)
                        && !dir.equals(root)) {
                    return dir.toString();
                }
            } catch (IOException | UnsupportedOperationException e) {
                return null;
            }
        }
        return null;
    }
}
