package dev.holon.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.holon.deploy.Yamls.get;
import static dev.holon.deploy.Yamls.list;
import static dev.holon.deploy.Yamls.map;
import static dev.holon.deploy.Yamls.string;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks docker-compose.yml as Compose would read it (SnakeYAML, with the file's anchors and merge keys): health
 * checks and the start order they drive, data on named volumes, only the gateway and Keycloak published, every
 * image a module and every module an image, every configuration key provided, workers that scale.
 */
class ComposeTest {

    /** The only services reachable from outside the host. */
    static final Set<String> PUBLISHED = Set.of("gateway-service", "keycloak");
    /** Where each stateful service keeps its data; each must be a named volume. */
    static final Map<String, String> DATA = Map.of(
            "postgres", "/var/lib/postgresql/data",
            "kafka", "/var/lib/kafka/data",
            "node-worker", "/var/lib/holon/workers");
    /**
     * Services a container's settings name that it calls only on demand, never at start, so that waiting for them
     * would only lengthen the start: each with why. Every other compose service a setting names is in depends_on.
     */
    static final Map<String, Map<String, String>> ON_DEMAND = Map.of(
            "registry-service", Map.of("auth-service", "the keys of PAT JWTs, fetched at the first request that carries one"),
            "scheduler-service", Map.of("storage-service", "input locations, asked at submit; a submit goes on without them"));

    /** A variable that stands for another (the worker's start script derives its data dir from its slot). */
    static final Map<String, String> ALTERNATIVES = Map.of("HOLON_WORKER_DATA_DIR", "HOLON_WORKER_SLOTS_DIR");

    static Map<String, Object> compose;
    static Map<String, Object> services;

    @BeforeAll
    static void parse() {
        compose = new Yaml(new LoaderOptions()).load(Repository.read(Repository.path("docker-compose.yml")));
        services = map(compose, "services");
    }

    @Test
    void everyServiceHasAHealthCheckAndStartsAfterItsDependenciesAreHealthy() {
        List<String> problems = new ArrayList<>();
        services.forEach((name, service) -> {
            if (list(service, "healthcheck", "test").isEmpty()) {
                problems.add(name + " has no healthcheck");
            }
            Object dependsOn = get(service, "depends_on");
            if (dependsOn instanceof List<?>) {
                problems.add(name + ": depends_on without condition");
            }
            map(service, "depends_on").forEach((dependency, how) -> {
                if (!services.containsKey(dependency)) {
                    problems.add(name + " depends on unknown " + dependency);
                }
                if (!"service_healthy".equals(string(how, "condition"))) {
                    problems.add(name + " -> " + dependency + " is not condition: service_healthy");
                }
            });
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void everyServiceASettingNamesIsHealthyBeforeTheContainerStarts() {
        List<String> problems = new ArrayList<>();
        Map<String, Set<String>> named = new LinkedHashMap<>();
        for (Repository.ImageModule module : Repository.imageModules().values()) {
            Set<String> dependsOn = map(services.get(module.name()), "depends_on").keySet();
            Map<String, String> onDemand = ON_DEMAND.getOrDefault(module.name(), Map.of());
            Set<String> hosts = new TreeSet<>();
            for (ServiceAddresses.Target t : ServiceAddresses.of(module, environment(module))) {
                if (!services.containsKey(t.host())) {
                    problems.add(module.name() + ": " + t + " names no compose service");
                } else if (!t.host().equals(module.name())) {
                    hosts.add(t.host());
                    if (!dependsOn.contains(t.host()) && !onDemand.containsKey(t.host())) {
                        problems.add(module.name() + " starts without waiting for " + t.host() + " (" + t + ")");
                    }
                }
            }
            onDemand.keySet().stream().filter(h -> !hosts.contains(h))
                    .forEach(h -> problems.add("ON_DEMAND lists " + module.name() + " -> " + h + ", which no setting names"));
            named.put(module.name(), hosts);
        }
        assertThat(problems).isEmpty();
        // The settings, not a list, say this: the gateway's Kafka clients, the services' HOLON_AUTH_URL.
        assertThat(named.get("gateway-service")).contains("kafka", "keycloak", "config-service", "registry-service",
                "scheduler-service", "storage-service", "auth-service").doesNotContain("postgres");
        assertThat(named.get("node-worker")).contains("auth-service", "storage-service", "kafka").doesNotContain("postgres");
        assertThat(named.get("scheduler-service")).contains("auth-service", "storage-service", "registry-service", "postgres");
    }

    /** A compose service's environment as its container gets it (with the worker's slot standing for its data dir). */
    static Map<String, String> environment(Repository.ImageModule module) {
        Map<String, String> env = new LinkedHashMap<>();
        map(services.get(module.name()), "environment").forEach((k, v) -> env.put(k, String.valueOf(v)));
        ALTERNATIVES.forEach((variable, alternative) -> {
            if (env.containsKey(alternative)) {
                env.putIfAbsent(variable, env.get(alternative));
            }
        });
        return env;
    }

    @Test
    void dataLivesOnNamedVolumes() {
        Set<String> declared = map(compose, "volumes").keySet();
        DATA.forEach((service, path) -> {
            String source = list(services.get(service), "volumes").stream().map(String::valueOf)
                    .filter(v -> v.split(":")[1].equals(path)).map(v -> v.split(":")[0]).findFirst()
                    .orElseThrow(() -> new AssertionError(service + " keeps " + path + " on no volume"));
            assertThat(declared).as("%s's data volume %s is a declared named volume", service, source).contains(source);
        });
        services.forEach((name, service) -> list(service, "volumes").stream().map(String::valueOf).forEach(v -> {
            String source = v.split(":")[0];
            if (source.startsWith(".") || source.startsWith("/")) {
                assertThat(Files.exists(Repository.path(source.replaceFirst("^\\./", "")))
                        || source.equals("./deploy/tls/out"))
                        .as("%s mounts %s, which exists (deploy/tls/out comes from deploy/tls/make-certs.sh)", name, source).isTrue();
            } else {
                assertThat(declared).as("%s mounts named volume %s", name, source).contains(source);
            }
        }));
    }

    @Test
    void onlyTheGatewayAndKeycloakArePublished() {
        Set<String> published = new TreeSet<>();
        services.forEach((name, service) -> {
            if (!list(service, "ports").isEmpty()) {
                published.add(name);
            }
        });
        assertThat(published).isEqualTo(new TreeSet<>(PUBLISHED));
        assertThat(list(services.get("gateway-service"), "ports")).containsExactly("8080:8080");
        assertThat(list(services.get("keycloak"), "ports")).containsExactly("8180:8180");
    }

    @Test
    void everyHolonImageIsAModuleAndEveryImageModuleRuns() {
        Map<String, Repository.ImageModule> modules = Repository.imageModules();
        Set<String> used = new HashSet<>();
        services.forEach((name, service) -> {
            String image = string(service, "image");
            String module = KubernetesManifestsTest.moduleOf(image.replaceAll("\\$\\{[A-Z_]+:-([^}]*)}", "$1"));
            if (module != null) {
                assertThat(modules).as("image %s of %s names a module with Jib on", image, name).containsKey(module);
                assertThat(name).as("compose service of module %s", module).isEqualTo(module);
                used.add(module);
            }
        });
        assertThat(used).containsExactlyInAnyOrderElementsOf(modules.keySet());
    }

    @Test
    void everyConfigurationKeyAServiceReadsIsProvided() {
        List<String> problems = new ArrayList<>();
        for (Repository.ImageModule module : Repository.imageModules().values()) {
            Map<String, String> env = environment(module);
            Set<String> missing = new TreeSet<>();
            for (String variable : ConfigKeys.required(module, env)) {
                if (!env.containsKey(variable)) {
                    missing.add(variable);
                }
            }
            if (!missing.isEmpty()) {
                problems.add(module.name() + " lacks " + missing);
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void addressesNameComposeServicesAndTheirPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        Repository.imageModules().values().forEach(m -> ports.put(m.name(), m.port()));
        ports.put("postgres", 5432);
        ports.put("kafka", 9093);
        ports.put("keycloak", 8180);
        java.util.regex.Pattern address = java.util.regex.Pattern.compile("(?:https?://|jdbc:postgresql://|^)([a-z][a-z0-9-]*):(\\d+)");
        List<String> problems = new ArrayList<>();
        services.forEach((name, service) -> map(service, "environment").forEach((key, value) -> {
            for (String part : String.valueOf(value).split(",")) {
                var m = address.matcher(part.trim());
                if (part.contains("localhost") && !key.equals("HOLON_ISSUER_URI")) {
                    problems.add(name + ": " + key + "=" + value + " names localhost, which is the container itself");
                }
                if (m.find() && !m.group(1).equals("localhost") && !Integer.valueOf(Integer.parseInt(m.group(2))).equals(ports.get(m.group(1)))) {
                    problems.add(name + ": " + key + "=" + value + " names no service port");
                }
            }
        }));
        assertThat(problems).isEmpty();
    }

    @Test
    void workersScaleEachWithItsOwnIdentity() {
        Map<String, Object> worker = map(services.get("node-worker"));
        // --scale needs: no fixed container name or host name, no published port.
        assertThat(worker).doesNotContainKeys("container_name", "hostname", "ports");
        assertThat(((Number) map(worker, "deploy").get("replicas")).intValue()).isEqualTo(3);
        // Every replica claims its own slot (its data dir and node id) on the shared named volume.
        String slots = string(worker, "environment", "HOLON_WORKER_SLOTS_DIR");
        assertThat(slots).isEqualTo(DATA.get("node-worker"));
        assertThat(map(worker, "environment")).doesNotContainKey("HOLON_WORKER_DATA_DIR");
        assertThat(worker.get("privileged")).as("the task sandbox needs cgroups and namespaces").isEqualTo(true);
        // The shared holon-node client by default; an enrolment token from the shell when one is given.
        assertThat(string(worker, "environment", "HOLON_WORKER_ENROLMENT_TOKEN")).isEqualTo("${HOLON_WORKER_ENROLMENT_TOKEN:-}");
        assertThat(string(worker, "environment", "HOLON_NODE_CLIENT_SECRET")).isNotBlank();
    }

    @Test
    void everyServiceThatUsesKafkaTrustsTheBrokersCa() {
        for (Repository.ImageModule module : Repository.imageModules().values()) {
            if (!module.usesKafka()) {
                continue;
            }
            Map<String, String> env = environment(module);
            assertThat(env).as(module.name()).containsEntry("SPRING_KAFKA_SECURITY_PROTOCOL", "SSL")
                    .containsKeys("SPRING_KAFKA_SSL_TRUST_STORE_LOCATION", "SPRING_KAFKA_SSL_TRUST_STORE_PASSWORD");
            String store = env.get("SPRING_KAFKA_SSL_TRUST_STORE_LOCATION").replaceFirst("^file:", "");
            assertThat(list(services.get(module.name()), "volumes").stream().map(String::valueOf)
                    .anyMatch(v -> store.startsWith(v.split(":")[1] + "/")))
                    .as("%s mounts the folder of its Kafka trust store %s", module.name(), store).isTrue();
        }
    }

    @Test
    void tokensNameTheIssuerTheServicesExpect() {
        // Keycloak's fixed hostname is the issuer of every token; the services check exactly that issuer.
        assertThat(list(services.get("keycloak"), "command")).contains("--hostname=http://localhost:8180", "--hostname-backchannel-dynamic=true");
        for (String module : Repository.imageModules().keySet()) {
            if (!module.equals("config-service")) {
                assertThat(string(services.get(module), "environment", "HOLON_ISSUER_URI")).as(module).isEqualTo("http://localhost:8180/realms/holon");
                assertThat(string(services.get(module), "environment", "HOLON_ISSUER_BACKCHANNEL_URI")).as(module).isEqualTo("http://keycloak:8180/realms/holon");
            }
        }
    }

    @Test
    void theRealmIsTheOneLocalClusterImports() {
        assertThat(list(services.get("keycloak"), "volumes")).contains(
                "./local-cluster/src/main/resources/keycloak/holon-realm.json:/opt/keycloak/data/import/holon-realm.json:ro");
        assertThat(list(services.get("keycloak"), "command")).contains("--import-realm");
    }

    @Test
    void databaseAndBrokerConnectionsUseVerifiedTls() {
        Map<String, Object> env = map(services.get("registry-service"), "environment");
        assertThat(string(env, "HOLON_DB_URL")).contains("sslmode=verify-full", "sslrootcert=/tls/ca.crt");
        assertThat(string(env, "SPRING_KAFKA_SECURITY_PROTOCOL")).isEqualTo("SSL");
        assertThat(string(services.get("keycloak"), "environment", "KC_DB_URL")).contains("sslmode=verify-full");
        assertThat(list(services.get("postgres"), "command")).contains("ssl=on");
        assertThat(string(services.get("kafka"), "environment", "KAFKA_LISTENERS")).doesNotContain("PLAINTEXT://");
    }
}
