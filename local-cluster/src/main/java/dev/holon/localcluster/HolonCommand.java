package dev.holon.localcluster;

import dev.holon.localcluster.cluster.ClusterException;
import dev.holon.localcluster.cluster.ClusterOptions;
import dev.holon.localcluster.cluster.Health;
import dev.holon.localcluster.cluster.LocalCluster;
import dev.holon.localcluster.cluster.ManagedProcess;
import dev.holon.localcluster.cluster.PortInUseException;
import dev.holon.localcluster.infra.KeycloakServer;
import dev.holon.localcluster.infra.PostgresHost;
import dev.holon.localcluster.process.StartupFailedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * {@code ./holon up|down|status}: a thin command line over {@link LocalCluster}. Exit codes: 0 success
 * (also `up` when the cluster already runs, and `down` when nothing runs), 1 failure or (status) not all
 * healthy, 2 a port is in use or the command line is wrong.
 */
@Command(name = "holon", mixinStandardHelpOptions = true, version = "holon 0.1.0-SNAPSHOT",
        description = "A real Holon cluster on this machine: PostgreSQL, Kafka, Keycloak, the services and 3 node-workers,"
                + " each its own process, no Docker.",
        subcommands = {HolonCommand.Up.class, HolonCommand.Down.class, HolonCommand.Status.class})
public final class HolonCommand implements Runnable {

    static final int EXIT_PORT_IN_USE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "dev/holon/localcluster/cli/launcher-logback.xml");
        }
        System.exit(new CommandLine(new HolonCommand()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class HomeOption {
        @Option(names = "--home", paramLabel = "DIR",
                description = "Where logs, data and the state file live (default: $HOLON_HOME or ~/.holon).")
        Path home;

        Path home() {
            return (home == null ? ClusterOptions.defaultHome() : home).toAbsolutePath().normalize();
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Start the cluster and wait until every process is healthy and every worker is UP.")
    static final class Up implements Callable<Integer> {
        @Mixin
        HomeOption home;

        @Option(names = "--port-base", paramLabel = "N", defaultValue = "8080",
                description = "Shift every port by N - 8080 (default ${DEFAULT-VALUE}: gateway 8080, registry 8081, "
                        + "storage 8889, auth 8890, config 8888, keycloak 8180, postgres 15432, kafka 19092-19093, workers 8091-8093). "
                        + "Up to 21080 every port stays below the kernel's ephemeral range (32768 up).")
        int portBase;

        @Option(names = "--workers", paramLabel = "N", defaultValue = "3", description = "Node-workers (default ${DEFAULT-VALUE}).")
        int workers;

        @Option(names = "--scheduler-replicas", paramLabel = "N", defaultValue = "1",
                description = "scheduler-service processes on ports 8082, 8083, ... (default ${DEFAULT-VALUE}); one leads,"
                        + " the others take over when it dies.")
        int schedulerReplicas;

        @Option(names = "--repo", paramLabel = "DIR", description = "The Holon checkout whose */target/*.jar to run.")
        Path repository;

        @Override
        public Integer call() {
            PrintStream out = System.out;
            ClusterOptions options;
            try {
                options = ClusterOptions.builder().home(home.home()).portBase(portBase).workers(workers)
                        .schedulerReplicas(schedulerReplicas)
                        .repository(repository).stopOnExit(false).progress(out).build();
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return EXIT_PORT_IN_USE;
            }
            out.printf("Starting Holon in %s (port base %d)%n", options.home(), options.portBase());
            try {
                LocalCluster cluster = LocalCluster.start(options);
                printSummary(cluster, out);
                return 0;
            } catch (ClusterException.AlreadyRunning e) {
                out.println(e.getMessage());
                return 0;
            } catch (PortInUseException e) {
                System.err.println(e.getMessage());
                return EXIT_PORT_IN_USE;
            } catch (StartupFailedException | ClusterException | UncheckedIOException e) {
                System.err.println();
                System.err.println("Holon did not start: " + e.getMessage());
                System.err.println("Logs: " + options.home().resolve("logs"));
                return 1;
            }
        }
    }

    static void printSummary(LocalCluster cluster, PrintStream out) {
        String command = "./holon";
        String homeOption = cluster.home().equals(ClusterOptions.defaultHome().toAbsolutePath().normalize()) ? ""
                : " --home " + cluster.home();
        out.println();
        out.println("Holon is up.");
        out.printf("  API (gateway)        %s/api/v1%s%n", cluster.gatewayUrl(),
                cluster.skippedServices().contains("gateway-service") ? "   (gateway-service not built: not running)" : "");
        out.printf("  Keycloak             %s   (issuer %s)%n", cluster.keycloakUrl(), cluster.issuerUri());
        out.printf("  Keycloak admin       %s   (user %s, password %s)%n", cluster.keycloakAdminConsoleUrl(),
                KeycloakServer.BOOTSTRAP_ADMIN_USER, KeycloakServer.BOOTSTRAP_ADMIN_PASSWORD);
        out.printf("  Users (realm holon)  admin / holon-admin (admin), operator / holon-operator, demo / holon-demo%n");
        out.printf("  PostgreSQL           %s   (user %s, password %s)%n", cluster.jdbcUrl(), PostgresHost.USER,
                PostgresHost.PASSWORD);
        out.printf("  Kafka                %s%n", cluster.kafkaBootstrapServers());
        out.printf("  Logs                 %s%n", cluster.logDirectory());
        if (!cluster.skippedServices().isEmpty()) {
            out.printf("  Not started          %s (jar missing: build with ./mvnw -B -DskipTests package)%n",
                    String.join(", ", cluster.skippedServices()));
        }
        out.printf("  Workers              %s%n", cluster.nodesCheck());
        out.println();
        out.println("List the nodes with the holon command (cli/README.md):");
        out.println("  " + cliCommand(cluster.gatewayUrl(), cluster.issuerUri()));
        out.println("or with curl:");
        out.println("  " + nodesCommand(cluster.tokenUrl(), cluster.gatewayUrl()));
        out.println();
        out.printf("%s status%s shows each process; %s down%s stops them (--purge also deletes the data).%n", command,
                homeOption, command, homeOption);
        out.flush();
    }

    /** The same with the CLI: a login as demo (URLs only when they are not the CLI's defaults), then the nodes. */
    static String cliCommand(String gatewayUrl, String issuerUri) {
        String where = gatewayUrl.equals("http://localhost:8080") && issuerUri.equals("http://localhost:8180/realms/holon")
                ? "" : " --gateway " + gatewayUrl + " --issuer " + issuerUri;
        return "echo holon-demo | ./holon login --username demo --password-stdin" + where + " && ./holon nodes ls";
    }

    /** A command a person can paste: a token for demo, then the node list through the gateway. */
    static String nodesCommand(String tokenUrl, String gatewayUrl) {
        return "TOKEN=$(curl -s -d grant_type=password -d client_id=holon-cli -d username=demo -d password=holon-demo "
                + tokenUrl + " | sed -n 's/.*\"access_token\":\"\\([^\"]*\\)\".*/\\1/p'); "
                + "curl -s -H \"Authorization: Bearer $TOKEN\" " + gatewayUrl + "/api/v1/nodes";
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stop every process (workers first, PostgreSQL last). Data is kept unless --purge.")
    static final class Down implements Callable<Integer> {
        @Mixin
        HomeOption home;

        @Option(names = "--purge", description = "Also delete the data (PostgreSQL, Kafka, workers, Keycloak's home). Logs stay.")
        boolean purge;

        @Override
        public Integer call() {
            Path dir = home.home();
            try {
                Optional<LocalCluster> cluster = LocalCluster.attach(dir, System.out);
                if (cluster.isEmpty() || cluster.get().processes().isEmpty()) {
                    boolean orphan = PostgresHost.stopOrphan(dir.resolve("data/postgres"));
                    System.out.println(orphan ? "Stopped a PostgreSQL left running in " + dir.resolve("data/postgres")
                            : "Holon is not running (nothing recorded in " + dir + ").");
                } else {
                    // PostgreSQL goes last, after the services that still write to it on their way out.
                    System.out.println("Stopping Holon in " + dir);
                    cluster.get().stop();
                    PostgresHost.stopOrphan(dir.resolve("data/postgres"));
                    System.out.println("Holon is stopped.");
                }
                if (purge) {
                    purge(dir.resolve("data"));
                }
                return 0;
            } catch (ClusterException e) {
                System.err.println(e.getMessage());
                return 1;
            }
        }

        private static void purge(Path data) {
            if (!Files.exists(data)) {
                System.out.println("Nothing to purge: " + data + " does not exist.");
                return;
            }
            try {
                long bytes = sizeOf(data);
                try (Stream<Path> walk = Files.walk(data)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
                System.out.printf("Removed %s (%.1f MiB: PostgreSQL, Kafka, workers and Keycloak data).%n", data,
                        bytes / 1048576.0);
            } catch (IOException e) {
                System.err.println("Could not remove all of " + data + ": " + e.getMessage());
            }
        }

        private static long sizeOf(Path dir) throws IOException {
            try (Stream<Path> walk = Files.walk(dir)) {
                return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Each process with its pid, port, state and health. Exit 0 when all are healthy, 1 otherwise.")
    static final class Status implements Callable<Integer> {
        @Mixin
        HomeOption home;

        @Override
        public Integer call() throws Exception {
            Optional<LocalCluster> attached = LocalCluster.attach(home.home(), System.out);
            if (attached.isEmpty() || attached.get().processes().isEmpty()) {
                System.out.println("Holon is not running (nothing recorded in " + home.home() + "). Start it with ./holon up");
                return 1;
            }
            LocalCluster cluster = attached.get();
            List<ManagedProcess> processes = cluster.processes();
            List<Health> health = new ArrayList<>();
            try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Health>> checks = processes.stream().map(p -> executor.submit(p::health)).toList();
                for (Future<Health> check : checks) {
                    health.add(check.get());
                }
            }
            String format = "%-18s %8s %6s  %-8s %-9s %8s  %s%n";
            System.out.printf(format, "PROCESS", "PID", "PORT", "STATE", "HEALTH", "MEMORY", "LOG");
            boolean allUp = true;
            for (int i = 0; i < processes.size(); i++) {
                ManagedProcess process = processes.get(i);
                boolean alive = process.isAlive();
                allUp &= health.get(i) == Health.UP;
                System.out.printf(format, process.name(), alive ? Long.toString(process.mainPid()) : "-", process.port(),
                        alive ? "running" : "stopped", health.get(i).label(),
                        alive ? (process.rssKiB() / 1024) + " MiB" : "-", process.logFile());
            }
            if (!cluster.skippedServices().isEmpty()) {
                System.out.println("not started (jar missing): " + String.join(", ", cluster.skippedServices()));
            }
            System.out.println(allUp ? "All healthy. Gateway: " + cluster.gatewayUrl() + ", Keycloak: " + cluster.keycloakUrl()
                    : "Not all healthy: see the log files above. ./holon down, then ./holon up, starts everything again.");
            return allUp ? 0 : 1;
        }
    }
}
