package dev.holon.cli.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.holon.cli.CliException;
import dev.holon.cli.ExitCodes;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The OAuth2 calls of the CLI against Keycloak's realm (public client {@code holon-cli}): discovery, the device
 * authorization grant (RFC 8628), the password grant (scripts, tests) and refresh.
 */
public final class OidcClient {

    public static final String CLIENT_ID = "holon-cli";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;
    private final String issuer;
    private final String clientId;

    public OidcClient(HttpClient http, String issuer, String clientId) {
        this.http = http;
        this.issuer = issuer;
        this.clientId = clientId;
    }

    /** The endpoints of the realm's discovery document. */
    public record Endpoints(String tokenEndpoint, String deviceAuthorizationEndpoint) {
    }

    /** Tokens as the token endpoint answered them; expiries as epoch seconds (null when not said). */
    public record Tokens(String accessToken, String refreshToken, Long expiresAt, Long refreshExpiresAt) {
    }

    /** What the user must do to approve a device login. */
    public record DeviceAuthorization(String deviceCode, String userCode, String verificationUri,
            String verificationUriComplete, long expiresIn, long interval) {
    }

    public Endpoints discover() {
        JsonNode doc = send(HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration"))
                .timeout(Duration.ofSeconds(10)).GET().build(), "read the discovery document of");
        return new Endpoints(doc.path("token_endpoint").asText(null),
                doc.path("device_authorization_endpoint").asText(null));
    }

    public Tokens password(String tokenEndpoint, String username, String password) {
        return tokens(post(tokenEndpoint, Map.of("grant_type", "password", "client_id", clientId,
                "username", username, "password", password, "scope", "openid")));
    }

    public Tokens refresh(String tokenEndpoint, String refreshToken) {
        return tokens(post(tokenEndpoint, Map.of("grant_type", "refresh_token", "client_id", clientId,
                "refresh_token", refreshToken)));
    }

    public DeviceAuthorization startDevice(String deviceEndpoint) {
        if (deviceEndpoint == null) {
            throw new CliException(ExitCodes.AUTH, "the realm at " + issuer + " offers no device login: use holon login"
                    + " --username NAME --password-stdin, or --token");
        }
        JsonNode answer = post(deviceEndpoint, Map.of("client_id", clientId, "scope", "openid"));
        return new DeviceAuthorization(answer.path("device_code").asText(), answer.path("user_code").asText(),
                answer.path("verification_uri").asText(), answer.path("verification_uri_complete").asText(null),
                answer.path("expires_in").asLong(600), Math.max(1, answer.path("interval").asLong(5)));
    }

    /**
     * Polls the token endpoint until the user approved (tokens), denied or let the code expire (exit 3), as RFC 8628
     * section 3.5 says: {@code authorization_pending} waits, {@code slow_down} adds 5 s to the interval.
     */
    public Tokens pollDevice(String tokenEndpoint, DeviceAuthorization device, Sleeper sleeper) {
        long interval = device.interval();
        Instant deadline = Instant.now().plusSeconds(device.expiresIn());
        Map<String, String> form = Map.of("grant_type", "urn:ietf:params:oauth:grant-type:device_code",
                "client_id", clientId, "device_code", device.deviceCode());
        while (Instant.now().isBefore(deadline)) {
            sleeper.sleep(Duration.ofSeconds(interval));
            HttpResponse<String> response = exchange(formRequest(tokenEndpoint, form), "reach");
            JsonNode body = parse(response.body());
            if (response.statusCode() == 200) {
                return tokens(body);
            }
            String error = body.path("error").asText("");
            switch (error) {
                case "authorization_pending" -> { }
                case "slow_down" -> interval += 5;
                case "access_denied" -> throw new CliException(ExitCodes.AUTH, "the login was denied in the browser");
                case "expired_token" -> throw new CliException(ExitCodes.AUTH, "the code expired: run holon login again");
                default -> throw new CliException(ExitCodes.AUTH, "device login failed: "
                        + body.path("error_description").asText(error.isEmpty() ? "HTTP " + response.statusCode() : error));
            }
        }
        throw new CliException(ExitCodes.AUTH, "the code expired: run holon login again");
    }

    /** Waits between polls; tests pass one that does not wait. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration);

        Sleeper REAL = duration -> {
            try {
                Thread.sleep(duration);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCodes.FAILED, "interrupted");
            }
        };
    }

    private JsonNode post(String endpoint, Map<String, String> form) {
        HttpResponse<String> response = exchange(formRequest(endpoint, form), "reach");
        JsonNode body = parse(response.body());
        if (response.statusCode() / 100 == 2) {
            return body;
        }
        String error = body.path("error").asText("");
        String description = body.path("error_description").asText(error.isEmpty() ? "HTTP " + response.statusCode() : error);
        if ("invalid_grant".equals(error) || response.statusCode() == 401) {
            throw new CliException(ExitCodes.AUTH, "login refused: " + description);
        }
        throw new CliException(ExitCodes.AUTH, "Keycloak answered " + response.statusCode() + ": " + description);
    }

    private static HttpRequest formRequest(String endpoint, Map<String, String> form) {
        String body = new LinkedHashMap<>(form).entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return HttpRequest.newBuilder(URI.create(endpoint)).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private JsonNode send(HttpRequest request, String what) {
        HttpResponse<String> response = exchange(request, what);
        if (response.statusCode() != 200) {
            throw new CliException(ExitCodes.UNREACHABLE, "cannot " + what + " " + issuer + " (HTTP "
                    + response.statusCode() + "): is the issuer right? (--issuer or HOLON_ISSUER_URL)");
        }
        return parse(response.body());
    }

    private HttpResponse<String> exchange(HttpRequest request, String what) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpTimeoutException e) {
            throw new CliException(ExitCodes.UNREACHABLE, "Keycloak not reachable at " + issuer
                    + ": is the cluster up? run holon up (or set --issuer / HOLON_ISSUER_URL)", e);
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNREACHABLE, "cannot " + what + " Keycloak at " + issuer + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted");
        }
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = JSON.readTree(body == null || body.isBlank() ? "{}" : body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static Tokens tokens(JsonNode body) {
        long now = Instant.now().getEpochSecond();
        Long expires = body.hasNonNull("expires_in") ? now + body.get("expires_in").asLong() : null;
        Long refreshExpires = body.hasNonNull("refresh_expires_in") && body.get("refresh_expires_in").asLong() > 0
                ? now + body.get("refresh_expires_in").asLong() : null;
        String access = body.path("access_token").asText(null);
        if (access == null) {
            throw new CliException(ExitCodes.AUTH, "Keycloak answered no access token");
        }
        return new Tokens(access, body.path("refresh_token").asText(null), expires, refreshExpires);
    }
}
