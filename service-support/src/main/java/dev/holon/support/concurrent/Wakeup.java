package dev.holon.support.concurrent;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a piece of work soon on a thread of its own, without waiting for its next scheduled run. Requests while one
 * is queued coalesce; one that arrives while the work runs queues the next, so nothing requested meanwhile is left
 * for the schedule. After {@link #close()} requests are dropped (the schedule stays the safety net).
 */
public final class Wakeup implements AutoCloseable {

    private final Runnable work;
    private final ExecutorService thread;
    private final AtomicBoolean queued = new AtomicBoolean();

    public Wakeup(String threadName, Runnable work) {
        this.work = work;
        this.thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name(threadName).daemon().factory());
    }

    public void request() {
        if (queued.compareAndSet(false, true)) {
            try {
                thread.execute(() -> {
                    queued.set(false);
                    work.run();
                });
            } catch (RejectedExecutionException closed) {
                queued.set(false);
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
