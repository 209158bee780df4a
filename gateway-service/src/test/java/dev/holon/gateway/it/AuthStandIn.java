package dev.holon.gateway.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.holon.contracts.tenant.TokenExchange;
import dev.holon.testsupport.TestJwtIssuer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Stands in for auth-service's token endpoints as the gateway uses them: {@code POST /api/v1/tokens/exchange}
 * (service callers only) answers {@link TokenExchange.Response} for the PATs issued here, with a JWT really signed
 * by this stand-in's RSA key ({@link TestJwtIssuer}, issuer {@code holon-auth}); {@code GET /api/v1/tokens/jwks}
 * serves the public key. It records every exchange call (the caller's token, the PAT asked about).
 *
 * <p>Unlike auth-service it does not verify the service token's signature; it checks that one was sent and that it
 * is a Keycloak token of a client with role {@code service}, which is what the gateway is responsible for.
 */
final class AuthStandIn implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    record Pat(String id, String username, List<String> groups, List<String> roles, String tenant, List<String> scopes,
               boolean active) {
    }

    record ExchangeCall(String authorization, String token) {
    }

    private final TestJwtIssuer issuer = new TestJwtIssuer(TokenExchange.ISSUER);
    private final Map<String, Pat> pats = new ConcurrentHashMap<>();
    private final List<ExchangeCall> calls = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private volatile Duration jwtLifetime = Duration.ofMinutes(5);
    /** When set, minted JWTs are signed with this issuer's key instead (one the gateway does not trust). */
    private volatile TestJwtIssuer signer;
    private HttpServer server;

    static AuthStandIn start() {
        AuthStandIn standIn = new AuthStandIn();
        standIn.startServer(0);
        return standIn;
    }

    private void startServer(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/api/v1/tokens/exchange", this::exchange);
        server.createContext("/api/v1/tokens/jwks", exchange -> respond(exchange, 200, issuer.jwksJson()));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Issues a PAT: {@code hol_<random>} for the user, in the tenant, with the scopes. */
    String issue(String username, String tenant, List<String> groups, List<String> roles, String... scopes) {
        String pat = TokenExchange.PAT_PREFIX + java.util.UUID.randomUUID().toString().replace("-", "");
        pats.put(pat, new Pat("pat-" + pats.size(), username, groups, roles, tenant, List.of(scopes), true));
        return pat;
    }

    void revoke(String pat) {
        pats.computeIfPresent(pat, (k, p) -> new Pat(p.id(), p.username(), p.groups(), p.roles(), p.tenant(), p.scopes(),
                false));
    }

    String tokenIdOf(String pat) {
        return pats.get(pat).id();
    }

    void jwtLifetime(Duration lifetime) {
        this.jwtLifetime = lifetime;
    }

    void signWith(TestJwtIssuer other) {
        this.signer = other;
    }

    List<ExchangeCall> calls() {
        return List.copyOf(calls);
    }

    List<ExchangeCall> callsFor(String pat) {
        return calls.stream().filter(c -> pat.equals(c.token())).toList();
    }

    void stop() {
        server.stop(0);
    }

    void restart() {
        startServer(server.getAddress().getPort());
    }

    private void exchange(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (!exchange.getRequestMethod().equals("POST")) {
            respond(exchange, 405, "{\"status\":405}");
            return;
        }
        String token = JSON.readTree(body).path("token").asString(null);
        calls.add(new ExchangeCall(authorization, token));
        if (!isServiceToken(authorization)) {
            respond(exchange, authorization == null ? 401 : 403, "{\"status\":403}");
            return;
        }
        Pat pat = token == null ? null : pats.get(token);
        if (pat == null || !pat.active()) {
            respond(exchange, 200, JSON.writeValueAsString(TokenExchange.Response.inactive()));
            return;
        }
        TestJwtIssuer mintedBy = signer != null ? signer : issuer;
        String jwt = mintedBy.mint(TestJwtIssuer.userClaims(pat.username(), pat.groups(), pat.roles(),
                String.join(" ", pat.scopes())), jwtLifetime);
        respond(exchange, 200, JSON.writeValueAsString(new TokenExchange.Response(true, jwt, jwtLifetime.toSeconds(),
                pat.id(), pat.username(), pat.tenant(), pat.scopes())));
    }

    /** A bearer JWT whose (unverified) claims say role {@code service}: a client-credentials token of holon-service. */
    static boolean isServiceToken(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        String[] parts = authorization.substring(7).split("\\.");
        if (parts.length != 3) {
            return false;
        }
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        return claims.path("realm_access").path("roles").valueStream().anyMatch(r -> r.asString().equals("service"));
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        try {
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        issuer.close();
    }
}
