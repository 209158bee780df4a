package dev.holon.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node actions an operator uses (drain, uncordon) and the job commands other than submit-from-flags (ls, cancel,
 * submit from a YAML or JSON file), in-process against a JDK HttpServer standing in for the gateway.
 */
class OperatorAndJobsCliTest extends InProcessCliTest {

    static final String NODE = "0193a000-0000-7000-8000-000000000001";
    static final String OTHER = "0193b000-0000-7000-8000-000000000002";

    /** The registry's node list, and each node's actions answered with the node as they leave it. */
    void registryWithTwoNodes() {
        cli.on("/api/v1/nodes", (exchange, request) -> {
            String path = request.uri();
            if (request.method().equals("GET") && path.startsWith("/api/v1/nodes?")) {
                TestCli.json(exchange, 200, """
                        {"items":[{"id":"%s","hostname":"h1","state":"UP","cordoned":false,"draining":false,"labels":{}},
                                  {"id":"%s","hostname":"h2","state":"UP","cordoned":false,"draining":false,"labels":{}}],
                         "nextCursor":null}""".formatted(NODE, OTHER));
            } else if (path.endsWith("/drain")) {
                TestCli.json(exchange, 202, "{\"id\":\"" + NODE + "\",\"state\":\"UP\",\"cordoned\":true,\"draining\":true}");
            } else if (path.endsWith("/uncordon")) {
                TestCli.json(exchange, 200, "{\"id\":\"" + NODE + "\",\"state\":\"UP\",\"cordoned\":false,\"draining\":false}");
            } else {
                TestCli.json(exchange, 404, "{\"type\":\"/problems/not-found\",\"title\":\"Not found\",\"status\":404}");
            }
        });
    }

    @Test
    void drainAndUncordonPostToTheNodeFoundByHostnameOrPrefix() {
        cli.loggedInAs("ops", "operator");
        registryWithTwoNodes();

        TestCli.Result drain = cli.run("nodes", "drain", "h1");
        assertThat(drain.exit()).as(drain.err()).isZero();
        assertThat(drain.out()).contains("node " + NODE + " draining: its tasks restart elsewhere");
        assertThat(cli.requests.getLast().method()).isEqualTo("POST");
        assertThat(cli.requests.getLast().uri()).isEqualTo("/api/v1/nodes/" + NODE + "/drain");

        TestCli.Result uncordon = cli.run("nodes", "uncordon", "0193a", "-o", "json");
        assertThat(uncordon.exit()).as(uncordon.err()).isZero();
        assertThat(uncordon.out()).contains("\"cordoned\" : false", "\"draining\" : false");
        assertThat(cli.requests.getLast().uri()).isEqualTo("/api/v1/nodes/" + NODE + "/uncordon");
    }

    @Test
    void aNodeThatIsNotThereOrIsAmbiguousIsNeverActedOn() {
        cli.loggedInAs("ops", "operator");
        registryWithTwoNodes();

        TestCli.Result missing = cli.run("nodes", "drain", "h9");
        assertThat(missing.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(missing.err()).contains("no node h9", "holon nodes ls");
        TestCli.Result ambiguous = cli.run("nodes", "uncordon", "0193");
        assertThat(ambiguous.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(ambiguous.err()).contains("ambiguous", NODE, OTHER);
        assertThat(cli.requests).noneMatch(r -> r.method().equals("POST"));
    }

    @Test
    void jobsLsFollowsPagesUpToTheLimitAndFiltersByState() {
        cli.loggedInAs("demo", "user");
        cli.on("/api/v1/jobs", (exchange, request) -> {
            if (request.uri().contains("cursor=c2")) {
                TestCli.json(exchange, 200, """
                        {"items":[{"id":"j3","name":"third","state":"FAILED","count":1,"owner":"demo",
                                   "createdAt":"2026-01-01T00:00:00Z"}],"nextCursor":"c3"}""");
            } else {
                TestCli.json(exchange, 200, """
                        {"items":[{"id":"j1","name":"render","state":"RUNNING","count":12,"owner":"demo",
                                   "createdAt":"2026-01-01T00:00:00Z"},
                                  {"id":"j2","name":"train","state":"PENDING","count":2,"owner":"demo",
                                   "createdAt":"2026-01-01T00:00:00Z","pendingReason":"no node has 4 GPUs free"}],
                         "nextCursor":"c2"}""");
            }
        });

        TestCli.Result ls = cli.run("jobs", "ls", "--limit", "3");
        assertThat(ls.exit()).as(ls.err()).isZero();
        assertThat(ls.out()).contains("ID", "NAME", "STATE", "PENDING REASON", "j1", "render", "RUNNING", "12",
                "j2", "no node has 4 GPUs free", "j3", "third", "FAILED");
        assertThat(cli.requests).extracting(TestCli.Request::uri)
                .containsExactly("/api/v1/jobs?limit=3", "/api/v1/jobs?limit=1&cursor=c2");

        TestCli.Result running = cli.run("jobs", "ls", "--state", "running", "--limit", "2", "-o", "json");
        assertThat(running.exit()).isZero();
        assertThat(cli.requests.getLast().uri()).isEqualTo("/api/v1/jobs?limit=2&state=RUNNING");
        assertThat(running.out()).contains("\"items\"", "\"id\" : \"j1\"").doesNotContain("j3");
    }

    @Test
    void jobsLsWithNothingSaysHowToStart() {
        cli.loggedInAs("demo", "user");
        cli.on("/api/v1/jobs", (exchange, request) -> TestCli.json(exchange, 200, "{\"items\":[],\"nextCursor\":null}"));
        assertThat(cli.run("jobs", "ls").out()).contains("No jobs yet: holon jobs submit -- echo hello");
        assertThat(cli.run("jobs", "ls", "--state", "FAILED").out()).contains("No jobs FAILED.");
    }

    @Test
    void cancelAJobOrOneTaskAndWaitForTheEnd() {
        cli.loggedInAs("demo", "user");
        AtomicInteger polls = new AtomicInteger();
        cli.on("/api/v1/jobs/j1", (exchange, request) -> {
            if (request.method().equals("POST")) {
                TestCli.json(exchange, 202, "{\"id\":\"j1\",\"state\":\"RUNNING\"}");
            } else {
                String state = polls.incrementAndGet() < 2 ? "RUNNING" : "CANCELLED";
                TestCli.json(exchange, 200, """
                        {"id":"j1","name":"sleepy","count":2,"state":"%s","createdAt":"2026-01-01T00:00:00Z",
                         "updatedAt":"2026-01-01T00:00:09Z","tasks":[{"index":0,"state":"%s"},{"index":1,"state":"CANCELLED"}]}"""
                        .formatted(state, state));
            }
        });

        TestCli.Result oneTask = cli.run("jobs", "cancel", "j1", "--task", "1");
        assertThat(oneTask.exit()).as(oneTask.err()).isZero();
        assertThat(oneTask.out()).contains("cancel requested: job j1 task 1");
        assertThat(cli.requests.getLast().uri()).isEqualTo("/api/v1/jobs/j1/tasks/1/cancel");

        TestCli.Result job = cli.run("jobs", "cancel", "j1", "--wait");
        assertThat(job.exit()).as(job.err()).isZero();
        assertThat(job.out()).contains("cancel requested: job j1");
        assertThat(job.err()).contains("job j1 CANCELLED: 2 CANCELLED");
        assertThat(cli.requests).anyMatch(r -> r.method().equals("POST") && r.uri().equals("/api/v1/jobs/j1/cancel"));
        assertThat(polls.get()).isEqualTo(2);
    }

    @Test
    void cancellingAFinishedOrUnknownJobSaysWhy() {
        cli.loggedInAs("demo", "user");
        cli.on("/api/v1/jobs/done/cancel", (exchange, request) -> TestCli.json(exchange, 409, """
                {"type":"/problems/conflict","title":"Conflict","status":409,"detail":"job done has already SUCCEEDED"}"""));
        cli.on("/api/v1/jobs/nope/cancel", (exchange, request) -> TestCli.json(exchange, 404, """
                {"type":"/problems/not-found","title":"Not found","status":404,"detail":"no job nope"}"""));
        TestCli.Result done = cli.run("jobs", "cancel", "done");
        assertThat(done.exit()).isEqualTo(ExitCodes.CONFLICT);
        assertThat(done.err()).contains("already SUCCEEDED");
        TestCli.Result nope = cli.run("jobs", "cancel", "nope");
        assertThat(nope.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(nope.err()).contains("no job nope");
    }

    /** Answers a submit with the job made of the body it received. */
    void schedulerAcceptingJobs() {
        cli.on("/api/v1/jobs", (exchange, request) -> {
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.header("Content-Type")).isEqualTo("application/json");
            assertThat(request.header("Idempotency-Key")).isNotBlank();
            TestCli.json(exchange, 201, "{\"id\":\"j9\",\"name\":\"render\",\"count\":4,\"state\":\"PENDING\"}");
        });
    }

    @Test
    void submitAYamlJobFileWithAFlagOverridingIt() throws IOException {
        cli.loggedInAs("demo", "user");
        schedulerAcceptingJobs();
        Path file = Files.writeString(home.resolve("job.yaml"), """
                # a render job
                name: render
                count: 4
                command: [sh, -c, 'echo frame $HOLON_TASK_INDEX']
                resources: {cpuMillis: 500, memoryMiB: 256}
                strategy: SPREAD
                env:
                  QUALITY: high
                """);
        TestCli.Result result = cli.run("jobs", "submit", "-f", file.toString(), "--mem", "1Gi");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains("job j9 submitted: render, 4 tasks");
        assertThat(cli.requests.getLast().bodyText()).isEqualTo("{\"name\":\"render\",\"count\":4,"
                + "\"command\":[\"sh\",\"-c\",\"echo frame $HOLON_TASK_INDEX\"],"
                + "\"resources\":{\"cpuMillis\":500,\"memoryMiB\":1024},\"strategy\":\"SPREAD\",\"env\":{\"QUALITY\":\"high\"}}");
    }

    @Test
    void submitAJsonJobFileAndFromStdin() throws IOException {
        cli.loggedInAs("demo", "user");
        schedulerAcceptingJobs();
        String json = """
                {"name": "render", "count": 4, "command": ["python3", "render.py"],
                 "resources": {"cpuMillis": 250, "memoryMiB": 64, "gpus": 1}, "maxRetries": 2}""";
        Path file = Files.writeString(home.resolve("job.json"), json);
        String sent = "{\"name\":\"render\",\"count\":4,\"command\":[\"python3\",\"render.py\"],"
                + "\"resources\":{\"cpuMillis\":250,\"memoryMiB\":64,\"gpus\":1},\"maxRetries\":2}";

        TestCli.Result fromFile = cli.run("jobs", "submit", "--file", file.toString(), "-q");
        assertThat(fromFile.exit()).as(fromFile.err()).isZero();
        assertThat(fromFile.out()).isEqualTo("j9\n");
        assertThat(cli.requests.getLast().bodyText()).isEqualTo(sent);

        TestCli.Result fromStdin = cli.withStdin(json, "jobs", "submit", "-f", "-", "-q");
        assertThat(fromStdin.exit()).as(fromStdin.err()).isZero();
        assertThat(cli.requests.getLast().bodyText()).isEqualTo(sent);
    }

    @Test
    void aJobFileThatIsNotAJobIsRefusedBeforeAnythingIsSent() throws IOException {
        cli.loggedInAs("demo", "user");
        schedulerAcceptingJobs();
        Path list = Files.writeString(home.resolve("list.yaml"), "- just\n- a list\n");
        TestCli.Result notAJob = cli.run("jobs", "submit", "-f", list.toString());
        assertThat(notAJob.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(notAJob.err()).contains("is not a job");
        Path noCommand = Files.writeString(home.resolve("nocmd.json"), "{\"name\":\"x\",\"count\":2}");
        TestCli.Result withoutCommand = cli.run("jobs", "submit", "-f", noCommand.toString());
        assertThat(withoutCommand.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(withoutCommand.err()).contains("no command");
        TestCli.Result missing = cli.run("jobs", "submit", "-f", home.resolve("absent.yaml").toString());
        assertThat(missing.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("no such file");
        assertThat(cli.requests).isEmpty();
    }
}
