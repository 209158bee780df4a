package dev.holon.worker.heartbeat;

import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.node.NodeHeartbeat;
import dev.holon.contracts.node.NodeResources;
import dev.holon.contracts.node.NodeUsage;
import dev.holon.support.kafka.Envelopes;
import dev.holon.worker.identity.NodeIdentity;
import dev.holon.worker.identity.NodeLabels;
import dev.holon.worker.metrics.MachineProbe;
import dev.holon.worker.metrics.NodeInventory;
import dev.holon.worker.registration.EnrolmentStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

class HeartbeatPublisherTest {

    private static final String NODE = "019ab2b1-7c3e-7d4a-9f00-1234567890ab";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T06:18:28.123Z"), ZoneOffset.UTC);

    @SuppressWarnings("unchecked")
    private final KafkaTemplate<String, EventEnvelope<?>> kafka = mock(KafkaTemplate.class);
    private final EnrolmentStatus enrolment = mock(EnrolmentStatus.class);
    private final MachineProbe probe = mock(MachineProbe.class);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<NodeHeartbeat> overRest = new java.util.concurrent.CopyOnWriteArrayList<>();
    private HeartbeatPublisher publisher;

    @BeforeEach
    void setUp() {
        when(probe.inventory()).thenReturn(new NodeInventory(new NodeResources(4000, 8192, 0, 100_000), List.of()));
        when(probe.sampleUsage()).thenReturn(new NodeUsage(0.25, 1.5, 4096, 50_000));
        publisher = new HeartbeatPublisher(kafka, new NodeIdentity(NODE, "host-1", NodeLabels.parse("zone=a")), probe,
                enrolment, new Envelopes("/node-worker/42", CLOCK), Duration.ofSeconds(1), CLOCK, meters, overRest::add);
    }

    @Test
    void sendsNothingBeforeTheNodeIsEnrolled() {
        when(enrolment.isEnrolled()).thenReturn(false);

        publisher.beatSafely();

        verifyNoInteractions(kafka);
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void sendsAnEnvelopedHeartbeatKeyedByNodeIdWithAGrowingSequence() {
        when(enrolment.isEnrolled()).thenReturn(true);
        when(kafka.send(anyString(), anyString(), any())).thenReturn(CompletableFuture.completedFuture(mock(SendResult.class)));

        publisher.beatSafely();
        publisher.beatSafely();

        ArgumentCaptor<EventEnvelope> sent = ArgumentCaptor.forClass(EventEnvelope.class);
        verify(kafka, times(2)).send(eq(Topics.NODE_HEARTBEATS), eq(NODE), sent.capture());
        EventEnvelope<NodeHeartbeat> first = sent.getAllValues().get(0);
        EventEnvelope<NodeHeartbeat> second = sent.getAllValues().get(1);
        assertThat(first.type()).isEqualTo("holon.node.NodeHeartbeat");
        assertThat(first.subject()).isEqualTo(NODE);
        assertThat(first.source()).isEqualTo("/node-worker/42");
        assertThat(first.tenant()).isNull();
        assertThat(first.data().capacity().cpuMillis()).isEqualTo(4000);
        assertThat(first.data().usage().cpuLoad()).isEqualTo(0.25);
        assertThat(first.data().labels()).containsEntry("zone", "a");
        assertThat(first.data().sentAt()).isEqualTo(CLOCK.instant());
        assertThat(first.data().sequence()).isEqualTo(CLOCK.millis() + 1);
        assertThat(second.data().sequence()).isEqualTo(first.data().sequence() + 1);
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(meters.counter("holon.worker.heartbeats", "result", "sent").count()).isEqualTo(2);
    }

    @Test
    void dropsAHeartbeatTheBrokerDidNotTakeAndKeepsGoing() {
        when(enrolment.isEnrolled()).thenReturn(true);
        when(kafka.send(anyString(), anyString(), any()))
                .thenReturn(CompletableFuture.failedFuture(new TimeoutException("Expiring 1 record(s)")))
                .thenThrow(new org.springframework.kafka.KafkaException("Send failed", new TimeoutException("max.block.ms")));

        assertThatCode(() -> {
            publisher.beatSafely();
            publisher.beatSafely();
        }).doesNotThrowAnyException();

        assertThat(meters.counter("holon.worker.heartbeats", "result", "dropped").count()).isEqualTo(2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void whileTheBrokerLagsHeartbeatsAlsoGoToTheRegistryOverRest() {
        when(enrolment.isEnrolled()).thenReturn(true);
        CompletableFuture<SendResult<String, EventEnvelope<?>>> stuck = new CompletableFuture<>();
        when(kafka.send(anyString(), anyString(), any()))
                .thenReturn(stuck)
                .thenReturn(new CompletableFuture<>())
                .thenReturn(CompletableFuture.completedFuture(mock(SendResult.class)))
                .thenReturn(CompletableFuture.completedFuture(mock(SendResult.class)));

        publisher.beatSafely();
        assertThat(overRest).as("the first heartbeat: nothing known to lag yet").isEmpty();
        publisher.beatSafely();
        await().atMost(Duration.ofSeconds(5)).until(() -> overRest.size() == 1);
        assertThat(overRest.getFirst().nodeId()).isEqualTo(NODE);
        assertThat(overRest.getFirst().sequence()).isEqualTo(CLOCK.millis() + 2);

        stuck.complete(mock(SendResult.class));
        publisher.beatSafely();
        publisher.beatSafely();
        assertThat(overRest).as("the broker took them again").hasSize(1);
        assertThat(meters.counter("holon.worker.heartbeats", "result", "sent-over-rest").count()).isEqualTo(1);
    }
}
