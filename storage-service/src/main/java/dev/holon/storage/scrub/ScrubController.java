package dev.holon.storage.scrub;

import dev.holon.storage.chunk.ChunkClient;
import dev.holon.storage.node.NodeDirectory;
import dev.holon.storage.placement.StorageNode;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code POST /api/v1/files?op=scrub} (operators, admins): every UP worker re-verifies all its replicas now instead of
 * at its next periodic scrub, all at once, and the answer says what each found. Corrupt replicas are reported as the
 * periodic scrub reports them, so the repair loop replaces them within seconds of this answer.
 */
@RestController
public class ScrubController {

    /** A worker scrubs at its configured pace (32 MB/s by default): this bounds the wait for a well-filled one. */
    private static final Duration WITHIN = Duration.ofMinutes(5);

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

    public ScrubController(NodeDirectory directory, ChunkClient client) {
        this.directory = directory;
        this.client = client;
    }

    @PostMapping(value = "/api/v1/files", params = "op=scrub")
    @PreAuthorize("hasAnyRole('operator', 'admin')")
    public ScrubReport scrub() {
        long started = System.nanoTime();
        List<StorageNode> nodes = directory.refresh().stream().filter(StorageNode::up)
                .sorted(Comparator.comparing(StorageNode::id)).toList();
        List<NodeScrub> scrubbed = new ArrayList<>();
        List<Unreachable> unreachable = new ArrayList<>();
        try (ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<NodeOutcome>> answers = nodes.stream()
                    .map(node -> CompletableFuture.supplyAsync(() -> scrubOne(node), calls)).toList();
            for (CompletableFuture<NodeOutcome> answer : answers) {
                switch (answer.join()) {
                    case NodeScrub done -> scrubbed.add(done);
                    case Unreachable failed -> unreachable.add(failed);
                }
            }
        }
        return new ScrubReport(scrubbed, unreachable, Duration.ofNanos(System.nanoTime() - started).toMillis());
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
