package dev.holon.gateway.it;

import dev.holon.localcluster.infra.KeycloakServer;
import dev.holon.localcluster.infra.PostgresHost;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A real Keycloak with the {@code holon} realm (users admin/operator/demo, client holon-cli with the password
 * grant), on a real PostgreSQL, started once per test JVM and shared by every IT of this module.
 *
 * <p>Stopgap: it borrows local-cluster's launchers until test-support offers the shared embedded
 * infrastructure; swapping is this one class.
 */
public final class TestKeycloak {

    public static final String CLI_CLIENT = "holon-cli";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static volatile TestKeycloak instance;

    private final String issuerUri;
    private final String baseUrl;

    private TestKeycloak(String baseUrl, String issuerUri) {
        this.baseUrl = baseUrl;
        this.issuerUri = issuerUri;
    }

    public static TestKeycloak get() {
        if (instance == null) {
            synchronized (TestKeycloak.class) {
                if (instance == null) {
                    instance = start();
                }
            }
        }
        return instance;
    }

    private static TestKeycloak start() {
        Path work = Path.of("target", "it-infra").toAbsolutePath();
        int pgPort = freePort(0);
        PostgresHost postgres = PostgresHost.start(new PostgresHost.Options(pgPort, work.resolve("postgres"),
                work.resolve("postgres.log")));
        int kcPort = freePort(1000);
        KeycloakServer keycloak = KeycloakServer.launch(new KeycloakServer.Options(kcPort, postgres.jdbcUrl(),
                        PostgresHost.USER, PostgresHost.PASSWORD, "keycloak", work.resolve("keycloak.log")),
                work.resolve("keycloak"), true);
        return new TestKeycloak(keycloak.baseUrl(), keycloak.issuerUri());
    }

    /** A free port whose neighbour {@code port + offset} is free too (Keycloak's management port). */
    private static int freePort(int offset) {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket(0)) {
                int port = socket.getLocalPort();
                if (offset == 0 || (port + offset < 65536 && isFree(port + offset))) {
                    return port;
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no free port pair found");
    }

    private static boolean isFree(int port) {
        try (ServerSocket ignored = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String issuerUri() {
        return issuerUri;
    }

    /** An access token for a realm user through the CLI client's password grant. */
    public String accessToken(String username, String password) {
        return accessToken(CLI_CLIENT, username, password);
    }

    public String accessToken(String clientId, String username, String password) {
        JsonNode token = postForm(issuerUri + "/protocol/openid-connect/token", null, Map.of(
                "grant_type", "password", "client_id", clientId, "username", username, "password", password,
                "scope", "openid"));
        return token.get("access_token").asString();
    }

    /**
     * Makes sure a public client exists whose access tokens live {@code lifespanSeconds} and carry the holon
     * audience, so a test can hold a real token that has really expired. Uses the admin REST API.
     */
    public void ensureShortLivedClient(String clientId, int lifespanSeconds) {
        String admin = postForm(baseUrl + "/realms/master/protocol/openid-connect/token", null, Map.of(
                "grant_type", "password", "client_id", "admin-cli",
                "username", KeycloakServer.BOOTSTRAP_ADMIN_USER, "password", KeycloakServer.BOOTSTRAP_ADMIN_PASSWORD))
                .get("access_token").asString();
        String client = """
                {"clientId": "%s", "publicClient": true, "directAccessGrantsEnabled": true,
                 "standardFlowEnabled": false,
                 "attributes": {"access.token.lifespan": "%d"},
                 "protocolMappers": [{"name": "audience-holon", "protocol": "openid-connect",
                   "protocolMapper": "oidc-audience-mapper",
                   "config": {"included.custom.audience": "holon", "access.token.claim": "true",
                              "id.token.claim": "false"}}]}
                """.formatted(clientId, lifespanSeconds);
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl + "/admin/realms/holon/clients"))
                .header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(client)).build());
        if (response.statusCode() != 201 && response.statusCode() != 409) {
            throw new IllegalStateException("creating client " + clientId + ": " + response.statusCode() + " "
                    + response.body());
        }
    }

    private static JsonNode postForm(String url, String bearer, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> response = send(request.build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("POST " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
