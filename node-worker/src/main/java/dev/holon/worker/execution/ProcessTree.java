package dev.holon.worker.execution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Finding and signalling the processes of one attempt. Signals go through {@link ProcessHandle}, which checks the
 * process start time, so a pid reused by an unrelated process is never signalled. The environment scan is the
 * last resort when neither a cgroup nor a PID namespace contains the task: it finds processes that left the tree
 * (double-forked daemons) but not those that removed {@code HOLON_ATTEMPT_ID} from their environment.
 */
final class ProcessTree {

    private ProcessTree() {
    }

    /** The descendants of {@code root} now, by pid. */
    static Map<Long, ProcessHandle> descendants(ProcessHandle root) {
        Map<Long, ProcessHandle> all = new LinkedHashMap<>();
        root.descendants().forEach(handle -> all.put(handle.pid(), handle));
        return all;
    }

    static void addPids(Map<Long, ProcessHandle> into, Collection<Long> pids) {
        for (long pid : pids) {
            if (!into.containsKey(pid)) {
                ProcessHandle.of(pid).ifPresent(handle -> into.put(pid, handle));
            }
        }
    }

    /**
     * Whether the process still runs: alive and not a zombie. A sandbox adopted after a worker restart is no child
     * of this JVM; once it exits it stays a zombie until its new parent reaps it, and {@link ProcessHandle#isAlive}
     * counts that as alive.
     */
    static boolean isRunning(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            int end = stat.lastIndexOf(')');
            char state = end >= 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : '?';
            return state != 'Z' && state != 'X' && process.isAlive();
        } catch (IOException e) {
            return process.isAlive() && Files.isDirectory(Path.of("/proc", Long.toString(process.pid())));
        }
    }

    /** SIGTERM ({@code force} false) or SIGKILL to each live process; never to this JVM. */
    static void signal(Collection<ProcessHandle> processes, boolean force) {
        long self = ProcessHandle.current().pid();
        for (ProcessHandle process : processes) {
            if (process.pid() == self || process.pid() <= 1) {
                continue;
            }
            if (force) {
                process.destroyForcibly();
            } else {
                process.destroy();
            }
        }
    }

    /** Processes whose environment holds exactly {@code name=value} (needs /proc and permission to read it). */
    static Map<Long, ProcessHandle> withEnvironmentEntry(String name, String value) {
        byte[] wanted = (name + "=" + value).getBytes(StandardCharsets.UTF_8);
        Map<Long, ProcessHandle> found = new LinkedHashMap<>();
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), ProcessTree::isPidDir)) {
            for (Path dir : proc) {
                long pid = Long.parseLong(dir.getFileName().toString());
                if (pid == self) {
                    continue;
                }
                byte[] environ;
                try {
                    environ = Files.readAllBytes(dir.resolve("environ"));
                } catch (IOException | SecurityException e) {
                    continue;
                }
                if (containsEntry(environ, wanted)) {
                    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
                    handle.ifPresent(h -> found.put(pid, h));
                }
            }
        } catch (IOException e) {
            // no /proc: nothing to find
        }
        return found;
    }

    private static boolean isPidDir(Path path) {
        String name = path.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }

    /** Whether NUL-separated {@code environ} has an entry equal to {@code entry}. */
    static boolean containsEntry(byte[] environ, byte[] entry) {
        int start = 0;
        for (int i = 0; i <= environ.length; i++) {
            if (i == environ.length || environ[i] == 0) {
                if (i - start == entry.length && Arrays.equals(environ, start, i, entry, 0, entry.length)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }
}
