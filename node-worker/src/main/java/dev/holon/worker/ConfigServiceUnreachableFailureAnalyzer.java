package dev.holon.worker;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.cloud.config.client.ConfigClientFailFastException;

/**
 * Turns "config-service never answered" into the one message an operator needs, instead of a stack trace: the
 * worker has no configuration of its own worth running with (broker, registry, identity provider all come from
 * config-service), so it stops after the retries of {@code spring.cloud.config.retry.*}.
 */
class ConfigServiceUnreachableFailureAnalyzer extends AbstractFailureAnalyzer<ConfigClientFailFastException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ConfigClientFailFastException cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage();
        return new FailureAnalysis(
                "node-worker could not load its configuration from config-service after retrying: " + reason
                        + (root != cause && root != cause.getCause() ? " (" + root + ")" : ""),
                "Start config-service, or point HOLON_CONFIG_URI at it (now: "
                        + System.getenv().getOrDefault("HOLON_CONFIG_URI", "unset, so http://localhost:8888")
                        + "). To wait longer, raise spring.cloud.config.retry.max-attempts. To run without it, "
                        + "set SPRING_CLOUD_CONFIG_ENABLED=false and give the holon.worker.* and spring.kafka.* "
                        + "properties yourself (see node-worker/README.md).",
                cause);
    }
}
