package dev.holon.localcluster.cluster;

import dev.holon.localcluster.infra.PostgresHost;
import dev.holon.localcluster.process.ChildProcess;
import dev.holon.localcluster.process.ProcessSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * One process of a local cluster as tests and the CLI see it: name, pid, port, health, log, and the
 * means to stop or crash it ({@link #kill9()}). {@link LocalCluster#restart(String)} starts it again from
 * the same command, so a worker keeps its data directory and node id.
 */
public final class ManagedProcess {

    /** A process that has not answered its health check this long after its start is DOWN, not starting. */
    static final Duration STARTING_GRACE = Duration.ofMinutes(3);

    private final String name;
    private final ProcessKind kind;
    private final int port;
    private final String healthUrl;
    private final Path dataDirectory;
    private volatile ChildProcess process;

    ManagedProcess(String name, ProcessKind kind, int port, String healthUrl, Path dataDirectory, ChildProcess process) {
        this.name = name;
        this.kind = kind;
        this.port = port;
        this.healthUrl = healthUrl;
        this.dataDirectory = dataDirectory;
        this.process = process;
    }

    public String name() {
        return name;
    }

    public ProcessKind kind() {
        return kind;
    }

    /** The pid of the process Holon started (for Keycloak, kc.sh; see {@link #mainPid()}). */
    public long pid() {
        return process.pid();
    }

    /** The JVM doing the work (Keycloak's JVM below kc.sh; otherwise {@link #pid()}). */
    public long mainPid() {
        return process.mainPid();
    }

    public int port() {
        return port;
    }

    /** An actuator or discovery URL for HTTP processes; a JDBC URL or bootstrap address otherwise. */
    public String healthUrl() {
        return healthUrl;
    }

    public Path logFile() {
        return process.logFile();
    }

    /** For processes that own one (PostgreSQL, Kafka, workers); {@code null} otherwise. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    public ProcessSpec spec() {
        return process.spec();
    }

    public Instant startedAt() {
        return process.startedAt();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Checks now: UP, STARTING (running, not answering yet, recently started) or DOWN. */
    public Health health() {
        if (!isAlive()) {
            return Health.DOWN;
        }
        if (kind.healthy(port, healthUrl)) {
            return Health.UP;
        }
        Instant started = process.startedAt();
        boolean recent = started != null && Duration.between(started, Instant.now()).compareTo(STARTING_GRACE) < 0;
        return recent ? Health.STARTING : Health.DOWN;
    }

    boolean healthy() {
        return kind.healthy(port, healthUrl);
    }

    /** Memory (PSS) of the process and its children, KiB; for PostgreSQL, the host JVM plus the server. */
    public long rssKiB() {
        long rss = process.rssKiB();
        if (kind == ProcessKind.POSTGRES && dataDirectory != null) {
            rss += PostgresHost.postmasterPid(dataDirectory).map(ChildProcess::treeRssKiB).orElse(0L);
        }
        return rss;
    }

    /** Crash it: SIGKILL to it and everything it started (for PostgreSQL, the server too). */
    public void kill9() {
        process.kill9();
        if (kind == ProcessKind.POSTGRES && dataDirectory != null) {
            PostgresHost.killPostmaster(dataDirectory);
        }
    }

    /** Stop it cleanly: SIGTERM, a bounded wait, then SIGKILL. Returns true when it stopped in time. */
    public boolean stop(Duration grace) {
        boolean clean = process.stop(grace);
        if (kind == ProcessKind.POSTGRES && dataDirectory != null) {
            PostgresHost.stopOrphan(dataDirectory);
        }
        return clean;
    }

    ChildProcess process() {
        return process;
    }

    void replace(ChildProcess restarted) {
        this.process = restarted;
    }

    @Override
    public String toString() {
        return name + "(pid " + pid() + ", port " + port + ")";
    }
}
