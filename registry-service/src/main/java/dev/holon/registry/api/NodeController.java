package dev.holon.registry.api;

import dev.holon.contracts.Page;
import dev.holon.contracts.node.ClusterSummary;
import dev.holon.contracts.node.NodeEnrolment;
import dev.holon.contracts.node.NodeHeartbeat;
import dev.holon.contracts.node.NodeState;
import dev.holon.contracts.node.NodeView;
import dev.holon.registry.node.NodeService;
import dev.holon.support.problem.ProblemException;
import dev.holon.support.web.Cursors;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.http.ResponseEntity;
import dev.holon.support.security.NodeClients;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** {@code /api/v1/nodes}: the machines of the cluster. Reading needs any role; changing a node needs operator. */
@RestController
@RequestMapping("/api/v1")
public class NodeController {

    private static final String OPERATOR = "hasAnyRole('operator', 'admin')";

    private final NodeService nodes;

    public NodeController(NodeService nodes) {
        this.nodes = nodes;
    }

    @GetMapping("/nodes")
    public Page<NodeView> list(@RequestParam(required = false) NodeState state,
            @RequestParam(name = "label", required = false) List<String> labels,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor) {
        if (limit < 1 || limit > 500) {
            throw ProblemException.invalid("limit must be between 1 and 500, got " + limit);
        }
        Page<NodeView> page = nodes.list(state, labelFilter(labels), Cursors.decode(cursor), limit);
        return new Page<>(page.items(), Cursors.encode(page.nextCursor()));
    }

    @GetMapping("/nodes/{id}")
    public ResponseEntity<NodeView> get(@PathVariable String id) {
        return withETag(ResponseEntity.ok(), nodes.get(id));
    }

    /** A worker enrols itself under its own stable id: 201 the first time, 200 after (idempotent). */
    @PutMapping("/nodes/{id}")
    @PreAuthorize("hasRole('node')")
    public ResponseEntity<NodeView> enrol(@PathVariable String id, @Valid @RequestBody EnrolmentRequest request,
            Authentication who) {
        requireUuid(id);
        NodeClients.requireMayActFor(who, id);
        NodeService.Enrolled enrolled = nodes.enrol(id, request.toEnrolment());
        var response = enrolled.created()
                ? ResponseEntity.created(URI.create("/api/v1/nodes/" + id))
                : ResponseEntity.ok();
        return withETag(response, enrolled.node());
    }

    /**
     * A heartbeat the broker did not take, sent by the worker itself (the usual way is {@code holon.node.heartbeats}):
     * recorded exactly like one from Kafka. 204; 404 when the node is not enrolled (it should enrol again).
     */
    @PostMapping("/nodes/{id}/heartbeats")
    @PreAuthorize("hasRole('node')")
    public ResponseEntity<Void> heartbeat(@PathVariable String id, @Valid @RequestBody NodeHeartbeat heartbeat,
            Authentication who) {
        requireUuid(id);
        NodeClients.requireMayActFor(who, id);
        if (!id.equals(heartbeat.nodeId())) {
            throw ProblemException.invalid("nodeId " + heartbeat.nodeId() + " is not the node of the path, " + id);
        }
        if (!nodes.recordHeartbeat(heartbeat)) {
            nodes.get(id);
        }
        return ResponseEntity.noContent().build();
    }

    @PatchMapping(path = "/nodes/{id}", consumes = {"application/merge-patch+json", "application/json"})
    @PreAuthorize(OPERATOR)
    public ResponseEntity<NodeView> patch(@PathVariable String id, @Valid @RequestBody NodePatch patch,
            @RequestHeader(name = "If-Match", required = false) String ifMatch) {
        patch.labels().keySet().forEach(NodeController::requireLabelKey);
        return withETag(ResponseEntity.ok(), nodes.patchLabels(id, patch.labels(), ETags.parse(ifMatch)));
    }

    @PostMapping("/nodes/{id}/cordon")
    @PreAuthorize(OPERATOR)
    public ResponseEntity<NodeView> cordon(@PathVariable String id, Authentication who,
            @RequestHeader(name = "If-Match", required = false) String ifMatch) {
        return withETag(ResponseEntity.ok(), nodes.cordon(id, actor(who), ETags.parse(ifMatch)));
    }

    @PostMapping("/nodes/{id}/uncordon")
    @PreAuthorize(OPERATOR)
    public ResponseEntity<NodeView> uncordon(@PathVariable String id, Authentication who,
            @RequestHeader(name = "If-Match", required = false) String ifMatch) {
        return withETag(ResponseEntity.ok(), nodes.uncordon(id, actor(who), ETags.parse(ifMatch)));
    }

    /** Draining is long work done elsewhere (tasks and chunks move off): 202, and the node shows {@code draining}. */
    @PostMapping("/nodes/{id}/drain")
    @PreAuthorize(OPERATOR)
    public ResponseEntity<NodeView> drain(@PathVariable String id, Authentication who,
            @RequestHeader(name = "If-Match", required = false) String ifMatch) {
        NodeView node = nodes.drain(id, actor(who), ETags.parse(ifMatch));
        return withETag(ResponseEntity.accepted().location(URI.create("/api/v1/nodes/" + id)), node);
    }

    /**
     * An operator removes the node from the cluster for good: 204. Its heartbeats are ignored and audited afterwards,
     * and it cannot enrol again under this id. 404 when unknown, 409 when already removed.
     */
    @DeleteMapping("/nodes/{id}")
    @PreAuthorize(OPERATOR)
    public ResponseEntity<Void> remove(@PathVariable String id, Authentication who) {
        nodes.remove(id, actor(who));
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/cluster")
    public ClusterSummary cluster() {
        return nodes.summary();
    }

    /** What a worker sends to enrol. */
    public record EnrolmentRequest(
            String hostname,
            @NotNull @Valid ResourcesRequest capacity,
            Map<String, String> labels,
            List<dev.holon.contracts.node.GpuDevice> gpus,
            String agentVersion,
            @jakarta.validation.constraints.Size(max = 2048)
            @jakarta.validation.constraints.Pattern(regexp = "https?://\\S+", message = "must be an http(s) URL")
            String apiUrl) {

        NodeEnrolment toEnrolment() {
            return new NodeEnrolment(hostname, capacity.toResources(), labels, gpus, agentVersion, apiUrl);
        }
    }

    public record ResourcesRequest(
            @jakarta.validation.constraints.PositiveOrZero long cpuMillis,
            @jakarta.validation.constraints.PositiveOrZero long memoryMiB,
            @jakarta.validation.constraints.PositiveOrZero int gpus,
            @jakarta.validation.constraints.PositiveOrZero long diskMiB) {

        dev.holon.contracts.node.NodeResources toResources() {
            return new dev.holon.contracts.node.NodeResources(cpuMillis, memoryMiB, gpus, diskMiB);
        }
    }

    /** A JSON merge patch of a node: only labels can be changed by people; a null value removes a label. */
    public record NodePatch(@NotNull Map<String, String> labels) {
    }

    private static Map<String, String> labelFilter(List<String> labels) {
        Map<String, String> filter = new TreeMap<>();
        if (labels != null) {
            for (String label : labels) {
                int eq = label.indexOf('=');
                if (eq <= 0) {
                    throw ProblemException.invalid("label filter must look like key=value, got '" + label + "'");
                }
                filter.put(label.substring(0, eq), label.substring(eq + 1));
            }
        }
        return filter;
    }

    private static void requireLabelKey(String key) {
        if (!key.matches("[A-Za-z0-9]([A-Za-z0-9._/-]{0,61}[A-Za-z0-9])?")) {
            throw ProblemException.invalid("label key '" + key + "' must be 1-63 letters, digits, '.', '_', '/' or '-'");
        }
    }

    private static void requireUuid(String id) {
        try {
            UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("node id must be a UUID, got '" + id + "'");
        }
    }

    private static String actor(Authentication who) {
        if (who instanceof JwtAuthenticationToken jwt && jwt.getToken().getClaimAsString("preferred_username") != null) {
            return jwt.getToken().getClaimAsString("preferred_username");
        }
        return who.getName();
    }

    private static ResponseEntity<NodeView> withETag(ResponseEntity.BodyBuilder response, NodeView node) {
        return response.eTag(ETags.of(node.version())).body(node);
    }
}
