package dev.holon.worker.resilience;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code holon.worker.resilience.*}: the {@link CallPolicy} of the worker's calls to the registry (the enrolment
 * check) and to the scheduler (the desired state).
 */
@ConfigurationProperties("holon.worker.resilience")
public record ResilienceProperties(CallPolicy registry, CallPolicy scheduler) {

    public ResilienceProperties {
        registry = registry != null ? registry : CallPolicy.defaults();
        scheduler = scheduler != null ? scheduler : CallPolicy.defaults();
    }
}
