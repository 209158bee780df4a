package dev.holon.gateway.audit;

import dev.holon.contracts.Topics;
import dev.holon.contracts.audit.AuditFact;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.support.kafka.Envelopes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The buffer and counters alone; GatewayAuditIT publishes to the real Kafka. */
class AuditPublisherTest {

    @SuppressWarnings("unchecked")
    final KafkaTemplate<String, EventEnvelope<?>> kafka = mock(KafkaTemplate.class);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Envelopes envelopes = new Envelopes("/test", Clock.systemUTC());
    AuditPublisher publisher;

    static AuditFact fact(String tenant) {
        return new AuditFact("alice", tenant, "http.post", "/api/v1/jobs", AuditFact.SUCCESS, 201, null, "127.0.0.1",
                Instant.now());
    }

    double dropped(String reason) {
        return meters.get("holon.gateway.audit.dropped").tag("reason", reason).counter().count();
    }

    @AfterEach
    void stop() {
        if (publisher != null) {
            publisher.stop();
        }
    }

    @Test
    void aFullBufferDropsAndCountsInsteadOfWaiting() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        when(kafka.send(anyString(), anyString(), any())).thenAnswer(call -> {
            release.await(10, TimeUnit.SECONDS); // Kafka hangs
            return new CompletableFuture<SendResult<String, EventEnvelope<?>>>();
        });
        publisher = new AuditPublisher(kafka, envelopes, 2, Duration.ofMillis(100), meters);
        publisher.start();

        long start = System.nanoTime();
        int accepted = 0;
        for (int i = 0; i < 10; i++) {
            accepted += publisher.offer(fact("acme")) ? 1 : 0;
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("never waits").isLessThan(Duration.ofSeconds(1));
        assertThat(accepted).isBetween(2, 3); // two buffered, maybe one already taken by the sender
        assertThat(dropped("buffer-full")).isEqualTo(10 - accepted);
        release.countDown();
    }

    @Test
    void sendsKeyedByTenantOrDashAndCountsFailedSends() {
        when(kafka.send(anyString(), anyString(), any())).thenReturn(CompletableFuture.failedFuture(new IllegalStateException("broker gone")));
        publisher = new AuditPublisher(kafka, envelopes, 10, Duration.ofMillis(100), meters);
        publisher.start();

        publisher.offer(fact("acme"));
        publisher.offer(fact(null));

        await().atMost(Duration.ofSeconds(5)).until(() -> dropped("send-failed") == 2);
        verify(kafka).send(eq(Topics.AUDIT), eq("acme"), any());
        verify(kafka).send(eq(Topics.AUDIT), eq("-"), any());
    }

    @Test
    void aSendThatThrowsDoesNotStopTheSender() {
        when(kafka.send(anyString(), anyString(), any())).thenThrow(new IllegalStateException("no metadata"))
                .thenReturn(CompletableFuture.completedFuture(null));
        publisher = new AuditPublisher(kafka, envelopes, 10, Duration.ofMillis(100), meters);
        publisher.start();

        publisher.offer(fact("acme"));
        publisher.offer(fact("acme"));

        await().atMost(Duration.ofSeconds(5)).until(() ->
                meters.get("holon.gateway.audit.published").counter().count() == 1);
        assertThat(dropped("send-failed")).isEqualTo(1);
    }
}
