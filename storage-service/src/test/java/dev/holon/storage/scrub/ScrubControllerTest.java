package dev.holon.storage.scrub;

import dev.holon.storage.chunk.ChunkClient;
import dev.holon.storage.node.NodeDirectory;
import dev.holon.storage.placement.StorageNode;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * A scrub on demand takes as long as the workers are full, the gateway waits 5 s for headers: the headers must be
 * out before any worker is asked, the report follows (after keep-alive blanks) once all answered.
 */
class ScrubControllerTest {

    private static final StorageNode SLOW = new StorageNode("n1", "http://n1", true, true, false, false, "a", 0);
    private static final StorageNode GONE = new StorageNode("n2", "http://n2", true, true, false, false, "b", 0);
    private static final StorageNode DOWN = new StorageNode("n3", "http://n3", false, false, false, false, "c", 0);

    @Test
    void theHeadersGoOutBeforeTheWorkersScrubAndTheReportFollowsWhenAllAnswered() throws Exception {
        NodeDirectory directory = mock(NodeDirectory.class);
        ChunkClient client = mock(ChunkClient.class);
        MockHttpServletResponse response = new MockHttpServletResponse();
        AtomicBoolean committedWhenAsked = new AtomicBoolean();
        when(directory.refresh()).thenReturn(List.of(SLOW, GONE, DOWN));
        when(client.scrub(eq(SLOW), any(Duration.class))).thenAnswer(call -> {
            committedWhenAsked.set(response.isCommitted());
            Thread.sleep(300); // several keep-alive periods
            return new ChunkClient.Scrubbed(7, 1, 7 * 8L << 20);
        });
        when(client.scrub(eq(GONE), any(Duration.class)))
                .thenThrow(new ChunkClient.WorkerCallFailed("scrub on node n2 failed: no answer", 0, null));

        new ScrubController(directory, client, Duration.ofMillis(50)).scrub(response);

        assertThat(committedWhenAsked).as("headers committed before the slow worker was asked").isTrue();
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentType()).startsWith("application/json");
        String body = response.getContentAsString();
        assertThat(body).as("keep-alive blanks before the report").startsWith("  ");
        JsonNode report = JsonMapper.builder().build().readTree(body);
        assertThat(report.path("nodes")).hasSize(1);
        assertThat(report.path("nodes").get(0).path("nodeId").asString()).isEqualTo("n1");
        assertThat(report.path("nodes").get(0).path("checked").asInt()).isEqualTo(7);
        assertThat(report.path("nodes").get(0).path("corrupted").asInt()).isEqualTo(1);
        assertThat(report.path("unreachable")).hasSize(1);
        assertThat(report.path("unreachable").get(0).path("nodeId").asString()).isEqualTo("n2");
        assertThat(report.path("millis").asLong()).isGreaterThanOrEqualTo(300);
    }

    @Test
    void aRegistryThatCannotBeReadIsAProblemAnswerNotAnHalfWrittenOne() {
        NodeDirectory directory = mock(NodeDirectory.class);
        when(directory.refresh()).thenThrow(new IllegalStateException("registry unreachable"));
        MockHttpServletResponse response = new MockHttpServletResponse();

        assertThatThrownBy(
                () -> new ScrubController(directory, mock(ChunkClient.class), Duration.ofMillis(50)).scrub(response))
                .hasMessageContaining("registry unreachable");
        assertThat(response.isCommitted()).isFalse();
    }
}
