package dev.holon.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The per-machine agent: one per machine. It owns the machine's node id, measures the machine, enrols it with
 * the registry and keeps it alive with heartbeats. Tasks and chunks will be further feature packages beside these.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class NodeWorkerApplication {

    public static void main(String[] args) {
        SpringApplication.run(NodeWorkerApplication.class, args);
    }
}
