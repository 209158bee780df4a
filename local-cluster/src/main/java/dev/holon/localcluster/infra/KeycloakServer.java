package dev.holon.localcluster.infra;

import dev.holon.localcluster.process.ChildProcess;
import dev.holon.localcluster.process.HttpProbe;
import dev.holon.localcluster.process.ProcessSpec;
import dev.holon.localcluster.process.Readiness;
import dev.holon.localcluster.process.StartupFailedException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Keycloak from its Maven distribution as a child process. */
public final class KeycloakServer extends InfrastructureProcess {

    /** The master realm's administrator, created on the first start (admin console login). */
    public static final String BOOTSTRAP_ADMIN_USER = "admin";
    public static final String BOOTSTRAP_ADMIN_PASSWORD = "admin";
    public static final String REALM = "holon";
    /** The realm on the classpath, for anyone who wants to read it. */
    public static final String REALM_RESOURCE = "keycloak/holon-realm.json";
    static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    static final Duration STOP_GRACE = Duration.ofSeconds(20);

    public record Options(int httpPort, String jdbcUrl, String dbUser, String dbPassword, String dbSchema,
                          Path logFile) {
    }

    private final Options options;
    private final Path temporaryInstance;

    private KeycloakServer(Options options, ChildProcess process, Path temporaryInstance, boolean stopWithJvm) {
        super("keycloak", process, stopWithJvm);
        this.options = options;
        this.temporaryInstance = temporaryInstance;
    }

    /**
     * Unpacks the distribution once into ~/.cache/holon/keycloak-&lt;version&gt; (or $HOLON_CACHE), runs
     * `kc.sh build --db=postgres` once (skipped when already built with the same options; a marker file
     * says so), writes the holon realm JSON into its data/import, starts `kc.sh start --optimized` with the
     * bootstrap admin set, and blocks until the realm's discovery document answers 200 (timeout 180 s,
     * failing with the tail of its log). The management port is set explicitly ({@link #managementPort}),
     * so two servers on different ports never clash. The server is stopped when this JVM exits, unless
     * {@link #close()} ran first.
     */
    public static KeycloakServer start(Options options) {
        Path instance = KeycloakDistribution.cacheRoot().resolve("instances/port-" + options.httpPort());
        return launch(options, instance, instance, true);
    }

    /**
     * As {@link #start}, with the server's own home (data directory, realm import) in {@code instanceDir};
     * {@code stopWithJvm=false} leaves it running after this JVM exits (`holon up`).
     */
    public static KeycloakServer launch(Options options, Path instanceDir, boolean stopWithJvm) {
        return launch(options, instanceDir, null, stopWithJvm);
    }

    /** {@code temporaryInstance}: deleted once the server stopped (the per-port homes {@link #start} makes). */
    private static KeycloakServer launch(Options options, Path instanceDir, Path temporaryInstance, boolean stopWithJvm) {
        ChildProcess process = ChildProcess.spawn(prepare(options, instanceDir));
        try {
            awaitReady(process, options.httpPort());
        } catch (RuntimeException e) {
            process.stop(Duration.ofSeconds(10));
            throw e;
        }
        return new KeycloakServer(options, process, temporaryInstance, stopWithJvm);
    }

    /**
     * Everything before the start: the distribution unpacked and built, the database schema, the instance
     * home with the realm to import. Returns how to start (and later restart) the server.
     */
    public static ProcessSpec prepare(Options options, Path instanceDir) {
        Path distribution = KeycloakDistribution.ensureBuilt(options.logFile());
        try {
            Path instance = KeycloakDistribution.prepareInstance(distribution, instanceDir.toAbsolutePath());
            try (InputStream realm = KeycloakServer.class.getClassLoader().getResourceAsStream(REALM_RESOURCE)) {
                if (realm == null) {
                    throw new IllegalStateException(REALM_RESOURCE + " is not on the classpath");
                }
                Files.copy(realm, instance.resolve("data/import/holon-realm.json"), StandardCopyOption.REPLACE_EXISTING);
            }
            createSchema(options);
            Map<String, String> environment = new HashMap<>(KeycloakDistribution.environment());
            environment.put("KC_BOOTSTRAP_ADMIN_USERNAME", BOOTSTRAP_ADMIN_USER);
            environment.put("KC_BOOTSTRAP_ADMIN_PASSWORD", BOOTSTRAP_ADMIN_PASSWORD);
            List<String> command = List.of(instance.resolve("bin/kc.sh").toString(), "start", "--optimized",
                    "--http-enabled=true", "--hostname-strict=false",
                    "--http-port=" + options.httpPort(),
                    "--http-management-port=" + managementPort(options.httpPort()),
                    "--db-url=" + options.jdbcUrl(),
                    "--db-username=" + options.dbUser(),
                    "--db-password=" + options.dbPassword(),
                    "--db-schema=" + options.dbSchema(),
                    "--db-pool-initial-size=1", "--db-pool-min-size=1", "--db-pool-max-size=20",
                    "--log-console-color=false",
                    // A local cache: two servers on one machine (a cluster and a test) must never join each other.
                    "--cache=local",
                    "--import-realm");
            return new ProcessSpec("keycloak", command, environment, instance, options.logFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Keycloak in " + instanceDir + ": " + e.getMessage(), e);
        }
    }

    /** False until the distribution has been unpacked and built once (the first start takes longer). */
    public static boolean isDistributionReady() {
        return KeycloakDistribution.isBuilt();
    }

    /** The management interface's port (health/metrics, when enabled): the HTTP port + 1000. */
    public static int managementPort(int httpPort) {
        return httpPort + 1000;
    }

    public static void awaitReady(ChildProcess process, int httpPort) {
        Readiness.await(process, "the holon realm is served at " + issuerUri(httpPort), READY_TIMEOUT,
                () -> isReady(httpPort));
    }

    /** The holon realm's discovery document answers 200. */
    public static boolean isReady(int httpPort) {
        return HttpProbe.get(issuerUri(httpPort) + "/.well-known/openid-configuration").ok();
    }

    public static String baseUrl(int httpPort) {
        return "http://localhost:" + httpPort;
    }

    public static String issuerUri(int httpPort) {
        return baseUrl(httpPort) + "/realms/" + REALM;
    }

    /** Keycloak creates its tables, not its schema. */
    private static void createSchema(Options options) {
        if (!options.dbSchema().matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("not a schema name: " + options.dbSchema());
        }
        try (Connection connection = DriverManager.getConnection(options.jdbcUrl(), options.dbUser(), options.dbPassword());
             Statement statement = connection.createStatement()) {
            statement.execute("create schema if not exists " + options.dbSchema());
        } catch (SQLException e) {
            throw new StartupFailedException("cannot create schema " + options.dbSchema() + " for Keycloak in "
                    + options.jdbcUrl() + ": " + e.getMessage(), e);
        }
    }

    public String baseUrl() {
        return baseUrl(options.httpPort());
    }

    public String issuerUri() {
        return issuerUri(options.httpPort());
    }

    /** The pid of Keycloak's JVM (below kc.sh). */
    @Override
    public long pid() {
        return process.mainPid();
    }



    @Override
    protected void stopProcess() {
        process.stop(STOP_GRACE);
        if (temporaryInstance != null && !process.isAlive()) {
            try {
                HolonCache.deleteTree(temporaryInstance);
            } catch (IOException e) {
                // a few KiB left in the cache
            }
        }
    }
}
