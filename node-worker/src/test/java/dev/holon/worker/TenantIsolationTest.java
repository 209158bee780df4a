package dev.holon.worker;

import dev.holon.worker.chunks.ChunkStore;
import dev.holon.worker.chunks.Checksums;
import dev.holon.worker.execution.RunningTask;
import dev.holon.worker.execution.SandboxOptions;
import dev.holon.worker.execution.TaskResult;
import dev.holon.worker.execution.TaskRunner;
import dev.holon.worker.execution.TaskSpec;
import dev.holon.worker.identity.DataDir;
import dev.holon.worker.identity.NodeIdFile;
import dev.holon.worker.tasks.FencingToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tasks of two tenants on one worker laid out as a real one is ({@code <data-dir>} secured by {@link DataDir}, with
 * the node id, the fencing token, {@code chunks/} and {@code tasks/} in it): tenant B's task runs under another uid
 * than tenant A's and can read none of A's working directory, the replicas, or the worker's own files, and its
 * environment holds nothing of the worker's. Needs root (per-tenant users); skipped with the reason otherwise, where
 * the worker runs tasks as itself and warns.
 */
class TenantIsolationTest {

    @TempDir
    Path temp;

    private Path data;
    private TaskRunner runner;

    @BeforeEach
    void setUp() throws Exception {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwx--x--x")); // as /var/lib is
        data = temp.resolve("data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("left-by-an-older-worker.properties"), "secret=older\n");
        Files.setPosixFilePermissions(data.resolve("left-by-an-older-worker.properties"),
                PosixFilePermissions.fromString("rw-r--r--"));
        DataDir.secure(data);
        NodeIdFile.loadOrCreate(data);
        new FencingToken(data.resolve("fencing-token")).admit(7);
        runner = new TaskRunner(SandboxOptions.defaults(data.resolve("tasks")).withKillGrace(Duration.ofMillis(500)));
    }

    @AfterEach
    void tearDown() {
        if (runner != null) {
            runner.close();
        }
    }

    @Test
    void theDataDirectoryAndItsFilesAreTheWorkersOwn() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx--x--x");
        for (String file : List.of("node-id", "fencing-token", "left-by-an-older-worker.properties")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(file))))
                    .as(file).isEqualTo("rw-------");
        }
    }

    @Test
    void aTaskOfAnotherTenantReadsNothingOfTheFirstTenantNorOfTheWorker() throws Exception {
        assumeTrue(runner.isolation().tenantUsers(),
                "per-tenant users not in effect (the worker is not root here?): " + runner.isolation().describe());
        ChunkStore chunks = new ChunkStore(data.resolve("chunks"));
        byte[] replica = "a replica of tenant A's file".getBytes(StandardCharsets.UTF_8);
        chunks.write("ab-replica", Checksums.of(replica), new ByteArrayInputStream(replica), 1024, null);
        Path chunkFile;
        try (Stream<Path> files = Files.walk(chunks.root())) {
            chunkFile = files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return Arrays.equals(Files.readAllBytes(f), replica);
                } catch (java.io.IOException e) {
                    return false;
                }
            }).findFirst().orElseThrow();
        }

        RunningTask a = runner.start(spec("tenant-a", "echo tenant-a-secret > mine.txt; id -u; sleep 60"));
        Path aWork = a.sandbox().workDir();
        await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(aWork.resolve("mine.txt"))
                && !Files.readString(a.sandbox().stdout()).isBlank());

        String probe = String.join("\n",
                "echo uid=$(id -u)",
                "cat " + aWork + "/mine.txt && echo READ-A",
                "ls " + aWork + " && echo LISTED-A",
                "ls " + data + " && echo LISTED-DATA",
                "cat " + data + "/node-id && echo READ-NODE-ID",
                "cat " + data + "/fencing-token && echo READ-FENCING-TOKEN",
                "cat " + data + "/left-by-an-older-worker.properties && echo READ-OLD",
                "ls " + data + "/chunks && echo LISTED-CHUNKS",
                "cat " + chunkFile + " && echo READ-CHUNK",
                "ls " + data + "/tasks && echo LISTED-TASKS",
                "cd \"$HOME\" && echo mine > own.txt && echo HOME-REACHABLE",
                "echo ---env---",
                "env",
                "exit 0");
        RunningTask b = runner.start(spec("tenant-b", probe));
        TaskResult result = b.result().get(15, TimeUnit.SECONDS);
        a.cancel();
        a.result().get(15, TimeUnit.SECONDS);

        assertThat(result.exitCode()).isZero();
        String out = Files.readString(b.sandbox().stdout());
        String err = Files.readString(b.sandbox().stderr());
        String nodeId = Files.readString(data.resolve("node-id")).trim();
        assertThat(out).as(err)
                .doesNotContain("tenant-a-secret", "a replica of", nodeId, "secret=older")
                .doesNotContain("READ-A", "LISTED-A", "LISTED-DATA", "READ-NODE-ID", "READ-FENCING-TOKEN", "READ-OLD",
                        "LISTED-CHUNKS", "READ-CHUNK", "LISTED-TASKS")
                .contains("HOME-REACHABLE");
        assertThat(err).contains("Permission denied");

        String uidA = Files.readString(a.sandbox().stdout()).lines().findFirst().orElseThrow().trim();
        String uidB = out.lines().filter(l -> l.startsWith("uid=")).findFirst().orElseThrow().substring(4);
        assertThat(uidB).isNotEqualTo(uidA).isNotEqualTo("0");
        assertThat(uidA).isNotEqualTo("0");

        String env = out.substring(out.indexOf("---env---"));
        assertThat(env.toUpperCase()).doesNotContain("SECRET", "CLIENT_ID", "TOKEN", "JAVA_HOME", "MAVEN");
        assertThat(env.lines().skip(1).map(l -> l.substring(0, Math.max(0, l.indexOf('=')))))
                .allSatisfy(name -> assertThat(name).matches("PATH|LANG|HOME|PWD|OLDPWD|SHLVL|_|HOLON_[A-Z_]+"));
    }

    private static TaskSpec spec(String tenant, String script) {
        String id = UUID.randomUUID().toString().substring(0, 13);
        return new TaskSpec("task-" + id, "attempt-" + id, "job-1", 0, 1, List.of("sh", "-c", script), Map.of(), 500,
                64, null, tenant);
    }
}
