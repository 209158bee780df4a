package dev.holon.localcluster.cluster;

import dev.holon.localcluster.infra.KafkaHost;
import dev.holon.localcluster.infra.KeycloakServer;
import dev.holon.localcluster.infra.PostgresHost;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Holon services of a local cluster and the environment each gets, as data: adding a service is one
 * line in {@link #SERVICES}. Pure (no processes started), so it is unit-tested.
 */
public final class ClusterPlan {

    /**
     * A Spring Boot service built as {@code <repository>/<module>/target/<module>.jar}. Services of one
     * stage start in parallel, after every earlier stage is healthy.
     */
    public record ServiceDefinition(String module, int stage, String portName) {
    }

    /** One process to start: a service, or one of the workers. */
    public record PlannedService(String name, String module, int stage, int port, Path jar, Map<String, String> environment,
                                 Path dataDirectory) {

        public String healthUrl() {
            return "http://localhost:" + port + "/actuator/health";
        }

        public boolean jarPresent() {
            return Files.isRegularFile(jar);
        }
    }

    public static final String WORKER_MODULE = "node-worker";
    public static final int STAGE_POSTGRES = 1;
    public static final int STAGE_BROKER_AND_IDENTITY = 2;
    public static final int WORKER_STAGE = 5;
    static final List<ServiceDefinition> SERVICES = List.of(
            new ServiceDefinition("config-service", 3, "config"),
            new ServiceDefinition("registry-service", 4, "registry"),
            new ServiceDefinition("scheduler-service", 4, "scheduler"),
            new ServiceDefinition("auth-service", 4, "auth"),
            new ServiceDefinition("gateway-service", 4, "gateway"),
            new ServiceDefinition("storage-service", 4, "storage"));
    /** The services every byte of a file goes through: the gateway's, storage-service's and the workers' data paths. */
    private static final Set<String> DATA_PATH_MODULES = Set.of("gateway-service", "storage-service", WORKER_MODULE);
    private static final String[] ZONES = {"a", "b", "c"};

    private final ClusterOptions options;
    private final PortPlan ports;

    /**
     * Services that only coordinate run with the quick C1 compiler alone: they start sooner and take less memory.
     * The data-path services keep the full JIT (C2): C1 alone hashes SHA-256 ten times slower (7 s per GiB against
     * 0.7 on a 2-core test machine) and makes every byte of a transfer dearer.
     */
    public static List<String> compilerOptions(String module) {
        return DATA_PATH_MODULES.contains(module) ? List.of() : List.of("-XX:TieredStopAtLevel=1");
    }

    public ClusterPlan(ClusterOptions options) {
        this.options = options;
        this.ports = options.ports();
    }

    public PortPlan ports() {
        return ports;
    }

    public Path logFile(String process) {
        return options.home().resolve("logs").resolve(process + ".log");
    }

    public Path dataDirectory(String part) {
        return options.home().resolve("data").resolve(part);
    }

    public PostgresHost.Options postgres() {
        return new PostgresHost.Options(ports.postgres(), dataDirectory("postgres"), logFile("postgres"));
    }

    public KafkaHost.Options kafka() {
        return new KafkaHost.Options(ports.kafka(), ports.kafkaController(), dataDirectory("kafka"), logFile("kafka"));
    }

    public KeycloakServer.Options keycloak() {
        return new KeycloakServer.Options(ports.keycloak(), PostgresHost.jdbcUrl(ports.postgres()), PostgresHost.USER,
                PostgresHost.PASSWORD, "keycloak", logFile("keycloak"));
    }

    public Path keycloakInstance() {
        return dataDirectory("keycloak");
    }

    /** Every service and worker, in start order. */
    public List<PlannedService> services() {
        List<PlannedService> planned = new ArrayList<>();
        for (ServiceDefinition service : SERVICES) {
            int port = switch (service.portName()) {
                case "config" -> ports.config();
                case "registry" -> ports.registry();
                case "scheduler" -> ports.scheduler();
                case "gateway" -> ports.gateway();
                case "storage" -> ports.storage();
                case "auth" -> ports.auth();
                default -> throw new IllegalStateException("no port named " + service.portName());
            };
            Map<String, String> environment = commonEnvironment(port);
            if (service.module().equals("config-service")) {
                environment.put("HOLON_CONFIG_DIR", options.repository().resolve("config").toString());
            }
            planned.add(new PlannedService(service.module(), service.module(), service.stage(), port,
                    jar(service.module()), environment, null));
            if (service.portName().equals("scheduler")) {
                // Further replicas share the database; leader election decides which one places tasks.
                for (int n = 2; n <= ports.schedulers().size(); n++) {
                    planned.add(new PlannedService(PortPlan.schedulerName(n), service.module(), service.stage(),
                            ports.scheduler(n), jar(service.module()), commonEnvironment(ports.scheduler(n)), null));
                }
            }
        }
        for (int n = 1; n <= ports.workers().size(); n++) {
            String name = "node-" + n;
            Path data = dataDirectory("workers").resolve(name);
            Map<String, String> environment = commonEnvironment(ports.worker(n));
            environment.put("HOLON_WORKER_DATA_DIR", data.toString());
            environment.put("HOLON_WORKER_ADVERTISE_HOST", "127.0.0.1");
            environment.put("HOLON_WORKER_LABELS", "zone=" + ZONES[(n - 1) % ZONES.length]);
            planned.add(new PlannedService(name, WORKER_MODULE, WORKER_STAGE, ports.worker(n), jar(WORKER_MODULE),
                    environment, data));
        }
        return planned;
    }

    Path jar(String module) {
        return options.repository().resolve(module).resolve("target").resolve(module + ".jar");
    }

    /** The base URL of every scheduler replica, first replica first. */
    public List<String> schedulerUrls() {
        return ports.schedulers().stream().map(port -> "http://localhost:" + port).toList();
    }

    /** What every service reads to find the rest of the cluster. */
    Map<String, String> commonEnvironment(int ownPort) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("HOLON_CONFIG_URI", "http://localhost:" + ports.config());
        environment.put("HOLON_DB_URL", PostgresHost.jdbcUrl(ports.postgres()));
        environment.put("HOLON_DB_USER", PostgresHost.USER);
        environment.put("HOLON_DB_PASSWORD", PostgresHost.PASSWORD);
        environment.put("HOLON_KAFKA_BOOTSTRAP", KafkaHost.bootstrapServers(ports.kafka()));
        environment.put("HOLON_ISSUER_URI", KeycloakServer.issuerUri(ports.keycloak()));
        environment.put("HOLON_REGISTRY_URL", "http://localhost:" + ports.registry());
        environment.put("HOLON_SCHEDULER_URL", String.join(",", schedulerUrls()));
        environment.put("HOLON_STORAGE_URL", "http://localhost:" + ports.storage());
        environment.put("HOLON_AUTH_URL", "http://localhost:" + ports.auth());
        environment.put("SERVER_PORT", Integer.toString(ownPort));
        return environment;
    }

    /** The stop order is the reverse of this. */
    static int stageOf(ManagedProcess process) {
        return switch (process.kind()) {
            case POSTGRES -> STAGE_POSTGRES;
            case KAFKA, KEYCLOAK -> STAGE_BROKER_AND_IDENTITY;
            case SERVICE -> process.name().startsWith("node-") ? WORKER_STAGE : SERVICES.stream()
                    .filter(s -> process.name().equals(s.module()) || process.name().startsWith(s.module() + "-"))
                    .mapToInt(ServiceDefinition::stage).findFirst()
                    .orElse(4);
        };
    }
}
