package dev.holon.worker.execution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The cgroup directories of one attempt (one for v2; one per controller for v1). It lists the attempt's processes
 * (all of them, also those that left the process tree), and reads OOM kills, CPU time and peak memory from whichever
 * files the kernel offers, so it can be reopened from the directory list alone after a worker restart.
 */
final class TaskCgroup {

    private final List<Path> directories;

    TaskCgroup(List<Path> directories) {
        this.directories = List.copyOf(directories);
    }

    List<Path> directories() {
        return directories;
    }

    /** The files a process writes its pid to, to join every directory of this group. */
    List<Path> procsFiles() {
        return directories.stream().map(dir -> dir.resolve("cgroup.procs")).toList();
    }

    /** Every process in the group now. */
    Set<Long> pids() {
        Set<Long> pids = new LinkedHashSet<>();
        for (Path dir : directories) {
            String procs = read(dir.resolve("cgroup.procs"));
            if (procs == null) {
                continue;
            }
            for (String line : procs.split("\n")) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.trim()));
                }
            }
        }
        return pids;
    }

    /** How many processes the kernel's OOM killer ended in this group; -1 when the kernel does not count them. */
    long oomKills() {
        for (Path dir : directories) {
            long v2 = keyed(dir.resolve("memory.events"), "oom_kill");
            if (v2 >= 0) {
                return v2;
            }
            long v1 = keyed(dir.resolve("memory.oom_control"), "oom_kill");
            if (v1 >= 0) {
                return v1;
            }
        }
        return -1;
    }

    /** Whether the memory limit was reached at least once (an allocation had to wait for reclaim or failed). */
    boolean memoryLimitReached() {
        for (Path dir : directories) {
            if (keyed(dir.resolve("memory.events"), "max") > 0 || number(dir.resolve("memory.failcnt")) > 0) {
                return true;
            }
        }
        return false;
    }

    /** User + system CPU time of all processes that ran in the group; null when not measured. */
    Duration cpuTime() {
        for (Path dir : directories) {
            long v2Micros = keyed(dir.resolve("cpu.stat"), "usage_usec");
            if (v2Micros >= 0) {
                return Duration.ofNanos(v2Micros * 1000);
            }
            long v1Nanos = number(dir.resolve("cpuacct.usage"));
            if (v1Nanos >= 0) {
                return Duration.ofNanos(v1Nanos);
            }
        }
        return null;
    }

    /** Highest memory use of the group (v1 includes page cache); null when not measured. */
    Long peakMemoryBytes() {
        for (Path dir : directories) {
            long peak = number(dir.resolve("memory.peak"));
            if (peak < 0) {
                peak = number(dir.resolve("memory.max_usage_in_bytes"));
            }
            if (peak >= 0) {
                return peak;
            }
        }
        return null;
    }

    /** Removes the directories; true when all are gone. A directory with processes left cannot be removed. */
    boolean remove() {
        boolean all = true;
        for (Path dir : directories) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                all = false;
            }
        }
        return all;
    }

    private static long number(Path file) {
        String text = read(file);
        if (text == null || text.isBlank()) {
            return -1;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The value of {@code key} in a "key value" per line file, -1 when absent. */
    private static long keyed(Path file, String key) {
        String text = read(file);
        if (text == null) {
            return -1;
        }
        for (String line : text.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[0].equals(key)) {
                try {
                    return Long.parseLong(parts[1]);
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }
}
