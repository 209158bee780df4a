package dev.holon.localcluster.process;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a started process to become ready. Fails early when the process dies, and on timeout, in
 * both cases with the tail of its log so the reader sees why without opening it.
 */
public final class Readiness {

    private static final int TAIL_LINES = 20;

    private Readiness() {
    }

    public static void await(ChildProcess process, String what, Duration timeout, BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 100;
        while (true) {
            if (safely(ready)) {
                return;
            }
            if (process != null && !process.isAlive()) {
                // It may have become ready just before exiting (a wrapper script); look once more.
                if (safely(ready)) {
                    return;
                }
                throw new StartupFailedException("%s exited before %s. Last lines of its log:%n%s"
                        .formatted(process.name(), what, LogTail.excerpt(process.logFile(), TAIL_LINES)));
            }
            if (System.nanoTime() > deadline) {
                String name = process == null ? what : process.name();
                throw new StartupFailedException("%s: timed out after %d s waiting until %s.%s".formatted(name,
                        timeout.toSeconds(), what, process == null ? ""
                                : " Last lines of its log:%n%s".formatted(LogTail.excerpt(process.logFile(), TAIL_LINES))));
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartupFailedException("interrupted while waiting until " + what, e);
            }
            pause = Math.min(1000, pause * 2);
        }
    }

    private static boolean safely(BooleanSupplier check) {
        try {
            return check.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
