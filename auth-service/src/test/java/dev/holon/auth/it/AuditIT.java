package dev.holon.auth.it;

import dev.holon.contracts.Topics;
import dev.holon.contracts.audit.AuditFact;
import dev.holon.contracts.event.EventEnvelope;
import dev.holon.support.kafka.EnvelopeSerializer;
import dev.holon.support.kafka.Envelopes;
import dev.holon.testsupport.ApiClient;
import dev.holon.testsupport.TestInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The audit log: everyone's facts on holon.audit, stored once, queried by admins. */
class AuditIT extends AuthServiceIT {

    @Test
    void factsFromAnyServiceAreStoredOnceAndQueriedByAdminsWithFiltersAndPages() throws Exception {
        String actor = unique("gw-user");
        Envelopes envelopes = new Envelopes("/gateway-service/it", Clock.systemUTC());
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        EventEnvelope<AuditFact> first = envelopes.wrap("default", "default",
                new AuditFact(actor, "default", "http.post", "/api/v1/jobs", AuditFact.SUCCESS, 201, null, "10.0.0.7", at));
        EventEnvelope<AuditFact> second = envelopes.wrap("default", "default",
                new AuditFact(actor, "default", "auth.login-failed", "/api/v1/jobs", AuditFact.DENIED, 401,
                        "token expired", "10.0.0.7", at.plusMillis(5)));
        try (KafkaProducer<String, EventEnvelope<?>> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers()),
                new StringSerializer(), new EnvelopeSerializer())) {
            producer.send(new ProducerRecord<>(Topics.AUDIT, "default", first)).get();
            producer.send(new ProducerRecord<>(Topics.AUDIT, "default", first)).get(); // redelivered
            producer.send(new ProducerRecord<>(Topics.AUDIT, "default", second)).get();
        }
        String admin = tokens.admin();
        String query = "/api/v1/audit?user=" + actor;
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get(query, admin).json().path("items").size() == 2);

        JsonNode items = api.get(query, admin).json().path("items");
        assertThat(items.get(0).path("id").asString()).isEqualTo(first.id());
        assertThat(items.get(0).path("action").asString()).isEqualTo("http.post");
        assertThat(items.get(0).path("sourceIp").asString()).isEqualTo("10.0.0.7");
        assertThat(items.get(0).path("source").asString()).isEqualTo("/gateway-service/it");
        assertThat(Instant.parse(items.get(0).path("at").asString())).isEqualTo(at);
        assertThat(items.get(1).path("outcome").asString()).isEqualTo("denied");
        assertThat(items.get(1).path("status").asInt()).isEqualTo(401);

        JsonNode page = api.get(query + "&limit=1", admin).json();
        assertThat(page.path("items")).hasSize(1);
        JsonNode rest = api.get(query + "&limit=1&cursor=" + page.path("nextCursor").asString(), admin).json();
        assertThat(rest.path("items")).singleElement().satisfies(e -> assertThat(e.path("id").asString()).isEqualTo(second.id()));
        assertThat(rest.path("nextCursor").isNull() || rest.path("nextCursor").isMissingNode()).isTrue();
        assertThat(api.get(query + "&after=" + first.id(), admin).json().path("items")).hasSize(1);
        assertThat(api.get(query + "&action=auth.*", admin).json().path("items")).hasSize(1);
        assertThat(api.get(query + "&action=http.post&tenant=default", admin).json().path("items")).hasSize(1);
        assertThat(api.get(query + "&tenant=other", admin).json().path("items")).isEmpty();
        assertThat(api.get(query + "&from=" + at.plusMillis(1) + "&to=" + at.plusSeconds(1), admin).json().path("items"))
                .singleElement().satisfies(e -> assertThat(e.path("id").asString()).isEqualTo(second.id()));

        assertProblem(api.get(query, tokens.demo()), 403, "/problems/forbidden");
        assertProblem(api.get(query, tokens.operator()), 403, "/problems/forbidden");
        assertProblem(api.get("/api/v1/audit?from=yesterday", admin), 400, "/problems/validation");
        assertProblem(api.get("/api/v1/audit?limit=501", admin), 400, "/problems/validation");
    }

    @Test
    void authServicesOwnActionsAreAudited() {
        String admin = tokens.admin();
        String tenant = unique("audited");
        assertThat(post("/api/v1/tenants", admin, "{\"name\":\"" + tenant + "\"}").status()).isEqualTo(201);
        assertThat(put("/api/v1/tenants/" + tenant + "/quota", admin, "{\"gpus\":2}").status()).isEqualTo(200);
        assertThat(put("/api/v1/tenants/" + tenant + "/members/alice", admin, null).status()).isEqualTo(201);
        ApiClient.Response pat = post("/api/v1/tokens", tokens.alice(),
                "{\"name\":\"a\",\"scopes\":[\"read\"],\"tenant\":\"" + tenant + "\"}");
        assertThat(pat.status()).as(pat.body()).isEqualTo(201);
        String patId = pat.json().path("id").asString();
        assertThat(delete("/api/v1/tokens/" + patId, tokens.alice()).status()).isEqualTo(204);
        post("/api/v1/tokens/exchange", tokens.service(), PatIT.exchange(pat.json().path("token").asString()));
        assertThat(delete("/api/v1/tenants/" + tenant + "/members/alice", admin).status()).isEqualTo(204);
        assertThat(delete("/api/v1/tenants/" + tenant, admin).status()).isEqualTo(204);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode items = api.get("/api/v1/audit?tenant=" + tenant, admin).json().path("items");
            assertThat(items).extracting(e -> e.path("action").asString() + ":" + e.path("outcome").asString()
                    + ":" + e.path("actor").asString()).containsExactly(
                    "tenant.created:success:admin", "quota.changed:success:admin", "member.added:success:admin",
                    "token.created:success:alice", "token.revoked:success:alice", "token.exchange:denied:alice",
                    "member.removed:success:admin", "tenant.deleted:success:admin");
        });
        JsonNode denied = api.get("/api/v1/audit?tenant=" + tenant + "&action=token.exchange", admin).json().path("items").get(0);
        assertThat(denied.path("target").asString()).isEqualTo(patId);
        assertThat(denied.path("detail").asString()).startsWith("revoked");
    }
}
