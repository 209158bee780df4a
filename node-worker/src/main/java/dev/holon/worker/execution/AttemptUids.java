package dev.holon.worker.execution;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * Hands out one Unix uid per attempt from a machine-wide range, so two attempts never share a uid, not even of the
 * same tenant or of two workers on one machine. A uid is taken by holding an exclusive lock on
 * {@code <lockDir>/<uid>.lock} ({@link FileChannel#tryLock}) for the attempt's lifetime: the kernel drops the lock
 * when the worker dies, so nothing leaks. A uid that still owns a process (an attempt an earlier worker left
 * running) is skipped even when its lock is free. The uid needs no passwd entry ({@code setpriv --reuid}).
 * Thread-safe.
 */
final class AttemptUids {

    private static final Logger log = LoggerFactory.getLogger(AttemptUids.class);

    /** A uid held for one attempt; {@link #close()} gives it back. */
    static final class Lease implements AutoCloseable {

        private final int uid;
        private final FileChannel channel;
        private final FileLock lock;

        private Lease(int uid, FileChannel channel, FileLock lock) {
            this.uid = uid;
            this.channel = channel;
            this.lock = lock;
        }

        int uid() {
            return uid;
        }

        @Override
        public void close() {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                log.warn("cannot release the lock of uid {}: {}", uid, e.toString());
            }
        }
    }

    private final Path lockDir;
    private final int first;
    private final int count;

    AttemptUids(SandboxOptions.UidRange range) throws IOException {
        this.lockDir = range.lockDir();
        this.first = range.first();
        this.count = range.count();
        Files.createDirectories(lockDir);
        Files.setPosixFilePermissions(lockDir, PosixFilePermissions.fromString("rwx------"));
    }

    /**
     * A free uid for {@code attemptId}: the search starts at a place derived from the attempt id, so concurrent
     * workers rarely try the same uids.
     */
    Lease acquire(String attemptId) throws IOException {
        int start = Math.floorMod(attemptId.hashCode(), count);
        for (int i = 0; i < count; i++) {
            int uid = first + (start + i) % count;
            Lease lease = tryLock(uid);
            if (lease == null) {
                continue;
            }
            if (!hasProcesses(uid)) {
                return lease;
            }
            lease.close();
        }
        throw new IOException("no free uid in " + first + ".." + (first + count - 1));
    }

    /** The uid of an attempt taken over from an earlier worker; empty when another worker holds it. */
    Optional<Lease> reacquire(int uid) throws IOException {
        if (uid < first || uid >= first + count) {
            return Optional.empty();
        }
        return Optional.ofNullable(tryLock(uid));
    }

    private Lease tryLock(int uid) throws IOException {
        FileChannel channel = FileChannel.open(lockDir.resolve(uid + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return new Lease(uid, channel, lock);
            }
        } catch (OverlappingFileLockException heldByThisWorker) {
            // another attempt of this JVM has it
        }
        channel.close();
        return null;
    }

    /** Whether any process runs with {@code uid} as its real, effective, saved or filesystem uid. */
    static boolean hasProcesses(int uid) {
        String id = Integer.toString(uid);
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"),
                p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path process : processes) {
                List<String> status;
                try {
                    status = Files.readAllLines(process.resolve("status"));
                } catch (IOException gone) {
                    continue;
                }
                for (String line : status) {
                    if (line.startsWith("Uid:")) {
                        if (List.of(line.substring(4).trim().split("\\s+")).contains(id)) {
                            return true;
                        }
                        break;
                    }
                }
            }
        } catch (IOException e) {
            log.warn("cannot list processes to check uid {}: {}", uid, e.toString());
            return true;
        }
        return false;
    }
}
