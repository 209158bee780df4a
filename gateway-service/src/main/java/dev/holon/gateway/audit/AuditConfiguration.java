package dev.holon.gateway.audit;

import dev.holon.contracts.event.EventEnvelope;
import dev.holon.support.kafka.Envelopes;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Clock;

/** Audit facts from the gateway ({@code holon.gateway.audit.enabled}, on by default). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "holon.gateway.audit.enabled", havingValue = "true", matchIfMissing = true)
class AuditConfiguration {

    @Bean
    AuditPublisher auditPublisher(KafkaTemplate<String, EventEnvelope<?>> kafka, Envelopes envelopes,
                                  AuditProperties properties, MeterRegistry meters) {
        return new AuditPublisher(kafka, envelopes, properties.bufferSize(), properties.drainOnStop(), meters);
    }

    @Bean
    AuditFilter auditFilter(AuditPublisher publisher, ObjectProvider<Clock> clock) {
        return new AuditFilter(publisher, clock.getIfAvailable(Clock::systemUTC));
    }
}
