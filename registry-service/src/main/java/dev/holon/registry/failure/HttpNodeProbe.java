package dev.holon.registry.failure;

import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Asks the worker's open {@code /actuator/info} for its {@code node.id}. The id check matters: another process, or a
 * different worker, may listen at a dead node's old address. A dead process refuses at once; a dead or cut-off
 * machine costs the timeout.
 */
public final class HttpNodeProbe implements NodeProbe {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client;
    private final Duration timeout;

    public HttpNodeProbe(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public boolean answers(String nodeId, String apiUrl) {
        if (apiUrl == null || apiUrl.isBlank()) {
            return false;
        }
        try {
            String base = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/actuator/info")).timeout(timeout)
                    .header("Accept", "application/json").GET().build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200
                    && nodeId.equals(JSON.readTree(response.body()).path("node").path("id").asString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (IOException | RuntimeException e) { // refused, timed out, not JSON, not a URL: no answer
            return false;
        }
    }
}
