package dev.holon.localcluster.cluster;

import dev.holon.localcluster.infra.KafkaHost;
import dev.holon.localcluster.infra.KeycloakServer;
import dev.holon.localcluster.infra.PostgresHost;
import dev.holon.localcluster.process.HttpProbe;

/** What a process of the cluster is, which decides how its health is checked. */
public enum ProcessKind {
    POSTGRES {
        @Override
        boolean healthy(int port, String healthUrl) {
            return PostgresHost.isReady(port);
        }
    },
    KAFKA {
        @Override
        boolean healthy(int port, String healthUrl) {
            return KafkaHost.isReady(KafkaHost.bootstrapServers(port));
        }
    },
    KEYCLOAK {
        @Override
        boolean healthy(int port, String healthUrl) {
            return KeycloakServer.isReady(port);
        }
    },
    /** A Spring Boot service: its actuator health says UP. */
    SERVICE {
        @Override
        boolean healthy(int port, String healthUrl) {
            return HttpProbe.actuatorUp(healthUrl);
        }
    };

    abstract boolean healthy(int port, String healthUrl);
}
