package dev.holon.worker.registration;

import dev.holon.contracts.node.NodeEnrolment;
import dev.holon.worker.BackgroundLoop;
import dev.holon.worker.WorkerProperties;
import dev.holon.worker.identity.NodeIdentity;
import dev.holon.worker.metrics.NodeInventory;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientResponseException;

import java.io.IOException;
import java.time.Clock;
import java.util.function.Supplier;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps this node enrolled, level-triggered: until the registry has accepted the node it enrols again with
 * exponential backoff (one log line per failed attempt); afterwards it asks every registration-check-interval
 * whether the registry still knows the node, and enrols again at once when it answers 404 (e.g. its database was
 * reset). One thread; runs from context start to context stop.
 */
public class RegistrationReconciler extends BackgroundLoop {

    private static final Logger log = LoggerFactory.getLogger(RegistrationReconciler.class);

    private final RegistryClient registry;
    private final NodeIdentity identity;
    private final NodeInventory inventory;
    private final WorkerProperties properties;
    private final EnrolmentStatus status;
    private final Clock clock;
    private final ExponentialBackOff backOff;
    private final Supplier<String> apiUrl;

    private BackOffExecution backOffExecution;
    private int failedAttempts;

    public RegistrationReconciler(RegistryClient registry, NodeIdentity identity, NodeInventory inventory,
                                  WorkerProperties properties, EnrolmentStatus status, Clock clock,
                                  Supplier<String> apiUrl) {
        super("node-registration");
        this.apiUrl = apiUrl;
        this.registry = registry;
        this.identity = identity;
        this.inventory = inventory;
        this.properties = properties;
        this.status = status;
        this.clock = clock;
        this.backOff = new ExponentialBackOff(properties.enrolmentBackoff().initial().toMillis(), 2.0);
        this.backOff.setMaxInterval(properties.enrolmentBackoff().max().toMillis());
    }

    @Override
    protected void started(ScheduledExecutorService executor) {
        executor.execute(this::reconcile);
    }

    /** One step of the loop; schedules the next one itself. */
    void reconcile() {
        Duration next;
        try {
            next = status.isEnrolled() ? check() : enrol();
        } catch (RuntimeException unexpected) {
            log.error("Registration step failed unexpectedly; retrying in {}", properties.registrationCheckInterval(), unexpected);
            next = properties.registrationCheckInterval();
        }
        ScheduledExecutorService running = executor();
        if (running != null) {
            try {
                running.schedule(this::reconcile, next.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopped) {
                // stop() won the race: nothing more to do.
            }
        }
    }

    private Duration enrol() {
        NodeEnrolment enrolment = new NodeEnrolment(identity.hostname(), inventory.capacity(),
                identity.labels().asMap(), inventory.gpus(), AgentVersion.current(), apiUrl.get());
        try {
            boolean created = registry.enrol(identity.nodeId(), enrolment);
            status.enrolled(clock.instant());
            log.info("Enrolled node {} with the registry at {} ({}{})", identity.nodeId(), properties.registryUrl(),
                    created ? "new node" : "known node",
                    failedAttempts > 0 ? " after " + failedAttempts + " failed attempts" : "");
            failedAttempts = 0;
            backOffExecution = null;
            return properties.registrationCheckInterval();
        } catch (RuntimeException e) {
            if (isStopping()) {
                return Duration.ZERO;
            }
            failedAttempts++;
            if (backOffExecution == null) {
                backOffExecution = backOff.start();
            }
            Duration wait = Duration.ofMillis(backOffExecution.nextBackOff());
            String problem = describe(e);
            status.problem(problem);
            log.warn("Enrolment attempt {} of node {} failed: {}; retrying in {}", failedAttempts, identity.nodeId(),
                    problem, format(wait));
            return wait;
        }
    }

    private Duration check() {
        try {
            if (registry.knows(identity.nodeId())) {
                return properties.registrationCheckInterval();
            }
            status.lost("the registry does not know this node (404)");
            log.warn("The registry at {} no longer knows node {} (404); enrolling again", properties.registryUrl(),
                    identity.nodeId());
            return Duration.ZERO;
        } catch (RuntimeException e) {
            if (isStopping()) {
                return Duration.ZERO;
            }
            // Not reaching the registry does not mean it forgot the node: stay enrolled and keep heartbeating.
            String problem = describe(e);
            status.problem(problem);
            log.warn("Registration check of node {} failed: {}; next check in {}", identity.nodeId(), problem,
                    format(properties.registrationCheckInterval()));
            return properties.registrationCheckInterval();
        }
    }

    /** One line that says what went wrong and where, without a stack trace. */
    String describe(Throwable e) {
        EnrolmentTokenRedeemer.NodeEnrolmentException enrolment = find(e, EnrolmentTokenRedeemer.NodeEnrolmentException.class);
        if (enrolment != null) {
            return enrolment.getMessage();
        }
        OAuth2AuthorizationException oauth = find(e, OAuth2AuthorizationException.class);
        if (oauth != null) {
            if (find(oauth, IOException.class) != null) {
                return "identity provider not reachable at " + properties.credentials().tokenUri() + rootCause(oauth);
            }
            return "token request refused by " + properties.credentials().tokenUri() + ": "
                    + oauth.getError().getErrorCode()
                    + (oauth.getError().getDescription() != null ? " (" + oauth.getError().getDescription() + ")" : "");
        }
        if (e instanceof CallNotPermittedException) {
            return "registry calls suspended after repeated failures (circuit open)";
        }
        if (e instanceof RestClientResponseException response) {
            return "registry answered " + response.getStatusCode().value() + " " + response.getStatusText();
        }
        if (e instanceof ResourceAccessException) {
            return "registry not reachable at " + properties.registryUrl() + rootCause(e);
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** The most telling cause: the first I/O error under the wrapper (e.g. ConnectException), else the root cause. */
    private static String rootCause(Throwable e) {
        Throwable telling = null;
        Throwable root = e;
        for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            root = t;
            if (telling == null && t instanceof IOException) {
                telling = t;
            }
        }
        Throwable shown = telling != null ? telling : root;
        if (shown == e) {
            return "";
        }
        return " [" + shown.getClass().getSimpleName() + (shown.getMessage() != null ? ": " + shown.getMessage() : "") + "]";
    }

    private static String format(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }
}
