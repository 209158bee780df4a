package dev.holon.worker.tasks;

import dev.holon.contracts.event.EventEnvelope;
import dev.holon.support.kafka.Envelopes;
import dev.holon.worker.WorkerProperties;
import dev.holon.worker.execution.SandboxOptions;
import dev.holon.worker.execution.TaskLogs;
import dev.holon.worker.execution.TaskRunner;
import dev.holon.worker.identity.NodeIdentity;
import dev.holon.worker.registration.EnrolmentStatus;
import dev.holon.worker.resilience.ResilienceProperties;
import dev.holon.worker.resilience.ResilientCall;
import dev.holon.worker.registration.RegistrationConfiguration;
import dev.holon.worker.staging.HttpStorageFiles;
import dev.holon.worker.staging.StagingProperties;
import dev.holon.worker.staging.TaskStaging;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.web.client.RestClient;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The task runner under {@code <data-dir>/tasks}, the assignment consumer, the convergence on the scheduler's
 * desired state and the log endpoint's reader.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({TaskProperties.class, StagingProperties.class})
class TasksConfiguration {

    static Path tasksRoot(WorkerProperties worker) {
        return worker.dataDir().resolve("tasks");
    }

    @Bean(destroyMethod = "close")
    TaskRunner taskRunner(WorkerProperties worker, TaskProperties tasks) {
        return new TaskRunner(SandboxOptions.defaults(tasksRoot(worker))
                .withKillGrace(tasks.killGrace())
                .withCgroups(tasks.cgroups())
                .withPidNamespace(tasks.pidNamespace())
                .withTenantUsers(tasks.tenantUsers())
                .withAttemptUids(tasks.attemptUids()));
    }

    @Bean
    TaskLogs taskLogs(TaskRunner runner) {
        return new TaskLogs(runner.options().root());
    }

    /** Task staging against storage-service, as the node (client credentials, role {@code node}). */
    @Bean
    TaskStaging taskStaging(StagingProperties staging, OAuth2AuthorizedClientManager nodeAuthorizedClientManager) {
        OAuth2AuthorizeRequest request = OAuth2AuthorizeRequest
                .withClientRegistrationId(RegistrationConfiguration.NODE_CLIENT).principal("node-worker").build();
        return new TaskStaging(new HttpStorageFiles(staging.storageUrl(), () -> {
            OAuth2AuthorizedClient client = nodeAuthorizedClientManager.authorize(request);
            if (client == null) {
                throw new IllegalStateException("no node token for storage-service");
            }
            return client.getAccessToken().getTokenValue();
        }, staging.storageConnectTimeout(), staging.storageTimeout()));
    }

    @Bean
    TaskAssignments taskAssignments(NodeIdentity identity, TaskRunner runner, WorkerProperties worker,
                                    KafkaTemplate<String, EventEnvelope<?>> kafka, Envelopes envelopes, Clock clock,
                                    TaskStaging staging) {
        TaskAssignments assignments = new TaskAssignments(identity.nodeId(), runner,
                new FencingToken(worker.dataDir().resolve("fencing-token")), new KafkaTaskReporter(kafka, envelopes),
                clock, staging);
        assignments.adoptLeftovers();
        return assignments;
    }

    @Bean
    ConvergenceLoop convergenceLoop(RestClient.Builder restClientBuilder, WorkerProperties worker,
                                    TaskProperties tasks, ResilienceProperties resilience,
                                    OAuth2ClientHttpRequestInterceptor nodeBearer, TaskAssignments assignments,
                                    EnrolmentStatus enrolment, Clock clock) {
        Duration timeout = resilience.scheduler().timeout();
        RestClient restClient = restClientBuilder.clone()
                .requestFactory(ClientHttpRequestFactoryBuilder.jdk()
                        .build(HttpClientSettings.defaults().withTimeouts(timeout, timeout)))
                .requestInterceptor(nodeBearer)
                .build();
        SchedulerClient scheduler = new SchedulerClient(worker.schedulerUrls(), restClient,
                new ResilientCall("scheduler", resilience.scheduler()));
        return new ConvergenceLoop(scheduler, assignments, enrolment, tasks.reconcileInterval(), clock);
    }

    @Bean
    TaskAssignmentListener taskAssignmentListener(TaskAssignments assignments) {
        return new TaskAssignmentListener(assignments);
    }
}
