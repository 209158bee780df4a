package dev.holon.localcluster.infra;

import dev.holon.localcluster.process.ChildJvm;
import dev.holon.localcluster.process.ChildProcess;
import dev.holon.localcluster.process.ProcessSpec;
import dev.holon.localcluster.process.Readiness;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A single-node Kafka 4.1 (KRaft, combined broker and controller) in a JVM of its own, so it outlives
 * `holon up`. The first start formats the storage with a cluster id kept in the data directory. The
 * broker may not exit on SIGTERM, so stopping it waits a bounded time and then kills it; KRaft recovers
 * its log on the next start.
 */
public final class KafkaHost extends InfrastructureProcess {

    static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    static final Duration STOP_GRACE = Duration.ofSeconds(15);

    /** {@code controllerPort} is usually {@code port + 1}. */
    public record Options(int port, int controllerPort, Path dataDirectory, Path logFile) {
    }

    private final Options options;

    private KafkaHost(Options options, ChildProcess process, boolean stopWithJvm) {
        super("kafka", process, stopWithJvm);
        this.options = options;
    }

    @Override
    protected void stopProcess() {
        process.stop(STOP_GRACE);
    }

    /** Starts the broker and blocks until it answers an admin request; stops with this JVM. */
    public static KafkaHost start(Options options) {
        return launch(options, true);
    }

    /** As {@link #start}, but {@code stopWithJvm=false} leaves it running after this JVM exits (`holon up`). */
    public static KafkaHost launch(Options options, boolean stopWithJvm) {
        ChildProcess process = ChildProcess.spawn(processSpec(options));
        try {
            Readiness.await(process, "the broker answers on localhost:" + options.port(), READY_TIMEOUT,
                    () -> isReady(bootstrapServers(options.port())));
        } catch (RuntimeException e) {
            process.stop(Duration.ofSeconds(5));
            throw e;
        }
        return new KafkaHost(options, process, stopWithJvm);
    }

    public static ProcessSpec processSpec(Options options) {
        return new ProcessSpec("kafka",
                List.of(ChildJvm.java(), "-Xms64m", "-Xmx384m", "-Xss512k", "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
                        "-Dlogback.configurationFile=" + HostLogging.CONFIG,
                        "-cp", ChildJvm.classpath(), KafkaHost.class.getName(),
                        Integer.toString(options.port()), Integer.toString(options.controllerPort()),
                        options.dataDirectory().toAbsolutePath().toString()),
                Map.of(), options.dataDirectory().toAbsolutePath().getParent(), options.logFile());
    }

    public static String bootstrapServers(int port) {
        return "localhost:" + port;
    }

    /** The broker answers a describe-cluster request with at least one node. */
    public static boolean isReady(String bootstrapServers) {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 1000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        try (Admin admin = Admin.create(config)) {
            return !admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes()
                    .get(4, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    public String bootstrapServers() {
        return bootstrapServers(options.port());
    }




    /** The host JVM: {@code KafkaHost <port> <controllerPort> <dataDirectory>}; runs until stopped. */
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        int controllerPort = Integer.parseInt(args[1]);
        Path dataDirectory = Path.of(args[2]).toAbsolutePath();
        Files.createDirectories(dataDirectory);
        Path properties = dataDirectory.resolve("server.properties");
        Files.writeString(properties, serverProperties(port, controllerPort, dataDirectory.resolve("log")),
                StandardCharsets.UTF_8);
        if (!Files.exists(dataDirectory.resolve("log").resolve("meta.properties"))) {
            format(dataDirectory, properties);
        }
        System.out.println("holon: starting Kafka on localhost:" + port + " (controller " + controllerPort + ")");
        kafka.Kafka.main(new String[] {properties.toString()});
    }

    static String serverProperties(int port, int controllerPort, Path logDirectory) {
        return """
                # Written by holon at each start: a single-node KRaft cluster (broker and controller in one).
                process.roles=broker,controller
                node.id=1
                controller.quorum.voters=1@localhost:%2$d
                listeners=PLAINTEXT://localhost:%1$d,CONTROLLER://localhost:%2$d
                advertised.listeners=PLAINTEXT://localhost:%1$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
                log.dirs=%3$s
                num.partitions=3
                auto.create.topics.enable=true
                default.replication.factor=1
                min.insync.replicas=1
                offsets.topic.replication.factor=1
                offsets.topic.num.partitions=3
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                transaction.state.log.num.partitions=3
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                # After a crash the restarted broker waits for its old registration to expire: keep that short.
                broker.heartbeat.interval.ms=1000
                broker.session.timeout.ms=3000
                num.network.threads=2
                num.io.threads=2
                num.recovery.threads.per.data.dir=1
                log.retention.hours=24
                log.segment.bytes=16777216
                log.cleaner.dedupe.buffer.size=8388608
                """.formatted(port, controllerPort, logDirectory.toString());
    }

    /** Formats the storage once; the cluster id stays in the data directory for the next format. */
    private static void format(Path dataDirectory, Path properties) throws IOException {
        Path clusterIdFile = dataDirectory.resolve("cluster.id");
        if (!Files.exists(clusterIdFile)) {
            Files.writeString(clusterIdFile, org.apache.kafka.common.Uuid.randomUuid().toString());
        }
        String clusterId = Files.readString(clusterIdFile).trim();
        System.out.println("holon: formatting Kafka storage, cluster id " + clusterId);
        int status = kafka.tools.StorageTool.execute(
                new String[] {"format", "-t", clusterId, "-c", properties.toString(), "--ignore-formatted"}, System.out);
        if (status != 0) {
            throw new IllegalStateException("kafka storage format failed with status " + status);
        }
    }
}
