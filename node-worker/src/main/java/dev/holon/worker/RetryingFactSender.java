package dev.holon.worker;

import dev.holon.contracts.event.EventEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends a worker's facts to Kafka and retries one that failed, the n-th retry n seconds after the last, up to
 * {@link #MAX_TRIES} tries. The producer drops a record after a few seconds (it is tuned for heartbeats); a task
 * report or a corruption is worth more. Every try sends the same envelope (one id), so consumers dedupe resends.
 * Retries wait on a thread of their own: the common ForkJoin pool's threads do not see the application's class
 * loader in a Boot jar, and the Kafka client fails there with NoClassDefFoundError.
 */
public final class RetryingFactSender implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RetryingFactSender.class);
    static final int MAX_TRIES = 10;

    private final KafkaTemplate<String, EventEnvelope<?>> kafka;
    private final ScheduledExecutorService retries;

    public RetryingFactSender(KafkaTemplate<String, EventEnvelope<?>> kafka, String threadName) {
        this.kafka = kafka;
        this.retries = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name(threadName).factory());
    }

    /** Sends {@code envelope} on {@code topic} under {@code key}; {@code what} names it in the log if it is lost. */
    public void send(String topic, String key, EventEnvelope<?> envelope, String what) {
        send(topic, key, envelope, what, 1);
    }

    private void send(String topic, String key, EventEnvelope<?> envelope, String what, int attempt) {
        CompletableFuture<?> sent;
        try {
            sent = kafka.send(topic, key, envelope);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((result, error) -> {
            if (error == null) {
                return;
            }
            if (attempt >= MAX_TRIES) {
                log.warn("{} not delivered after {} tries: {}", what, attempt, error.toString());
                return;
            }
            retries.schedule(() -> send(topic, key, envelope, what, attempt + 1), attempt, TimeUnit.SECONDS);
        });
    }

    @Override
    public void close() {
        retries.shutdownNow();
    }
}
