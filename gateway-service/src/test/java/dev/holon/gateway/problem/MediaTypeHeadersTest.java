package dev.holon.gateway.problem;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class MediaTypeHeadersTest {

    private final MediaTypeHeaders filter = new MediaTypeHeaders(new ProblemWriter(JsonMapper.builder().build()));

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
    void wellFormedMediaTypesPass() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/api/v1/jobs")
                .header("Accept", "application/json, text/*;q=0.5").header("Content-Type", "application/json; charset=utf-8"));
        AtomicBoolean passed = new AtomicBoolean();
        filter.filter(exchange, e -> Mono.fromRunnable(() -> passed.set(true))).block();
        assertThat(passed).isTrue();
    }
}
