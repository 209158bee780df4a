package dev.holon.localcluster.infra;

import dev.holon.localcluster.process.ChildJvm;
import dev.holon.localcluster.process.ChildProcess;
import dev.holon.localcluster.process.ProcessSpec;
import dev.holon.localcluster.process.Readiness;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * PostgreSQL 17 (zonky's embedded binaries) in a JVM of its own, so it outlives `holon up`. Its data
 * directory survives restarts; database {@value #DATABASE} is created once, and each service keeps its
 * own schema in it (Keycloak: {@code keycloak}). SIGTERM stops PostgreSQL cleanly.
 */
public final class PostgresHost extends InfrastructureProcess {

    public static final String DATABASE = "holon";
    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";
    static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    public record Options(int port, Path dataDirectory, Path logFile) {
    }

    private final Options options;

    private PostgresHost(Options options, ChildProcess process, boolean stopWithJvm) {
        super("postgres", process, stopWithJvm);
        this.options = options;
    }

    /** Starts PostgreSQL and blocks until database {@value #DATABASE} accepts connections; stops with this JVM. */
    public static PostgresHost start(Options options) {
        return launch(options, true);
    }

    /** As {@link #start}, but {@code stopWithJvm=false} leaves it running after this JVM exits (`holon up`). */
    public static PostgresHost launch(Options options, boolean stopWithJvm) {
        stopOrphan(options.dataDirectory());
        ChildProcess process = ChildProcess.spawn(processSpec(options));
        try {
            Readiness.await(process, "PostgreSQL accepts connections on port " + options.port(), READY_TIMEOUT,
                    () -> isReady(options.port()));
        } catch (RuntimeException e) {
            process.stop(Duration.ofSeconds(10));
            throw e;
        }
        return new PostgresHost(options, process, stopWithJvm);
    }

    public static ProcessSpec processSpec(Options options) {
        return new ProcessSpec("postgres",
                List.of(ChildJvm.java(), "-Xmx160m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-Dlogback.configurationFile=" + HostLogging.CONFIG,
                        "-cp", ChildJvm.classpath(), PostgresHost.class.getName(),
                        Integer.toString(options.port()), options.dataDirectory().toAbsolutePath().toString()),
                Map.of(), options.dataDirectory().toAbsolutePath().getParent(), options.logFile());
    }

    public static String jdbcUrl(int port) {
        return "jdbc:postgresql://localhost:" + port + "/" + DATABASE;
    }

    /** Database {@value #DATABASE} answers a query (so it exists: the host creates it before that). */
    public static boolean isReady(int port) {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", PASSWORD);
        properties.setProperty("connectTimeout", "2");
        properties.setProperty("socketTimeout", "5");
        properties.setProperty("loginTimeout", "3");
        try (Connection connection = DriverManager.getConnection(jdbcUrl(port), properties);
             Statement statement = connection.createStatement()) {
            return statement.execute("select 1");
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * A PostgreSQL left running by a host that was SIGKILLed (pg_ctl detaches it, so it is not the host's
     * child): stop it via its postmaster.pid before starting again, or the new start fails.
     */
    public static boolean stopOrphan(Path dataDirectory) {
        Optional<ProcessHandle> postmaster = postmasterPid(dataDirectory).flatMap(ProcessHandle::of);
        if (postmaster.isEmpty()) {
            return false;
        }
        try {
            // SIGINT is PostgreSQL's "fast" shutdown: it does not wait for clients to leave.
            new ProcessBuilder("kill", "-INT", Long.toString(postmaster.get().pid())).inheritIO().start().waitFor();
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (postmaster.get().isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        } catch (IOException e) {
            // fall through to SIGKILL
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (postmaster.get().isAlive()) {
            postmaster.get().destroyForcibly();
        }
        return true;
    }

    /** The running PostgreSQL server (postmaster) of this data directory, from its postmaster.pid. */
    public static Optional<Long> postmasterPid(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        try {
            if (Files.isRegularFile(pidFile)) {
                long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().trim());
                return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                        .filter(h -> h.info().command().map(c -> c.endsWith("postgres")).orElse(false))
                        .map(ProcessHandle::pid);
            }
        } catch (IOException | RuntimeException e) {
            // none
        }
        return Optional.empty();
    }

    /**
     * SIGKILL to the PostgreSQL server of this data directory and its backends, as a crash would (chaos
     * tests). Waits until they are gone: a backend still attached to the shared memory would stop the next
     * start.
     */
    public static void killPostmaster(Path dataDirectory) {
        postmasterPid(dataDirectory).flatMap(ProcessHandle::of).ifPresent(postmaster -> {
            List<ProcessHandle> all = new java.util.ArrayList<>(postmaster.descendants().toList());
            all.add(postmaster);
            all.forEach(ProcessHandle::destroyForcibly);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (all.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
    }

    public String jdbcUrl() {
        return jdbcUrl(options.port());
    }

    public int port() {
        return options.port();
    }




    @Override
    protected void stopProcess() {
        process.stop(Duration.ofSeconds(20));
        stopOrphan(options.dataDirectory());
    }

    /** The host JVM: {@code PostgresHost <port> <dataDirectory>}; runs until SIGTERM. */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path dataDirectory = Path.of(args[1]).toAbsolutePath();
        Files.createDirectories(dataDirectory.getParent());
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                // Binaries under Holon's cache rather than /tmp: tmp cleaners cannot break a running cluster.
                .setOverrideWorkingDirectory(HolonCache.root().resolve("embedded-pg").toFile())
                .setServerConfig("max_connections", "300")
                .setServerConfig("listen_addresses", "localhost")
                .setOutputRedirector(ProcessBuilder.Redirect.INHERIT)
                .setErrorRedirector(ProcessBuilder.Redirect.INHERIT)
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("holon: stopping PostgreSQL");
            try {
                postgres.close();
                System.out.println("holon: PostgreSQL stopped");
            } catch (IOException e) {
                System.out.println("holon: PostgreSQL did not stop cleanly: " + e);
            } finally {
                stopped.countDown();
            }
        }, "stop-postgres"));
        createDatabase(port);
        System.out.println("holon: PostgreSQL ready on port " + port + ", database " + DATABASE + ", data in "
                + dataDirectory);
        stopped.await();
    }

    private static void createDatabase(int port) throws SQLException {
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + port + "/postgres", USER, PASSWORD);
             PreparedStatement exists = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, DATABASE);
            try (ResultSet result = exists.executeQuery()) {
                if (!result.next()) {
                    try (Statement create = connection.createStatement()) {
                        create.execute("create database " + DATABASE);
                        System.out.println("holon: created database " + DATABASE);
                    }
                }
            }
        }
    }
}
