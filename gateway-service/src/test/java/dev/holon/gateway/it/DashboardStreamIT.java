package dev.holon.gateway.it;

import dev.holon.contracts.Topics;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.contracts.event.EventTypes;
import dev.holon.contracts.node.NodeEvent;
import dev.holon.contracts.task.TaskEvent;
import dev.holon.contracts.task.TaskState;
import dev.holon.support.kafka.EnvelopeSerializer;
import dev.holon.testsupport.TestInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard's live stream on a real Kafka broker and real Keycloak tokens: node facts reach everyone, a
 * user gets only their tenant's task facts (an operator every tenant's), ids resume with Last-Event-ID, and an
 * unknown id is answered with a reset. No token: 401.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.cloud.config.enabled=false",
        "holon.gateway.stream.keepalive=PT1S"})
class DashboardStreamIT {

    static KafkaProducer<String, EventEnvelope<?>> producer;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry properties) {
        TestInfrastructure.registerIssuer(properties);
        properties.add("spring.kafka.bootstrap-servers", () -> TestInfrastructure.kafka().bootstrapServers());
    }

    @BeforeAll
    static void producer() {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, EnvelopeSerializer.class));
    }

    @AfterAll
    static void close() {
        producer.close();
    }

    record Event(String id, String event, String data) {
    }

    /** Reads SSE events of an open stream into a list, on a thread of its own. */
    static final class Reader {
        final List<Event> events = new CopyOnWriteArrayList<>();
        final List<String> comments = new CopyOnWriteArrayList<>();
        final HttpResponse<Stream<String>> response;

        Reader(int port, String token, String lastEventId) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/stream"))
                    .header("Accept", "text/event-stream");
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() == 200) {
                Thread.ofVirtual().start(() -> {
                    String[] current = new String[3];
                    response.body().forEach(line -> {
                        if (line.isEmpty()) {
                            if (current[2] != null) {
                                events.add(new Event(current[0], current[1], current[2]));
                            }
                            current[0] = current[1] = current[2] = null;
                        } else if (line.startsWith(":")) {
                            comments.add(line);
                        } else if (line.startsWith("id:")) {
                            current[0] = line.substring(3).trim();
                        } else if (line.startsWith("event:")) {
                            current[1] = line.substring(6).trim();
                        } else if (line.startsWith("data:")) {
                            current[2] = line.substring(5).trim();
                        }
                    });
                });
            }
        }

        boolean has(String marker) {
            return events.stream().anyMatch(e -> e.data().contains(marker));
        }
    }

    void publish(String topic, String key, String tenant, Object data) {
        producer.send(new ProducerRecord<>(topic, key, new EventEnvelope<>(UUID.randomUUID().toString(),
                EventTypes.typeOf(data.getClass()), "test", Instant.now(), key, tenant, 1, data)));
        producer.flush();
    }

    /** Waits until the gateway's consumer has joined (it reads from the latest offset): a probe fact arrives. */
    void awaitConsuming(Reader reader) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            String probe = "probe-" + UUID.randomUUID();
            publish(Topics.NODE_EVENTS, probe, null, new NodeEvent.NodeUp(probe, Instant.now()));
            return reader.events.stream().anyMatch(e -> e.data().contains("probe-"));
        });
    }

    @Test
    void nodeFactsForEveryoneTaskFactsOnlyForTheirTenantAndResumeAfterLastEventId() throws Exception {
        var tokens = TestInfrastructure.tokens();
        String demoToken = tokens.demo();
        Reader demo = new Reader(port, demoToken, null);
        Reader operator = new Reader(port, tokens.operator(), null);
        assertThat(demo.response.statusCode()).isEqualTo(200);
        assertThat(demo.response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        awaitConsuming(demo);
        await().atMost(Duration.ofSeconds(10)).until(() -> !operator.events.isEmpty());

        String nodeId = "node-" + UUID.randomUUID();
        String ownJob = "job-own-" + UUID.randomUUID();
        String otherJob = "job-other-" + UUID.randomUUID();
        publish(Topics.NODE_EVENTS, nodeId, null, new NodeEvent.NodeDown(nodeId, Instant.now()));
        publish(Topics.TASK_EVENTS, otherJob, "acme", new TaskEvent.TaskStateChanged(otherJob, "t1", "a1", 0,
                TaskState.PENDING, TaskState.SCHEDULED, "n1", null));
        publish(Topics.TASK_EVENTS, ownJob, "default", new TaskEvent.TaskStateChanged(ownJob, "t2", "a2", 0,
                TaskState.PENDING, TaskState.SCHEDULED, "n1", null));

        await().atMost(Duration.ofSeconds(20)).until(() -> demo.has(ownJob) && operator.has(ownJob) && operator.has(otherJob));
        assertThat(demo.has(nodeId)).isTrue();
        assertThat(demo.has(otherJob)).as("another tenant's task fact").isFalse();
        Event down = demo.events.stream().filter(e -> e.data().contains(nodeId)).findFirst().orElseThrow();
        assertThat(down.event()).isEqualTo("holon.node.NodeDown");
        assertThat(down.id()).matches("[0-9a-f]{8}-\\d+");

        // Resume: a new connection with the NodeDown's id gets what came after it (for this viewer), not before.
        Reader resumed = new Reader(port, demoToken, down.id());
        await().atMost(Duration.ofSeconds(10)).until(() -> resumed.has(ownJob));
        assertThat(resumed.has(nodeId)).isFalse();
        assertThat(resumed.has(otherJob)).isFalse();
        assertThat(resumed.events.getFirst().event()).isNotEqualTo("reset");

        // An id this replica never gave out: reset first (reload over REST), then live facts.
        Reader unknown = new Reader(port, demoToken, "00000000-5");
        await().atMost(Duration.ofSeconds(10)).until(() -> !unknown.events.isEmpty());
        assertThat(unknown.events.getFirst().event()).isEqualTo("reset");

        // Idle streams get keepalive comments.
        await().atMost(Duration.ofSeconds(10)).until(() -> !demo.comments.isEmpty());
    }

    @Test
    void withoutATokenTheStreamIsRefused() throws Exception {
        Reader anonymous = new Reader(port, null, null);
        assertThat(anonymous.response.statusCode()).isEqualTo(401);
    }

    @Test
    void theDashboardIsServedWithItsLoginConfigurationAndThePinnedChartLibrary() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> index = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("/dashboard/app.js");
        HttpResponse<String> config = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/dashboard/config.json")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(config.body()).contains("\"clientId\":\"holon-dashboard\"").contains(TestInfrastructure.keycloak().issuerUri());
        HttpResponse<String> uplot = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/webjars/uplot/1.6.30/dist/uPlot.esm.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(uplot.statusCode()).isEqualTo(200);
        assertThat(uplot.body()).contains("export");
    }
}
