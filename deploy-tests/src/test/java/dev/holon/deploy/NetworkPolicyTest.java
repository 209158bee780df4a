package dev.holon.deploy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.holon.deploy.KubernetesManifestsTest.ofKind;
import static dev.holon.deploy.KubernetesManifestsTest.rendered;
import static dev.holon.deploy.Yamls.list;
import static dev.holon.deploy.Yamls.map;
import static dev.holon.deploy.Yamls.string;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Evaluates the rendered NetworkPolicies as Kubernetes does (a pod selected by no policy of a direction is open in
 * that direction; otherwise the union of the selecting policies' rules decides) for the paths Holon uses, which
 * must be open, and for all others to or from a Holon pod, which must be closed. The paths used are those the
 * services' settings name ({@link #derivedPaths}: a new *_URL or a module that starts using Kafka needs no edit
 * here) plus {@link #PATHS}, the ones no setting names. Adding a service: nothing here unless it is called at an
 * address no setting holds; {@link #DENIED} lists paths that must stay closed.
 */
class NetworkPolicyTest {

    static final String NAMESPACE = "holon";

    /** A pod, as policies see it: namespace, pod labels, namespace labels. */
    record Pod(String namespace, Map<String, String> labels) {
        Map<String, String> namespaceLabels() {
            return Map.of("kubernetes.io/metadata.name", namespace);
        }
    }

    record Path(String from, String to, int port) {
        @Override
        public String toString() {
            return from + " -> " + to + ":" + port;
        }
    }

    static Map<String, Pod> pods() {
        Map<String, Pod> pods = new LinkedHashMap<>();
        for (String module : Repository.imageModules().keySet()) {
            String component = module.equals("node-worker") ? "worker" : "service";
            pods.put(module, new Pod(NAMESPACE, Map.of("app.kubernetes.io/name", module, "app.kubernetes.io/component", component)));
        }
        // Pods the operators create, with the labels their documentation gives.
        pods.put("postgres", new Pod(NAMESPACE, Map.of("cnpg.io/cluster", "holon-db", "cnpg.io/instanceRole", "primary")));
        pods.put("kafka", new Pod(NAMESPACE, Map.of("strimzi.io/cluster", "holon-kafka", "strimzi.io/kind", "Kafka",
                "strimzi.io/name", "holon-kafka-kafka")));
        pods.put("kafka-entity-operator", new Pod(NAMESPACE, Map.of("strimzi.io/cluster", "holon-kafka",
                "strimzi.io/kind", "Kafka", "strimzi.io/name", "holon-kafka-entity-operator")));
        pods.put("keycloak", new Pod(NAMESPACE, Map.of("app", "keycloak", "app.kubernetes.io/managed-by", "keycloak-operator",
                "app.kubernetes.io/instance", "keycloak")));
        pods.put("ingress-controller", new Pod("ingress-nginx", Map.of("app.kubernetes.io/name", "ingress-nginx")));
        pods.put("cnpg-operator", new Pod("cnpg-system", Map.of("app.kubernetes.io/name", "cloudnative-pg")));
        pods.put("kube-dns", new Pod("kube-system", Map.of("k8s-app", "kube-dns")));
        pods.put("stranger", new Pod(NAMESPACE, Map.of("app", "something-else")));
        pods.put("other-namespace", new Pod("default", Map.of("app", "anything")));
        return pods;
    }

    /**
     * What Holon uses that no setting names: every one must be open. The paths a service's settings name (its
     * *_URL, database, Kafka, Keycloak and config addresses) are derived from the rendered environment instead
     * ({@link #derivedPaths}).
     */
    static final List<Path> PATHS = List.of(
            new Path("ingress-controller", "gateway-service", 8080),
            new Path("ingress-controller", "keycloak", 8080),
            // task logs, read from the worker that ran the attempt at its advertised address
            new Path("scheduler-service", "node-worker", 8090),
            // chunk PUT/GET/DELETE/replicate at the worker's API port (docs/storage-data-path.md)
            new Path("storage-service", "node-worker", 8090),
            // a node silent for down-after is asked at its advertised address before it is declared DOWN
            new Path("registry-service", "node-worker", 8090),
            // pipeline forwarding of a chunk write and replicate, worker to worker
            new Path("node-worker", "node-worker", 8090),
            new Path("keycloak", "postgres", 5432),
            new Path("cnpg-operator", "postgres", 8000),
            new Path("kafka", "kafka", 9091),
            new Path("kafka-entity-operator", "kafka", 9091),
            // the workers' label init container reads its node at the API server, whose address differs per cluster:
            // node-worker-apiserver opens 443/6443 to any address (narrow it with an ipBlock in an overlay)
            new Path("node-worker", "other-namespace", 443));

    /** What each pod listens on, of the ports in play (a port nobody listens on is no path, however open). */
    static Set<Integer> listens(String pod) {
        Repository.ImageModule module = Repository.imageModules().get(pod);
        if (module != null) {
            return Set.of(module.port());
        }
        return switch (pod) {
            case "postgres" -> Set.of(5432, 8000);
            case "kafka" -> Set.of(9090, 9091, 9093);
            case "keycloak" -> Set.of(8080, 7800, 9000);
            case "kube-dns" -> Set.of(53);
            case "stranger" -> Set.of(80);
            case "other-namespace" -> Set.of(443);
            default -> Set.of();     // the ingress controller's and operators' own ports are not Holon's business
        };
    }

    /** The paths no setting names but Holon uses: {@link #PATHS}, and name lookups for every Holon pod. */
    static List<Path> undeclaredPaths() {
        List<Path> paths = new ArrayList<>(PATHS);
        Repository.imageModules().keySet().forEach(m -> paths.add(new Path(m, "kube-dns", 53)));
        return paths;
    }

    /** What Holon does not use: every one must be closed. */
    static final List<Path> DENIED = List.of(
            new Path("gateway-service", "postgres", 5432),
            new Path("gateway-service", "node-worker", 8090),
            new Path("node-worker", "postgres", 5432),
            new Path("node-worker", "node-worker", 5005),
            new Path("config-service", "postgres", 5432),
            new Path("config-service", "keycloak", 8080),
            new Path("config-service", "kafka", 9093),
            new Path("ingress-controller", "registry-service", 8081),
            new Path("ingress-controller", "scheduler-service", 8082),
            new Path("ingress-controller", "config-service", 8888),
            new Path("ingress-controller", "postgres", 5432),
            new Path("stranger", "registry-service", 8081),
            new Path("stranger", "postgres", 5432),
            new Path("stranger", "kafka", 9093),
            new Path("other-namespace", "gateway-service", 8080),
            new Path("other-namespace", "keycloak", 8080),
            new Path("other-namespace", "kafka", 9093),
            new Path("gateway-service", "stranger", 80),
            new Path("registry-service", "other-namespace", 443),
            new Path("scheduler-service", "gateway-service", 8080),
            // storage-service is reached only by the gateway, the scheduler and the workers
            new Path("ingress-controller", "storage-service", 8889),
            new Path("stranger", "storage-service", 8889),
            new Path("other-namespace", "storage-service", 8889),
            new Path("registry-service", "storage-service", 8889),
            new Path("auth-service", "storage-service", 8889),
            new Path("storage-service", "scheduler-service", 8082),
            new Path("storage-service", "gateway-service", 8080),
            new Path("storage-service", "node-worker", 5005),
            new Path("storage-service", "stranger", 80),
            new Path("storage-service", "other-namespace", 443),
            new Path("config-service", "node-worker", 8090),
            new Path("node-worker", "gateway-service", 8080),
            new Path("stranger", "node-worker", 8090),
            new Path("other-namespace", "node-worker", 8090),
            // auth-service is reached only by the gateway and by what names it in HOLON_AUTH_URL (registry,
            // scheduler, storage, workers), never from outside; it reaches no other Holon service
            new Path("ingress-controller", "auth-service", 8890),
            new Path("stranger", "auth-service", 8890),
            new Path("other-namespace", "auth-service", 8890),
            new Path("config-service", "auth-service", 8890),
            new Path("auth-service", "registry-service", 8081),
            new Path("auth-service", "node-worker", 8090),
            new Path("auth-service", "gateway-service", 8080),
            new Path("auth-service", "stranger", 80),
            new Path("auth-service", "other-namespace", 443));

    /**
     * The paths the services' own settings name in this overlay, each with the setting that names it: for every
     * Holon container, every address its configuration resolves to with the container's environment (holon-env,
     * holon-secrets, its own env; defaults of config/*.yml where nothing is set), mapped through the Service it
     * names to the pod and port behind it.
     */
    static Map<Path, String> derivedPaths(List<Map<String, Object>> objects) {
        Map<String, Repository.ImageModule> modules = Repository.imageModules();
        Map<Path, String> paths = new LinkedHashMap<>();
        List<String> unresolved = new ArrayList<>();
        for (Map<String, Object> workload : objects) {
            if (!KubernetesManifestsTest.WORKLOADS.contains(workload.get("kind"))) {
                continue;
            }
            for (Map<String, Object> c : KubernetesManifestsTest.containers(workload, "containers")) {
                Repository.ImageModule module = modules.get(KubernetesManifestsTest.moduleOf(String.valueOf(c.get("image"))));
                if (module == null) {
                    continue;
                }
                for (ServiceAddresses.Target t : ServiceAddresses.of(module, KubernetesManifestsTest.environment(objects, c))) {
                    Path path = destination(objects, module.name(), t);
                    if (path == null) {
                        unresolved.add(module.name() + ": " + t + " names no Service of the overlay");
                    } else {
                        paths.putIfAbsent(path, module.name() + "'s " + t.variable());
                    }
                }
            }
        }
        assertThat(unresolved).isEmpty();
        return paths;
    }

    /** The pod and port behind a Service address, or null: our Services by selector, the operators' by name. */
    private static Path destination(List<Map<String, Object>> objects, String from, ServiceAddresses.Target t) {
        for (Map<String, Object> svc : ofKind(objects, "Service")) {
            if (!t.host().equals(KubernetesManifestsTest.name(svc))) {
                continue;
            }
            for (Object port : list(svc, "spec", "ports")) {
                if (((Number) map(port).get("port")).intValue() != t.port()) {
                    continue;
                }
                int target = ((Number) map(port).getOrDefault("targetPort", map(port).get("port"))).intValue();
                Map<String, Object> selector = Map.of("matchLabels", map(svc, "spec", "selector"));
                for (Map.Entry<String, Pod> pod : pods().entrySet()) {
                    if (pod.getValue().namespace().equals(NAMESPACE) && selects(selector, pod.getValue().labels())) {
                        return new Path(from, pod.getKey(), target);
                    }
                }
            }
        }
        for (Map<String, Object> cluster : ofKind(objects, "Cluster")) {          // CloudNativePG: <name>-rw
            if (t.host().equals(KubernetesManifestsTest.name(cluster) + "-rw")) {
                return new Path(from, "postgres", t.port());
            }
        }
        for (Map<String, Object> kafka : ofKind(objects, "Kafka")) {              // Strimzi: <name>-kafka-bootstrap
            if (t.host().equals(KubernetesManifestsTest.name(kafka) + "-kafka-bootstrap")) {
                return new Path(from, "kafka", t.port());
            }
        }
        for (Map<String, Object> keycloak : ofKind(objects, "Keycloak")) {        // Keycloak operator: <name>-service
            if (t.host().equals(KubernetesManifestsTest.name(keycloak) + "-service")) {
                return new Path(from, "keycloak", t.port());
            }
        }
        return null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theUsedPathsAreOpenAndTheOthersClosed(String overlay) {
        List<Map<String, Object>> objects = rendered(overlay);
        List<Map<String, Object>> policies = ofKind(objects, "NetworkPolicy");
        Map<String, Pod> pods = pods();
        Map<Path, String> used = new LinkedHashMap<>(derivedPaths(objects));
        undeclaredPaths().forEach(p -> used.putIfAbsent(p, "NetworkPolicyTest.PATHS"));
        List<String> problems = new ArrayList<>();
        used.forEach((p, why) -> {
            if (!allowed(policies, pods.get(p.from()), pods.get(p.to()), p.port())) {
                problems.add("closed but used: " + p + " (" + why + ")");
            }
        });
        for (Path p : DENIED) {
            if (allowed(policies, pods.get(p.from()), pods.get(p.to()), p.port())) {
                problems.add("open but unused: " + p);
            }
            if (used.containsKey(p)) {
                problems.add("listed in DENIED but used: " + p + " (" + used.get(p) + ")");
            }
        }
        assertThat(problems).isEmpty();
        assertThat(policies).anySatisfy(p -> {
            assertThat(map(p, "spec", "podSelector")).isEmpty();
            assertThat(list(p, "spec", "policyTypes")).contains("Ingress");
            assertThat(list(p, "spec", "ingress")).isEmpty();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void nothingToOrFromAHolonPodIsOpenBeyondThePathsUsed(String overlay) {
        List<Map<String, Object>> objects = rendered(overlay);
        List<Map<String, Object>> policies = ofKind(objects, "NetworkPolicy");
        Map<String, Pod> pods = pods();
        Set<Path> used = new HashSet<>(derivedPaths(objects).keySet());
        used.addAll(undeclaredPaths());
        Set<String> modules = Repository.imageModules().keySet();
        List<String> problems = new ArrayList<>();
        for (String from : pods.keySet()) {
            for (String to : pods.keySet()) {
                if (!modules.contains(from) && !modules.contains(to)) {
                    continue;
                }
                for (int port : listens(to)) {
                    Path p = new Path(from, to, port);
                    if (!used.contains(p) && allowed(policies, pods.get(from), pods.get(to), port)) {
                        problems.add("open but no setting or PATHS entry uses it: " + p);
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void thePathsAreDerivedFromTheServicesSettings(String overlay) {
        Map<Path, String> derived = derivedPaths(rendered(overlay));
        // Paths once missing from a hand-written list: the gateway's Kafka clients, the services' HOLON_AUTH_URL.
        assertThat(derived).containsKeys(
                new Path("gateway-service", "kafka", 9093),
                new Path("registry-service", "auth-service", 8890),
                // auth-service trusts its own PAT JWTs by the same setting: its keys over its Service, maybe another replica
                new Path("auth-service", "auth-service", 8890),
                new Path("scheduler-service", "auth-service", 8890),
                new Path("storage-service", "auth-service", 8890),
                new Path("node-worker", "auth-service", 8890),
                new Path("node-worker", "storage-service", 8889),
                new Path("scheduler-service", "storage-service", 8889),
                new Path("auth-service", "keycloak", 8080),
                new Path("registry-service", "postgres", 5432));
        assertThat(derived).doesNotContainKeys(
                new Path("gateway-service", "postgres", 5432),        // no database: its datasource settings do not count
                new Path("config-service", "kafka", 9093));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyModuleThatUsesKafkaReachesTheBrokers(String overlay) {
        List<Map<String, Object>> policies = ofKind(rendered(overlay), "NetworkPolicy");
        Map<String, Pod> pods = pods();
        for (Repository.ImageModule module : Repository.imageModules().values()) {
            if (module.usesKafka()) {
                assertThat(allowed(policies, pods.get(module.name()), pods.get("kafka"), 9093))
                        .as("%s uses Kafka (its pom) and reaches kafka:9093", module.name()).isTrue();
            }
        }
        assertThat(Repository.imageModules().get("gateway-service").usesKafka()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void strimzisListenerPeersAreTheKafkaClients(String overlay) {
        // Strimzi writes its own policy for the TLS listener from networkPolicyPeers: the same clients, or they are cut off.
        Map<String, Object> kafka = ofKind(rendered(overlay), "Kafka").getFirst();
        Set<String> peers = new TreeSet<>();
        for (Object listener : list(kafka, "spec", "kafka", "listeners")) {
            for (Object peer : list(listener, "networkPolicyPeers")) {
                peers.add(string(peer, "podSelector", "matchLabels", "app.kubernetes.io/name"));
            }
        }
        Set<String> clients = new TreeSet<>();
        Repository.imageModules().values().stream().filter(Repository.ImageModule::usesKafka).forEach(m -> clients.add(m.name()));
        assertThat(peers).isEqualTo(clients);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyHolonPodIsCoveredByAnEgressPolicy(String overlay) {
        List<Map<String, Object>> policies = ofKind(rendered(overlay), "NetworkPolicy");
        for (String module : Repository.imageModules().keySet()) {
            Pod pod = pods().get(module);
            assertThat(policies.stream().filter(p -> appliesTo(p, pod, "Egress"))).as("egress policies of %s", module).isNotEmpty();
            assertThat(policies.stream().filter(p -> appliesTo(p, pod, "Ingress") && !list(p, "spec", "ingress").isEmpty()))
                    .as("an ingress policy names %s", module).isNotEmpty();
        }
    }

    static boolean allowed(List<Map<String, Object>> policies, Pod from, Pod to, int port) {
        return direction(policies, from, to, port, "Egress") && direction(policies, to, from, port, "Ingress");
    }

    /** Whether the policies selecting {@code subject} for this direction let traffic with {@code peer} through. */
    private static boolean direction(List<Map<String, Object>> policies, Pod subject, Pod peer, int port, String type) {
        boolean selected = false;
        for (Map<String, Object> policy : policies) {
            if (!appliesTo(policy, subject, type)) {
                continue;
            }
            selected = true;
            String rulesKey = type.equals("Ingress") ? "ingress" : "egress";
            String peersKey = type.equals("Ingress") ? "from" : "to";
            for (Object rule : list(policy, "spec", rulesKey)) {
                boolean peerMatches = !(map(rule).containsKey(peersKey))
                        || list(rule, peersKey).stream().anyMatch(p -> peerMatches(map(p), peer, namespaceOf(policy)));
                boolean portMatches = !(map(rule).containsKey("ports")) || list(rule, "ports").stream()
                        .anyMatch(p -> map(p).get("port") == null || ((Number) map(p).get("port")).intValue() == port);
                if (peerMatches && portMatches) {
                    return true;
                }
            }
        }
        return !selected;
    }

    static boolean appliesTo(Map<String, Object> policy, Pod pod, String type) {
        List<Object> types = list(policy, "spec", "policyTypes");
        boolean hasType = types.isEmpty() ? type.equals("Ingress") || map(policy, "spec").containsKey("egress") : types.contains(type);
        return hasType && namespaceOf(policy).equals(pod.namespace()) && selects(map(policy, "spec", "podSelector"), pod.labels());
    }

    private static String namespaceOf(Map<String, Object> policy) {
        String ns = string(policy, "metadata", "namespace");
        return ns == null ? NAMESPACE : ns;
    }

    private static boolean peerMatches(Map<String, Object> peer, Pod pod, String policyNamespace) {
        if (peer.containsKey("ipBlock")) {
            return false;   // addresses outside the pod network (none of the pods modelled here)
        }
        boolean hasNs = peer.containsKey("namespaceSelector");
        boolean hasPod = peer.containsKey("podSelector");
        boolean nsOk = hasNs ? selects(map(peer, "namespaceSelector"), pod.namespaceLabels()) : pod.namespace().equals(policyNamespace);
        boolean podOk = !hasPod || selects(map(peer, "podSelector"), pod.labels());
        return nsOk && podOk;
    }

    /** A label selector (matchLabels and matchExpressions); the empty selector selects everything. */
    static boolean selects(Map<String, Object> selector, Map<String, String> labels) {
        for (Map.Entry<String, Object> e : map(selector, "matchLabels").entrySet()) {
            if (!String.valueOf(e.getValue()).equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (Object expression : list(selector, "matchExpressions")) {
            String key = string(expression, "key");
            List<Object> values = list(expression, "values");
            boolean ok = switch (string(expression, "operator")) {
                case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
                case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
                case "Exists" -> labels.containsKey(key);
                case "DoesNotExist" -> !labels.containsKey(key);
                default -> throw new AssertionError("unknown selector operator in " + expression);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
