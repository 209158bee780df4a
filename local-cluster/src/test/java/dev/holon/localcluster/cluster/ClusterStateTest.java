package dev.holon.localcluster.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterStateTest {

    @TempDir
    Path home;

    @Test
    void survivesARoundTripThroughTheStateFile() {
        ClusterState.Entry worker = new ClusterState.Entry("node-2", ProcessKind.SERVICE, 4242,
                "2026-11-25T10:00:00.120Z", 8092, "http://localhost:8092/actuator/health",
                home.resolve("data/workers/node-2").toString(), home.resolve("logs/node-2.log").toString(),
                List.of("java", "-jar", "node-worker.jar"), Map.of("SERVER_PORT", "8092", "HOLON_WORKER_LABELS", "zone=b"),
                home.resolve("data/workers/node-2").toString());
        ClusterState state = new ClusterState(8080, "/repo", "2026-11-25T10:00:00Z", List.of(worker),
                List.of("gateway-service"));

        state.write(home);

        assertThat(ClusterState.read(home)).contains(state);
    }

    @Test
    void restoresAProcessHandleFromAnEntry() {
        ClusterState.Entry entry = new ClusterState.Entry("kafka", ProcessKind.KAFKA, ProcessHandle.current().pid(),
                null, 19092, "localhost:19092", home.resolve("data/kafka").toString(),
                home.resolve("logs/kafka.log").toString(), List.of("java"), Map.of(), null);

        ManagedProcess process = entry.toProcess();

        assertThat(process.name()).isEqualTo("kafka");
        assertThat(process.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(process.isAlive()).isTrue();
        assertThat(process.logFile()).isEqualTo(home.resolve("logs/kafka.log"));
        assertThat(ClusterState.Entry.of(process)).isEqualTo(entry);
    }

    @Test
    void noFileMeansNoCluster() {
        assertThat(ClusterState.read(home)).isEmpty();
        ClusterState.delete(home); // nothing to delete is fine
    }

    @Test
    void aDamagedFileSaysWhatToDo() throws Exception {
        Files.writeString(ClusterState.file(home), "{ not json");

        assertThatThrownBy(() -> ClusterState.read(home)).isInstanceOf(ClusterException.class)
                .hasMessageContaining("delete it");
    }
}
