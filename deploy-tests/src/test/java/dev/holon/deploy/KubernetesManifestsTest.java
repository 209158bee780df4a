package dev.holon.deploy;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.holon.deploy.Yamls.list;
import static dev.holon.deploy.Yamls.map;
import static dev.holon.deploy.Yamls.string;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Renders k8s/overlays/dev and k8s/overlays/prod with the real Kustomize and checks what a cluster would only tell
 * at run time: probes and resources, images of real modules, every configuration key provided, every Secret and
 * ConfigMap referenced present (or made by an operator whose resource is there), Services that point at ports.
 */
class KubernetesManifestsTest {

    static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "DaemonSet");
    private static final Map<String, List<Map<String, Object>>> RENDERED = new ConcurrentHashMap<>();

    static List<Map<String, Object>> rendered(String overlay) {
        if (Kustomize.command().isEmpty()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(Kustomize.missingMessage());
            }
            Assumptions.abort(Kustomize.missingMessage());
        }
        return RENDERED.computeIfAbsent(overlay, o -> {
            try {
                return Kustomize.render(Repository.path("k8s/overlays").resolve(o));
            } catch (Exception e) {
                throw new AssertionError("rendering k8s/overlays/" + o + ": " + e.getMessage(), e);
            }
        });
    }

    static List<Map<String, Object>> ofKind(List<Map<String, Object>> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    static String name(Map<String, Object> object) {
        return string(object, "metadata", "name");
    }

    static List<Map<String, Object>> containers(Map<String, Object> workload, String field) {
        List<Map<String, Object>> result = new ArrayList<>();
        for (Object c : list(workload, "spec", "template", "spec", field)) {
            result.add(map(c));
        }
        return result;
    }

    /** The module an image is built from, or null when it is not one of ours: [registry/]holon/<module>[:tag]. */
    static String moduleOf(String image) {
        Matcher m = Pattern.compile("(?:.*/)?holon/([a-z0-9-]+)(?::.*)?").matcher(image);
        return m.matches() ? m.group(1) : null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyWorkloadHasProbesAndResources(String overlay) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> workload : rendered(overlay)) {
            if (!WORKLOADS.contains(workload.get("kind"))) {
                continue;
            }
            for (Map<String, Object> c : containers(workload, "containers")) {
                String where = workload.get("kind") + "/" + name(workload) + " container " + c.get("name");
                for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
                    if (c.get(probe) == null) {
                        problems.add(where + " has no " + probe);
                    }
                }
                requireResources(where, c, problems);
            }
            for (Map<String, Object> c : containers(workload, "initContainers")) {
                requireResources(workload.get("kind") + "/" + name(workload) + " init container " + c.get("name"), c, problems);
            }
        }
        assertThat(problems).isEmpty();
        assertThat(rendered(overlay).stream().filter(o -> WORKLOADS.contains(o.get("kind")))).isNotEmpty();
    }

    private static void requireResources(String where, Map<String, Object> container, List<String> problems) {
        for (String kind : List.of("requests", "limits")) {
            for (String resource : List.of("cpu", "memory")) {
                if (string(container, "resources", kind, resource) == null) {
                    problems.add(where + " has no resources." + kind + "." + resource);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyImageIsAModuleAndEveryImageModuleRuns(String overlay) {
        Map<String, Repository.ImageModule> modules = Repository.imageModules();
        Set<String> deployed = new TreeSet<>();
        for (Map<String, Object> workload : rendered(overlay)) {
            if (!WORKLOADS.contains(workload.get("kind"))) {
                continue;
            }
            for (Map<String, Object> c : containers(workload, "containers")) {
                String image = String.valueOf(c.get("image"));
                String module = moduleOf(image);
                assertThat(module).as("image %s of %s is a Holon image", image, name(workload)).isNotNull();
                assertThat(modules).as("image %s names a reactor module with Jib on", image).containsKey(module);
                int port = modules.get(module).port();
                assertThat(list(c, "ports").stream().map(p -> ((Number) map(p).get("containerPort")).intValue()))
                        .as("%s listens on its image's port", name(workload)).contains(port);
                deployed.add(module);
            }
        }
        assertThat(deployed).as("every image module is deployed").containsExactlyInAnyOrderElementsOf(modules.keySet());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyConfigurationKeyAServiceReadsIsProvided(String overlay) {
        List<Map<String, Object>> objects = rendered(overlay);
        List<String> problems = new ArrayList<>();
        for (HolonContainer h : holonContainers(objects)) {
            Set<String> missing = new TreeSet<>(ConfigKeys.required(h.module(), h.env()));
            missing.removeAll(h.env().keySet());
            if (!missing.isEmpty()) {
                problems.add(name(h.workload()) + " lacks " + missing);
            }
        }
        assertThat(problems).isEmpty();
    }

    /**
     * The variables a container gets with their values: env (a value from a Secret or the downward API counts as
     * provided, value unknown), and every key of the ConfigMaps and Secrets of envFrom.
     */
    static Map<String, String> environment(List<Map<String, Object>> objects, Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Object from : list(container, "envFrom")) {
            String cm = string(from, "configMapRef", "name");
            String secret = string(from, "secretRef", "name");
            for (Map<String, Object> o : objects) {
                if (cm != null && "ConfigMap".equals(o.get("kind")) && cm.equals(name(o))) {
                    map(o, "data").forEach((k, v) -> env.put(k, String.valueOf(v)));
                } else if (secret != null && "Secret".equals(o.get("kind")) && secret.equals(name(o))) {
                    map(o, "data").forEach((k, v) -> env.put(k, new String(Base64.getDecoder().decode(String.valueOf(v)))));
                }
            }
        }
        for (Object e : list(container, "env")) {
            env.put(string(e, "name"), string(e, "value") != null ? string(e, "value") : "<from " + map(e, "valueFrom").keySet() + ">");
        }
        return env;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyModuleThatUsesKafkaTrustsTheBrokersCa(String overlay) {
        List<Map<String, Object>> objects = rendered(overlay);
        Map<String, Repository.ImageModule> modules = Repository.imageModules();
        List<String> problems = new ArrayList<>();
        Set<String> checked = new TreeSet<>();
        for (HolonContainer h : holonContainers(objects)) {
            if (!h.module().usesKafka()) {
                continue;
            }
            String module = h.module().name();
            checked.add(module);
            if (!"SSL".equals(h.env().get("SPRING_KAFKA_SECURITY_PROTOCOL"))) {
                problems.add(module + " does not talk to Kafka over SSL");
            }
            for (String key : List.of("SPRING_KAFKA_SSL_TRUST_STORE_LOCATION", "SPRING_KAFKA_SSL_TRUST_STORE_TYPE",
                    "SPRING_KAFKA_SSL_TRUST_STORE_PASSWORD")) {
                if (!h.env().containsKey(key)) {
                    problems.add(module + " lacks " + key);
                }
            }
            String store = h.env().getOrDefault("SPRING_KAFKA_SSL_TRUST_STORE_LOCATION", "").replaceFirst("^file:", "");
            if (!store.isEmpty() && !mounted(h.workload(), h.container(), store)) {
                problems.add(module + " reads its Kafka trust store at " + store + ", which no volume provides");
            }
        }
        assertThat(problems).isEmpty();
        assertThat(checked).containsExactlyInAnyOrderElementsOf(modules.values().stream()
                .filter(Repository.ImageModule::usesKafka).map(Repository.ImageModule::name).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyFileASettingNamesIsMounted(String overlay) {
        // e.g. the PostgreSQL CA of HOLON_DB_URL (sslrootcert=...) for the modules with a database
        List<Map<String, Object>> objects = rendered(overlay);
        Pattern file = Pattern.compile("(?:file:|sslrootcert=)(/tls/[^&\\s,]+)");
        List<String> problems = new ArrayList<>();
        for (HolonContainer h : holonContainers(objects)) {
            for (ConfigKeys.Placeholder p : ConfigKeys.placeholders(h.module())) {
                String value = ConfigKeys.applies(h.module(), p) ? ServiceAddresses.resolve(p, h.env()) : null;
                Matcher m = file.matcher(value == null ? "" : value);
                while (m.find()) {
                    if (!mounted(h.workload(), h.container(), m.group(1))) {
                        problems.add(h.module().name() + ": " + p.variable() + " names " + m.group(1)
                                + ", which no volume provides");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /** A container that runs one of Holon's images, with its workload, module and environment. */
    record HolonContainer(Map<String, Object> workload, Map<String, Object> container, Repository.ImageModule module,
                          Map<String, String> env) {
    }

    static List<HolonContainer> holonContainers(List<Map<String, Object>> objects) {
        Map<String, Repository.ImageModule> modules = Repository.imageModules();
        List<HolonContainer> found = new ArrayList<>();
        for (Map<String, Object> workload : objects) {
            if (!WORKLOADS.contains(workload.get("kind"))) {
                continue;
            }
            for (Map<String, Object> c : containers(workload, "containers")) {
                Repository.ImageModule module = modules.get(moduleOf(String.valueOf(c.get("image"))));
                if (module != null) {
                    found.add(new HolonContainer(workload, c, module, environment(objects, c)));
                }
            }
        }
        return found;
    }

    /**
     * Whether a file is in a volume mounted into the container: a Secret volume's item (or, without items, a key of
     * the Secret), a ConfigMap's key, or anything under an emptyDir or hostPath.
     */
    static boolean mounted(Map<String, Object> workload, Map<String, Object> container, String file) {
        for (Object mount : list(container, "volumeMounts")) {
            String dir = string(mount, "mountPath").replaceFirst("/$", "");
            if (!file.startsWith(dir + "/")) {
                continue;
            }
            String inside = file.substring(dir.length() + 1);
            for (Object v : list(workload, "spec", "template", "spec", "volumes")) {
                if (!string(mount, "name").equals(string(v, "name"))) {
                    continue;
                }
                if (map(v).containsKey("emptyDir") || map(v).containsKey("hostPath")) {
                    return true;
                }
                Map<String, Object> source = map(v).containsKey("secret") ? map(v, "secret") : map(v, "configMap");
                List<Object> items = list(source, "items");
                if (items.isEmpty() ? !source.isEmpty() : items.stream().anyMatch(i -> inside.equals(string(i, "path")))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Secrets that operators create from resources in the render (so a reference to them is fine). */
    static Map<String, Set<String>> operatorSecrets(List<Map<String, Object>> objects) {
        Map<String, Set<String>> secrets = new HashMap<>();
        for (Map<String, Object> o : ofKind(objects, "Cluster")) {          // CloudNativePG
            secrets.put(name(o) + "-app", Set.of("username", "password", "uri", "jdbc-uri", "host", "port", "dbname"));
            secrets.put(name(o) + "-ca", Set.of("ca.crt", "ca.key"));
        }
        for (Map<String, Object> o : ofKind(objects, "Kafka")) {            // Strimzi
            secrets.put(name(o) + "-cluster-ca-cert", Set.of("ca.crt", "ca.p12", "ca.password"));
        }
        for (Map<String, Object> o : ofKind(objects, "Ingress")) {          // cert-manager
            if (map(o, "metadata", "annotations").containsKey("cert-manager.io/cluster-issuer")) {
                for (Object tls : list(o, "spec", "tls")) {
                    secrets.put(string(tls, "secretName"), Set.of("tls.crt", "tls.key"));
                }
            }
        }
        return secrets;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everySecretAndConfigMapReferencedExists(String overlay) {
        List<Map<String, Object>> objects = rendered(overlay);
        Map<String, Set<String>> secrets = new HashMap<>(operatorSecrets(objects));
        Map<String, Set<String>> configMaps = new HashMap<>();
        for (Map<String, Object> o : objects) {
            if ("Secret".equals(o.get("kind"))) {
                secrets.put(name(o), map(o, "data").keySet());
            } else if ("ConfigMap".equals(o.get("kind"))) {
                configMaps.put(name(o), map(o, "data").keySet());
            }
        }
        List<String> problems = new ArrayList<>();
        List<String[]> references = new ArrayList<>();   // kind, name, key (or null), where
        for (Map<String, Object> w : objects) {
            if (!WORKLOADS.contains(w.get("kind"))) {
                continue;
            }
            String where = w.get("kind") + "/" + name(w);
            List<Map<String, Object>> all = new ArrayList<>(containers(w, "containers"));
            all.addAll(containers(w, "initContainers"));
            for (Map<String, Object> c : all) {
                for (Object from : list(c, "envFrom")) {
                    if (string(from, "configMapRef", "name") != null) {
                        references.add(new String[] {"ConfigMap", string(from, "configMapRef", "name"), null, where});
                    }
                    if (string(from, "secretRef", "name") != null) {
                        references.add(new String[] {"Secret", string(from, "secretRef", "name"), null, where});
                    }
                }
                for (Object e : list(c, "env")) {
                    Map<String, Object> ref = map(e, "valueFrom", "secretKeyRef");
                    // optional: the operator creates it or not (the workers' enrolment token)
                    if (!ref.isEmpty() && !Boolean.TRUE.equals(ref.get("optional"))) {
                        references.add(new String[] {"Secret", string(ref, "name"), string(ref, "key"), where});
                    }
                    ref = map(e, "valueFrom", "configMapKeyRef");
                    if (!ref.isEmpty()) {
                        references.add(new String[] {"ConfigMap", string(ref, "name"), string(ref, "key"), where});
                    }
                }
            }
            for (Object v : list(w, "spec", "template", "spec", "volumes")) {
                if (string(v, "secret", "secretName") != null) {
                    for (Object item : list(v, "secret", "items")) {
                        references.add(new String[] {"Secret", string(v, "secret", "secretName"), string(item, "key"), where});
                    }
                    references.add(new String[] {"Secret", string(v, "secret", "secretName"), null, where});
                }
                if (string(v, "configMap", "name") != null) {
                    references.add(new String[] {"ConfigMap", string(v, "configMap", "name"), null, where});
                }
            }
        }
        for (Map<String, Object> kc : ofKind(objects, "Keycloak")) {
            for (String field : List.of("usernameSecret", "passwordSecret")) {
                references.add(new String[] {"Secret", string(kc, "spec", "db", field, "name"),
                        string(kc, "spec", "db", field, "key"), "Keycloak/" + name(kc)});
            }
        }
        for (String[] r : references) {
            Map<String, Set<String>> known = r[0].equals("Secret") ? secrets : configMaps;
            if (!known.containsKey(r[1])) {
                problems.add(r[3] + " refers to missing " + r[0] + " " + r[1]);
            } else if (r[2] != null && !known.get(r[1]).contains(r[2])) {
                problems.add(r[3] + " refers to missing key " + r[2] + " of " + r[0] + " " + r[1]);
            }
        }
        assertThat(problems).isEmpty();
        assertThat(references).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void servicesPointAtContainerPortsAndAddressesResolve(String overlay) {
        List<Map<String, Object>> objects = rendered(overlay);
        Map<String, Set<Integer>> servicePorts = new LinkedHashMap<>();
        for (Map<String, Object> svc : ofKind(objects, "Service")) {
            Map<String, Object> selector = map(svc, "spec", "selector");
            Set<Integer> ports = new HashSet<>();
            for (Object p : list(svc, "spec", "ports")) {
                int target = ((Number) map(p).getOrDefault("targetPort", map(p).get("port"))).intValue();
                ports.add(((Number) map(p).get("port")).intValue());
                boolean served = objects.stream().filter(w -> WORKLOADS.contains(w.get("kind")))
                        .filter(w -> map(w, "spec", "template", "metadata", "labels").entrySet().containsAll(selector.entrySet()))
                        .flatMap(w -> containers(w, "containers").stream())
                        .flatMap(c -> list(c, "ports").stream())
                        .anyMatch(cp -> ((Number) map(cp).get("containerPort")).intValue() == target);
                assertThat(served).as("Service %s port %s reaches a container port", name(svc), target).isTrue();
            }
            servicePorts.put(name(svc), ports);
        }
        // Services that operators create for their resources.
        ofKind(objects, "Cluster").forEach(c -> servicePorts.put(name(c) + "-rw", Set.of(5432)));
        ofKind(objects, "Kafka").forEach(k -> servicePorts.put(name(k) + "-kafka-bootstrap",
                new HashSet<>(list(k, "spec", "kafka", "listeners").stream().map(l -> ((Number) map(l).get("port")).intValue()).toList())));
        ofKind(objects, "Keycloak").forEach(k -> servicePorts.put(name(k) + "-service",
                Set.of(((Number) map(k, "spec", "http").getOrDefault("httpPort", 8080)).intValue(), 8443)));
        // Every in-cluster address in the services' environment names a Service and one of its ports.
        Pattern address = Pattern.compile("(?:https?://|jdbc:postgresql://|^)([a-z][a-z0-9-]*):(\\d+)");
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> cm : ofKind(objects, "ConfigMap")) {
            map(cm, "data").forEach((key, value) -> {
                for (String part : String.valueOf(value).split(",")) {
                    Matcher m = address.matcher(part.trim());
                    if (m.find() && !servicePorts.getOrDefault(m.group(1), Set.of()).contains(Integer.parseInt(m.group(2)))) {
                        problems.add(key + "=" + value + ": no Service " + m.group(1) + " with port " + m.group(2));
                    }
                }
            });
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theLogFormatIsOneSpringBootKnows(String overlay) {
        // logging.structured.format.console: a wrong name stops every service at start (seen running the images).
        for (Map<String, Object> cm : ofKind(rendered(overlay), "ConfigMap")) {
            String format = string(cm, "data", "HOLON_LOG_FORMAT");
            if (format != null) {
                assertThat(format).isIn("ecs", "gelf", "logstash");
            }
        }
    }

    @Test
    void productionRunsEveryServiceTwiceWithDisruptionBudgetsAndAnAutoscaledGateway() {
        List<Map<String, Object>> objects = rendered("prod");
        Set<String> budgets = new HashSet<>();
        ofKind(objects, "PodDisruptionBudget").forEach(p -> budgets.add(string(p, "spec", "selector", "matchLabels", "app.kubernetes.io/name")));
        for (Map<String, Object> d : ofKind(objects, "Deployment")) {
            assertThat(((Number) map(d, "spec").getOrDefault("replicas", 1)).intValue()).as("replicas of %s", name(d)).isGreaterThanOrEqualTo(2);
            assertThat(budgets).as("PodDisruptionBudget for %s", name(d)).contains(name(d));
        }
        assertThat(ofKind(objects, "HorizontalPodAutoscaler")).anySatisfy(h -> {
            assertThat(string(h, "spec", "scaleTargetRef", "name")).isEqualTo("gateway-service");
            assertThat(((Number) map(h, "spec").get("minReplicas")).intValue()).isGreaterThanOrEqualTo(2);
        });
        assertThat(ofKind(objects, "Cluster")).singleElement().satisfies(c -> assertThat(map(c, "spec").get("instances")).isEqualTo(3));
        assertThat(ofKind(objects, "KafkaNodePool")).singleElement().satisfies(p -> assertThat(map(p, "spec").get("replicas")).isEqualTo(3));
        assertThat(ofKind(objects, "Keycloak")).singleElement().satisfies(k -> assertThat(map(k, "spec").get("instances")).isEqualTo(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void workersRunOnEveryMachinePrivilegedWithTheirDataOnTheMachine(String overlay) {
        List<Map<String, Object>> objects = rendered(overlay);
        Map<String, Object> ds = ofKind(objects, "DaemonSet").stream().filter(d -> "node-worker".equals(name(d))).findFirst()
                .orElseThrow(() -> new AssertionError("no node-worker DaemonSet"));
        Map<String, Object> worker = containers(ds, "containers").getFirst();
        assertThat(map(worker, "securityContext").get("privileged")).isEqualTo(true);
        String dataDir = list(worker, "env").stream().filter(e -> "HOLON_WORKER_DATA_DIR".equals(string(e, "name")))
                .map(e -> string(e, "value")).findFirst().orElseThrow();
        String volume = list(worker, "volumeMounts").stream().filter(m -> dataDir.equals(string(m, "mountPath")))
                .map(m -> string(m, "name")).findFirst().orElseThrow(() -> new AssertionError("data dir is not a volume"));
        assertThat(list(ds, "spec", "template", "spec", "volumes").stream().filter(v -> volume.equals(string(v, "name"))))
                .singleElement().satisfies(v -> assertThat(string(v, "hostPath", "path")).isNotBlank());
        assertThat(list(worker, "env").stream().map(e -> string(e, "name"))).contains("HOLON_WORKER_LABELS_FILE", "HOLON_WORKER_ADVERTISE_HOST");
        // Services and the other Holon pods do not run as root.
        for (Map<String, Object> d : ofKind(objects, "Deployment")) {
            assertThat(map(d, "spec", "template", "spec", "securityContext").get("runAsNonRoot")).as(name(d)).isEqualTo(true);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theRealmImportIsTheOneRealmAndTheSecretsMatchIt(String overlay) {
        List<Map<String, Object>> objects = rendered(overlay);
        Map<String, Object> keycloak = ofKind(objects, "Keycloak").getFirst();
        Map<String, Object> env = ofKind(objects, "ConfigMap").stream().filter(c -> name(c).startsWith("holon-env")).findFirst().orElseThrow();
        // Tokens name Keycloak's public hostname as issuer; the services check exactly that, and fetch keys inside.
        assertThat(string(env, "data", "HOLON_ISSUER_URI")).isEqualTo(string(keycloak, "spec", "hostname", "hostname") + "/realms/holon");
        assertThat(string(keycloak, "spec", "hostname", "backchannelDynamic")).isEqualTo("true");
        assertThat(string(env, "data", "HOLON_ISSUER_BACKCHANNEL_URI")).startsWith("http://" + name(keycloak) + "-service:");
        Map<String, Object> ingress = ofKind(objects, "Ingress").getFirst();
        assertThat(list(ingress, "spec", "rules").stream().map(r -> string(r, "host")))
                .contains(string(keycloak, "spec", "hostname", "hostname").replace("https://", ""));
        Map<String, Object> realm = map(ofKind(objects, "KeycloakRealmImport").getFirst(), "spec", "realm");
        assertThat(realm.get("realm")).isEqualTo("holon");
        Map<String, String> clientSecrets = new HashMap<>();
        list(realm, "clients").forEach(c -> clientSecrets.put(string(c, "clientId"), string(c, "secret")));
        Map<String, Object> secret = ofKind(objects, "Secret").stream().filter(s -> name(s).startsWith("holon-secrets")).findFirst().orElseThrow();
        assertThat(decode(map(secret, "data").get("HOLON_NODE_CLIENT_SECRET"))).isEqualTo(clientSecrets.get("holon-node"));
        assertThat(decode(map(secret, "data").get("HOLON_SCHEDULER_CLIENT_SECRET"))).isEqualTo(clientSecrets.get("holon-service"));
        assertThat(decode(map(secret, "data").get("HOLON_STORAGE_CLIENT_SECRET"))).isEqualTo(clientSecrets.get("holon-service"));
        assertThat(decode(map(secret, "data").get("HOLON_AUTH_CLIENT_SECRET"))).isEqualTo(clientSecrets.get("holon-service"));
    }

    private static String decode(Object base64) {
        return new String(Base64.getDecoder().decode(String.valueOf(base64)));
    }
}
