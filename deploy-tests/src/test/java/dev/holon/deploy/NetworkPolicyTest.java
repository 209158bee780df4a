package dev.holon.deploy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.holon.deploy.KubernetesManifestsTest.ofKind;
import static dev.holon.deploy.KubernetesManifestsTest.rendered;
import static dev.holon.deploy.Yamls.list;
import static dev.holon.deploy.Yamls.map;
import static dev.holon.deploy.Yamls.string;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Evaluates the rendered NetworkPolicies as Kubernetes does (a pod selected by no policy of a direction is open in
 * that direction; otherwise the union of the selecting policies' rules decides) for the paths Holon uses, which
 * must be open, and for paths it does not use, which must be closed. Adding a service: its pod labels in
 * {@link #pods()}, its paths in {@link #PATHS}.
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

    /** What Holon uses: every one must be open. */
    static final List<Path> PATHS = List.of(
            new Path("ingress-controller", "gateway-service", 8080),
            new Path("ingress-controller", "keycloak", 8080),
            new Path("gateway-service", "registry-service", 8081),
            new Path("gateway-service", "scheduler-service", 8082),
            new Path("gateway-service", "keycloak", 8080),
            new Path("gateway-service", "config-service", 8888),
            new Path("gateway-service", "storage-service", 8889),
            new Path("gateway-service", "auth-service", 8890),
            new Path("auth-service", "postgres", 5432),
            new Path("auth-service", "kafka", 9093),
            // keys, its client-credentials token and Keycloak's admin API (groups, members, node clients)
            new Path("auth-service", "keycloak", 8080),
            new Path("auth-service", "config-service", 8888),
            new Path("auth-service", "kube-dns", 53),
            new Path("registry-service", "postgres", 5432),
            new Path("registry-service", "kafka", 9093),
            new Path("registry-service", "keycloak", 8080),
            new Path("registry-service", "config-service", 8888),
            new Path("scheduler-service", "postgres", 5432),
            new Path("scheduler-service", "kafka", 9093),
            new Path("scheduler-service", "keycloak", 8080),
            new Path("scheduler-service", "config-service", 8888),
            new Path("scheduler-service", "registry-service", 8081),
            new Path("scheduler-service", "node-worker", 8090),
            new Path("storage-service", "postgres", 5432),
            new Path("storage-service", "kafka", 9093),
            new Path("storage-service", "keycloak", 8080),
            new Path("storage-service", "config-service", 8888),
            new Path("storage-service", "registry-service", 8081),
            // chunk PUT/GET/DELETE/replicate at the worker's API port (docs/storage-data-path.md)
            new Path("storage-service", "node-worker", 8090),
            // task staging: workers fetch inputs and store outputs, the scheduler asks where inputs are
            new Path("node-worker", "storage-service", 8889),
            new Path("scheduler-service", "storage-service", 8889),
            // pipeline forwarding of a chunk write and replicate, worker to worker
            new Path("node-worker", "node-worker", 8090),
            new Path("node-worker", "registry-service", 8081),
            new Path("node-worker", "scheduler-service", 8082),
            new Path("node-worker", "kafka", 9093),
            new Path("node-worker", "keycloak", 8080),
            new Path("node-worker", "config-service", 8888),
            new Path("keycloak", "postgres", 5432),
            new Path("cnpg-operator", "postgres", 8000),
            new Path("kafka", "kafka", 9091),
            new Path("kafka-entity-operator", "kafka", 9091),
            new Path("registry-service", "kube-dns", 53),
            new Path("storage-service", "kube-dns", 53),
            new Path("node-worker", "kube-dns", 53));

    /** What Holon does not use: every one must be closed. */
    static final List<Path> DENIED = List.of(
            new Path("gateway-service", "postgres", 5432),
            new Path("gateway-service", "kafka", 9093),
            new Path("gateway-service", "node-worker", 8090),
            new Path("node-worker", "postgres", 5432),
            new Path("node-worker", "node-worker", 5005),
            new Path("config-service", "postgres", 5432),
            new Path("config-service", "keycloak", 8080),
            new Path("registry-service", "node-worker", 8090),
            new Path("ingress-controller", "registry-service", 8081),
            new Path("ingress-controller", "scheduler-service", 8082),
            new Path("ingress-controller", "config-service", 8888),
            new Path("ingress-controller", "postgres", 5432),
            new Path("stranger", "registry-service", 8081),
            new Path("stranger", "postgres", 5432),
            new Path("stranger", "kafka", 9093),
            new Path("other-namespace", "gateway-service", 8080),
            new Path("other-namespace", "keycloak", 8080),
            new Path("gateway-service", "stranger", 80),
            new Path("registry-service", "other-namespace", 443),
            new Path("scheduler-service", "gateway-service", 8080),
            // storage-service is reached only by the gateway, the scheduler and the workers
            new Path("ingress-controller", "storage-service", 8889),
            new Path("stranger", "storage-service", 8889),
            new Path("other-namespace", "storage-service", 8889),
            new Path("registry-service", "storage-service", 8889),
            new Path("storage-service", "scheduler-service", 8082),
            new Path("storage-service", "gateway-service", 8080),
            new Path("storage-service", "node-worker", 5005),
            new Path("storage-service", "stranger", 80),
            new Path("storage-service", "other-namespace", 443),
            new Path("config-service", "node-worker", 8090),
            new Path("node-worker", "gateway-service", 8080),
            new Path("stranger", "node-worker", 8090),
            new Path("other-namespace", "node-worker", 8090),
            // auth-service is reached only by the gateway, and reaches no other Holon service
            new Path("ingress-controller", "auth-service", 8890),
            new Path("stranger", "auth-service", 8890),
            new Path("other-namespace", "auth-service", 8890),
            new Path("node-worker", "auth-service", 8890),
            new Path("registry-service", "auth-service", 8890),
            new Path("auth-service", "registry-service", 8081),
            new Path("auth-service", "node-worker", 8090),
            new Path("auth-service", "gateway-service", 8080),
            new Path("auth-service", "stranger", 80),
            new Path("auth-service", "other-namespace", 443));

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theUsedPathsAreOpenAndTheOthersClosed(String overlay) {
        List<Map<String, Object>> policies = ofKind(rendered(overlay), "NetworkPolicy");
        Map<String, Pod> pods = pods();
        List<String> problems = new ArrayList<>();
        for (Path p : PATHS) {
            if (!allowed(policies, pods.get(p.from()), pods.get(p.to()), p.port())) {
                problems.add("closed but used: " + p);
            }
        }
        for (Path p : DENIED) {
            if (allowed(policies, pods.get(p.from()), pods.get(p.to()), p.port())) {
                problems.add("open but unused: " + p);
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
