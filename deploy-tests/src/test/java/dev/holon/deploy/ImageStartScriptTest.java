package dev.holon.deploy;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the images' entrypoint (deploy/image/opt/holon/bin/start) for real, with a stand-in {@code java} that
 * reports what it was given: the JVM command line Jib's files describe, and the worker slots that make
 * {@code docker compose up --scale node-worker=N} give every replica its own data dir (node id), with a dead
 * replica's slot taken back by the next one.
 */
class ImageStartScriptTest {

    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(Process::destroyForcibly);
    }

    private Process start(Path slots, Path report) throws IOException {
        return start(slots, report, Map.of());
    }

    private Process start(Path slots, Path report, Map<String, String> environment) throws IOException {
        Path bin = dir.resolve("bin");
        Path app = dir.resolve("app");
        if (!Files.exists(bin)) {
            Files.createDirectories(bin);
            Files.createDirectories(app);
            Files.writeString(app.resolve("jib-classpath-file"), "/app/classes:/app/libs/a.jar");
            Files.writeString(app.resolve("jib-main-class-file"), "dev.holon.Example\n");
            Path java = bin.resolve("java");
            // Reports its arguments and data dir, then lives until killed (as the JVM would, holding the slot lock).
            Files.writeString(java, "#!/bin/sh\necho \"args=$*\" > \"$REPORT\"\necho \"data=$HOLON_WORKER_DATA_DIR\" >> \"$REPORT\"\n"
                    + "echo \"labels=$HOLON_WORKER_LABELS\" >> \"$REPORT\"\nexec sleep 60\n");
            Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        ProcessBuilder pb = new ProcessBuilder(Repository.path("deploy/image/opt/holon/bin/start").toString(), "--extra");
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("HOLON_APP_DIR", app.toString());
        pb.environment().put("HOLON_JVM_FLAGS", "-XX:MaxRAMPercentage=75");
        pb.environment().put("REPORT", report.toString());
        if (slots != null) {
            pb.environment().put("HOLON_WORKER_SLOTS_DIR", slots.toString());
        }
        pb.environment().putAll(environment);
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("start-" + started.size() + ".log").toFile());
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private static List<String> awaitReport(Path report) {
        return Awaitility.await("report at " + report).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> Files.exists(report) ? Files.readAllLines(report, StandardCharsets.UTF_8) : List.<String>of(),
                        lines -> lines.size() == 3);
    }

    private static void requireFlock() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/flock")) || Files.isExecutable(Path.of("/bin/flock")),
                "flock (util-linux) is not installed: the worker slots were not exercised");
    }

    @Test
    void startsTheJvmWithTheImagesFlagsClasspathAndMainClass() throws Exception {
        Path report = dir.resolve("plain");
        start(null, report);
        List<String> lines = awaitReport(report);
        assertThat(lines.get(0)).isEqualTo("args=-XX:MaxRAMPercentage=75 -cp @" + dir.resolve("app") + "/jib-classpath-file dev.holon.Example --extra");
        assertThat(lines.get(1)).isEqualTo("data=");
    }

    @Test
    void everyScaledWorkerClaimsItsOwnSlotAndADeadOnesSlotIsTakenBack() throws Exception {
        requireFlock();
        Path slots = dir.resolve("workers");
        List<Process> workers = new ArrayList<>();
        Set<String> dataDirs = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            Path report = dir.resolve("w" + i);
            workers.add(start(slots, report));
            dataDirs.add(awaitReport(report).get(1));
        }
        assertThat(dataDirs).hasSize(5).allSatisfy(d -> assertThat(d).matches("data=" + slots + "/slot-[1-5]"));

        // kill -9 a replica: the kernel drops its lock, the next replica (a restart) gets the same slot and node id.
        Process victim = workers.get(2);
        victim.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        Path report = dir.resolve("restarted");
        start(slots, report);
        assertThat(awaitReport(report).get(1)).isEqualTo("data=" + slots + "/slot-3");
    }

    @Test
    void addsTheNodeLabelsTheInitContainerWrote() throws Exception {
        Path labels = dir.resolve("node-labels");
        Files.writeString(labels, "zone=b,rack=r7");
        Path report = dir.resolve("labels");
        start(null, report, Map.of("HOLON_WORKER_LABELS", "gpu=none", "HOLON_WORKER_LABELS_FILE", labels.toString()));
        assertThat(awaitReport(report).get(2)).isEqualTo("labels=gpu=none,zone=b,rack=r7");
    }
}
