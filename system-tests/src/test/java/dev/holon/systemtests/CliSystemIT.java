package dev.holon.systemtests;

import dev.holon.cli.CliContext;
import dev.holon.cli.ExitCodes;
import dev.holon.cli.HolonCli;
import dev.holon.localcluster.cluster.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code holon} command line against a real local cluster (as {@code ./holon up} starts it), run in-process
 * exactly as the script runs it, with its own credentials home: login (password from stdin, and the device grant
 * approved in Keycloak's real pages), whoami, nodes, an operator cordoning and uncordoning a node, a followed task
 * array, a failing job, errors and exit codes, and files put/get with progress. Port base 16080, home target/cluster-cli.
 */
class CliSystemIT {

    static LocalCluster cluster;
    static Path cliHome;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void startCluster() throws IOException {
        cluster = LocalCluster.start(ClusterApi.options("cluster-cli", 16080).replaceRunning(true).build());
        cliHome = Files.createTempDirectory("holon-cli-it");
        Run login = holon(cliHome, "holon-demo\n", "login", "--username", "demo", "--password-stdin");
        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(login.out()).contains("Logged in to " + cluster.gatewayUrl() + " as demo (roles user");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> holon(cliHome, "", "nodes", "ls", "--state", "UP", "-o", "json").out(),
                        out -> ClusterApi.JSON.readTree(out).path("items").size() == 3);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.stop();
        }
    }

    /** Runs {@code holon args...} in this JVM with the cluster's URLs in the environment, as a user's shell has them. */
    static Run holon(Path home, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = HolonCli.run(context(home, stdin, out, err), args);
        Run run = new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.printf("$ holon %s -> exit %d%n%s%s", String.join(" ", args), exit, run.out(), run.err());
        return run;
    }

    static CliContext context(Path home, String stdin, OutputStream out, OutputStream err) {
        Map<String, String> env = new HashMap<>();
        env.put("HOLON_CLI_HOME", home.toString());
        env.put("HOLON_GATEWAY_URL", cluster.gatewayUrl());
        env.put("HOLON_ISSUER_URL", cluster.issuerUri());
        return new CliContext(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);
    }

    @Test
    void withoutLoginEveryCommandSaysToLogInAndExits3() throws IOException {
        Path empty = Files.createTempDirectory("holon-cli-empty");
        Run run = holon(empty, "", "nodes", "ls");
        assertThat(run.exit()).isEqualTo(ExitCodes.AUTH);
        assertThat(run.err()).contains("not logged in: run holon login");
        Run wrongPassword = holon(empty, "nope\n", "login", "--username", "demo", "--password-stdin");
        assertThat(wrongPassword.exit()).isEqualTo(ExitCodes.AUTH);
        assertThat(wrongPassword.err()).contains("login refused");
    }

    @Test
    void whoamiShowsTheUserRolesAndTenantAndTheTokensAreOwnerOnly() throws IOException {
        Run whoami = holon(cliHome, "", "whoami");
        assertThat(whoami.exit()).isZero();
        assertThat(whoami.out()).contains("user     demo", "roles    user", "tenant   default", cluster.gatewayUrl());
        assertThat(Files.getPosixFilePermissions(cliHome.resolve("credentials.json")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void nodesLsShowsThreeUpNodesAndClusterTheirSum() {
        Run ls = holon(cliHome, "", "nodes", "ls");
        assertThat(ls.exit()).isZero();
        assertThat(ls.out().lines().filter(l -> l.contains(" UP ")).count()).isEqualTo(3);
        assertThat(ls.out()).contains("zone=a", "zone=b", "zone=c");
        Run clusterView = holon(cliHome, "", "cluster");
        assertThat(clusterView.out()).contains("nodes   3 (3 UP)", "cpu", "memory");
        Run cordon = holon(cliHome, "", "nodes", "cordon", ClusterApi.JSON.readTree(holon(cliHome, "", "nodes", "ls", "-o", "json")
                .out()).path("items").get(0).path("id").asString());
        assertThat(cordon.exit()).as("demo is a user, not an operator").isEqualTo(ExitCodes.AUTH);
        assertThat(cordon.err()).contains("forbidden");
    }

    @Test
    void anOperatorCordonsANodeSeesItCordonedAndUncordonsIt() throws IOException {
        Path home = Files.createTempDirectory("holon-cli-operator");
        Run login = holon(home, "holon-operator\n", "login", "--username", "operator", "--password-stdin");
        assertThat(login.exit()).as(login.err()).isZero();
        String node = ClusterApi.JSON.readTree(holon(home, "", "nodes", "ls", "-o", "json").out())
                .path("items").get(0).path("id").asString();
        Run cordon = holon(home, "", "nodes", "cordon", node);
        try {
            assertThat(cordon.exit()).as(cordon.err()).isZero();
            assertThat(cordon.out()).contains("node " + node + " cordoned");
            assertThat(lineOf(holon(home, "", "nodes", "ls").out(), node)).contains(" UP ", "cordoned");
        } finally {
            Run uncordon = holon(home, "", "nodes", "uncordon", node);
            assertThat(uncordon.exit()).as(uncordon.err()).isZero();
        }
        assertThat(lineOf(holon(home, "", "nodes", "ls").out(), node)).contains(" UP ", "ready").doesNotContain("cordoned");
    }

    private static String lineOf(String table, String nodeId) {
        return table.lines().filter(l -> l.startsWith(nodeId)).findFirst().orElseThrow(() -> new AssertionError(
                "no row for " + nodeId + " in\n" + table));
    }

    @Test
    void aFollowedTaskArrayPrintsEveryTasksOutputAndExits0() {
        Run run = holon(cliHome, "", "jobs", "submit", "--wait", "--follow", "--name", "cli-hello", "--count", "3",
                "--cpu", "100m", "--mem", "64Mi", "--strategy", "SPREAD", "--",
                "sh", "-c", "echo hello from task $HOLON_TASK_INDEX of $HOLON_TASK_COUNT; sleep 2; echo bye $HOLON_TASK_INDEX");
        assertThat(run.exit()).as(run.err()).isZero();
        for (int i = 0; i < 3; i++) {
            assertThat(run.out()).contains("[" + i + "] hello from task " + i + " of 3", "[" + i + "] bye " + i);
        }
        assertThat(run.err()).contains("SUCCEEDED: 3 SUCCEEDED");
        String jobId = run.out().lines().findFirst().orElseThrow().split(" ")[1];
        Run show = holon(cliHome, "", "jobs", "show", jobId);
        assertThat(show.out()).contains("SUCCEEDED", "cli-hello");
        Run logs = holon(cliHome, "", "jobs", "logs", jobId, "--task", "1");
        assertThat(logs.out()).isEqualTo("hello from task 1 of 3\nbye 1\n");
        assertThat(holon(cliHome, "", "jobs", "wait", jobId).exit()).isZero();
    }

    @Test
    void aFailingJobExits1AndSaysWhichTaskFailed() {
        Run run = holon(cliHome, "", "jobs", "submit", "--wait", "--", "sh", "-c", "echo broken >&2; exit 3");
        assertThat(run.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.err()).contains("FAILED", "task 0 FAILED exit 3");
        Run missing = holon(cliHome, "", "jobs", "show", "01a00000-0000-7000-8000-000000000000");
        assertThat(missing.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        Run invalid = holon(cliHome, "", "jobs", "submit", "--count", "0", "--", "true");
        assertThat(invalid.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(invalid.err()).contains("invalid", "count");
    }

    @Test
    void theDeviceGrantApprovedInKeycloaksPagesLogsIn() throws Exception {
        Path home = Files.createTempDirectory("holon-cli-device");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> login = CompletableFuture.supplyAsync(
                () -> HolonCli.run(context(home, "", out, err), "login"));
        Pattern url = Pattern.compile("(http\\S+user_code=\\S+)");
        String verification = await().atMost(Duration.ofSeconds(30)).until(() -> {
            Matcher m = url.matcher(err.toString(StandardCharsets.UTF_8));
            return m.find() ? m.group(1) : null;
        }, u -> u != null);
        String page = new KeycloakBrowser().approve(verification, "operator", "holon-operator");
        assertThat(page).contains("Device Login Successful");
        int exit = login.get(60, java.util.concurrent.TimeUnit.SECONDS);
        System.out.print(err.toString(StandardCharsets.UTF_8) + out.toString(StandardCharsets.UTF_8));
        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("as operator (roles ");
        assertThat(holon(home, "", "whoami").out()).contains("user     operator").containsPattern("roles .*operator");
    }

    @Test
    void filesPutAndGetWithProgress(@TempDir Path dir) throws Exception {
        Path local = dir.resolve("big.bin");
        byte[] block = new byte[1 << 20];
        Random random = new Random(42);
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        try (OutputStream file = Files.newOutputStream(local)) {
            for (int i = 0; i < 24; i++) {
                random.nextBytes(block);
                sent.update(block);
                file.write(block);
            }
        }
        String remote = "/cli-it-" + System.currentTimeMillis() + "/big.bin";
        Run put = holon(cliHome, "", "files", "put", local.toString(), remote);
        assertThat(put.exit()).as(put.err()).isZero();
        assertThat(put.err()).contains("100%", "24.0 MiB / 24.0 MiB");
        Run stat = holon(cliHome, "", "files", "stat", remote, "--replicas", "-o", "json");
        JsonNode view = ClusterApi.JSON.readTree(stat.out());
        assertThat(view.path("size").asLong()).isEqualTo(24L << 20);
        Path back = dir.resolve("back.bin");
        Run get = holon(cliHome, "", "files", "get", remote, back.toString());
        assertThat(get.exit()).as(get.err()).isZero();
        assertThat(get.err()).contains("100%");
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(back)) {
            in.transferTo(new java.security.DigestOutputStream(OutputStream.nullOutputStream(), received));
        }
        assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(HexFormat.of().formatHex(sent.digest()));
        assertThat(holon(cliHome, "", "files", "put", local.toString(), remote).exit()).isEqualTo(ExitCodes.CONFLICT);
        String remoteDir = remote.substring(0, remote.lastIndexOf('/'));
        assertThat(holon(cliHome, "", "files", "ls", remoteDir).out()).contains("big.bin");

        // a tree: small files beside the big one, one of them empty, and a subdirectory
        Map<String, String> small = Map.of("a.txt", "alpha\n", "empty.txt", "", "sub/b.txt", "beta\n", "sub/deeper/c.txt", "gamma\n");
        for (Map.Entry<String, String> file : small.entrySet()) {
            Path source = Files.writeString(dir.resolve(file.getKey().replace('/', '_')), file.getValue());
            Run stored = holon(cliHome, "", "files", "put", "--no-progress", source.toString(), remoteDir + "/" + file.getKey());
            assertThat(stored.exit()).as(stored.err()).isZero();
        }
        Run refused = holon(cliHome, "", "files", "get", remoteDir, dir.resolve("tree").toString());
        assertThat(refused.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err()).contains("is a directory: holon files get -r downloads it");
        Run tree = holon(cliHome, "", "files", "get", "-r", "--no-progress", remoteDir, dir.resolve("tree").toString());
        assertThat(tree.exit()).as(tree.err()).isZero();
        assertThat(tree.out()).contains("saved 5 files in " + dir.resolve("tree"));
        for (Map.Entry<String, String> file : small.entrySet()) {
            assertThat(Files.readString(dir.resolve("tree").resolve(file.getKey()))).isEqualTo(file.getValue());
        }
        assertThat(Files.mismatch(dir.resolve("tree/big.bin"), local)).isEqualTo(-1);
        try (var left = Files.walk(dir.resolve("tree"))) {
            assertThat(left.map(Path::toString)).noneMatch(path -> path.endsWith(".holon-part"));
        }
        assertThat(holon(cliHome, "", "files", "get", "-r", remoteDir, dir.resolve("tree").toString()).exit())
                .as("into an existing directory: tree/<name>, which is new").isZero();
        assertThat(Files.mismatch(dir.resolve("tree").resolve(remoteDir.substring(1)).resolve("big.bin"), local)).isEqualTo(-1);

        // a local directory in one command: small files through the gateway, the big one straight to the workers
        Path upload = Files.createDirectories(dir.resolve("upload/empty")).getParent();
        Files.copy(local, upload.resolve("big.bin"));
        for (Map.Entry<String, String> file : small.entrySet()) {
            Files.createDirectories(upload.resolve(file.getKey()).getParent());
            Files.writeString(upload.resolve(file.getKey()), file.getValue());
        }
        Run putTree = holon(cliHome, "", "files", "put", "--no-progress", upload.toString(), remoteDir + "/");
        assertThat(putTree.exit()).as(putTree.err()).isZero();
        assertThat(putTree.out()).contains("to /default" + remoteDir + "/upload/ (5 files, 24.0 MiB)");
        Run getTree = holon(cliHome, "", "files", "get", "-r", "--no-progress", remoteDir + "/upload",
                dir.resolve("upload-back").toString());
        assertThat(getTree.exit()).as(getTree.err()).isZero();
        for (String file : List.of("big.bin", "a.txt", "empty.txt", "sub/b.txt", "sub/deeper/c.txt")) {
            assertThat(Files.mismatch(dir.resolve("upload-back").resolve(file), upload.resolve(file))).as(file)
                    .isEqualTo(-1);
        }
        assertThat(dir.resolve("upload-back/empty")).isEmptyDirectory();
        assertThat(holon(cliHome, "", "files", "rm", "-r", remoteDir).exit()).isZero();
    }
}
