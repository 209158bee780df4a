package dev.holon.worker.heartbeat;

import dev.holon.contracts.event.EventEnvelope;
import dev.holon.support.kafka.Envelopes;
import dev.holon.worker.WorkerProperties;
import dev.holon.worker.identity.NodeIdentity;
import dev.holon.worker.metrics.MachineProbe;
import dev.holon.worker.registration.EnrolmentStatus;
import dev.holon.worker.registration.RegistryClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Clock;

/**
 * Producer tuning (acks, short timeouts) lives in {@code application.yml} under {@code spring.kafka.producer}; the
 * serializers, the {@link Envelopes} (source {@code /node-worker/<pid>}) and the {@link Clock} come from service-support.
 */
@Configuration(proxyBeanMethods = false)
class HeartbeatConfiguration {

    @Bean
    HeartbeatPublisher heartbeatPublisher(KafkaTemplate<String, EventEnvelope<?>> kafkaTemplate, NodeIdentity identity,
                                          MachineProbe probe, EnrolmentStatus enrolment, Envelopes envelopes,
                                          WorkerProperties properties, Clock clock, MeterRegistry meters,
                                          RegistryClient registry) {
        return new HeartbeatPublisher(kafkaTemplate, identity, probe, enrolment, envelopes,
                properties.heartbeatInterval(), clock, meters, registry::heartbeat);
    }
}
