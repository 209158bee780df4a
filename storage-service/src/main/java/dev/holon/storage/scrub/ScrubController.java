package dev.holon.storage.scrub;

import dev.holon.storage.chunk.ChunkClient;
import dev.holon.storage.node.NodeDirectory;
import dev.holon.storage.placement.StorageNode;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /api/v1/files?op=scrub} (operators, admins): every UP worker re-verifies all its replicas now instead of
 * at its next periodic scrub, all at once, and the answer says what each found. Corrupt replicas are reported as the
 * periodic scrub reports them, so the repair loop replaces them within seconds of this answer.
 *
 * <p>A pass reads every byte a worker holds at its scrub pace (32 MB/s by default), so it takes as long as the
 * workers are full, while the gateway waits only {@code holon.gateway.downstream-timeout} (5 s) for an answer's
 * headers. So the headers (200, JSON) go out at once and the report follows when every worker is done, with a blank
 * every {@link #KEEPALIVE} meanwhile (leading whitespace is valid JSON) so no proxy drops the quiet connection.
 */
@RestController
public class ScrubController {

    /** A worker scrubs at its configured pace (32 MB/s by default): this bounds the wait for a well-filled one. */
    private static final Duration WITHIN = Duration.ofMinutes(5);
    private static final Duration KEEPALIVE = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    sealed interface NodeOutcome permits NodeScrub, Unreachable {
    }

    public record NodeScrub(String nodeId, int checked, int corrupted, long bytes) implements NodeOutcome {
    }

    public record Unreachable(String nodeId, String reason) implements NodeOutcome {
    }

    public record ScrubReport(List<NodeScrub> nodes, List<Unreachable> unreachable, long millis) {
    }

    private final NodeDirectory directory;
    private final ChunkClient client;

    private final Duration keepalive;

    @Autowired
    public ScrubController(NodeDirectory directory, ChunkClient client) {
        this(directory, client, KEEPALIVE);
    }

    ScrubController(NodeDirectory directory, ChunkClient client, Duration keepalive) {
        this.directory = directory;
        this.client = client;
        this.keepalive = keepalive;
    }

    @PostMapping(value = "/api/v1/files", params = "op=scrub")
    @PreAuthorize("hasAnyRole('operator', 'admin')")
    public void scrub(HttpServletResponse response) throws IOException {
        long started = System.nanoTime();
        // Before the headers go out, so that a registry that cannot be read is still a problem answer.
        List<StorageNode> nodes = directory.refresh().stream().filter(StorageNode::up)
                .sorted(Comparator.comparing(StorageNode::id)).toList();
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.flushBuffer();
        OutputStream out = response.getOutputStream();
        List<NodeScrub> scrubbed = new ArrayList<>();
        List<Unreachable> unreachable = new ArrayList<>();
        try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<NodeOutcome>> answers = nodes.stream()
                    .map(node -> CompletableFuture.supplyAsync(() -> scrubOne(node), calls)).toList();
            CompletableFuture<Void> all = CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new));
            while (!awaitFor(all, keepalive)) {
                out.write(' ');
                out.flush();
            }
            for (CompletableFuture<NodeOutcome> answer : answers) {
                switch (answer.join()) {
                    case NodeScrub done -> scrubbed.add(done);
                    case Unreachable failed -> unreachable.add(failed);
                }
            }
        }
        out.write(JSON.writeValueAsBytes(new ScrubReport(scrubbed, unreachable,
                Duration.ofNanos(System.nanoTime() - started).toMillis())));
        out.flush();
    }

    /** True once {@code future} completed, false when {@code wait} passed first. */
    private static boolean awaitFor(CompletableFuture<?> future, Duration wait) throws IOException {
        try {
            future.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true; // scrubOne answers every failure as Unreachable; join() rethrows anything else
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the workers scrub", e);
        }
    }

    private NodeOutcome scrubOne(StorageNode node) {
        try {
            ChunkClient.Scrubbed pass = client.scrub(node, WITHIN);
            return new NodeScrub(node.id(), pass.checked(), pass.corrupted(), pass.bytes());
        } catch (ChunkClient.WorkerCallFailed e) {
            return new Unreachable(node.id(), e.getMessage());
        }
    }
}
