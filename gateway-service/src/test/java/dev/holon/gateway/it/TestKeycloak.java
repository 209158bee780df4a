package dev.holon.gateway.it;

import dev.holon.localcluster.infra.KeycloakServer;
import dev.holon.testsupport.KeycloakTokens;
import dev.holon.testsupport.TestInfrastructure;
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

/**
 * The shared real Keycloak of test-support (realm holon, users admin/operator/demo), plus what only the
 * gateway's tests need: a client whose tokens expire within a second, so a test can hold a token that has
 * really expired.
 */
final class TestKeycloak {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String AUDIENCE_MAPPER = """
            {"name": "audience-holon", "protocol": "openid-connect", "protocolMapper": "oidc-audience-mapper",
             "config": {"included.custom.audience": "holon", "access.token.claim": "true", "id.token.claim": "false"}}
            """;

    private TestKeycloak() {
    }

    static KeycloakTokens tokens() {
        return TestInfrastructure.tokens();
    }

    /**
     * Creates (once) a public client with the password grant whose access tokens live {@code lifespanSeconds}
     * and carry the holon audience, through Keycloak's admin REST API, and returns a token of it for a user.
     */
    static String shortLivedToken(String clientId, int lifespanSeconds, String username, String password) {
        return clientToken(clientId, lifespanSeconds, true, username, password);
    }

    /** A token of a client in the same realm whose tokens are not issued for the holon audience. */
    static String tokenForAnotherAudience(String clientId, String username, String password) {
        return clientToken(clientId, 300, false, username, password);
    }

    private static String clientToken(String clientId, int lifespanSeconds, boolean holonAudience, String username,
                                      String password) {
        KeycloakServer keycloak = TestInfrastructure.keycloak();
        String admin = token(keycloak.baseUrl() + "/realms/master/protocol/openid-connect/token", Map.of(
                "grant_type", "password", "client_id", "admin-cli",
                "username", KeycloakServer.BOOTSTRAP_ADMIN_USER, "password", KeycloakServer.BOOTSTRAP_ADMIN_PASSWORD));
        String client = """
                {"clientId": "%s", "publicClient": true, "directAccessGrantsEnabled": true,
                 "standardFlowEnabled": false,
                 "attributes": {"access.token.lifespan": "%d"},
                 "protocolMappers": [%s]}
                """.formatted(clientId, lifespanSeconds, holonAudience ? AUDIENCE_MAPPER : "");
        HttpResponse<String> created = send(HttpRequest.newBuilder(
                        URI.create(keycloak.baseUrl() + "/admin/realms/" + KeycloakServer.REALM + "/clients"))
                .header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(client)).build());
        if (created.statusCode() != 201 && created.statusCode() != 409) {
            throw new IllegalStateException("creating client " + clientId + ": " + created.statusCode() + " "
                    + created.body());
        }
        return token(keycloak.issuerUri() + "/protocol/openid-connect/token", Map.of(
                "grant_type", "password", "client_id", clientId, "username", username, "password", password,
                "scope", "openid"));
    }

    private static String token(String url, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("POST " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).get("access_token").asString();
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
