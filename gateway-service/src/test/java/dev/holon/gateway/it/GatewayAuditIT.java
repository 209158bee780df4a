package dev.holon.gateway.it;

import dev.holon.contracts.Ids;
import dev.holon.contracts.Topics;
import dev.holon.contracts.audit.AuditFact;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.support.kafka.EnvelopeDeserializer;
import dev.holon.support.kafka.EnvelopeJson;
import dev.holon.testsupport.TestInfrastructure;
import dev.holon.testsupport.TopicRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's audit facts on the real Kafka of test-support ({@code holon.audit}), read back with a
 * {@link TopicRecorder}: mutating requests that reached a service, refused tokens and forbidden requests, keyed by
 * tenant, never with a token or a body.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.cloud.config.enabled=false",
        "holon.gateway.stream.enabled=false",
        "holon.gateway.rate-limit-per-second=1000"})
class GatewayAuditIT {

    static final RegistryStandIn registry = RegistryStandIn.start();
    static final SchedulerStandIn scheduler = SchedulerStandIn.start("only");
    static final AuthStandIn auth = AuthStandIn.start();
    static TopicRecorder<EventEnvelope<Object>> audit;

    @LocalServerPort
    int port;

    GatewayClient gateway;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry properties) {
        TestInfrastructure.registerIssuer(properties);
        properties.add("spring.kafka.bootstrap-servers", () -> TestInfrastructure.kafka().bootstrapServers());
        properties.add("holon.gateway.registry-url", registry::url);
        properties.add("holon.gateway.scheduler-url", scheduler::url);
        properties.add("holon.gateway.tokens.exchange-url", auth::url);
    }

    @BeforeAll
    static void record() {
        audit = new TopicRecorder<>(TestInfrastructure.kafka().bootstrapServers(), Topics.AUDIT,
                new EnvelopeDeserializer());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        audit.close();
        registry.close();
        scheduler.close();
        auth.close();
    }

    @BeforeEach
    void setUp() {
        gateway = new GatewayClient(port);
    }

    /** The first fact under the key that matches, once it arrived, with its envelope. */
    static EventEnvelope<Object> awaitFact(String key, Predicate<AuditFact> matching) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                audit.valuesFor(key).stream().filter(e -> e.data() instanceof AuditFact f && matching.test(f))
                        .findFirst().orElse(null), java.util.Objects::nonNull);
    }

    static AuditFact data(EventEnvelope<Object> envelope) {
        return (AuditFact) envelope.data();
    }

    HttpResponse<String> send(String method, String path, String token, String body) {
        HttpRequest.Builder request = gateway.request(path).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return gateway.send(request.build());
    }

    @Test
    void aMutatingRequestIsAuditedWithoutItsQueryBodyOrToken() {
        String token = TestKeycloak.tokens().demo();
        String marker = Ids.newId();
        Instant before = Instant.now();

        HttpResponse<String> submitted = send("POST", "/api/v1/jobs?note=" + marker, token,
                "{\"name\":\"secret-" + marker + "\"}");
        assertThat(submitted.statusCode()).isEqualTo(201);

        EventEnvelope<Object> envelope = awaitFact("default", f -> f.action().equals("http.post")
                && f.at().isAfter(before.minusSeconds(1)) && f.actor().equals("demo"));
        AuditFact fact = data(envelope);
        assertThat(fact.tenant()).isEqualTo("default");
        assertThat(fact.target()).isEqualTo("/api/v1/jobs");
        assertThat(fact.outcome()).isEqualTo(AuditFact.SUCCESS);
        assertThat(fact.status()).isEqualTo(201);
        assertThat(fact.sourceIp()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(envelope.type()).isEqualTo("holon.audit.AuditFact");
        assertThat(envelope.tenant()).isEqualTo("default");
        String json = new String(EnvelopeJson.write(envelope), StandardCharsets.UTF_8);
        assertThat(json).doesNotContain(marker).doesNotContain(token).doesNotContain(token.split("\\.")[1]);
    }

    @Test
    void aFailedMutationIsAuditedAsFailedAndAReadIsNot() {
        String token = TestKeycloak.tokens().operator();
        String read = "/api/v1/nodes/" + Ids.newId();
        assertThat(gateway.get(read, token).statusCode()).isEqualTo(404);

        String gone = "/api/v1/nodes/" + Ids.newId();
        assertThat(send("DELETE", gone, token, null).statusCode()).isEqualTo(404);

        AuditFact fact = data(awaitFact("default", f -> f.target().equals(gone)));
        assertThat(fact.action()).isEqualTo("http.delete");
        assertThat(fact.actor()).isEqualTo("operator");
        assertThat(fact.outcome()).isEqualTo(AuditFact.FAILED);
        assertThat(fact.status()).isEqualTo(404);
        assertThat(audit.valuesFor("default")).as("a read that was not refused is not audited")
                .noneMatch(e -> ((AuditFact) e.data()).target().equals(read));
    }

    @Test
    void aMissingOrBadTokenIsAuditedAsRejectedByAnonymous() {
        String missing = "/api/v1/nodes/" + Ids.newId();
        String bad = "/api/v1/nodes/" + Ids.newId();
        assertThat(gateway.get(missing).statusCode()).isEqualTo(401);
        String forged = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.c2lnbmF0dXJl";
        assertThat(gateway.get(bad, forged).statusCode()).isEqualTo(401);
        assertThat(send("POST", "/api/v1/jobs", "hol_unknown-" + Ids.newId(), "{}").statusCode()).isEqualTo(401);

        AuditFact noToken = data(awaitFact("-", f -> f.target().equals(missing)));
        assertThat(noToken.action()).isEqualTo("auth.token-rejected");
        assertThat(noToken.actor()).isEqualTo("anonymous");
        assertThat(noToken.tenant()).isNull();
        assertThat(noToken.outcome()).isEqualTo(AuditFact.DENIED);
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.detail()).isEqualTo("no token");
        EventEnvelope<Object> badToken = awaitFact("-", f -> f.target().equals(bad));
        assertThat(data(badToken).detail()).isEqualTo("token rejected");
        assertThat(new String(EnvelopeJson.write(badToken), StandardCharsets.UTF_8)).doesNotContain(forged);
        AuditFact pat = data(awaitFact("-", f -> f.action().equals("auth.token-rejected")
                && f.target().equals("/api/v1/jobs")));
        assertThat(pat.detail()).contains("personal access token");
    }

    @Test
    void aForbiddenRequestIsAuditedWithWhoTriedAndWhy() {
        String pat = auth.issue("alice", "acme", List.of("/tenants/acme"), List.of("user"), "read");
        String marker = "/api/v1/jobs/" + Ids.newId() + "/cancel";

        assertThat(send("POST", marker, pat, null).statusCode()).isEqualTo(403);

        AuditFact fact = data(awaitFact("acme", f -> f.target().equals(marker)));
        assertThat(fact.action()).isEqualTo("auth.forbidden");
        assertThat(fact.actor()).isEqualTo("alice");
        assertThat(fact.tenant()).isEqualTo("acme");
        assertThat(fact.outcome()).isEqualTo(AuditFact.DENIED);
        assertThat(fact.detail()).contains("'jobs'").contains("personal access token " + auth.tokenIdOf(pat));
    }

    @Test
    void publishedFactsAreCounted() {
        String token = TestKeycloak.tokens().demo();
        send("POST", "/api/v1/jobs", token, "{}");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(gateway.get("/actuator/prometheus").body())
                        .containsPattern("holon_gateway_audit_published_total(\\{[^}]*})? [1-9]")
                        .contains("holon_gateway_audit_dropped_total{reason=\"buffer-full\"} 0.0"));
    }
}
