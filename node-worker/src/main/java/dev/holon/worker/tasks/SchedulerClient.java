package dev.holon.worker.tasks;

import dev.holon.contracts.task.NodeAssignments;
import dev.holon.worker.resilience.ResilientCall;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import java.net.URI;
import java.util.List;

/**
 * The scheduler's desired state for this node, {@code GET /api/v1/assignments?nodeId=...}, from any replica: one
 * round asks the replicas in turn, starting with the one that answered last, until one answers; a replica that
 * cannot be reached, is too slow or answers 5xx is skipped. Rounds go through a {@link ResilientCall} (retry with
 * backoff, circuit breaker, time limit). Authentication is the job of the {@link RestClient} given.
 */
final class SchedulerClient {

    private final List<URI> replicas;
    private final RestClient restClient;
    private final ResilientCall calls;
    private volatile int preferred;

    SchedulerClient(List<URI> replicas, RestClient restClient, ResilientCall calls) {
        this.replicas = List.copyOf(replicas);
        this.restClient = restClient;
        this.calls = calls;
    }

    /** The desired state; throws the last replica's error when none answered (a 4xx at once). */
    NodeAssignments assignments(String nodeId) {
        return calls.call(() -> askReplicas(nodeId));
    }

    private NodeAssignments askReplicas(String nodeId) {
        RestClientException last = null;
        int first = preferred;
        for (int i = 0; i < replicas.size(); i++) {
            int index = (first + i) % replicas.size();
            try {
                NodeAssignments answer = restClient.get()
                        .uri(replicas.get(index) + "/api/v1/assignments?nodeId={nodeId}", nodeId)
                        .accept(MediaType.APPLICATION_JSON)
                        .retrieve()
                        .body(NodeAssignments.class);
                if (answer == null) {
                    throw new RestClientException("empty answer from " + replicas.get(index));
                }
                preferred = index;
                return answer;
            } catch (RestClientException e) {
                if (!ResilientCall.TRANSIENT.test(e)) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }
}
