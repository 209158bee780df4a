package dev.holon.worker.execution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * cgroup v1: the memory controller sets {@code memory.limit_in_bytes} (and the memory+swap limit when the kernel
 * has one), the cpu controller a CFS quota, cpuacct counts CPU time. Memory is required; cpu and cpuacct are used
 * when they are writable too.
 */
final class CgroupV1 implements TaskCgroups {

    private final Path memoryParent;
    private final Path cpuParent;
    private final Path cpuacctParent;

    private CgroupV1(Path memoryParent, Path cpuParent, Path cpuacctParent) {
        this.memoryParent = memoryParent;
        this.cpuParent = cpuParent;
        this.cpuacctParent = cpuacctParent;
    }

    static CgroupV1 open(CgroupLocations locations, String parentName, List<String> notes) {
        Path memory = locations.v1().get("memory");
        if (memory == null) {
            notes.add("no cgroup v1 memory controller mounted");
            return null;
        }
        Path memoryParent = usableParent(memory, parentName, "memory.limit_in_bytes", "67108864", notes);
        if (memoryParent == null) {
            return null;
        }
        Path cpu = locations.v1().get("cpu");
        Path cpuParent = cpu == null ? null : usableParent(cpu, parentName, "cpu.cfs_quota_us", "100000", notes);
        if (cpu == null) {
            notes.add("no cgroup v1 cpu controller mounted: CPU is not limited");
        }
        Path cpuacct = locations.v1().get("cpuacct");
        Path cpuacctParent = cpuacct == null ? null
                : usableParent(cpuacct, parentName, "cpuacct.usage", "0", notes);
        return new CgroupV1(memoryParent, cpuParent, cpuacctParent);
    }

    private static Path usableParent(Path own, String parentName, String file, String value, List<String> notes) {
        Path parent = own.resolve(parentName);
        try {
            Files.createDirectories(parent);
            TaskCgroups.probe(parent, file, value);
            return parent;
        } catch (IOException | RuntimeException e) {
            notes.add("cgroup v1 at " + own + " is not usable (" + e + ")");
            return null;
        }
    }

    @Override
    public TaskCgroup create(String attemptId, long memoryBytes, long cpuMillis) throws IOException {
        Set<Path> created = new LinkedHashSet<>();
        try {
            Path memory = memoryParent.resolve(attemptId);
            Files.createDirectories(memoryParent); // another worker on this machine may have removed it
            TaskCgroups.createAttemptDirectory(memory);
            created.add(memory);
            TaskCgroups.write(memory.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes));
            Path memsw = memory.resolve("memory.memsw.limit_in_bytes");
            if (Files.exists(memsw)) {
                try {
                    TaskCgroups.write(memsw, Long.toString(memoryBytes));
                } catch (IOException e) {
                    // no swap accounting: the memory limit alone applies
                }
            }
            if (cpuParent != null) {
                Path cpu = cpuParent.resolve(attemptId);
                Files.createDirectories(cpuParent);
                if (created.add(cpu)) {
                    TaskCgroups.createAttemptDirectory(cpu);
                }
                long period = parseOr(TaskCgroups.readOrEmpty(cpu.resolve("cpu.cfs_period_us")), 100_000);
                TaskCgroups.write(cpu.resolve("cpu.cfs_quota_us"),
                        Long.toString(TaskCgroups.quotaMicros(cpuMillis, period)));
            }
            if (cpuacctParent != null) {
                Path cpuacct = cpuacctParent.resolve(attemptId);
                Files.createDirectories(cpuacctParent);
                if (created.add(cpuacct)) {
                    TaskCgroups.createAttemptDirectory(cpuacct);
                }
            }
            return new TaskCgroup(new ArrayList<>(created));
        } catch (IOException | RuntimeException e) {
            new TaskCgroup(new ArrayList<>(created)).remove();
            throw e;
        }
    }

    @Override
    public void removeParents() {
        new TaskCgroup(Stream.of(memoryParent, cpuParent, cpuacctParent)
                .filter(Objects::nonNull).distinct().toList()).remove();
    }

    @Override
    public Isolation.MemoryLimit memoryLimit() {
        return Isolation.MemoryLimit.CGROUP_V1;
    }

    @Override
    public Isolation.CpuLimit cpuLimit() {
        return cpuParent != null ? Isolation.CpuLimit.CGROUP_V1 : Isolation.CpuLimit.NONE;
    }

    @Override
    public String describe() {
        return "cgroup v1 below " + memoryParent
                + (cpuParent != null ? " and " + cpuParent : "")
                + (cpuacctParent != null && !cpuacctParent.equals(cpuParent) ? " and " + cpuacctParent : "");
    }

    private static long parseOr(String text, long fallback) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
