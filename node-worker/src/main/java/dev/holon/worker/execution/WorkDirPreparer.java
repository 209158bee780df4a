package dev.holon.worker.execution;

import java.nio.file.Path;
import java.util.Map;

/**
 * Fills an attempt's working directory after the sandbox made it and before the process starts (task staging).
 * {@code uid}/{@code gid} are the attempt's own (-1 when it runs as the worker's user): whatever is put there must end
 * up owned by them. Returns the variables the task gets in addition to the sandbox's; a {@link NotPrepared} ends the
 * attempt without a start, its message as the reason.
 */
@FunctionalInterface
public interface WorkDirPreparer {

    Map<String, String> prepare(Path workDir, int uid, int gid) throws NotPrepared;

    /** The working directory could not be prepared; the message is the attempt's reason as users see it. */
    final class NotPrepared extends Exception {
        public NotPrepared(String reason) {
            super(reason);
        }
    }
}
