package dev.holon.worker.execution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The files of one attempt, {@code <root>/<attemptId>/}: {@code work/} (the task's working directory and HOME,
 * 0700, owned by the tenant's user when per-tenant users are in effect), {@code stdout.log} and {@code stderr.log}
 * (0600, the worker's), {@code exit} (the exit status, written by the sandbox wrapper), {@code attempt.properties}
 * and {@code result.properties} (see {@link AttemptRecord}). The root and attempt directories are 0711: others may
 * pass through to their own working directory but list nothing.
 */
public final class TaskSandbox {

    static final Set<PosixFilePermission> PASS_THROUGH = PosixFilePermissions.fromString("rwx--x--x");
    static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private final Path directory;

    private TaskSandbox(Path directory) {
        this.directory = directory;
    }

    /** The layout of an existing (or finished) attempt; creates nothing. */
    public static TaskSandbox of(Path root, String attemptId) {
        return new TaskSandbox(root.resolve(TaskSpec.requireSafeId("attemptId", attemptId)));
    }

    /**
     * Creates the attempt's directories and empty log files. Fails if the attempt directory exists: an attempt runs
     * once, and its files are never mixed with another run's.
     */
    static TaskSandbox create(Path root, String attemptId, TenantUsers.UnixUser owner) throws IOException {
        prepareRoot(root);
        TaskSandbox sandbox = of(root, attemptId);
        Files.createDirectory(sandbox.directory, PosixFilePermissions.asFileAttribute(PASS_THROUGH));
        Files.setPosixFilePermissions(sandbox.directory, PASS_THROUGH);
        Files.createDirectory(sandbox.workDir(), PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
        Files.setPosixFilePermissions(sandbox.workDir(), OWNER_ONLY_DIR);
        if (owner != null) {
            Files.setAttribute(sandbox.workDir(), "unix:gid", owner.gid());
            Files.setAttribute(sandbox.workDir(), "unix:uid", owner.uid());
        }
        for (Path log : new Path[] {sandbox.stdout(), sandbox.stderr()}) {
            Files.createFile(log, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            Files.setPosixFilePermissions(log, OWNER_ONLY_FILE);
        }
        return sandbox;
    }

    /** Creates the root if needed and makes it 0711, so no task can list the attempts. */
    static void prepareRoot(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            Files.createDirectories(root);
        }
        if (!Files.getPosixFilePermissions(root).equals(PASS_THROUGH)) {
            Files.setPosixFilePermissions(root, PASS_THROUGH);
        }
    }

    public Path directory() {
        return directory;
    }

    public String attemptId() {
        return directory.getFileName().toString();
    }

    public Path workDir() {
        return directory.resolve("work");
    }

    public Path stdout() {
        return directory.resolve(LogStream.STDOUT.fileName());
    }

    public Path stderr() {
        return directory.resolve(LogStream.STDERR.fileName());
    }

    public Path log(LogStream stream) {
        return directory.resolve(stream.fileName());
    }

    Path exitFile() {
        return directory.resolve("exit");
    }

    Path recordFile() {
        return directory.resolve("attempt.properties");
    }

    Path resultFile() {
        return directory.resolve("result.properties");
    }

    /** Whether the attempt's process has ended (the wrapper wrote its exit status, or the worker its result). */
    boolean ended() {
        return Files.exists(resultFile()) || Files.exists(exitFile());
    }

    /** The exit status the wrapper wrote, or null when it has not (yet). */
    Integer exitStatus() {
        try {
            String text = Files.readString(exitFile()).trim();
            return text.isEmpty() ? null : Integer.valueOf(text);
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
