package dev.holon.auth.it;

import dev.holon.contracts.Ids;
import dev.holon.contracts.Topics;
import dev.holon.contracts.node.NodeEvent;
import dev.holon.support.kafka.Envelopes;
import dev.holon.testsupport.ApiClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.JsonNode;

import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Node enrolment: a token becomes a node's own Keycloak client. */
class EnrolmentIT extends AuthServiceIT {

    @Autowired
    KafkaTemplate<String, Object> kafka;

    @Test
    void aRedeemedTokenGivesANodeClientCredentialsWithRoleNodeOnceAndDeletingTheNodeCutsItOff() {
        String operator = tokens.operator();
        ApiClient.Response created = post("/api/v1/tokens/enrolments", operator, "{\"description\":\"rack 4\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asString();
        String token = created.json().path("token").asString();
        assertThat(token).startsWith("hne_" + id + "_");
        assertThat(created.json().path("uses").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v1/tokens/enrolments/" + id, operator).json().has("token")).isFalse();

        String node = unique("n");
        ApiClient.Response redeemed = post("/api/v1/tokens/enrolments/redeem", null,
                "{\"token\":\"" + token + "\",\"nodeName\":\"" + node + "\"}");
        assertThat(redeemed.status()).as(redeemed.body()).isEqualTo(201);
        JsonNode credentials = redeemed.json();
        assertThat(credentials.path("nodeId").asString()).isEqualTo(node);
        assertThat(credentials.path("clientId").asString()).isEqualTo("holon-node-" + node);
        assertThat(credentials.path("tokenUrl").asString()).endsWith("/realms/holon/protocol/openid-connect/token");
        String clientSecret = credentials.path("clientSecret").asString();
        assertThat(clientSecret).hasSizeGreaterThanOrEqualTo(43);

        JsonNode nodeToken = claims(tokens.client("holon-node-" + node, clientSecret));
        assertThat(strings(nodeToken.path("realm_access").path("roles"))).contains("node").doesNotContain("admin", "service");
        assertThat(nodeToken.path("aud").isArray() ? strings(nodeToken.path("aud")) : java.util.List.of(nodeToken.path("aud").asString()))
                .contains("holon");
        assertThat(api.get("/api/v1/tokens/enrolments/" + id, operator).json().path("state").asString()).isEqualTo("used-up");
        assertThat(api.get("/api/v1/tokens/enrolments/nodes?limit=500", operator).json().path("items"))
                .anySatisfy(n -> assertThat(n.path("nodeName").asString()).isEqualTo(node));

        // the same node again (its first answer lost): a new secret for the same client, no use spent
        ApiClient.Response again = post("/api/v1/tokens/enrolments/redeem", null,
                "{\"token\":\"" + token + "\",\"nodeName\":\"" + node + "\"}");
        assertThat(again.status()).as(again.body()).isEqualTo(201);
        assertThat(again.json().path("clientId").asString()).isEqualTo("holon-node-" + node);
        String newSecret = again.json().path("clientSecret").asString();
        assertThat(newSecret).isNotEqualTo(clientSecret);
        assertThatThrownBy(() -> tokens.client("holon-node-" + node, clientSecret)).hasMessageContaining("401");
        assertThat(claims(tokens.client("holon-node-" + node, newSecret)).path("azp").asString())
                .isEqualTo("holon-node-" + node);

        // used up: another node is refused and audited
        assertProblem(post("/api/v1/tokens/enrolments/redeem", null,
                "{\"token\":\"" + token + "\",\"nodeName\":\"" + node + "-2\"}"), 403, "/problems/forbidden");

        // the node is removed: its client is gone, so are its tokens
        assertThat(delete("/api/v1/tokens/enrolments/nodes/" + node, operator).status()).isEqualTo(204);
        assertThatThrownBy(() -> tokens.client("holon-node-" + node, newSecret)).hasMessageContaining("401");
        assertProblem(delete("/api/v1/tokens/enrolments/nodes/" + node, operator), 404, "/problems/not-found");

        String admin = tokens.admin();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                api.get("/api/v1/audit?action=enrolment.*&limit=500", admin).json().path("items"))
                .extracting(e -> e.path("action").asString() + ":" + e.path("outcome").asString() + ":" + e.path("target").asString())
                .contains("enrolment.created:success:" + id, "enrolment.redeemed:success:" + id,
                        "enrolment.redeemed:denied:" + id));
    }

    @Test
    void revokedExpiredUnknownAndForeignTokensAreRefused() {
        String operator = tokens.operator();
        assertProblem(post("/api/v1/tokens/enrolments", tokens.demo(), "{}"), 403, "/problems/forbidden");
        assertProblem(post("/api/v1/tokens/enrolments", operator, "{\"uses\":0}"), 400, "/problems/validation");
        assertProblem(post("/api/v1/tokens/enrolments", operator, "{\"expiresIn\":\"P90D\"}"), 400, "/problems/validation");

        ApiClient.Response twice = post("/api/v1/tokens/enrolments", operator, "{\"uses\":2,\"expiresIn\":\"PT1H\"}");
        String id = twice.json().path("id").asString();
        String token = twice.json().path("token").asString();
        String node = unique("m");
        assertThat(post("/api/v1/tokens/enrolments/redeem", null, redeem(token, node)).status()).isEqualTo(201);
        assertThat(post("/api/v1/tokens/enrolments/redeem", null, redeem(token, node)).status())
                .as("the same node again: a lost answer, answered again").isEqualTo(201);
        assertThat(api.get("/api/v1/tokens/enrolments/" + id, operator).json().path("used").asInt()).isEqualTo(1);
        assertProblem(post("/api/v1/tokens/enrolments/redeem", null, redeem(token, "Bad_Name")), 400, "/problems/validation");
        assertThat(delete("/api/v1/tokens/enrolments/" + id, operator).status()).isEqualTo(204);
        assertProblem(post("/api/v1/tokens/enrolments/redeem", null, redeem(token, node + "-b")), 403, "/problems/forbidden");
        assertProblem(post("/api/v1/tokens/enrolments/redeem", null, redeem(token, node)), 403, "/problems/forbidden");
        assertThat(api.get("/api/v1/tokens/enrolments/" + id, operator).json().path("state").asString()).isEqualTo("revoked");

        String forged = token.substring(0, token.length() - 1) + (token.endsWith("0") ? "1" : "0");
        assertProblem(post("/api/v1/tokens/enrolments/redeem", null, redeem(forged, node + "-c")), 401, "/problems/unauthorized");
        assertProblem(post("/api/v1/tokens/enrolments/redeem", null, redeem("hol_x_y", node + "-c")), 401, "/problems/unauthorized");
        assertProblem(post("/api/v1/tokens/enrolments/redeem", null, "{\"token\":\"" + token + "\"}"), 400, "/problems/validation");
        assertProblem(delete("/api/v1/tokens/enrolments/nodes/" + node, tokens.demo()), 403, "/problems/forbidden");
        assertThat(delete("/api/v1/tokens/enrolments/nodes/" + node, tokens.admin()).status()).isEqualTo(204);
    }

    @Test
    void removingTheNodeFromTheClusterDeletesItsClient() {
        String operator = tokens.operator();
        String token = post("/api/v1/tokens/enrolments", operator, "{}").json().path("token").asString();
        String nodeId = Ids.newId(); // workers enrol under their node id
        ApiClient.Response redeemed = post("/api/v1/tokens/enrolments/redeem", null, redeem(token, nodeId));
        assertThat(redeemed.status()).as(redeemed.body()).isEqualTo(201);
        String clientId = redeemed.json().path("clientId").asString();
        String clientSecret = redeemed.json().path("clientSecret").asString();
        assertThat(tokens.client(clientId, clientSecret)).isNotBlank();

        // what registry-service publishes on DELETE /api/v1/nodes/{id}
        kafka.send(Topics.NODE_EVENTS, nodeId, new Envelopes("registry-service", Clock.systemUTC())
                .wrap(nodeId, null, new NodeEvent.NodeRemoved(nodeId, "op-" + nodeId)));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThatThrownBy(() -> tokens.client(clientId, clientSecret)).hasMessageContaining("401"));
        assertThat(api.get("/api/v1/tokens/enrolments/nodes?limit=500", operator).json().path("items"))
                .noneSatisfy(n -> assertThat(n.path("nodeName").asString()).isEqualTo(nodeId));
        String admin = tokens.admin();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                api.get("/api/v1/audit?action=node.unenrolled&limit=500", admin).json().path("items"))
                .anySatisfy(e -> {
                    assertThat(e.path("target").asString()).isEqualTo(nodeId);
                    assertThat(e.path("actor").asString()).isEqualTo("op-" + nodeId);
                }));
    }

    static String redeem(String token, String nodeName) {
        return "{\"token\":\"" + token + "\",\"nodeName\":\"" + nodeName + "\"}";
    }
}
