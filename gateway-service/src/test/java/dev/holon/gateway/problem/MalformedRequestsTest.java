package dev.holon.gateway.problem;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class MalformedRequestsTest {

    private final MalformedRequests filter = new MalformedRequests(new ProblemWriter(JsonMapper.builder().build()));

    @Test
    void aHeaderThatIsNoMediaTypeIsA400ProblemAndGoesNoFurther() {
        for (String[] header : new String[][] {{"Accept", "garbage"}, {"Accept", "text/\""},
                {"Content-Type", "another-tenant"}, {"Content-Type", "W/\"2\""}, {"Content-Type", "a/b; c=\""}}) {
            MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/jobs")
                    .header(header[0], header[1]));
            AtomicBoolean passed = new AtomicBoolean();
            filter.filter(exchange, e -> Mono.fromRunnable(() -> passed.set(true))).block();
            assertThat(passed).as("%s: %s", header[0], header[1]).isFalse();
            assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(exchange.getResponse().getHeaders().getContentType()).hasToString("application/problem+json");
        }
    }

    @Test
    void aPathOrQueryWithBrokenPercentEncodingOrNonUtf8BytesIsA400Problem() {
        for (String uri : new String[] {"/api/v1/nodes/%ff/drain", "/api/v1/jobs?state=%ff", "/api/v1/tokens/%C3%28"}) {
            MockServerWebExchange exchange = MockServerWebExchange.from(
                    MockServerHttpRequest.method(HttpMethod.GET, URI.create(uri)));
            AtomicBoolean passed = new AtomicBoolean();
            filter.filter(exchange, e -> Mono.fromRunnable(() -> passed.set(true))).block();
            assertThat(passed).as(uri).isFalse();
            assertThat(exchange.getResponse().getStatusCode()).as(uri).isEqualTo(HttpStatus.BAD_REQUEST);
        }
        assertThat(MalformedRequests.wellEncoded("/api/v1/files/default/caf%C3%A9/a%20b")).isTrue();
        assertThat(MalformedRequests.wellEncoded("/api/v1/files/default/%2e%2e")).isTrue();
        assertThat(MalformedRequests.wellEncoded("/api/v1/files/default/a%2")).isFalse();
        assertThat(MalformedRequests.wellEncoded("state=%zz")).isFalse();
    }

    @Test
    void wellFormedMediaTypesPass() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/api/v1/jobs")
                .header("Accept", "application/json, text/*;q=0.5").header("Content-Type", "application/json; charset=utf-8"));
        AtomicBoolean passed = new AtomicBoolean();
        filter.filter(exchange, e -> Mono.fromRunnable(() -> passed.set(true))).block();
        assertThat(passed).isTrue();
    }
}
