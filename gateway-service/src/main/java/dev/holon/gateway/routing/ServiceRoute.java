package dev.holon.gateway.routing;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One downstream service as the gateway sees it: its name, where it runs, the public API paths it owns and
 * the short name under which its OpenAPI document is proxied ({@code /v3/api-docs/<docsName>}).
 *
 * @param service  the service's application name, used in problem details and as circuit-breaker name
 * @param docsName short slug for the aggregated OpenAPI list
 * @param instances base URL of each replica (or of one load balancer in front of them)
 * @param paths     gateway path patterns (Spring {@code PathPattern} syntax) forwarded unchanged
 */
public record ServiceRoute(String service, String docsName, List<URI> instances, List<String> paths) {

    private static final Pattern SLUG = Pattern.compile("[a-z][a-z0-9-]*");

    public ServiceRoute {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(instances, "instances of " + service);
        if (!SLUG.matcher(service).matches() || !SLUG.matcher(docsName).matches()) {
            throw new IllegalArgumentException("service and docsName must be lower-case slugs: " + service + ", " + docsName);
        }
        instances = List.copyOf(instances);
        if (instances.isEmpty()) {
            throw new IllegalArgumentException(service + " has no URL");
        }
        for (URI uri : instances) {
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException(service + " needs absolute http(s) URLs, not '" + uri + "'");
            }
        }
        paths = List.copyOf(paths);
        if (paths.isEmpty()) {
            throw new IllegalArgumentException(service + " owns no path");
        }
        for (String path : paths) {
            if (!path.startsWith("/api/v1/")) {
                throw new IllegalArgumentException(service + ": public API paths live under /api/v1/, not " + path);
            }
        }
    }

    /** A service with one instance. */
    public ServiceRoute(String service, String docsName, URI uri, List<String> paths) {
        this(service, docsName, List.of(uri), paths);
    }

    /** The first instance: the route's nominal target ({@link InstanceFailover} picks the actual one). */
    public URI uri() {
        return instances.getFirst();
    }

    /** The route id of the API route; also the circuit breaker's and the rate limiter's name. */
    public String routeId() {
        return service;
    }

    /** The route id of the proxied OpenAPI document. */
    public String docsRouteId() {
        return service + "-api-docs";
    }

    /** Where the gateway serves this service's OpenAPI document. */
    public String docsPath() {
        return "/v3/api-docs/" + docsName;
    }

    /** Where the service itself serves its OpenAPI document (springdoc's default). */
    public String downstreamDocsPath() {
        return "/v3/api-docs";
    }
}
