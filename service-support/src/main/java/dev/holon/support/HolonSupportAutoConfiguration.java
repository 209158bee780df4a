package dev.holon.support;

import dev.holon.support.kafka.Envelopes;
import dev.holon.support.problem.Problems;
import io.micrometer.tracing.Tracer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

import java.lang.management.ManagementFactory;
import java.time.Clock;

/** What every Holon service shares whatever its stack: a clock, problem building, the event envelope. */
@AutoConfiguration
@EnableScheduling
public class HolonSupportAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    Problems problems(ObjectProvider<Tracer> tracer) {
        return new Problems(tracer.getIfAvailable());
    }

    /** Source = service name and process, so a fact can be traced to the replica that made it. */
    @Bean
    @ConditionalOnMissingBean
    Envelopes envelopes(@Value("${spring.application.name:holon}") String service, Clock clock) {
        return new Envelopes("/" + service + "/" + ManagementFactory.getRuntimeMXBean().getPid(), clock);
    }
}
