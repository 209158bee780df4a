package dev.holon.gateway.routing;

import dev.holon.gateway.GatewayProperties;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouteTableTest {

    static GatewayProperties properties(String registryUrl) {
        return new GatewayProperties(URI.create(registryUrl), URI.create("http://scheduler"), 50, 0, 1000, Duration.ofMinutes(10),
                Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(30));
    }

    @Test
    void sendsJobsToEverySchedulerReplica() {
        GatewayProperties properties = new GatewayProperties(URI.create("http://registry"),
                List.of(URI.create("http://localhost:8082"), URI.create("http://localhost:8083")), 50, 0, 1000,
                Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(2),
                Duration.ofSeconds(30));

        ServiceRoute scheduler = RouteTable.of(properties).stream().filter(r -> r.service().equals("scheduler-service"))
                .findFirst().orElseThrow();

        assertThat(scheduler.instances()).containsExactly(URI.create("http://localhost:8082"),
                URI.create("http://localhost:8083"));
        assertThat(scheduler.uri()).isEqualTo(URI.create("http://localhost:8082"));
    }

    @Test
    void sendsFilesToStorage() {
        ServiceRoute storage = RouteTable.of(properties("http://registry")).stream()
                .filter(r -> r.service().equals("storage-service")).findFirst().orElseThrow();

        assertThat(storage.paths()).containsExactly("/api/v1/files", "/api/v1/files/**");
        assertThat(storage.uri()).isEqualTo(URI.create("http://localhost:8889"));
    }

    @Test
    void sendsTenantsTokensAndAuditToAuth() {
        ServiceRoute auth = RouteTable.of(properties("http://registry")).stream()
                .filter(r -> r.service().equals("auth-service")).findFirst().orElseThrow();

        assertThat(auth.paths()).containsExactly("/api/v1/tenants", "/api/v1/tenants/**", "/api/v1/tokens",
                "/api/v1/tokens/**", "/api/v1/audit", "/api/v1/audit/**");
        assertThat(auth.uri()).isEqualTo(URI.create("http://localhost:8890"));
        assertThat(auth.docsPath()).isEqualTo("/v3/api-docs/auth");
    }

    @Test
    void sendsNodesAndClusterToTheRegistry() {
        List<ServiceRoute> routes = RouteTable.of(properties("http://registry.local:8081"));

        ServiceRoute registry = routes.stream().filter(r -> r.service().equals("registry-service")).findFirst().orElseThrow();
        assertThat(registry.uri()).isEqualTo(URI.create("http://registry.local:8081"));
        assertThat(registry.paths()).containsExactly("/api/v1/nodes", "/api/v1/nodes/**", "/api/v1/cluster");
        assertThat(registry.docsPath()).isEqualTo("/v3/api-docs/registry");
        assertThat(registry.downstreamDocsPath()).isEqualTo("/v3/api-docs");
        assertThat(registry.routeId()).isNotEqualTo(registry.docsRouteId());
        ServiceRoute scheduler = routes.stream().filter(r -> r.service().equals("scheduler-service")).findFirst().orElseThrow();
        assertThat(scheduler.paths()).containsExactly("/api/v1/jobs", "/api/v1/jobs/**");
        assertThat(scheduler.docsPath()).isEqualTo("/v3/api-docs/scheduler");
    }

    @Test
    void rejectsTwoServicesClaimingOnePath() {
        ServiceRoute a = new ServiceRoute("a-service", "a", URI.create("http://a"), List.of("/api/v1/things"));
        ServiceRoute b = new ServiceRoute("b-service", "b", URI.create("http://b"), List.of("/api/v1/things"));

        assertThatThrownBy(() -> RouteTable.checkDisjoint(List.of(a, b)))
                .hasMessageContaining("/api/v1/things").hasMessageContaining("a-service").hasMessageContaining("b-service");
    }

    @Test
    void rejectsTwoServicesSharingADocsName() {
        ServiceRoute a = new ServiceRoute("a-service", "docs", URI.create("http://a"), List.of("/api/v1/a"));
        ServiceRoute b = new ServiceRoute("b-service", "docs", URI.create("http://b"), List.of("/api/v1/b"));

        assertThatThrownBy(() -> RouteTable.checkDisjoint(List.of(a, b))).hasMessageContaining("docs name");
    }

    @Test
    void keepsPublicPathsUnderApiV1() {
        assertThatThrownBy(() -> new ServiceRoute("x-service", "x", URI.create("http://x"), List.of("/internal/**")))
                .hasMessageContaining("/api/v1/");
    }

    @Test
    void needsAnAbsoluteServiceUrl() {
        assertThatThrownBy(() -> new ServiceRoute("x-service", "x", URI.create("localhost"), List.of("/api/v1/x")))
                .hasMessageContaining("absolute");
    }
}
