package dev.holon.worker;

import dev.holon.worker.identity.NodeLabels;
import dev.holon.worker.identity.NodeLabelsConverter;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerPropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class,
                    ValidationAutoConfiguration.class))
            .withUserConfiguration(Binding.class);

    @Test
    void hasDefaultsForEverythingButTheCredentials() {
        runner.withPropertyValues(CREDENTIALS).run(context -> {
            WorkerProperties properties = context.getBean(WorkerProperties.class);
            assertThat(properties.registryUrl()).isEqualTo(URI.create("http://localhost:8081"));
            assertThat(properties.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
            assertThat(properties.registrationCheckInterval()).isEqualTo(Duration.ofSeconds(10));
            assertThat(properties.dataDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".holon", "worker"));
            assertThat(properties.labels()).isEqualTo(NodeLabels.NONE);
            assertThat(properties.credentials().clientId()).isEqualTo("holon-node");
        });
    }

    @Test
    void bindsSchedulerReplicasFromACommaSeparatedList() {
        runner.withPropertyValues(CREDENTIALS).run(context ->
                assertThat(context.getBean(WorkerProperties.class).schedulerUrls())
                        .containsExactly(URI.create("http://localhost:8082")));
        runner.withPropertyValues(CREDENTIALS)
                .withPropertyValues("holon.worker.scheduler-urls=http://localhost:8082,http://localhost:8083")
                .run(context -> assertThat(context.getBean(WorkerProperties.class).schedulerUrls())
                        .containsExactly(URI.create("http://localhost:8082"), URI.create("http://localhost:8083")));
    }

    @Test
    void bindsLabelsWrittenAsTheEnvironmentVariableIs() {
        runner.withPropertyValues(CREDENTIALS).withPropertyValues("holon.worker.labels=zone=a,rack=r1").run(context ->
                assertThat(context.getBean(WorkerProperties.class).labels().asMap())
                        .containsEntry("zone", "a").containsEntry("rack", "r1"));
    }

    @Test
    void refusesToStartWithABadLabelAndSaysWhichOne() {
        runner.withPropertyValues(CREDENTIALS).withPropertyValues("holon.worker.labels=zone=a,rack").run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("Label 'rack' is not key=value"));
    }

    @Test
    void refusesToStartWithEnabledButIncompleteCredentials() {
        runner.withPropertyValues("holon.worker.credentials.client-id=holon-node").run(context ->
                assertThat(context).getFailure().hasStackTraceContaining("needs token-uri, and client-id with client-secret"));
    }

    @Test
    void refusesAnEnrolmentTokenWithoutAuthServiceToRedeemItAt() {
        runner.withPropertyValues("holon.worker.credentials.token-uri=http://localhost:8180/token",
                "holon.worker.credentials.enrolment-token=hne_x_y").run(context ->
                assertThat(context).getFailure().hasStackTraceContaining("enrolment-token needs auth-url"));
    }

    @Test
    void refusesAZeroHeartbeatInterval() {
        runner.withPropertyValues(CREDENTIALS).withPropertyValues("holon.worker.heartbeat-interval=0s").run(context ->
                assertThat(context).getFailure().hasStackTraceContaining("must be positive"));
    }

    @Test
    void neverPrintsTheClientSecret() {
        assertThat(new WorkerProperties.Credentials(URI.create("http://kc/token"), "holon-node", "s3cret",
                "hne_id_t0ken", URI.create("http://auth"))).asString().doesNotContain("s3cret").doesNotContain("t0ken");
    }

    private static final String[] CREDENTIALS = {"holon.worker.credentials.token-uri=http://localhost:8180/token",
            "holon.worker.credentials.client-id=holon-node", "holon.worker.credentials.client-secret=secret"};

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(WorkerProperties.class)
    static class Binding {

        @Bean
        @ConfigurationPropertiesBinding
        static NodeLabelsConverter labels() {
            return new NodeLabelsConverter();
        }
    }
}
