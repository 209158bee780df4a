package dev.holon.gateway.it;

import dev.holon.testsupport.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two scheduler replicas behind the gateway (HOLON_SCHEDULER_URL as a comma-separated list): requests are
 * spread over both, and when one is down (connections refused) every request, POST included, is answered by
 * the other: a dead replica costs callers nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.cloud.config.enabled=false",
        "holon.gateway.rate-limit-per-second=1000"})
class GatewayFailoverIT {

    static final SchedulerStandIn first = SchedulerStandIn.start("first");
    static final SchedulerStandIn second = SchedulerStandIn.start("second");

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry properties) {
        TestInfrastructure.registerIssuer(properties);
        properties.add("holon.gateway.scheduler-url", () -> first.url() + "," + second.url());
    }

    @AfterAll
    static void stopStandIns() {
        first.close();
        second.close();
    }

    @Test
    void spreadsRequestsAndSkipsAReplicaThatIsDown() {
        GatewayClient gateway = new GatewayClient(port);
        String token = TestKeycloak.tokens().user("demo", "holon-demo");

        Set<String> replicas = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = gateway.get("/api/v1/jobs", token);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            replicas.add(GatewayClient.json(response).path("replica").asString());
        }
        assertThat(replicas).containsExactlyInAnyOrder("first", "second");

        first.stop();
        try {
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> listed = gateway.get("/api/v1/jobs", token);
                assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
                assertThat(GatewayClient.json(listed).path("replica").asString()).isEqualTo("second");

                String job = "{\"name\":\"job-" + i + "\"}";
                HttpResponse<String> created = gateway.send(gateway.request("/api/v1/jobs")
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(job)).build());
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                assertThat(second.createdBodies()).last().isEqualTo(job);
            }
        } finally {
            first.restart();
        }
    }
}
