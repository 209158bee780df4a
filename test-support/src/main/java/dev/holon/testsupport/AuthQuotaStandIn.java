package dev.holon.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.holon.contracts.tenant.TenantQuota;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * auth-service's quota endpoint as the services that enforce quotas see it, for their tests:
 * {@code GET /api/v1/tenants/{tenant}/quota} answers the {@link TenantQuota} set here (all nulls, unlimited, for a
 * tenant without one), 401 without a bearer token, and 503 while {@link #failing(boolean)}. Nothing else of
 * auth-service is there; tokens are not verified (the services' token is Keycloak's, tested elsewhere).
 */
public final class AuthQuotaStandIn implements AutoCloseable {

    private static final Pattern QUOTA = Pattern.compile("^/api/v1/tenants/([^/]+)/quota$");

    private final HttpServer server;
    private final Map<String, TenantQuota> quotas = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile boolean failing;

    public AuthQuotaStandIn() {
        try {
            server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/api/v1/tenants/", exchange -> {
            requests.incrementAndGet();
            Matcher matcher = QUOTA.matcher(exchange.getRequestURI().getRawPath());
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (failing) {
                StandInResponses.send(exchange, 503, "application/problem+json", "{\"status\":503}");
            } else if (auth == null || !auth.startsWith("Bearer ")) {
                StandInResponses.send(exchange, 401, "application/problem+json", "{\"status\":401}");
            } else if (!matcher.matches() || !exchange.getRequestMethod().equals("GET")) {
                StandInResponses.send(exchange, 404, "application/problem+json", "{\"status\":404}");
            } else {
                String tenant = URLDecoder.decode(matcher.group(1), StandardCharsets.UTF_8);
                StandInResponses.send(exchange, 200, "application/json",
                        ApiClient.JSON.writeValueAsString(quotas.getOrDefault(tenant, TenantQuota.UNLIMITED)));
            }
        });
        server.start();
    }

    public String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** Sets (or with {@code null} removes) the tenant's quota. */
    public void quota(String tenant, TenantQuota quota) {
        if (quota == null) {
            quotas.remove(tenant);
        } else {
            quotas.put(tenant, quota);
        }
    }

    /** While true, every request answers 503 (auth-service failing). */
    public void failing(boolean failing) {
        this.failing = failing;
    }

    /** Requests received so far. */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
