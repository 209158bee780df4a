package dev.holon.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for registry-service's node API in the worker's integration test: a JDK HTTP server on a random port
 * that checks the bearer token as the registry does (signature, issuer and expiry against the real Keycloak, realm
 * role {@code node}) and remembers which nodes enrolled. It can forget them (as a registry whose database was
 * reset), refuse enrolments (as a registry that is down) and reject one particular token (as after a key rotation).
 */
final class RegistryStandIn implements AutoCloseable {

    record Request(String method, String path, String token, JsonNode body, int status) {
    }

    private static final String PREFIX = "/api/v1/nodes/";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final Set<String> rejectedTokens = ConcurrentHashMap.newKeySet();
    private final JwtDecoder tokens;
    private volatile int refuseEnrolmentWith;

    RegistryStandIn(JwtDecoder tokens) throws IOException {
        this.tokens = tokens;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Enrolments the registry accepted. */
    List<Request> enrolments() {
        return requests.stream().filter(r -> r.method().equals("PUT") && r.status() < 300).toList();
    }

    List<Request> attemptedEnrolments() {
        return requests.stream().filter(r -> r.method().equals("PUT")).toList();
    }

    /** Answers 401 invalid_token to every request carrying this token from now on. */
    void rejectToken(String token) {
        rejectedTokens.add(token);
    }

    /** Forgets every node, as a registry whose database was reset. */
    void forgetAllNodes() {
        known.clear();
    }

    /** Answers every enrolment with this status (0: accept again). */
    void refuseEnrolmentsWith(int status) {
        refuseEnrolmentWith = status;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String nodeId = exchange.getRequestURI().getPath().substring(PREFIX.length());
            byte[] body = exchange.getRequestBody().readAllBytes();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
            int status = answer(exchange, nodeId, token);
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), token,
                    body.length == 0 ? null : JSON.readTree(body), status));
        }
    }

    private int answer(HttpExchange exchange, String nodeId, String token) throws IOException {
        if (token == null || rejectedTokens.contains(token) || !isNodeToken(tokens, token)) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            return send(exchange, 401, "{\"type\":\"/problems/unauthorized\",\"status\":401}", "application/problem+json");
        }
        return switch (exchange.getRequestMethod()) {
            case "PUT" -> {
                if (refuseEnrolmentWith != 0) {
                    yield send(exchange, refuseEnrolmentWith, "{\"type\":\"/problems/unavailable\",\"status\":"
                            + refuseEnrolmentWith + "}", "application/problem+json");
                }
                boolean created = known.add(nodeId);
                yield send(exchange, created ? 201 : 200, view(nodeId), "application/json");
            }
            case "GET" -> known.contains(nodeId)
                    ? send(exchange, 200, view(nodeId), "application/json")
                    : send(exchange, 404, "{\"type\":\"/problems/not-found\",\"status\":404}", "application/problem+json");
            default -> send(exchange, 405, "", "text/plain");
        };
    }

    /** Whether {@code token} is valid and carries the realm role {@code node}, as the services check it. */
    static boolean isNodeToken(JwtDecoder tokens, String token) {
        try {
            Jwt jwt = tokens.decode(token);
            Map<String, Object> realmAccess = jwt.getClaimAsMap("realm_access");
            return realmAccess != null && realmAccess.get("roles") instanceof List<?> roles && roles.contains("node");
        } catch (JwtException e) {
            return false;
        }
    }

    private static String view(String nodeId) {
        return "{\"id\":\"" + nodeId + "\",\"state\":\"UP\",\"cordoned\":false,\"draining\":false,\"version\":1}";
    }

    private static int send(HttpExchange exchange, int status, String body, String contentType) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        return status;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
