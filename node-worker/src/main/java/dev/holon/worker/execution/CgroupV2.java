package dev.holon.worker.execution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * cgroup v2: {@code memory.max} (and {@code memory.swap.max = 0}), {@code cpu.max}; CPU time, peak memory and OOM
 * kills from {@code cpu.stat}, {@code memory.peak} and {@code memory.events}. Needs the memory controller delegated
 * to the worker's cgroup; if the worker's cgroup itself holds processes, the kernel refuses to enable controllers
 * for children ("no internal processes"), and this driver reports itself unusable.
 */
final class CgroupV2 implements TaskCgroups {

    private final Path parent;
    private final boolean cpu;
    private final String enable;

    private CgroupV2(Path parent, boolean cpu) {
        this.parent = parent;
        this.cpu = cpu;
        this.enable = cpu ? "+memory +cpu" : "+memory";
    }

    static CgroupV2 open(CgroupLocations locations, String parentName, List<String> notes) {
        Path own = locations.v2();
        if (own == null) {
            return null;
        }
        List<String> offered = Arrays.asList(TaskCgroups.readOrEmpty(own.resolve("cgroup.controllers")).split(" "));
        if (!offered.contains("memory")) {
            notes.add("cgroup v2 at " + own + " offers no memory controller (controllers: "
                    + String.join(" ", offered).trim() + ")");
            return null;
        }
        boolean cpu = offered.contains("cpu");
        String enable = cpu ? "+memory +cpu" : "+memory";
        Path parent = own.resolve(parentName);
        try {
            List<String> enabled = Arrays.asList(TaskCgroups.readOrEmpty(own.resolve("cgroup.subtree_control")).split(" "));
            if (!enabled.contains("memory") || (cpu && !enabled.contains("cpu"))) {
                TaskCgroups.write(own.resolve("cgroup.subtree_control"), enable);
            }
            Files.createDirectories(parent);
            TaskCgroups.write(parent.resolve("cgroup.subtree_control"), enable);
            TaskCgroups.probe(parent, "memory.max", "67108864");
            return new CgroupV2(parent, cpu);
        } catch (IOException | RuntimeException e) {
            notes.add("cgroup v2 at " + own + " is not usable for tasks (" + e + "); a worker cgroup that holds "
                    + "processes cannot delegate controllers: run the worker in a delegated cgroup");
            return null;
        }
    }

    @Override
    public TaskCgroup create(String attemptId, long memoryBytes, long cpuMillis) throws IOException {
        Path dir = parent.resolve(attemptId);
        if (!Files.isDirectory(parent)) { // another worker on this machine may have removed it
            Files.createDirectories(parent);
            TaskCgroups.write(parent.resolve("cgroup.subtree_control"), enable);
        }
        TaskCgroups.createAttemptDirectory(dir);
        TaskCgroup group = new TaskCgroup(List.of(dir));
        try {
            TaskCgroups.write(dir.resolve("memory.max"), Long.toString(memoryBytes));
            Path swap = dir.resolve("memory.swap.max");
            if (Files.exists(swap)) {
                try {
                    TaskCgroups.write(swap, "0");
                } catch (IOException e) {
                    // no swap controller: the memory limit alone applies
                }
            }
            if (cpu) {
                TaskCgroups.write(dir.resolve("cpu.max"), TaskCgroups.quotaMicros(cpuMillis, 100_000) + " 100000");
            }
            return group;
        } catch (IOException | RuntimeException e) {
            group.remove();
            throw e;
        }
    }

    @Override
    public void removeParents() {
        new TaskCgroup(List.of(parent)).remove();
    }

    @Override
    public Isolation.MemoryLimit memoryLimit() {
        return Isolation.MemoryLimit.CGROUP_V2;
    }

    @Override
    public Isolation.CpuLimit cpuLimit() {
        return cpu ? Isolation.CpuLimit.CGROUP_V2 : Isolation.CpuLimit.NONE;
    }

    @Override
    public String describe() {
        return "cgroup v2 below " + parent;
    }
}
