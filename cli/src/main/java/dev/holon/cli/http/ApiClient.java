package dev.holon.cli.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.holon.cli.CliException;
import dev.holon.cli.ExitCodes;
import dev.holon.cli.auth.OidcClient;
import dev.holon.cli.config.Credentials;
import dev.holon.cli.config.CredentialsStore;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Calls the gateway as the logged-in user: bearer token (refreshed before it expires, and once more on a 401),
 * {@code X-Holon-Tenant} when a tenant was chosen, errors turned into {@link CliException}s with exit codes.
 * Bodies are streamed; nothing here holds a file in memory.
 */
public final class ApiClient {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final String gateway;
    private final CredentialsStore store;
    private Credentials credentials;

    public ApiClient(HttpClient http, String gateway, CredentialsStore store) {
        this.http = http;
        this.gateway = gateway;
        this.store = store;
    }

    public static HttpClient newHttpClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public String gateway() {
        return gateway;
    }

    public HttpClient http() {
        return http;
    }

    /** The stored credentials, refreshed when the access token is about to expire; exit 3 when there are none. */
    public Credentials credentials() {
        if (credentials == null) {
            credentials = store.load().orElseThrow(CliException::notLoggedIn);
        }
        if (credentials.expiresWithin(Instant.now(), 30)) {
            if (credentials.refreshable(Instant.now())) {
                refresh();
            } else if (credentials.expiresWithin(Instant.now(), 0)) {
                throw new CliException(ExitCodes.AUTH, "the session expired: run holon login");
            }
        }
        return credentials;
    }

    private void refresh() {
        OidcClient.Tokens tokens = new OidcClient(http, credentials.issuer(), credentials.clientId())
                .refresh(credentials.tokenEndpoint(), credentials.refreshToken());
        credentials = credentials.withTokens(tokens.accessToken(),
                tokens.refreshToken() == null ? credentials.refreshToken() : tokens.refreshToken(), tokens.expiresAt(),
                tokens.refreshExpiresAt());
        store.save(credentials);
    }

    public URI uri(String pathAndQuery) {
        return URI.create(gateway + pathAndQuery);
    }

    /**
     * Sends a request built by {@code build} (URI, method, body) with the user's headers; the body handler decides
     * how the answer is read. Error answers are thrown as {@link CliException}s; {@code what} names the target in
     * messages ("job 0193...").
     */
    public <T> HttpResponse<T> send(UnaryOperator<HttpRequest.Builder> build, HttpResponse.BodyHandler<T> handler,
            String what) {
        HttpResponse<InputStream> response = exchange(build);
        if (response.statusCode() == 401 && credentials.refreshable(Instant.now())) {
            drain(response);
            refresh();
            response = exchange(build);
        }
        if (response.statusCode() >= 400) {
            throw Problems.toException(response.statusCode(), readSmall(response.body()), what);
        }
        return convert(response, handler);
    }

    private HttpResponse<InputStream> exchange(UnaryOperator<HttpRequest.Builder> build) {
        Credentials current = credentials();
        HttpRequest.Builder builder = build.apply(HttpRequest.newBuilder())
                .header("Authorization", "Bearer " + current.accessToken())
                .header("User-Agent", "holon-cli/0.1.0");
        if (current.tenant() != null) {
            builder.header("X-Holon-Tenant", current.tenant());
        }
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw unreachable(gateway, e);
        } catch (HttpTimeoutException e) {
            throw new CliException(ExitCodes.UNREACHABLE, "the gateway at " + gateway + " did not answer in time: is"
                    + " the cluster overloaded? holon status shows its processes", e);
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNREACHABLE, "call to " + gateway + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted");
        }
    }

    public static CliException unreachable(String gateway, Exception cause) {
        return new CliException(ExitCodes.UNREACHABLE, "gateway not reachable at " + gateway
                + ": is the cluster up? run holon up (or point --gateway / HOLON_GATEWAY_URL elsewhere)", cause);
    }

    @SuppressWarnings("unchecked")
    private static <T> HttpResponse<T> convert(HttpResponse<InputStream> response, HttpResponse.BodyHandler<T> handler) {
        if (handler == (Object) STREAM) {
            return (HttpResponse<T>) response;
        }
        String body = readAll(response.body());
        return (HttpResponse<T>) new StringResponse(response, body);
    }

    /** Pass this handler to get the body as a stream (the caller closes it). */
    public static final HttpResponse.BodyHandler<InputStream> STREAM = HttpResponse.BodyHandlers.ofInputStream();
    /** Pass this handler to get the body as a string. */
    public static final HttpResponse.BodyHandler<String> STRING = HttpResponse.BodyHandlers.ofString();

    public JsonNode getJson(String pathAndQuery, String what) {
        return json(send(b -> b.uri(uri(pathAndQuery)).timeout(CALL_TIMEOUT).header("Accept", "application/json").GET(),
                STRING, what));
    }

    public JsonNode postJson(String pathAndQuery, String jsonBody, Map<String, String> headers, String what) {
        return json(post(pathAndQuery, jsonBody, headers, what));
    }

    /** A JSON {@code POST} ({@code jsonBody} null: none), for a caller that needs the status too. */
    public HttpResponse<String> post(String pathAndQuery, String jsonBody, Map<String, String> headers, String what) {
        return send(b -> {
            b.uri(uri(pathAndQuery)).timeout(CALL_TIMEOUT).header("Accept", "application/json")
                    .header("Content-Type", "application/json")
                    .POST(jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
            headers.forEach(b::header);
            return b;
        }, STRING, what);
    }

    public void delete(String pathAndQuery, String what) {
        send(b -> b.uri(uri(pathAndQuery)).timeout(CALL_TIMEOUT).DELETE(), STRING, what);
    }

    public static JsonNode json(HttpResponse<String> response) {
        String body = response.body();
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "the gateway answered something that is not JSON: "
                    + body.substring(0, Math.min(200, body.length())));
        }
    }

    public static Optional<String> header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name);
    }

    private static void drain(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // the connection is dropped instead of reused
        }
    }

    private static String readSmall(InputStream in) {
        try (in) {
            return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNREACHABLE, "the answer was cut off: " + e.getMessage());
        }
    }
}
