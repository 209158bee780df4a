package dev.holon.worker.tasks;

import dev.holon.contracts.task.AssignTask;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The tenant of an assignment decides the task's Unix user; payloads written without it stay readable. */
class AssignTaskPayloadTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void anAssignmentCarriesItsTenantAndOneWithoutItReadsAsTheDefaultTenant() {
        String withTenant = """
                {"taskId": "t", "attemptId": "a", "jobId": "j", "index": 0, "count": 1, "nodeId": "n",
                 "fencingToken": 1, "command": ["true"], "env": {}, "cpuMillis": 100, "memoryMiB": 64, "gpus": 0,
                 "timeoutSeconds": 60, "tenant": "acme", "inputs": [], "outputDir": null}""";
        String old = """
                {"taskId": "t", "attemptId": "a", "jobId": "j", "index": 0, "count": 1, "nodeId": "n",
                 "fencingToken": 1, "command": ["true"], "env": {}, "cpuMillis": 100, "memoryMiB": 64, "gpus": 0,
                 "timeoutSeconds": 60}""";

        assertThat(JSON.readValue(withTenant, AssignTask.class).tenant()).isEqualTo("acme");
        AssignTask read = JSON.readValue(old, AssignTask.class);
        assertThat(read.tenant()).isEqualTo(AssignTask.DEFAULT_TENANT);
        assertThat(read.inputs()).isEmpty();
    }
}
