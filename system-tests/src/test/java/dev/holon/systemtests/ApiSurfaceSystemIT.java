package dev.holon.systemtests;

import dev.holon.localcluster.cluster.LocalCluster;
import dev.holon.localcluster.infra.KeycloakServer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole public API as the gateway's OpenAPI documents list it, on a real cluster: every route refuses every kind
 * of bad token with 401 problem+json, and 10,000 generated requests (jqwik arbitraries: odd path segments, query
 * values, headers and bodies) never get a 5xx and every error is problem+json. Own home and ports.
 */
class ApiSurfaceSystemIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    private static final int FUZZ_REQUESTS = 10_000;
    private static final String SOME_ID = "01934b6e-0000-7000-8000-000000000000";

    static LocalCluster cluster;

    /** One operation of the public API. */
    record Route(String method, String path, List<String> queryParams, boolean hasBody) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start(ClusterApi.freshOptions("cluster-api-surface", 21080).workers(2).build());
        String token = cluster.accessToken("demo", "holon-demo");
        await("the workers UP (two: a chunk's write quorum)").atMost(Duration.ofSeconds(90)).until(() -> ClusterApi.send("GET",
                cluster.gatewayUrl() + "/api/v1/nodes?state=UP", token, null).json().path("items").size() == 2);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.stop();
        }
    }

    /** Every operation of every service's document behind the gateway's {@code /v3/api-docs/<service>}. */
    static List<Route> routes() {
        JsonNode config = ClusterApi.send("GET", cluster.gatewayUrl() + "/v3/api-docs/swagger-config", null, null).json();
        List<Route> routes = new ArrayList<>();
        for (JsonNode url : config.path("urls")) {
            ClusterApi.Response docs = ClusterApi.send("GET", cluster.gatewayUrl() + url.path("url").asString(), null, null);
            assertThat(docs.status()).as("%s: %s", url.path("url").asString(), docs.body()).isEqualTo(200);
            docs.json().path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
                List<String> query = new ArrayList<>();
                op.getValue().path("parameters").forEach(p -> {
                    if ("query".equals(p.path("in").asString())) {
                        query.add(p.path("name").asString());
                    }
                });
                routes.add(new Route(op.getKey().toUpperCase(), path.getKey(), query,
                        op.getValue().has("requestBody")));
            }));
        }
        return routes;
    }

    /** Open by design: the public keys of PAT JWTs, and redeeming an enrolment token (the body's token is the credential). */
    static final List<String> OPEN_ROUTES = List.of("/api/v1/tokens/jwks", "/api/v1/tokens/enrolments/redeem");

    @Test
    void everyRouteRefusesAMissingExpiredForeignOrTamperedTokenWith401Problem() throws Exception {
        // the API (the problem type pages, docs and health beside it are public)
        List<Route> routes = routes().stream().filter(r -> r.path().startsWith("/api/"))
                .filter(r -> !OPEN_ROUTES.contains(r.path())).toList();
        assertThat(routes).extracting(Route::path).contains("/api/v1/nodes", "/api/v1/jobs", "/api/v1/files/**");
        String real = cluster.accessToken("demo", "holon-demo");
        String shortLived = tokenFromAShortLivedClient();
        Instant expiredAt = Instant.now().plusSeconds(2 + 60); // lifespan 1 s plus the resource servers' 60 s skew

        Map<String, String> variants = new LinkedHashMap<>();
        variants.put("no token", null);
        variants.put("signed by another key", signedByAnotherKey(real));
        variants.put("from another realm", masterRealmToken());
        variants.put("tampered payload", tampered(real));
        variants.put("not a JWT", "hello");
        int checked = check(routes, variants);
        await("the short-lived token to expire").atMost(Duration.ofSeconds(90)).until(() -> Instant.now().isAfter(expiredAt));
        checked += check(routes, Map.of("expired", shortLived));
        System.out.printf("401 everywhere: %d routes x %d kinds of bad token = %d requests, all 401 problem+json%n",
                routes.size(), variants.size() + 1, checked);
    }

    private static int check(List<Route> routes, Map<String, String> variants) {
        int checked = 0;
        for (Route route : routes) {
            for (Map.Entry<String, String> variant : variants.entrySet()) {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cluster.gatewayUrl() + concrete(route.path())))
                        .timeout(Duration.ofSeconds(30))
                        .method(route.method(), route.hasBody() ? HttpRequest.BodyPublishers.ofString("{}")
                                : HttpRequest.BodyPublishers.noBody())
                        .header("Content-Type", "application/json");
                if (variant.getValue() != null) {
                    request.header("Authorization", "Bearer " + variant.getValue());
                }
                HttpResponse<String> answer = send(request.build());
                assertThat(answer.statusCode()).as("%s with %s: %s", route, variant.getKey(), answer.body()).isEqualTo(401);
                assertThat(answer.headers().firstValue("Content-Type").orElse(""))
                        .as("%s with %s", route, variant.getKey()).startsWith("application/problem+json");
                checked++;
            }
        }
        return checked;
    }

    @Test
    void tenThousandGeneratedRequestsGetNo5xxAndEveryErrorIsAProblem() throws Exception {
        // the dashboard's Server-Sent Events never end: a request there would only wait for its timeout
        List<Route> routes = routes().stream().filter(r -> !r.path().equals("/api/v1/stream")).toList();
        List<String> tokens = List.of(cluster.accessToken("demo", "holon-demo"),
                cluster.accessToken("operator", "holon-operator"), cluster.accessToken("admin", "holon-admin"));
        Iterator<FuzzRequest> generated = fuzzRequests(routes, tokens).sampleStream().iterator();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger sent = new AtomicInteger();
        try (ExecutorService clients = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < FUZZ_REQUESTS; i++) {
                FuzzRequest request = generated.next();
                clients.submit(() -> {
                    HttpResponse<String> answer;
                    try {
                        answer = sendOnceMoreIfTimedOut(request);
                    } catch (IllegalArgumentException e) {
                        return; // not a request an HTTP client can send; nothing reached the cluster
                    } catch (Exception e) {
                        failures.add(request + " -> " + e);
                        return;
                    }
                    sent.incrementAndGet();
                    statuses.computeIfAbsent(answer.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                    String type = answer.headers().firstValue("Content-Type").orElse("");
                    if (answer.statusCode() >= 500 || answer.statusCode() >= 400 && !type.startsWith("application/problem+json")) {
                        failures.add(request + " -> " + answer.statusCode() + " " + type + " "
                                + answer.body().substring(0, Math.min(300, answer.body().length())));
                    }
                });
            }
        }
        Map<Integer, Integer> histogram = new TreeMap<>();
        statuses.forEach((status, count) -> histogram.put(status, count.get()));
        System.out.printf("fuzzing: %d generated requests sent over %d routes; statuses %s; %d failures%n", sent.get(),
                routes.size(), histogram, failures.size());
        failures.stream().limit(20).forEach(f -> System.out.println("  " + f));
        assertThat(failures).as("5xx answers and errors that are not problem+json").isEmpty();
        assertThat(sent.get()).isGreaterThanOrEqualTo(FUZZ_REQUESTS * 9 / 10);
    }

    /**
     * The answer; a request that timed out (30 s) is sent once more, so a moment of load on two shared cores is not
     * taken for a hang, while a request that hangs twice still fails the test.
     */
    private static HttpResponse<String> sendOnceMoreIfTimedOut(FuzzRequest request) throws Exception {
        try {
            return HTTP.sendAsync(request.build(cluster.gatewayUrl()), HttpResponse.BodyHandlers.ofString())
                    .get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof java.net.http.HttpTimeoutException)) {
                throw e;
            }
            return HTTP.sendAsync(request.build(cluster.gatewayUrl()), HttpResponse.BodyHandlers.ofString())
                    .get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    // ---------------------------------------------------------------- generated requests

    record FuzzRequest(String method, String pathAndQuery, Map<String, String> headers, byte[] body) {
        HttpRequest build(String gateway) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(gateway + pathAndQuery))
                    .timeout(Duration.ofSeconds(30))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(builder::header);
            return builder.build();
        }

        @Override
        public String toString() {
            return method + " " + pathAndQuery + " " + headers.keySet() + (body == null ? "" : " body " + body.length + " B");
        }
    }

    static Arbitrary<FuzzRequest> fuzzRequests(List<Route> routes, List<String> tokens) {
        Arbitrary<Route> route = Arbitraries.of(routes);
        return Combinators.combine(route, Arbitraries.of(tokens), segments(), queries(), headers(), bodies())
                .as((r, token, segment, query, headers, body) -> {
                    String path = r.path().replace("/**", "/default/" + segment);
                    path = path.replaceAll("\\{[^}]+}", java.util.regex.Matcher.quoteReplacement(segment));
                    StringBuilder q = new StringBuilder();
                    for (String name : r.queryParams()) {
                        if ((name.hashCode() ^ query.hashCode()) % 2 == 0) {
                            q.append(q.isEmpty() ? "?" : "&").append(name).append('=').append(encode(query));
                        }
                    }
                    if (query.length() % 3 == 0) {
                        q.append(q.isEmpty() ? "?" : "&").append("op=").append(encode(query));
                    }
                    Map<String, String> all = new LinkedHashMap<>(headers);
                    all.put("Authorization", "Bearer " + token);
                    return new FuzzRequest(r.method(), path + q, all, r.hasBody() || body.length % 2 == 0 ? body : null);
                });
    }

    /** Path segments: ids, words, traversal in its encodings, unicode, very long ones. */
    static Arbitrary<String> segments() {
        return Arbitraries.oneOf(
                Arbitraries.just(SOME_ID),
                Arbitraries.of("..", "%2e%2e", "%2E%2e%2F", "..%2F..%2Fetc", "%00", "%ff", "%25", "a%2Fb", "~", "-1",
                        "0", "99999999999999999999", "null", "%20"),
                Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-', '_', '.').ofMinLength(1).ofMaxLength(40),
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(20).map(ApiSurfaceSystemIT::encode),
                Arbitraries.strings().withCharRange('a', 'z').ofLength(300));
    }

    static Arbitrary<String> queries() {
        return Arbitraries.oneOf(
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.of("", "true", "false", "-1", "0", "1e9", "UP", "RUNNING", "stat", "list", "mkdir", "move",
                        "locate", "upload", "commit", "scrub", "bytes=0-", "%", "null"),
                Arbitraries.strings().all().ofMaxLength(30));
    }

    static Arbitrary<Map<String, String>> headers() {
        Arbitrary<String> contentType = Arbitraries.of("application/json", "application/octet-stream", "text/plain",
                "application/xml", "multipart/form-data; boundary=x", "garbage", "application/json; charset=utf-16");
        Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.of("*", "\"1\"", "\"0\"", "W/\"2\"", "bytes=5-1",
                "bytes=0-0", "bytes=-5", "default", "another-tenant", "garbage"), Arbitraries.strings().withCharRange(' ', '~')
                .ofMaxLength(20));
        return Combinators.combine(contentType, value, Arbitraries.of("If-Match", "If-None-Match", "Range",
                "X-Holon-Tenant", "Accept")).as((type, v, name) -> {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", type);
            headers.put(name, v);
            return headers;
        });
    }

    /** Bodies: shaped JSON with wrong types, broken JSON, deep nesting, raw bytes, nothing. */
    static Arbitrary<byte[]> bodies() {
        Arbitrary<String> scalar = Arbitraries.oneOf(Arbitraries.integers().map(String::valueOf),
                Arbitraries.of("null", "true", "-1", "1e308", "\"\"", "[]", "{}", "\"x\"", "99999999999999999999"),
                Arbitraries.strings().ofMaxLength(20).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""));
        Arbitrary<String> field = Arbitraries.of("name", "command", "count", "resources", "cpuMillis", "memoryMiB",
                "gpus", "env", "inputs", "outputDir", "destination", "size", "replication", "sha256", "chunks",
                "labels", "strategy", "priority", "timeoutSeconds", "maxRetries", "constraints", "script", "reason");
        Arbitrary<String> object = Combinators.combine(field.list().ofMaxSize(6), scalar.list().ofSize(6))
                .as((names, values) -> {
                    StringBuilder json = new StringBuilder("{");
                    for (int i = 0; i < names.size(); i++) {
                        json.append(i == 0 ? "" : ",").append('"').append(names.get(i)).append("\":").append(values.get(i));
                    }
                    return json.append('}').toString();
                });
        return Arbitraries.oneOf(
                object.map(s -> s.getBytes(StandardCharsets.UTF_8)),
                object.map(s -> s.substring(0, s.length() / 2).getBytes(StandardCharsets.UTF_8)),
                Arbitraries.integers().between(1, 3000).map(depth -> ("[".repeat(depth) + "]".repeat(depth))
                        .getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(2048),
                Arbitraries.just(new byte[0]));
    }

    // ---------------------------------------------------------------- bad tokens

    /** A token from a client made now with a 1 s access token lifespan (Keycloak's admin API, master realm admin). */
    private static String tokenFromAShortLivedClient() {
        String admin = masterRealmToken();
        String clientId = "expiry-probe-" + System.nanoTime();
        ClusterApi.Response created = ClusterApi.send("POST", cluster.keycloakUrl() + "/admin/realms/holon/clients", admin,
                """
                {"clientId": "%s", "publicClient": true, "directAccessGrantsEnabled": true, "standardFlowEnabled": false,
                 "attributes": {"access.token.lifespan": "1"},
                 "protocolMappers": [{"name": "audience-holon", "protocol": "openid-connect",
                   "protocolMapper": "oidc-audience-mapper",
                   "config": {"included.custom.audience": "holon", "access.token.claim": "true"}}]}"""
                        .formatted(clientId));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String form = "grant_type=password&client_id=" + clientId + "&username=demo&password=holon-demo";
        HttpResponse<String> token = send(HttpRequest.newBuilder(URI.create(cluster.tokenUrl()))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return ClusterApi.JSON.readTree(token.body()).path("access_token").asString();
    }

    private static String masterRealmToken() {
        String form = "grant_type=password&client_id=admin-cli&username=" + KeycloakServer.BOOTSTRAP_ADMIN_USER
                + "&password=" + KeycloakServer.BOOTSTRAP_ADMIN_PASSWORD;
        HttpResponse<String> token = send(HttpRequest.newBuilder(URI.create(cluster.keycloakUrl()
                        + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        return ClusterApi.JSON.readTree(token.body()).path("access_token").asString();
    }

    /** The real token's header and claims, signed with a key nobody trusts. */
    private static String signedByAnotherKey(String real) throws Exception {
        String[] parts = real.split("\\.");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(generator.generateKeyPair().getPrivate());
        rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        return parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
    }

    /** The real token with admin added to its roles, its signature kept. */
    private static String tampered(String real) {
        String[] parts = real.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String forged = claims.replace("\"roles\":[", "\"roles\":[\"admin\",");
        assertThat(forged).isNotEqualTo(claims);
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(forged.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
    }

    // ---------------------------------------------------------------- helpers

    /** A path template with its variables filled: ids where ids go, a file under the demo tenant for /**. */
    private static String concrete(String template) {
        return template.replace("/**", "/default/some/file.bin").replaceAll("\\{[^}]+}", SOME_ID);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + ": " + e, e);
        }
    }
}
