package dev.holon.cli;

import dev.holon.cli.config.Credentials;
import dev.holon.cli.config.CredentialsStore;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line end to end in-process, against a JDK HttpServer standing in for the gateway and Keycloak. */
class HolonCliTest extends InProcessCliTest {

    @Test
    void withoutCredentialsSaysToLogInAndExits3() {
        TestCli.Result result = cli.run("nodes", "ls");
        assertThat(result.exit()).isEqualTo(ExitCodes.AUTH);
        assertThat(result.err()).contains("not logged in: run holon login");
        assertThat(cli.requests).isEmpty();
    }

    @Test
    void anUnreachableGatewaySaysToStartTheClusterAndExits5() throws IOException {
        cli.loggedInAs("demo", "user");
        int freePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        TestCli.Result result = cli.run("nodes", "ls", "--gateway", "http://127.0.0.1:" + freePort);
        assertThat(result.exit()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(result.err()).contains("gateway not reachable at http://127.0.0.1:" + freePort)
                .contains("is the cluster up? run holon up");
    }

    @Test
    void aWrongCommandLineExits2() {
        assertThat(cli.run("nodes", "frobnicate").exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.run("jobs", "submit", "--count", "many").exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.run("nodes", "ls", "-o", "xml").exit()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void nodesLsSendsTheTokenAndTenantAndPrintsTableJsonAndYaml() {
        cli.loggedInAs("demo", "user");
        cli.on("/api/v1/nodes", (exchange, request) -> TestCli.json(exchange, 200, """
                {"items":[{"id":"0193a","hostname":"h1","state":"UP","cordoned":false,"draining":false,
                "labels":{"zone":"a"},"allocatable":{"cpuMillis":2000,"memoryMiB":4096,"gpus":0,"diskMiB":1000},
                "capacity":{"cpuMillis":2000,"memoryMiB":4096,"gpus":0,"diskMiB":1000},
                "usage":{"cpuLoad":0.25,"loadAverage1m":0.5,"memoryAvailableMiB":1024,"diskFreeMiB":500},
                "lastHeartbeatAt":"2026-01-01T00:00:00Z"},
                {"id":"0193b","hostname":"h2","state":"DOWN","cordoned":true,"draining":false,"labels":{}}],
                "nextCursor":null}"""));
        assertThat(cli.run("tenant", "use", "acme").exit()).isZero();

        TestCli.Result table = cli.run("nodes", "ls");
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out()).contains("ID", "STATE", "0193a", "h1", "UP", "zone=a", "75%", "0193b", "DOWN", "cordoned")
                .doesNotContain("\u001b[");
        TestCli.Request request = cli.requests.get(0);
        assertThat(request.header("Authorization")).startsWith("Bearer ey");
        assertThat(request.header("X-Holon-Tenant")).isEqualTo("acme");

        assertThat(cli.run("nodes", "ls", "-o", "json").out()).contains("\"hostname\" : \"h1\"");
        assertThat(cli.run("nodes", "ls", "-o", "yaml").out()).contains("items:", "hostname: h1");
    }

    @Test
    void anOperatorMakesAnEnrolmentTokenForNewMachinesAndRemovesANodeOnlyWhenSure() {
        cli.loggedInAs("ops", "operator");
        cli.on("/api/v1/tokens/enrolments", (exchange, request) -> TestCli.json(exchange, 201, """
                {"id":"01t","description":"rack 4","uses":3,"used":0,"createdBy":"ops","state":"active",
                 "expiresAt":"2026-12-02T00:00:00Z","token":"hne_01t_s3cret"}"""));
        TestCli.Result created = cli.run("nodes", "enrolment-tokens", "create", "--uses", "3", "--expires-in", "P1D",
                "--description", "rack 4");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).startsWith("hne_01t_s3cret").contains("3 machine(s)", "HOLON_WORKER_ENROLMENT_TOKEN");
        assertThat(cli.requests.getLast().bodyText()).contains("\"uses\":3", "\"expiresIn\":\"PT24H\"", "rack 4");

        String nodeId = "0193a000-0000-7000-8000-000000000001";
        cli.on("/api/v1/nodes/" + nodeId, (exchange, request) -> {
            if (request.method().equals("DELETE")) {
                TestCli.send(exchange, 204, "application/json", "");
            } else {
                TestCli.json(exchange, 200, "{\"id\":\"" + nodeId + "\",\"state\":\"UP\"}");
            }
        });
        TestCli.Result unsure = cli.run("nodes", "remove", nodeId);
        assertThat(unsure.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(unsure.err()).contains("cannot be undone", "--yes");
        assertThat(cli.requests).noneMatch(r -> r.method().equals("DELETE"));

        TestCli.Result removed = cli.run("nodes", "remove", nodeId, "--yes");
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(removed.out()).contains("removed");
        assertThat(cli.requests).anyMatch(r -> r.method().equals("DELETE") && r.uri().equals("/api/v1/nodes/" + nodeId));
    }

    @Test
    void colourOnlyOnATerminalAndNeverWithNoColor() {
        cli.loggedInAs("demo", "user");
        cli.on("/api/v1/cluster", (exchange, request) -> TestCli.json(exchange, 200, """
                {"nodes":3,"nodesByState":{"UP":3},"schedulableNodes":3,
                 "total":{"cpuMillis":6000,"memoryMiB":12288,"gpus":0,"diskMiB":3000},
                 "free":{"cpuMillis":3000,"memoryMiB":12288,"gpus":0,"diskMiB":3000}}"""));
        cli.terminal = true;
        TestCli.Result coloured = cli.run("cluster");
        assertThat(coloured.out()).contains("\u001b[32mUP").contains("50% used");
        cli.env.put("NO_COLOR", "1");
        assertThat(cli.run("cluster").out()).doesNotContain("\u001b[").contains("3 UP");
    }

    @Test
    void problemsBecomeShortMessagesWithExitCodes() {
        cli.loggedInAs("demo", "user");
        cli.on("/api/v1/nodes/missing", (exchange, request) -> TestCli.json(exchange, 404, """
                {"type":"/problems/not-found","title":"Not found","status":404,"detail":"no node missing"}"""));
        cli.on("/api/v1/nodes/n1/cordon", (exchange, request) -> TestCli.json(exchange, 403, """
                {"type":"/problems/forbidden","title":"Not allowed","status":403,"detail":"needs role operator"}"""));
        String fullId = "0193a000-0000-7000-8000-000000000001";
        TestCli.Result missing = cli.run("nodes", "show", "missing-" + "x".repeat(30));
        assertThat(missing.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(missing.err()).contains("not found");
        cli.on("/api/v1/nodes/" + fullId + "/cordon", (exchange, request) -> TestCli.json(exchange, 403, """
                {"type":"/problems/forbidden","title":"Not allowed","status":403,"detail":"needs role operator"}"""));
        TestCli.Result forbidden = cli.run("nodes", "cordon", fullId);
        assertThat(forbidden.exit()).isEqualTo(ExitCodes.AUTH);
        assertThat(forbidden.err()).contains("forbidden: needs role operator").contains("holon whoami");
    }

    @Test
    void anExpiredTokenIsRefreshedBeforeTheCall() {
        String fresh = TestCli.jwt("demo", 600, "user");
        new CredentialsStore(home).save(new Credentials(Credentials.OAUTH, cli.url(), cli.url() + "/realms/holon",
                cli.url() + "/token", "holon-cli", TestCli.jwt("demo", -10, "user"), "refresh-1",
                Instant.now().getEpochSecond() - 10, Instant.now().getEpochSecond() + 1000, null));
        cli.on("/token", (exchange, request) -> {
            assertThat(request.bodyText()).contains("grant_type=refresh_token", "refresh_token=refresh-1", "client_id=holon-cli");
            TestCli.json(exchange, 200, "{\"access_token\":\"" + fresh + "\",\"refresh_token\":\"refresh-2\","
                    + "\"expires_in\":600,\"refresh_expires_in\":1800}");
        });
        cli.on("/api/v1/nodes", (exchange, request) -> TestCli.json(exchange, 200, "{\"items\":[]}"));
        TestCli.Result result = cli.run("nodes", "ls");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(cli.requests.get(1).header("Authorization")).isEqualTo("Bearer " + fresh);
        assertThat(new CredentialsStore(home).load().orElseThrow().refreshToken()).isEqualTo("refresh-2");
    }

    @Test
    void loginWithAPasswordFromStdinStoresTokensOwnerOnly() throws IOException {
        String token = TestCli.jwt("demo", 900, "user");
        cli.on("/realms/holon/.well-known/openid-configuration", (exchange, request) -> TestCli.json(exchange, 200,
                "{\"token_endpoint\":\"" + cli.url() + "/realms/holon/protocol/openid-connect/token\","
                        + "\"device_authorization_endpoint\":\"" + cli.url() + "/realms/holon/device\"}"));
        cli.on("/realms/holon/protocol/openid-connect/token", (exchange, request) -> {
            assertThat(request.bodyText()).contains("grant_type=password", "username=demo", "password=s3cret%21");
            TestCli.json(exchange, 200, "{\"access_token\":\"" + token + "\",\"refresh_token\":\"r\",\"expires_in\":900}");
        });
        TestCli.Result login = cli.withStdin("s3cret!\n", "login", "--username", "demo", "--password-stdin");
        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(login.out()).contains("Logged in to " + cli.url() + " as demo (roles user; tenant default)");
        Path file = home.resolve("credentials.json");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(file)).contains(token).doesNotContain("s3cret");

        TestCli.Result whoami = cli.run("whoami");
        assertThat(whoami.out()).contains("user     demo", "roles    user", "tenant   default");
        assertThat(cli.run("whoami", "-o", "json").out()).contains("\"user\" : \"demo\"");

        assertThat(cli.run("logout").out()).contains("Logged out");
        assertThat(file).doesNotExist();
        assertThat(cli.run("whoami").exit()).isEqualTo(ExitCodes.AUTH);
    }

    @Test
    void deviceLoginPrintsTheUrlAndCodeThenPollsUntilApproved() {
        String token = TestCli.jwt("operator", 900, "operator", "user");
        AtomicInteger polls = new AtomicInteger();
        cli.on("/realms/holon/.well-known/openid-configuration", (exchange, request) -> TestCli.json(exchange, 200,
                "{\"token_endpoint\":\"" + cli.url() + "/token\",\"device_authorization_endpoint\":\"" + cli.url() + "/device\"}"));
        cli.on("/device", (exchange, request) -> TestCli.json(exchange, 200, """
                {"device_code":"dc","user_code":"ABCD-EFGH","verification_uri":"http://kc/device",
                 "verification_uri_complete":"http://kc/device?user_code=ABCD-EFGH","expires_in":60,"interval":1}"""));
        cli.on("/token", (exchange, request) -> {
            assertThat(request.bodyText()).contains("device_code=dc", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code");
            if (polls.incrementAndGet() == 1) {
                TestCli.json(exchange, 400, "{\"error\":\"authorization_pending\"}");
            } else {
                TestCli.json(exchange, 200, "{\"access_token\":\"" + token + "\",\"refresh_token\":\"r\",\"expires_in\":900}");
            }
        });
        TestCli.Result login = cli.run("login");
        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(login.err()).contains("http://kc/device?user_code=ABCD-EFGH", "enter the code ABCD-EFGH");
        assertThat(polls.get()).isEqualTo(2);
        assertThat(login.out()).contains("as operator (roles operator, user");
    }

    @Test
    void loginWithAGivenToken() {
        String token = TestCli.jwt("ci-bot", 3600, "user");
        TestCli.Result login = cli.withStdin(token + "\n", "login", "--token", "-");
        assertThat(login.exit()).as(login.err()).isZero();
        Credentials stored = new CredentialsStore(home).load().orElseThrow();
        assertThat(stored.kind()).isEqualTo(Credentials.TOKEN);
        assertThat(stored.accessToken()).isEqualTo(token);
        assertThat(cli.run("whoami").out()).contains("ci-bot");
    }

    @Test
    void labelSendsAMergePatchWithTheEtag() {
        cli.loggedInAs("operator", "operator");
        String id = "0193a000-0000-7000-8000-000000000001";
        cli.on("/api/v1/nodes/" + id, (exchange, request) -> {
            if (request.method().equals("GET")) {
                exchange.getResponseHeaders().set("ETag", "\"7\"");
                TestCli.json(exchange, 200, "{\"id\":\"" + id + "\",\"labels\":{\"rack\":\"r0\"},\"version\":7}");
            } else {
                assertThat(request.method()).isEqualTo("PATCH");
                assertThat(request.header("If-Match")).isEqualTo("\"7\"");
                assertThat(request.header("Content-Type")).isEqualTo("application/merge-patch+json");
                assertThat(request.bodyText()).isEqualTo("{\"labels\":{\"zone\":\"b\",\"rack\":null}}");
                TestCli.json(exchange, 200, "{\"id\":\"" + id + "\",\"labels\":{\"zone\":\"b\"},\"version\":8}");
            }
        });
        TestCli.Result result = cli.run("nodes", "label", id, "zone=b", "rack-");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains("labels: zone=b");
    }

    @Test
    void submitSendsTheBodyWithAnIdempotencyKeyAndWaitExitsWithTheJobsEnd() {
        cli.loggedInAs("demo", "user");
        cli.on("/api/v1/jobs", (exchange, request) -> {
            if (request.method().equals("POST")) {
                assertThat(request.header("Idempotency-Key")).isNotBlank();
                assertThat(request.bodyText()).contains("\"count\":3", "\"cpuMillis\":250", "\"memoryMiB\":128",
                        "\"command\":[\"sh\",\"-c\",\"exit 3\"]", "\"strategy\":\"SPREAD\"", "\"timeoutSeconds\":300",
                        "\"env\":{\"A\":\"1\"}", "\"name\":\"sh\"");
                TestCli.json(exchange, 201, "{\"id\":\"j1\",\"name\":\"sh\",\"count\":3,\"state\":\"PENDING\"}");
            } else {
                TestCli.json(exchange, 200, """
                        {"id":"j1","name":"sh","count":3,"state":"FAILED","createdAt":"2026-01-01T00:00:00Z",
                         "updatedAt":"2026-01-01T00:00:04Z","tasks":[
                         {"index":0,"state":"FAILED","exitCode":3,"reason":"exit 3"},
                         {"index":1,"state":"SUCCEEDED","exitCode":0},{"index":2,"state":"SUCCEEDED","exitCode":0}]}""");
            }
        });
        TestCli.Result result = cli.run("jobs", "submit", "-c", "3", "--cpu", "250m", "--mem", "128Mi", "--strategy",
                "spread", "--timeout", "5m", "-e", "A=1", "--wait", "--", "sh", "-c", "exit 3");
        assertThat(result.exit()).as(result.err()).isEqualTo(ExitCodes.FAILED);
        assertThat(result.out()).contains("job j1 submitted: sh, 3 tasks");
        assertThat(result.err()).contains("job j1 FAILED: 2 SUCCEEDED, 1 FAILED in 4s", "task 0 FAILED exit 3");
    }

    @Test
    void completionPrintsABashScript() {
        TestCli.Result result = cli.run("completion", "bash");
        assertThat(result.exit()).isZero();
        assertThat(result.out()).contains("complete -F", "holon", "nodes", "jobs", "files");
    }

    @Test
    void theGatewayComesFromFlagThenEnvironmentThenConfigFileThenLoginThenDefault() {
        cli.env.remove("HOLON_GATEWAY_URL");
        cli.env.remove("HOLON_ISSUER_URL");
        assertThat(cli.run("config", "show").out()).contains("gateway      http://localhost:8080",
                "issuer       http://localhost:8180/realms/holon");
        cli.loggedInAs("demo", "user"); // stored with the test server's URL
        assertThat(cli.run("config", "show").out()).contains("gateway      " + cli.url());
        assertThat(cli.run("config", "set", "gateway", "http://config:1").exit()).isZero();
        assertThat(cli.run("config", "show").out()).contains("gateway      http://config:1");
        cli.env.put("HOLON_GATEWAY_URL", "http://env:2");
        assertThat(cli.run("config", "show").out()).contains("gateway      http://env:2");
        assertThat(cli.run("config", "show", "--gateway", "http://flag:3/").out()).contains("gateway      http://flag:3");
        assertThat(cli.run("config", "set", "gatway", "x").exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.run("config", "unset", "gateway").exit()).isZero();
        cli.env.remove("HOLON_GATEWAY_URL");
        assertThat(cli.run("config", "show").out()).contains("gateway      " + cli.url());
    }
}
