package dev.holon.support;

import dev.holon.contracts.Ids;
import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.node.NodeEvent;
import dev.holon.support.kafka.ProcessedEvents;
import dev.holon.support.outbox.Outbox;
import dev.holon.testsupport.TestInfrastructure;
import dev.holon.testsupport.TopicRecorder;
import dev.holon.support.kafka.EnvelopeDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The outbox and consumer dedupe against real PostgreSQL and Kafka. */
@SpringBootTest(classes = OutboxIT.App.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.application.name=outbox-it", "holon.outbox.poll-interval=PT0.1S", "spring.cloud.config.enabled=false"})
class OutboxIT {

    @SpringBootApplication
    static class App {
    }

    static TopicRecorder<EventEnvelope<Object>> nodeEvents;

    @Autowired
    Outbox outbox;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    ProcessedEvents processedEvents;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.registerDatabaseAndKafka(registry, "outbox_it");
    }

    @BeforeAll
    static void readTopic() {
        nodeEvents = new TopicRecorder<>(TestInfrastructure.kafka().bootstrapServers(), Topics.NODE_EVENTS, new EnvelopeDeserializer());
    }

    @AfterAll
    static void stopReading() throws InterruptedException {
        nodeEvents.close();
    }

    @Test
    void committedFactsArriveInOrderInTheEnvelope() {
        String node = Ids.newId();
        transactions.executeWithoutResult(status -> {
            outbox.publish(Topics.NODE_EVENTS, node, null, new NodeEvent.NodeCordoned(node, "alice"));
            outbox.publish(Topics.NODE_EVENTS, node, null, new NodeEvent.NodeUncordoned(node, "alice"));
            outbox.publish(Topics.NODE_EVENTS, node, null, new NodeEvent.NodeDrainRequested(node, "bob"));
        });

        await().atMost(Duration.ofSeconds(20)).until(() -> factsFor(node).size() == 3);
        List<EventEnvelope<Object>> facts = factsFor(node);
        assertThat(facts).extracting(EventEnvelope::type).containsExactly(
                "holon.node.NodeCordoned", "holon.node.NodeUncordoned", "holon.node.NodeDrainRequested");
        assertThat(facts.getFirst().data()).isEqualTo(new NodeEvent.NodeCordoned(node, "alice"));
        assertThat(facts.getFirst().source()).startsWith("/outbox-it/");
        assertThat(facts).extracting(EventEnvelope::id).doesNotHaveDuplicates();
    }

    @Test
    void aRolledBackChangePublishesNothing() {
        String rolledBack = Ids.newId();
        String committed = Ids.newId();
        transactions.executeWithoutResult(status -> {
            outbox.publish(Topics.NODE_EVENTS, rolledBack, null, new NodeEvent.NodeCordoned(rolledBack, "alice"));
            status.setRollbackOnly();
        });
        transactions.executeWithoutResult(status ->
                outbox.publish(Topics.NODE_EVENTS, committed, null, new NodeEvent.NodeCordoned(committed, "alice")));

        await().atMost(Duration.ofSeconds(20)).until(() -> !factsFor(committed).isEmpty());
        assertThat(factsFor(rolledBack)).isEmpty();
    }

    @Test
    void refusesToPublishOutsideATransaction() {
        String node = Ids.newId();
        assertThatThrownBy(() -> outbox.publish(Topics.NODE_EVENTS, node, null, new NodeEvent.NodeCordoned(node, "x")))
                .isInstanceOf(IllegalTransactionStateException.class);
    }

    @Test
    void aConsumerHandlesEachEventOnce() {
        String eventId = Ids.newId();
        assertThat(firstDelivery("scheduler", eventId)).isTrue();
        assertThat(firstDelivery("scheduler", eventId)).isFalse();
        assertThat(firstDelivery("storage", eventId)).isTrue();
    }

    private boolean firstDelivery(String consumer, String eventId) {
        Boolean first = transactions.execute(status -> processedEvents.firstDelivery(consumer, eventId));
        return Boolean.TRUE.equals(first);
    }

    private static List<EventEnvelope<Object>> factsFor(String subject) {
        return nodeEvents.valuesFor(subject);
    }
}
