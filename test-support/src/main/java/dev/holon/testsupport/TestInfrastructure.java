package dev.holon.testsupport;


import dev.holon.localcluster.infra.KafkaHost;
import dev.holon.localcluster.infra.KeycloakServer;
import dev.holon.localcluster.infra.PostgresHost;
import org.springframework.test.context.DynamicPropertyRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The real PostgreSQL, Kafka (KRaft) and Keycloak an integration test talks to, each started on first use and
 * shared by every test of the JVM, on free ports, with the same launchers {@code holon up} uses. They stop
 * when the JVM exits. Nothing here stands in for them.
 */
public final class TestInfrastructure {

    private static final Path WORK = Path.of("target", "it-infra").toAbsolutePath();

    private static PostgresHost postgres;
    private static KafkaHost kafka;
    private static KeycloakServer keycloak;

    private TestInfrastructure() {
    }

    public static synchronized PostgresHost postgres() {
        if (postgres == null) {
            postgres = PostgresHost.start(new PostgresHost.Options(freePort(0), WORK.resolve("postgres-" + ProcessHandle.current().pid()),
                    WORK.resolve("postgres.log")));
        }
        return postgres;
    }

    public static synchronized KafkaHost kafka() {
        if (kafka == null) {
            int port = freePort(1);
            kafka = KafkaHost.start(new KafkaHost.Options(port, port + 1, WORK.resolve("kafka-" + ProcessHandle.current().pid()),
                    WORK.resolve("kafka.log")));
        }
        return kafka;
    }

    public static synchronized KeycloakServer keycloak() {
        if (keycloak == null) {
            PostgresHost db = postgres();
            keycloak = KeycloakServer.start(new KeycloakServer.Options(freePort(1000), db.jdbcUrl(),
                    PostgresHost.USER, PostgresHost.PASSWORD, "keycloak", WORK.resolve("keycloak.log")));
        }
        return keycloak;
    }

    public static KeycloakTokens tokens() {
        return new KeycloakTokens(keycloak());
    }

    /** Points a Spring Boot service at the shared database (in its own schema) and broker. */
    public static void registerDatabaseAndKafka(DynamicPropertyRegistry registry, String schema) {
        PostgresHost db = postgres();
        registry.add("spring.datasource.url", db::jdbcUrl);
        registry.add("spring.datasource.username", () -> PostgresHost.USER);
        registry.add("spring.datasource.password", () -> PostgresHost.PASSWORD);
        registry.add("spring.datasource.hikari.schema", () -> schema);
        registry.add("spring.flyway.schemas", () -> schema);
        registry.add("spring.kafka.bootstrap-servers", () -> kafka().bootstrapServers());
    }

    /**
     * Points a Spring Boot service at a database of its own ({@code name}, created on first use) on the shared
     * PostgreSQL, and at the shared broker. For a second context of a service in one test JVM: a leader's advisory
     * lock is per database, so a context sharing the database with another (cached) one might never lead, and the
     * other context's rows would be in its way.
     */
    public static void registerOwnDatabaseAndKafka(DynamicPropertyRegistry registry, String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        registry.add("spring.datasource.url", () -> ownDatabase(name));
        registry.add("spring.datasource.username", () -> PostgresHost.USER);
        registry.add("spring.datasource.password", () -> PostgresHost.PASSWORD);
        registry.add("spring.kafka.bootstrap-servers", () -> kafka().bootstrapServers());
    }

    private static synchronized String ownDatabase(String name) {
        String shared = postgres().jdbcUrl();
        try (Connection connection = DriverManager.getConnection(shared, PostgresHost.USER, PostgresHost.PASSWORD);
             Statement statement = connection.createStatement()) {
            try (ResultSet exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'")) {
                if (!exists.next()) {
                    statement.execute("CREATE DATABASE " + name);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the test database " + name + ": " + e.getMessage(), e);
        }
        return shared.substring(0, shared.lastIndexOf('/') + 1) + name;
    }

    /** Makes a service trust the shared Keycloak's holon realm, as it does in a real cluster. */
    public static void registerIssuer(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", () -> keycloak().issuerUri());
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
                () -> keycloak().issuerUri() + "/protocol/openid-connect/certs");
    }

    /**
     * All three, for a service that uses everything. Config-service must be switched off in the test's own
     * {@code @SpringBootTest(properties = "spring.cloud.config.enabled=false")}: config data is read before
     * dynamic properties exist.
     */
    public static void registerAll(DynamicPropertyRegistry registry, String schema) {
        registerDatabaseAndKafka(registry, schema);
        registerIssuer(registry);
    }

    /** A free port; with {@code neighbourOffset > 0} also {@code port + offset} is free (a second listener). */
    public static int freePort(int neighbourOffset) {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket(0)) {
                int port = socket.getLocalPort();
                if (neighbourOffset == 0 || (port + neighbourOffset < 65536 && isFree(port + neighbourOffset))) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port found");
    }

    private static boolean isFree(int port) {
        try (ServerSocket ignored = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
