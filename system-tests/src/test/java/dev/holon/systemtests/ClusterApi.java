package dev.holon.systemtests;

import dev.holon.localcluster.cluster.ClusterOptions;
import dev.holon.localcluster.cluster.LocalCluster;
import dev.holon.localcluster.infra.PostgresHost;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/** A user of a local cluster: HTTP calls through the gateway (or to one process), as a client would make them. */
final class ClusterApi {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Set<String> FINAL_JOB_STATES = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final LocalCluster cluster;
    private final String token;

    ClusterApi(LocalCluster cluster, String token) {
        this.cluster = cluster;
        this.token = token;
    }

    record Response(int status, String contentType, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    /**
     * System tests check behaviour, not speed: every service runs on C1 alone, like {@code holon up}'s coordination
     * services, so the data-path services' full JIT does not spend the 2 cores compiling while the tests run.
     */
    static final List<String> SERVICE_JVM_OPTIONS = Stream.concat(
            ClusterOptions.DEFAULT_SERVICE_JVM_OPTIONS.stream(), Stream.of("-XX:TieredStopAtLevel=1")).toList();

    /** A cluster as {@code ./holon up} starts it, under {@code target/<name>}, on ports from {@code portBase}. */
    static ClusterOptions.Builder options(String name, int portBase) {
        return ClusterOptions.builder()
                .home(Path.of("target", name).toAbsolutePath())
                .portBase(portBase)
                .serviceJvmOptions(SERVICE_JVM_OPTIONS)
                .stopOnExit(true);
    }

    /**
     * {@link #options} for a cluster that starts from empty data: whatever an earlier run left (files, tasks,
     * cordons, an older realm) would change what the test sees.
     */
    static ClusterOptions.Builder freshOptions(String name, int portBase) {
        Path home = Path.of("target", name).toAbsolutePath();
        LocalCluster.attach(home, null).ifPresent(LocalCluster::stop);
        PostgresHost.stopOrphan(home.resolve("data").resolve("postgres"));
        Path data = home.resolve("data");
        if (Files.exists(data)) {
            try (Stream<Path> paths = Files.walk(data)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + data, e);
            }
        }
        return options(name, portBase);
    }

    /** The demo user's view of the cluster, once its three workers are UP. */
    static ClusterApi demoOnceThreeNodesAreUp(LocalCluster cluster) {
        return demoOnceNodesAreUp(cluster, 3);
    }

    /** The demo user's view of the cluster, once {@code nodes} workers are UP. */
    static ClusterApi demoOnceNodesAreUp(LocalCluster cluster, int nodes) {
        ClusterApi api = new ClusterApi(cluster, cluster.accessToken("demo", "holon-demo"));
        api.awaitNodesUp(nodes, Duration.ofSeconds(90));
        return api;
    }

    /** Waits until exactly {@code nodes} workers are UP. */
    void awaitNodesUp(int nodes, Duration atMost) {
        await(nodes + " nodes UP").atMost(atMost).until(() -> get("/api/v1/nodes?state=UP"),
                listing -> listing.status() == 200 && listing.json().path("items").size() == nodes);
    }

    String token() {
        return token;
    }

    Response get(String path) {
        return send("GET", cluster.gatewayUrl() + path, token, null);
    }

    Response post(String path, String body) {
        return send("POST", cluster.gatewayUrl() + path, token, body);
    }

    /** Submits a job; fails unless it was created. */
    String submit(String body) {
        Response created = post("/api/v1/jobs", body);
        if (created.status() != 201) {
            throw new AssertionError("job not created: " + created.status() + " " + created.body());
        }
        return created.json().path("id").asString();
    }

    JsonNode job(String id) {
        Response response = get("/api/v1/jobs/" + id);
        if (response.status() == 503) {
            throw new Unavailable("GET job " + id + ": " + response.body());
        }
        if (response.status() != 200) {
            throw new AssertionError("GET job " + id + ": " + response.status() + " " + response.body());
        }
        return response.json();
    }

    /** A 503: the scheduler or its database is restarting. A client retries after Retry-After; so do the waits. */
    static final class Unavailable extends AssertionError {
        Unavailable(String message) {
            super(message);
        }
    }

    JsonNode awaitFinished(String id, Duration atMost) {
        return await().atMost(atMost).pollInterval(Duration.ofMillis(250)).ignoreExceptionsInstanceOf(Unavailable.class)
                .until(() -> job(id), job -> FINAL_JOB_STATES.contains(job.path("state").asString()));
    }

    /** Every task of the job is RUNNING. */
    JsonNode awaitAllRunning(String id, Duration atMost) {
        return await().atMost(atMost).pollInterval(Duration.ofMillis(200)).ignoreExceptionsInstanceOf(Unavailable.class)
                .until(() -> job(id), job -> {
                    for (JsonNode task : job.path("tasks")) {
                        if (!"RUNNING".equals(task.path("state").asString())) {
                            return false;
                        }
                    }
                    return !job.path("tasks").isEmpty();
                });
    }

    /**
     * Node id -> worker number n (process {@code node-n}), from the port of the node's {@code apiUrl}: zones repeat
     * from the fourth worker on (node-1 and node-4 are both in zone a), ports do not.
     */
    Map<String, Integer> workerOfNode() {
        List<Integer> ports = cluster.ports().workers();
        Map<String, Integer> workers = new HashMap<>();
        for (JsonNode node : get("/api/v1/nodes").json().path("items")) {
            int port = URI.create(node.path("apiUrl").asString()).getPort();
            if (ports.contains(port)) {
                workers.put(node.path("id").asString(), ports.indexOf(port) + 1);
            }
        }
        return workers;
    }

    /** Node id -> the address its worker serves chunks and task logs on. */
    Map<String, String> apiUrlOfNode() {
        Map<String, String> urls = new HashMap<>();
        for (JsonNode node : get("/api/v1/nodes").json().path("items")) {
            urls.put(node.path("id").asString(), node.path("apiUrl").asString());
        }
        return urls;
    }

    /** The node an attempt ran on, whichever of nodeId/node the API names it. */
    static String nodeOf(JsonNode attempt) {
        return attempt.hasNonNull("nodeId") ? attempt.path("nodeId").asString() : attempt.path("node").asString();
    }

    static Response send(String method, String url, String token, String body) {
        return sendWith(method, url, token, body);
    }

    /** {@link #send} with extra headers (name, value, ...); a Content-Type among them replaces JSON's. */
    static Response sendWith(String method, String url, String token, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        boolean typed = false;
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
            typed |= headers[i].equalsIgnoreCase("Content-Type");
        }
        if (body != null && !typed) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The command lines of this machine's processes that contain {@code text} (from /proc, as ps reads them). */
    static List<String> processesWith(String text) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String commandLine = new String(Files.readAllBytes(entry.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ').strip();
                    if (commandLine.contains(text)) {
                        found.add(entry.getFileName() + ": " + commandLine);
                    }
                } catch (IOException gone) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return found;
    }
}
