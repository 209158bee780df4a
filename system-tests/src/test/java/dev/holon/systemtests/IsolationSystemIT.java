package dev.holon.systemtests;

import dev.holon.localcluster.cluster.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tenant isolation on a real cluster: tenants acme (alice) and globex (bob) made through auth-service; alice owns a
 * job with its tasks and logs, a folder with a file and a personal access token; for every kind of object and every
 * verb bob gets nothing (404, or 403 where the verb is not his to use at all) while alice gets her objects — the
 * matrix size and the leak count are printed. Also PATs end to end (scoped, revoked) and quotas enforced through the
 * API. Own home and ports.
 */
class IsolationSystemIT {

    static LocalCluster cluster;
    static String admin;
    static String alice;
    static String bob;
    static String jobId;
    static String patId;
    static String pat;

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start(ClusterApi.freshOptions("cluster-isolation", 10080).workers(2).build());
        admin = cluster.accessToken("admin", "holon-admin");
        await("the workers UP").atMost(Duration.ofSeconds(90)).until(() -> ClusterApi.send("GET",
                cluster.gatewayUrl() + "/api/v1/nodes?state=UP", admin, null).json().path("items").size() == 2);
        for (String[] tenantAndUser : new String[][] {{"acme", "alice"}, {"globex", "bob"}}) {
            expect(call("POST", "/api/v1/tenants", admin, "{\"name\": \"" + tenantAndUser[0] + "\"}"), 201);
            expect(call("PUT", "/api/v1/tenants/" + tenantAndUser[0] + "/members/" + tenantAndUser[1], admin,
                    "{\"role\": \"member\"}"), 200, 201);
        }
        alice = tokenInTenant("alice", "acme");
        bob = tokenInTenant("bob", "globex");

        jobId = expect(call("POST", "/api/v1/jobs", alice, """
                {"name": "acme-secret-job", "count": 2, "command": ["sh", "-c", "echo acme-secret-output"],
                 "resources": {"cpuMillis": 100, "memoryMiB": 64}}"""), 201).path("id").asString();
        await("alice's job to finish").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> ClusterApi.FINAL_JOB_STATES.contains(call("GET", "/api/v1/jobs/" + jobId, alice, null)
                        .json().path("state").asString()));
        expect(call("POST", "/api/v1/files/acme/secret?op=mkdir", alice, null), 201);
        ClusterApi.Response upload = putFile("/api/v1/files/acme/secret/plans.txt", alice, "acme-secret-file", null);
        assertThat(upload.status()).as(upload.body()).isEqualTo(201);
        JsonNode created = expect(call("POST", "/api/v1/tokens", alice,
                "{\"name\": \"ci\", \"scopes\": [\"read\", \"files\"]}"), 201);
        patId = created.path("id").asString();
        pat = created.path("token").asString();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.stop();
        }
    }

    /** One cell of the matrix: what bob tries, and whether its answer gives away alice's object. */
    record Probe(String kind, String verb, String method, String path, String body) {
    }

    @Test
    void anotherTenantsUserGetsNothingOfAnyKindByAnyVerb() {
        String file = "/api/v1/files/acme/secret/plans.txt";
        String folder = "/api/v1/files/acme/secret";
        String job = "/api/v1/jobs/" + jobId;
        List<Probe> probes = List.of(
                new Probe("job", "list", "GET", "/api/v1/jobs", null),
                new Probe("job", "get", "GET", job, null),
                new Probe("job", "events", "GET", job + "/events", null),
                new Probe("job", "cancel", "POST", job + "/cancel", null),
                new Probe("task", "get", "GET", job + "?tasks=true", null),
                new Probe("task", "cancel", "POST", job + "/tasks/0/cancel", null),
                new Probe("logs", "download", "GET", job + "/tasks/0/logs", null),
                new Probe("logs", "tail", "GET", job + "/tasks/0/logs?tail=10", null),
                new Probe("file", "get", "GET", file + "?op=stat", null),
                new Probe("file", "download", "GET", file, null),
                new Probe("file", "locate", "GET", file + "?op=locate", null),
                new Probe("file", "update", "PUT", file, "bob-was-here"),
                new Probe("file", "move", "POST", file + "?op=move", "{\"destination\": \"/globex/stolen.txt\"}"),
                new Probe("file", "delete", "DELETE", file, null),
                new Probe("file", "direct upload", "POST", file + "?op=upload", "{\"size\": 3}"),
                new Probe("folder", "list", "GET", folder + "?op=list", null),
                new Probe("folder", "get", "GET", folder + "?op=stat", null),
                new Probe("folder", "update", "POST", folder + "/inner?op=mkdir", null),
                new Probe("folder", "delete", "DELETE", folder + "?recursive=true", null),
                new Probe("folder", "list root", "GET", "/api/v1/files/acme?op=list", null),
                new Probe("token", "list", "GET", "/api/v1/tokens", null),
                new Probe("token", "get", "GET", "/api/v1/tokens/" + patId, null),
                new Probe("token", "delete", "DELETE", "/api/v1/tokens/" + patId, null),
                new Probe("token", "list as owner", "GET", "/api/v1/tokens?owner=alice", null),
                new Probe("audit entry", "list", "GET", "/api/v1/audit?tenant=acme", null),
                new Probe("audit entry", "list by user", "GET", "/api/v1/audit?user=alice", null),
                new Probe("tenant", "get", "GET", "/api/v1/tenants/acme", null),
                new Probe("tenant", "members", "GET", "/api/v1/tenants/acme/members", null),
                new Probe("tenant", "update", "PUT", "/api/v1/tenants/acme/members/bob", "{\"role\": \"admin\"}"),
                new Probe("tenant", "quota", "GET", "/api/v1/tenants/acme/quota", null),
                new Probe("tenant", "delete", "DELETE", "/api/v1/tenants/acme", null));

        // positive control: alice reaches what bob is refused (so a leak count of 0 means something)
        assertThat(call("GET", job, alice, null).status()).isEqualTo(200);
        assertThat(call("GET", file, alice, null).body()).isEqualTo("acme-secret-file");
        assertThat(call("GET", "/api/v1/tokens/" + patId, alice, null).status()).isEqualTo(200);
        assertThat(call("GET", "/api/v1/jobs", alice, null).body()).contains(jobId);

        List<String> leaks = new ArrayList<>();
        int cells = 0;
        for (Probe probe : probes) {
            for (String tenantHeader : new String[] {null, "acme"}) {
                cells++;
                ClusterApi.Response answer = callAs(probe.method(), probe.path(), bob, probe.body(), tenantHeader);
                String where = "%s %s (%s %s%s): %d %s".formatted(probe.kind(), probe.verb(), probe.method(), probe.path(),
                        tenantHeader == null ? "" : ", X-Holon-Tenant: " + tenantHeader, answer.status(),
                        answer.body().length() > 200 ? answer.body().substring(0, 200) : answer.body());
                // what bob cannot know: the job's name and output, the file's bytes, alice as an owner; and, in an
                // answer that is not a refusal (a refusal may repeat the id or path bob sent), any of alice's ids
                boolean reveals = answer.body().contains("acme-secret") || answer.body().contains("\"alice\"")
                        || answer.status() < 400 && (answer.body().contains(jobId) || answer.body().contains(patId)
                        || answer.body().contains("plans.txt"));
                boolean refused = answer.status() == 404 || answer.status() == 403;
                boolean emptyList = answer.status() == 200 && probe.verb().startsWith("list") && !reveals;
                if (reveals || !(refused || emptyList)) {
                    leaks.add(where);
                }
                if (answer.status() >= 400) {
                    assertThat(answer.contentType()).as(where).startsWith("application/problem+json");
                }
            }
        }
        System.out.printf("isolation matrix: %d kinds x verbs, %d cells (with and without X-Holon-Tenant: acme), %d leaks%n",
                probes.size(), cells, leaks.size());
        leaks.forEach(leak -> System.out.println("  LEAK " + leak));
        assertThat(leaks).isEmpty();

        // nothing changed for alice
        assertThat(call("GET", file, alice, null).body()).isEqualTo("acme-secret-file");
        assertThat(call("GET", "/api/v1/tokens/" + patId, alice, null).json().path("state").asString()).isEqualTo("active");
        assertThat(call("GET", "/api/v1/tenants/acme/members/bob", admin, null).status()).isEqualTo(404);
    }

    @Test
    void aPersonalAccessTokenWorksInItsTenantWithinItsScopesUntilRevoked() {
        JsonNode created = expect(call("POST", "/api/v1/tokens", alice,
                "{\"name\": \"ci-2\", \"scopes\": [\"read\", \"files\"]}"), 201);
        String pat = created.path("token").asString();
        String patId = created.path("id").asString();
        assertThat(pat).startsWith("hol_");
        assertThat(call("GET", "/api/v1/files/acme/secret/plans.txt", pat, null).body()).isEqualTo("acme-secret-file");
        ClusterApi.Response put = putFile("/api/v1/files/acme/secret/by-ci.txt", pat, "written by ci", null);
        assertThat(put.status()).as(put.body()).isEqualTo(201);
        ClusterApi.Response submit = call("POST", "/api/v1/jobs", pat, "{\"name\": \"x\", \"command\": [\"true\"]}");
        assertThat(submit.status()).as("no jobs scope: %s", submit.body()).isEqualTo(403);
        assertThat(submit.body()).contains("jobs");
        assertThat(callAs("GET", "/api/v1/jobs", pat, null, "globex").status()).as("another tenant").isEqualTo(403);

        expect(call("DELETE", "/api/v1/tokens/" + patId + "-not-mine", bob, null), 404);
        expect(call("DELETE", "/api/v1/tokens/" + patId, alice, null), 204);
        await("the revocation to reach the gateway").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> call("GET", "/api/v1/files/acme/secret/plans.txt", pat, null).status() == 401);
        ClusterApi.Response audit = call("GET", "/api/v1/audit?user=alice&limit=500", admin, null);
        assertThat(audit.status()).isEqualTo(200);
        assertThat(audit.body()).contains("token.revoked");
    }

    @Test
    void tenantQuotasHoldJobsPendingWithTheReasonAndRefuseUploadsWithTheNumbers() {
        expect(call("PUT", "/api/v1/tenants/globex/quota", admin, "{\"cpuMillis\": 500, \"storageBytes\": 10}"), 200);
        await("the quota to reach the services").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> putFile("/api/v1/files/globex/probe-" + System.nanoTime() + ".txt", bob,
                        "more than ten bytes", null).status() == 403);
        ClusterApi.Response refused = putFile("/api/v1/files/globex/big.txt", bob, "more than ten bytes", null);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body()).contains("globex", "quota");
        assertThat(call("GET", "/api/v1/files/globex/big.txt?op=stat", bob, null).status()).isEqualTo(404);

        String job = expect(call("POST", "/api/v1/jobs", bob, """
                {"name": "too-big", "command": ["sleep", "1"], "resources": {"cpuMillis": 1000, "memoryMiB": 64}}"""),
                201).path("id").asString();
        await("the quota reason").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode view = call("GET", "/api/v1/jobs/" + job, bob, null).json();
            assertThat(view.path("state").asString()).isEqualTo("PENDING");
            assertThat(view.toString()).contains("tenant quota").contains("globex");
        });
    }

    // ---------------------------------------------------------------- helpers

    /** A fresh token of {@code user} once it carries {@code /tenants/<tenant>} (Keycloak follows auth-service). */
    private static String tokenInTenant(String user, String tenant) {
        Supplier<String> token = () -> cluster.accessToken(user, "holon-" + user);
        return await(user + " in " + tenant).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(token::get, t -> claims(t).contains("/tenants/" + tenant));
    }

    private static String claims(String jwt) {
        return new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
    }

    private static ClusterApi.Response call(String method, String path, String token, String body) {
        return callAs(method, path, token, body, null);
    }

    private static ClusterApi.Response callAs(String method, String path, String token, String body, String tenant) {
        if (method.equals("PUT") && path.startsWith("/api/v1/files/")) {
            return putFile(path, token, body, tenant);
        }
        if (tenant == null) {
            return ClusterApi.send(method, cluster.gatewayUrl() + path, token, body);
        }
        return ClusterApi.sendWith(method, cluster.gatewayUrl() + path, token, body, "X-Holon-Tenant", tenant);
    }

    /** A file's bytes, as uploads send them; {@code tenant}: an X-Holon-Tenant header, or none. */
    private static ClusterApi.Response putFile(String path, String token, String content, String tenant) {
        List<String> headers = new ArrayList<>(List.of("Content-Type", "application/octet-stream"));
        if (tenant != null) {
            headers.addAll(List.of("X-Holon-Tenant", tenant));
        }
        return ClusterApi.sendWith("PUT", cluster.gatewayUrl() + path, token, content, headers.toArray(String[]::new));
    }

    private static JsonNode expect(ClusterApi.Response response, int... statuses) {
        assertThat(statuses).as(response.body()).contains(response.status());
        return response.body().isBlank() ? ClusterApi.JSON.createObjectNode() : response.json();
    }
}
