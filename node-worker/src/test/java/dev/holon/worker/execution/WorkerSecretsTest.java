package dev.holon.worker.execution;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker's own environment (its Keycloak client secret and the chunk token secret among it) never reaches a task. A JVM cannot change its
 * own environment, so this starts a worker-like JVM whose environment holds the secrets, and has it run a task that
 * prints everything it sees.
 */
class WorkerSecretsTest {

    @Test
    void theWorkersEnvironmentAndSecretsAreNotVisibleToTheTask(@TempDir Path temp) throws Exception {
        Path log = temp.resolve("worker.log");
        String attempt = "attempt-" + Specs.shortId();
        ProcessBuilder worker = WorkerJvm.builder(log, "env", temp.resolve("tasks").toString(), attempt);
        worker.environment().put("HOLON_NODE_CLIENT_SECRET", "s3cret-of-the-node");
        worker.environment().put("HOLON_CHUNK_TOKEN_SECRET", "chunk-token-s3cret-0123456789abcdef");
        worker.environment().put("HOLON_WORKER_CHUNKS_TOKEN_SECRET", "chunk-token-s3cret-0123456789abcdef");
        worker.environment().put("AWS_SECRET_ACCESS_KEY", "another-s3cret");
        worker.environment().put("LD_PRELOAD", "");

        Process process = worker.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the worker-like JVM ended").isTrue();

        assertThat(process.exitValue()).as(WorkerJvm.log(log)).isZero();
        String seen = Files.readString(temp.resolve("tasks/" + attempt + "/stdout.log"));
        assertThat(seen).contains("OWN=mine", "HOLON_ATTEMPT_ID=" + attempt)
                .doesNotContain("s3cret", "HOLON_NODE_CLIENT_SECRET", "HOLON_CHUNK_TOKEN_SECRET", "TOKEN_SECRET",
                        "AWS_SECRET_ACCESS_KEY", "LD_PRELOAD",
                        "JAVA_HOME", "MAVEN");
    }
}
