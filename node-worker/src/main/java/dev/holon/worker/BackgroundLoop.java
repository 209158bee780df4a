package dev.holon.worker;

import org.springframework.context.SmartLifecycle;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A worker loop on one daemon thread of its own, from context start to context stop: subclasses schedule their work
 * in {@link #started}. After stop the executor is gone, so work that notices {@link #isStopping()} ends quietly.
 */
public abstract class BackgroundLoop implements SmartLifecycle {

    private final String threadName;
    private volatile ScheduledExecutorService executor;

    protected BackgroundLoop(String threadName) {
        this.threadName = threadName;
    }

    /** Schedules the loop's work; called once per start. */
    protected abstract void started(ScheduledExecutorService executor);

    @Override
    public void start() {
        ScheduledExecutorService created = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name(threadName).factory());
        executor = created;
        started(created);
    }

    @Override
    public void stop() {
        ScheduledExecutorService running = executor;
        executor = null;
        if (running != null) {
            running.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }

    /** The executor while running; null once stopped. */
    protected ScheduledExecutorService executor() {
        return executor;
    }

    protected boolean isStopping() {
        return executor == null || Thread.currentThread().isInterrupted();
    }
}
