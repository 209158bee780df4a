package dev.holon.localcluster.process;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One OS process of the cluster, started in its own session (setsid) so it outlives the command that
 * started it and a Ctrl-C in that terminal. It is identified by pid and start time, so a recycled pid is
 * never mistaken for it. Stopping reaches its descendants and its session too: `kc.sh` runs Keycloak's
 * JVM as a child, not by exec.
 */
public final class ChildProcess {

    private static final boolean SETSID = new File("/usr/bin/setsid").canExecute() || new File("/bin/setsid").canExecute();

    private final ProcessSpec spec;
    private final long pid;
    private final Instant startedAt;

    private ChildProcess(ProcessSpec spec, long pid, Instant startedAt) {
        this.spec = spec;
        this.pid = pid;
        this.startedAt = startedAt;
    }

    /** Starts the process with stdin from /dev/null and stdout+stderr appended to its log file. */
    public static ChildProcess spawn(ProcessSpec spec) {
        List<String> command = new ArrayList<>();
        if (SETSID) {
            command.add("setsid");
        }
        command.addAll(spec.command());
        try {
            Files.createDirectories(spec.logFile().toAbsolutePath().getParent());
            Files.writeString(spec.logFile(), "%n===== %s holon: starting %s: %s%n".formatted(Instant.now(), spec.name(),
                            String.join(" ", spec.command())), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            if (spec.workingDirectory() != null) {
                Files.createDirectories(spec.workingDirectory());
                builder.directory(spec.workingDirectory().toFile());
            }
            builder.environment().putAll(spec.environment());
            Process process = builder.start();
            Instant started = process.info().startInstant().orElseGet(Instant::now);
            return new ChildProcess(spec, process.pid(), started);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + spec.name() + ": " + e.getMessage(), e);
        }
    }

    /** A handle on a process started earlier, perhaps by another JVM (from the state file). */
    public static ChildProcess adopt(ProcessSpec spec, long pid, Instant startedAt) {
        return new ChildProcess(spec, pid, startedAt);
    }

    public ProcessSpec spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    public long pid() {
        return pid;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Path logFile() {
        return spec.logFile();
    }

    public boolean isAlive() {
        return handle().isPresent();
    }

    /** The handle when the process still runs and is the one we started (not a recycled pid). */
    private Optional<ProcessHandle> handle() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> {
            Optional<Instant> start = h.info().startInstant();
            return start.isEmpty() || startedAt == null
                    || Duration.between(start.get(), startedAt).abs().compareTo(Duration.ofSeconds(2)) < 0;
        });
    }

    /**
     * SIGTERM to the process, its descendants and its session; waits up to {@code grace}, then SIGKILL.
     * Returns true when everything ended within the grace period.
     */
    public boolean stop(Duration grace) {
        if (!isAlive()) {
            return true;
        }
        Set<ProcessHandle> tree = tree();
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline) {
            tree.addAll(tree()); // children started meanwhile
            if (tree.stream().noneMatch(ProcessHandle::isAlive)) {
                return true;
            }
            sleep(100);
        }
        tree.addAll(tree());
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        awaitDeath(tree, Duration.ofSeconds(5));
        return false;
    }

    /** SIGKILL to the process and everything it started, as a crash would. */
    public void kill9() {
        Set<ProcessHandle> tree = tree();
        tree.forEach(ProcessHandle::destroyForcibly);
        awaitDeath(tree, Duration.ofSeconds(5));
    }

    /** Memory of the process and its descendants (PSS, else RSS), in KiB (0 when not running). */
    public long rssKiB() {
        return tree().stream().mapToLong(h -> rssKiB(h.pid())).sum();
    }

    /** Memory (PSS, else RSS) of any process {@code pid} and its descendants, KiB (0 when gone). */
    public static long treeRssKiB(long pid) {
        return ProcessHandle.of(pid).map(root -> rssKiB(root.pid())
                + root.descendants().mapToLong(h -> rssKiB(h.pid())).sum()).orElse(0L);
    }

    /** The pid of the JVM doing the work: the process itself, or the java below a wrapper script. */
    public long mainPid() {
        Optional<ProcessHandle> root = handle();
        if (root.isEmpty()) {
            return pid;
        }
        if (root.get().info().command().map(c -> c.endsWith("/java")).orElse(false)) {
            return pid;
        }
        return root.get().descendants()
                .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .map(ProcessHandle::pid).findFirst().orElse(pid);
    }

    private Set<ProcessHandle> tree() {
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        handle().ifPresent(root -> {
            tree.add(root);
            root.descendants().forEach(tree::add);
            sessionMembers(root.pid()).forEach(tree::add);
        });
        return tree;
    }

    /** Processes whose session id is {@code sid}: what setsid started, even if re-parented to init. */
    static Stream<ProcessHandle> sessionMembers(long sid) {
        File[] entries = new File("/proc").listFiles((dir, name) -> name.chars().allMatch(Character::isDigit));
        if (entries == null) {
            return Stream.empty();
        }
        List<ProcessHandle> members = new ArrayList<>();
        for (File entry : entries) {
            long memberPid = Long.parseLong(entry.getName());
            if (memberPid != sid && sessionOf(memberPid) == sid) {
                ProcessHandle.of(memberPid).ifPresent(members::add);
            }
        }
        return members.stream();
    }

    static long sessionOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[3]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Memory of one process, KiB: its proportional set size (shared pages divided among the processes
     * sharing them, so PostgreSQL's backends do not count its shared buffers once each), else its RSS.
     */
    static long rssKiB(long pid) {
        Long pss = kiBField(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss:");
        if (pss != null) {
            return pss;
        }
        Long rss = kiBField(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
        return rss == null ? 0 : rss;
    }

    private static Long kiBField(Path file, String field) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not readable
        }
        return null;
    }

    private static void awaitDeath(Set<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && processes.stream().anyMatch(ProcessHandle::isAlive)) {
            sleep(50);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return spec.name() + "(pid " + pid + ")";
    }
}
