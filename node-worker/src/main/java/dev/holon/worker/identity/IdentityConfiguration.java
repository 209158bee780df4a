package dev.holon.worker.identity;

import dev.holon.worker.WorkerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import oshi.SystemInfo;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/** Resolves the node's identity once at start: the id from the data dir, the host name and the labels. */
@Configuration(proxyBeanMethods = false)
class IdentityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(IdentityConfiguration.class);

    @Bean
    NodeIdentity nodeIdentity(WorkerProperties properties, SystemInfo systemInfo) {
        DataDir.secure(properties.dataDir()); // before anything is written there
        String nodeId = NodeIdFile.loadOrCreate(properties.dataDir());
        NodeIdentity identity = new NodeIdentity(nodeId, hostname(systemInfo), properties.labels());
        log.info("Node id {} (from {}), host {}, labels [{}]", nodeId,
                properties.dataDir().resolve(NodeIdFile.FILE_NAME), identity.hostname(), identity.labels());
        return identity;
    }

    /**
     * {@code node.id} in the open {@code /actuator/info}: the registry asks a node that stopped heartbeating whether it
     * still answers at its address, as itself, before it declares it DOWN.
     */
    @Bean
    InfoContributor nodeIdInfo(NodeIdentity identity) {
        return info -> info.withDetail("node", Map.of("id", identity.nodeId()));
    }

    /** Lets {@code holon.worker.labels} be written as {@code zone=a,rack=r1}, as the launcher's env var is. */
    @Bean
    @ConfigurationPropertiesBinding
    static NodeLabelsConverter nodeLabelsConverter() {
        return new NodeLabelsConverter();
    }

    private static String hostname(SystemInfo systemInfo) {
        String name = systemInfo.getOperatingSystem().getNetworkParams().getHostName();
        if (name != null && !name.isBlank()) {
            return name;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
