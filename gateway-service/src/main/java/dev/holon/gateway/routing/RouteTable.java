package dev.holon.gateway.routing;

import dev.holon.gateway.GatewayProperties;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which public paths belong to which service. Adding a service is one entry here plus its
 * {@code holon.gateway.<service>-url} property; security, resilience, rate limits and OpenAPI follow.
 * Pure: no Spring, so it is unit-tested on its own.
 */
public final class RouteTable {

    private RouteTable() {
    }

    public static List<ServiceRoute> of(GatewayProperties properties) {
        List<ServiceRoute> routes = List.of(
                new ServiceRoute("registry-service", "registry", properties.registryUrl(),
                        List.of("/api/v1/nodes", "/api/v1/nodes/**", "/api/v1/cluster")),
                new ServiceRoute("scheduler-service", "scheduler", properties.schedulerUrl(),
                        List.of("/api/v1/jobs", "/api/v1/jobs/**")),
                new ServiceRoute("storage-service", "storage", properties.storageUrl(),
                        List.of("/api/v1/files", "/api/v1/files/**")),
                new ServiceRoute("auth-service", "auth", properties.authUrl(),
                        List.of("/api/v1/tenants", "/api/v1/tenants/**", "/api/v1/tokens", "/api/v1/tokens/**",
                                "/api/v1/audit", "/api/v1/audit/**"))
        );
        checkDisjoint(routes);
        return routes;
    }

    /** Two services claiming the same path or docs name would make routing depend on declaration order. */
    static void checkDisjoint(List<ServiceRoute> routes) {
        Map<String, String> owners = new HashMap<>();
        Map<String, String> docs = new HashMap<>();
        for (ServiceRoute route : routes) {
            for (String path : route.paths()) {
                String previous = owners.putIfAbsent(path, route.service());
                if (previous != null) {
                    throw new IllegalStateException(path + " is claimed by both " + previous + " and " + route.service());
                }
            }
            String previous = docs.putIfAbsent(route.docsName(), route.service());
            if (previous != null) {
                throw new IllegalStateException("docs name " + route.docsName() + " is used by both " + previous
                        + " and " + route.service());
            }
        }
    }
}
