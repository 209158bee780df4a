package dev.holon.gateway.it;

import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on problem+json answers. */
final class Problems {

    private Problems() {
    }

    static JsonNode assertProblem(HttpResponse<String> response, int status, String type) {
        assertThat(response.statusCode()).as("status of %s: %s", response.uri(), response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                contentType -> assertThat(contentType).startsWith("application/problem+json"));
        JsonNode body = GatewayClient.json(response);
        assertThat(body.get("type").asString()).isEqualTo(type);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("title").asString()).isNotBlank();
        assertThat(body.get("detail").asString()).isNotBlank();
        assertThat(body.get("instance").asString()).isEqualTo(response.uri().getRawPath());
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
        return body;
    }

    static long retryAfter(HttpResponse<String> response) {
        String value = response.headers().firstValue("Retry-After").orElseThrow(
                () -> new AssertionError("no Retry-After on " + response.uri()));
        long seconds = Long.parseLong(value);
        assertThat(seconds).isPositive();
        return seconds;
    }
}
