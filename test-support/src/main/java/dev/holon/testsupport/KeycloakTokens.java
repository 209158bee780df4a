package dev.holon.testsupport;

import dev.holon.localcluster.infra.KeycloakServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/** Real access tokens from the holon realm, the way users (password grant) and machines (client credentials) get them. */
public final class KeycloakTokens {

    /** The realm's demo identities (see local-cluster's keycloak/holon-realm.json). */
    public static final String ADMIN = "admin", ADMIN_PASSWORD = "holon-admin";
    public static final String OPERATOR = "operator", OPERATOR_PASSWORD = "holon-operator";
    public static final String DEMO = "demo", DEMO_PASSWORD = "holon-demo";
    /** People of no tenant yet, for isolation tests. */
    public static final String ALICE = "alice", ALICE_PASSWORD = "holon-alice";
    public static final String BOB = "bob", BOB_PASSWORD = "holon-bob";
    public static final String NODE_CLIENT = "holon-node", NODE_SECRET = "holon-node-secret";
    public static final String SERVICE_CLIENT = "holon-service", SERVICE_SECRET = "holon-service-secret";

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String issuerUri;

    public KeycloakTokens(KeycloakServer keycloak) {
        this(keycloak.issuerUri());
    }

    public KeycloakTokens(String issuerUri) {
        this.issuerUri = issuerUri;
    }

    public String user(String username, String password) {
        return token(Map.of("grant_type", "password", "client_id", "holon-cli",
                "username", username, "password", password, "scope", "openid"));
    }

    public String admin() {
        return user(ADMIN, ADMIN_PASSWORD);
    }

    public String operator() {
        return user(OPERATOR, OPERATOR_PASSWORD);
    }

    public String demo() {
        return user(DEMO, DEMO_PASSWORD);
    }

    public String alice() {
        return user(ALICE, ALICE_PASSWORD);
    }

    public String bob() {
        return user(BOB, BOB_PASSWORD);
    }

    public String node() {
        return client(NODE_CLIENT, NODE_SECRET);
    }

    /** A Holon service's token (role service), as services call each other. */
    public String service() {
        return client(SERVICE_CLIENT, SERVICE_SECRET);
    }

    /** A client-credentials token of any confidential client of the realm (an enrolled node's, say). */
    public String client(String clientId, String clientSecret) {
        return token(Map.of("grant_type", "client_credentials", "client_id", clientId, "client_secret", clientSecret));
    }

    private String token(Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(issuerUri + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("token request answered " + response.statusCode() + ": " + response.body());
            }
            JsonNode token = JSON.readTree(response.body());
            return token.get("access_token").asString();
        } catch (IOException e) {
            throw new IllegalStateException("token endpoint " + issuerUri + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
