package dev.holon.worker.registration;

import dev.holon.contracts.node.NodeEnrolment;
import dev.holon.contracts.node.NodeHeartbeat;
import dev.holon.worker.resilience.ResilientCall;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.client.HttpStatusCodeException;
import org.springframework.web.client.RestClient;

/**
 * The registry's node API as this worker uses it. Authentication (the node's bearer token) is the job of the
 * {@link RestClient} it is given. Errors surface as Spring's {@code RestClientException}s. The enrolment check goes
 * through a {@link ResilientCall} (retry, circuit breaker, time limit); enrolment has its own backoff loop in
 * {@link RegistrationReconciler}.
 */
public class RegistryClient {

    private static final String NODE = "/api/v1/nodes/{nodeId}";

    private final RestClient restClient;
    private final ResilientCall checks;

    public RegistryClient(RestClient restClient, ResilientCall checks) {
        this.restClient = restClient;
        this.checks = checks;
    }

    /**
     * {@code PUT /api/v1/nodes/{id}}: idempotent; 201 for a node new to the registry, 200 for a known one. Only the
     * status matters here: the answered {@code NodeView} is not read, so a registry that adds fields to it never
     * breaks enrolment of older workers.
     *
     * @return true when the registry created the node, false when it already knew it
     */
    public boolean enrol(String nodeId, NodeEnrolment enrolment) {
        return restClient.put()
                .uri(NODE, nodeId)
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON)
                .body(enrolment)
                .retrieve()
                .toBodilessEntity()
                .getStatusCode()
                .isSameCodeAs(HttpStatus.CREATED);
    }

    /** {@code POST /api/v1/nodes/{id}/heartbeats}: the heartbeat the broker did not take. */
    public void heartbeat(NodeHeartbeat heartbeat) {
        restClient.post()
                .uri(NODE + "/heartbeats", heartbeat.nodeId())
                .contentType(MediaType.APPLICATION_JSON)
                .body(heartbeat)
                .retrieve()
                .toBodilessEntity();
    }

    /** {@code GET /api/v1/nodes/{id}}: true when the registry knows the node, false on 404; other errors throw. */
    public boolean knows(String nodeId) {
        return checks.call(() -> restClient.get()
                .uri(NODE, nodeId)
                .accept(MediaType.APPLICATION_JSON)
                .exchange((request, response) -> {
                    if (response.getStatusCode().isSameCodeAs(HttpStatus.NOT_FOUND)) {
                        return false;
                    }
                    if (response.getStatusCode().is2xxSuccessful()) {
                        return true;
                    }
                    throw new RegistryAnswerException(response.getStatusCode().value(), response.getStatusText());
                }));
    }

    /** A status the registry should not answer to a node check (401, 403, 5xx...). */
    static final class RegistryAnswerException extends HttpStatusCodeException {

        RegistryAnswerException(int status, String statusText) {
            super(HttpStatusCode.valueOf(status), statusText);
        }
    }
}
