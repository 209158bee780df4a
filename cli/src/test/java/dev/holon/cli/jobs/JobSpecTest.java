package dev.holon.cli.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holon.cli.CliException;
import dev.holon.cli.http.ApiClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobSpecTest {

    static JobSpec.Flags none(List<String> command) {
        return new JobSpec.Flags(null, null, null, null, null, null, List.of(), List.of(), null, null, null, null, command);
    }

    @Test
    void quantitiesReadAsPeopleWriteThem() {
        assertThat(Quantities.cpuMillis("500m")).isEqualTo(500);
        assertThat(Quantities.cpuMillis("2")).isEqualTo(2000);
        assertThat(Quantities.cpuMillis("0.25")).isEqualTo(250);
        assertThat(Quantities.memoryMiB("256")).isEqualTo(256);
        assertThat(Quantities.memoryMiB("256Mi")).isEqualTo(256);
        assertThat(Quantities.memoryMiB("2Gi")).isEqualTo(2048);
        assertThat(Quantities.memoryMiB("1.5G")).isEqualTo(1536);
        assertThat(Quantities.seconds("--timeout", "90")).isEqualTo(90);
        assertThat(Quantities.seconds("--timeout", "5m")).isEqualTo(300);
        assertThat(Quantities.seconds("--timeout", "2h")).isEqualTo(7200);
        assertThatThrownBy(() -> Quantities.cpuMillis("lots")).isInstanceOf(CliException.class).hasMessageContaining("--cpu lots");
        assertThatThrownBy(() -> Quantities.memoryMiB("-1")).isInstanceOf(CliException.class);
    }

    @Test
    void flagsBuildTheRestBody() {
        ObjectNode body = JobSpec.apply(ApiClient.JSON.createObjectNode(), new JobSpec.Flags("hello", 12, "100m", "64", 1,
                "spread", List.of("zone=a"), List.of("A=1", "B=x=y"), 2, "3s", "1m", 5, List.of("sh", "-c", "echo hi")));
        assertThat(body.toString()).isEqualTo("{\"name\":\"hello\",\"count\":12,\"resources\":{\"cpuMillis\":100,"
                + "\"memoryMiB\":64,\"gpus\":1},\"strategy\":\"SPREAD\",\"constraints\":[\"zone=a\"],"
                + "\"env\":{\"A\":\"1\",\"B\":\"x=y\"},\"maxRetries\":2,\"retryBackoffSeconds\":3,\"timeoutSeconds\":60,"
                + "\"priority\":5,\"command\":[\"sh\",\"-c\",\"echo hi\"]}");
    }

    @Test
    void aYamlFileInTheRestShapeWithFlagsOverriding(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("job.yaml"), """
                name: render
                count: 4
                command: [python3, render.py]
                resources: {cpuMillis: 500, memoryMiB: 256}
                maxRetries: 1
                """);
        ObjectNode body = JobSpec.apply(JobSpec.fromFile(file, null), new JobSpec.Flags(null, 8, null, "1Gi", null, null,
                List.of(), List.of(), null, null, null, null, List.of()));
        assertThat(body.path("name").asText()).isEqualTo("render");
        assertThat(body.path("count").asInt()).isEqualTo(8);
        assertThat(body.path("resources").toString()).isEqualTo("{\"cpuMillis\":500,\"memoryMiB\":1024}");
        assertThat(body.path("command").toString()).isEqualTo("[\"python3\",\"render.py\"]");
        ObjectNode fromJson = JobSpec.fromFile(Path.of("-"), new ByteArrayInputStream(
                "{\"command\":[\"true\"],\"count\":2}".getBytes()));
        assertThat(JobSpec.apply(fromJson, none(List.of())).path("name").asText()).isEqualTo("true");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThatThrownBy(() -> JobSpec.apply(ApiClient.JSON.createObjectNode(), none(List.of())))
                .isInstanceOf(CliException.class).hasMessageContaining("no command");
    }

    @Test
    void aScriptFileTakesThePlaceOfTheCommandAndNamesTheJob(@TempDir Path dir) throws IOException {
        Path script = Files.writeString(dir.resolve("Build.sh"), "echo task $HOLON_TASK_INDEX\n");
        Path file = Files.writeString(dir.resolve("job.yaml"), "command: [python3, render.py]\ncount: 2\n");
        ObjectNode body = JobSpec.apply(JobSpec.script(JobSpec.fromFile(file, null), script, null), none(List.of()));
        assertThat(body.has("command")).isFalse();
        assertThat(body.path("script").asText()).isEqualTo("echo task $HOLON_TASK_INDEX\n");
        assertThat(body.path("name").asText()).isEqualTo("build.sh");
        assertThat(body.path("count").asInt()).isEqualTo(2);
        ObjectNode stdin = JobSpec.script(ApiClient.JSON.createObjectNode(), Path.of("-"),
                new ByteArrayInputStream("true".getBytes()));
        assertThat(JobSpec.apply(stdin, none(List.of())).path("name").asText()).isEqualTo("script");
        // a command after -- wins over a job file's script
        ObjectNode fileScript = JobSpec.fromFile(Files.writeString(dir.resolve("s.yaml"), "script: exit 1\n"), null);
        assertThat(JobSpec.apply(fileScript, none(List.of("true"))).has("script")).isFalse();
        assertThatThrownBy(() -> JobSpec.script(ApiClient.JSON.createObjectNode(), dir.resolve("missing.sh"), null))
                .isInstanceOf(CliException.class).hasMessageContaining("no such file");
    }
}
