package dev.holon.localcluster.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.holon.localcluster.process.ChildProcess;
import dev.holon.localcluster.process.ProcessSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster's processes as {@code <home>/cluster.json}: name, kind, pid, start time, port, health URL,
 * log and the command that started each, so `holon status`, `holon down` and tests that attach can
 * find, check, stop and restart processes started by another JVM. Written atomically after every change.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterState(int portBase, String repository, String startedAt, List<Entry> processes,
                           List<String> skipped) {

    public static final String FILE_NAME = "cluster.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ClusterState {
        processes = List.copyOf(processes);
        skipped = skipped == null ? List.of() : List.copyOf(skipped);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Entry(String name, ProcessKind kind, long pid, String processStartedAt, int port, String healthUrl,
                        String dataDirectory, String logFile, List<String> command, Map<String, String> environment,
                        String workingDirectory) {

        static Entry of(ManagedProcess process) {
            ProcessSpec spec = process.spec();
            return new Entry(process.name(), process.kind(), process.pid(),
                    process.startedAt() == null ? null : process.startedAt().toString(), process.port(),
                    process.healthUrl(), process.dataDirectory() == null ? null : process.dataDirectory().toString(),
                    spec.logFile().toString(), spec.command(), spec.environment(),
                    spec.workingDirectory() == null ? null : spec.workingDirectory().toString());
        }

        ManagedProcess toProcess() {
            ProcessSpec spec = new ProcessSpec(name, command, environment == null ? Map.of() : environment,
                    workingDirectory == null ? null : Path.of(workingDirectory), Path.of(logFile));
            ChildProcess child = ChildProcess.adopt(spec, pid,
                    processStartedAt == null ? null : Instant.parse(processStartedAt));
            return new ManagedProcess(name, kind, port, healthUrl, dataDirectory == null ? null : Path.of(dataDirectory),
                    child);
        }
    }

    public static Path file(Path home) {
        return home.resolve(FILE_NAME);
    }

    public static Optional<ClusterState> read(Path home) {
        Path file = file(home);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), ClusterState.class));
        } catch (IOException e) {
            throw new ClusterException("cannot read " + file + " (" + e.getMessage() + "); if no Holon process runs,"
                    + " delete it and try again", e);
        }
    }

    public void write(Path home) {
        Path file = file(home);
        try {
            Files.createDirectories(home);
            Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
            JSON.writeValue(temporary.toFile(), this);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static void delete(Path home) {
        try {
            Files.deleteIfExists(file(home));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
