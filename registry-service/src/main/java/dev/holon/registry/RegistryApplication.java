package dev.holon.registry;

import dev.holon.registry.failure.FailureDetector;
import dev.holon.registry.failure.HttpNodeProbe;
import dev.holon.registry.failure.NodeProbe;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** The node registry: who is in the cluster, what each machine has, and whether it is alive. */
@SpringBootApplication
@EnableConfigurationProperties(RegistryProperties.class)
public class RegistryApplication {

    public static void main(String[] args) {
        SpringApplication.run(RegistryApplication.class, args);
    }

    @Bean
    FailureDetector failureDetector(RegistryProperties properties) {
        return new FailureDetector(properties.suspectAfter(), properties.downAfter());
    }

    @Bean
    NodeProbe nodeProbe(RegistryProperties properties) {
        return new HttpNodeProbe(properties.probeTimeout());
    }
}
