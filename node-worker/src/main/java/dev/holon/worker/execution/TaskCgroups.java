package dev.holon.worker.execution;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Creates one cgroup per attempt, below the worker's own cgroup (so a limit on the worker also bounds its tasks),
 * with the attempt's memory limit and CPU quota. Implemented for cgroup v2 and for the v1 memory, cpu and cpuacct
 * controllers; {@link #detect} tries them in that order and only returns one that it could really write to.
 */
interface TaskCgroups {

    TaskCgroup create(String attemptId, long memoryBytes, long cpuMillis) throws IOException;

    Isolation.MemoryLimit memoryLimit();

    Isolation.CpuLimit cpuLimit();

    /** Where the attempts' cgroups go, for the log. */
    String describe();

    /** Removes the (empty) parent directories, so the worker leaves no trace in its own cgroup; best effort. */
    void removeParents();

    /** The first usable driver, or null; why the others are unusable goes to {@code notes}. */
    static TaskCgroups detect(CgroupLocations locations, String parentName, List<String> notes) {
        TaskCgroups v2 = CgroupV2.open(locations, parentName, notes);
        return v2 != null ? v2 : CgroupV1.open(locations, parentName, notes);
    }

    /** The CFS quota for {@code cpuMillis} thousandths of a CPU per {@code periodMicros}; at least the kernel's 1 ms. */
    static long quotaMicros(long cpuMillis, long periodMicros) {
        return Math.max(1000, cpuMillis * periodMicros / 1000);
    }

    static void write(Path file, String value) throws IOException {
        Files.writeString(file, value, StandardOpenOption.WRITE);
    }

    static String readOrEmpty(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Creates the attempt's directory; a directory left by an earlier worker process for the same attempt id is
     * reused only when no process is in it.
     */
    static void createAttemptDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            TaskCgroup stale = new TaskCgroup(List.of(dir));
            if (!stale.pids().isEmpty() || !stale.remove()) {
                throw new FileAlreadyExistsException(dir.toString(), null, "cgroup in use");
            }
        }
        Files.createDirectory(dir);
    }

    /** Creates {@code dir} below {@code parent} and checks the controller accepts {@code limitFile}. */
    static void probe(Path parent, String limitFile, String value) throws IOException {
        Path probe = parent.resolve("probe-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createDirectory(probe);
        try {
            write(probe.resolve(limitFile), value);
        } finally {
            Files.deleteIfExists(probe);
        }
    }
}
