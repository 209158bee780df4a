package dev.holon.worker;

import dev.holon.worker.identity.NodeLabels;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code holon.worker.*}: everything the agent needs to know about where it lives and how often it speaks.
 * Defaults suit one developer machine; {@code config/node-worker.yml} maps them to the launcher's environment.
 *
 * @param registryUrl               base URL of registry-service (or the gateway in front of it)
 * @param schedulerUrls             base URLs of the scheduler-service replicas, tried in turn for the desired state
 * @param heartbeatInterval         time between two heartbeats on {@code holon.node.heartbeats}
 * @param registrationCheckInterval how often the worker asks the registry whether it still knows this node
 * @param enrolmentBackoff          retry backoff while the registry or the identity provider is not reachable
 * @param registryTimeout           connect and read timeout of one call to the registry or the token endpoint
 * @param dataDir                   the worker's own directory: node id now, chunks and task sandboxes later
 * @param labels                    {@code key=value} pairs separated by commas, e.g. {@code zone=a,rack=r1}
 * @param nvidiaSmiTimeout          longest time {@code nvidia-smi} may run before it is killed and ignored
 * @param credentials               the node's OAuth2 client credentials for the registry
 */
@Validated
@ConfigurationProperties("holon.worker")
public record WorkerProperties(
        @NotNull URI registryUrl,
        @NotEmpty List<URI> schedulerUrls,
        @NotNull Duration heartbeatInterval,
        @NotNull Duration registrationCheckInterval,
        @NotNull @Valid Backoff enrolmentBackoff,
        @NotNull Duration registryTimeout,
        @NotNull Path dataDir,
        @NotNull NodeLabels labels,
        @NotNull Duration nvidiaSmiTimeout,
        @NotNull @Valid Credentials credentials) {

    public WorkerProperties {
        registryUrl = registryUrl != null ? registryUrl : URI.create("http://localhost:8081");
        schedulerUrls = schedulerUrls != null ? List.copyOf(schedulerUrls) : List.of(URI.create("http://localhost:8082"));
        heartbeatInterval = heartbeatInterval != null ? heartbeatInterval : Duration.ofSeconds(1);
        registrationCheckInterval = registrationCheckInterval != null ? registrationCheckInterval : Duration.ofSeconds(10);
        enrolmentBackoff = enrolmentBackoff != null ? enrolmentBackoff : new Backoff(null, null);
        registryTimeout = registryTimeout != null ? registryTimeout : Duration.ofSeconds(5);
        dataDir = dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".holon", "worker");
        labels = labels != null ? labels : NodeLabels.NONE;
        nvidiaSmiTimeout = nvidiaSmiTimeout != null ? nvidiaSmiTimeout : Duration.ofSeconds(5);
        credentials = credentials != null ? credentials : new Credentials(null, null, null, null, null);
    }

    @AssertTrue(message = "heartbeat-interval, registration-check-interval, registry-timeout and nvidia-smi-timeout must be positive")
    public boolean isEveryIntervalPositive() {
        return isPositive(heartbeatInterval) && isPositive(registrationCheckInterval)
                && isPositive(registryTimeout) && isPositive(nvidiaSmiTimeout);
    }

    private static boolean isPositive(Duration duration) {
        return duration != null && !duration.isNegative() && !duration.isZero();
    }

    /** Exponential backoff between enrolment attempts: doubles from {@code initial} up to {@code max}. */
    public record Backoff(Duration initial, Duration max) {

        public Backoff {
            initial = initial != null ? initial : Duration.ofSeconds(1);
            max = max != null ? max : Duration.ofSeconds(30);
        }

        @AssertTrue(message = "enrolment-backoff needs 0 < initial <= max")
        public boolean isOrdered() {
            return isPositive(initial) && initial.compareTo(max) <= 0;
        }
    }

    /**
     * How the node gets its OAuth2 client (client-credentials grant, realm role {@code node}) for the registry,
     * the scheduler and storage. In order: the credentials this node was given at enrolment (kept in the data
     * directory), else an {@code enrolmentToken} redeemed once at auth-service ({@code authUrl}) for a client of
     * its own, else a shared {@code clientId}/{@code clientSecret} configured for every node (development set-ups).
     */
    public record Credentials(URI tokenUri, String clientId, String clientSecret, String enrolmentToken, URI authUrl) {

        @AssertTrue(message = "holon.worker.credentials needs token-uri, and client-id with client-secret (or neither)")
        public boolean isComplete() {
            return tokenUri != null && hasText(clientId) == hasText(clientSecret);
        }

        @AssertTrue(message = "holon.worker.credentials.enrolment-token needs auth-url, where auth-service redeems it")
        public boolean isEnrolmentRedeemable() {
            return !hasText(enrolmentToken) || authUrl != null && !authUrl.toString().isBlank();
        }

        public boolean hasSharedClient() {
            return hasText(clientId) && hasText(clientSecret);
        }

        public boolean hasEnrolmentToken() {
            return hasText(enrolmentToken);
        }

        private static boolean hasText(String value) {
            return value != null && !value.isBlank();
        }

        @Override
        public String toString() {
            return "Credentials[tokenUri=" + tokenUri + ", clientId=" + clientId
                    + ", clientSecret=" + (clientSecret == null ? "null" : "***")
                    + ", enrolmentToken=" + (enrolmentToken == null ? "null" : "***") + ", authUrl=" + authUrl + "]";
        }
    }
}
