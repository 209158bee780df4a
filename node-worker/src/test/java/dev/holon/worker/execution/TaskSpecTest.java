package dev.holon.worker.execution;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskSpecTest {

    private static TaskSpec spec(String attemptId, int index, int count, List<String> command, Map<String, String> env,
                                 Duration timeout) {
        return new TaskSpec("t1", attemptId, "j1", index, count, command, env, 100, 64, timeout, "tenant");
    }

    @Test
    void aValidSpecKeepsItsValues() {
        TaskSpec spec = spec("a-1.b_2", 1, 3, List.of("echo", "hi"), Map.of("A", "1"), Duration.ofSeconds(5));

        assertThat(spec.memoryBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(spec.env()).containsEntry("A", "1");
        assertThat(spec.command()).containsExactly("echo", "hi");
    }

    @Test
    void attemptIdsThatCouldLeaveTheSandboxRootAreRefused() {
        for (String bad : List.of("..", ".hidden", "a/b", "", "-rf", "a b")) {
            assertThatThrownBy(() -> spec(bad, 0, 1, List.of("true"), Map.of(), null))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void badInputIsRefusedWithAReason() {
        assertThatThrownBy(() -> spec("a", 3, 3, List.of("true"), Map.of(), null)).hasMessageContaining("index 3");
        assertThatThrownBy(() -> spec("a", 0, 1, List.of(), Map.of(), null)).hasMessageContaining("command");
        assertThatThrownBy(() -> spec("a", 0, 1, List.of("true"), Map.of("A=B", "x"), null))
                .hasMessageContaining("A=B");
        assertThatThrownBy(() -> spec("a", 0, 1, List.of("true"), Map.of("A", "x\0y"), null))
                .hasMessageContaining("NUL");
        assertThatThrownBy(() -> spec("a", 0, 1, List.of("true"), Map.of(), Duration.ZERO))
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> new TaskSpec("t", "a", "j", 0, 1, List.of("true"), Map.of(), 0, 64, null, "x"))
                .hasMessageContaining("cpuMillis");
        assertThatThrownBy(() -> new TaskSpec("t", "a", "j", 0, 1, List.of("true"), Map.of(), 1, 64, null, " "))
                .hasMessageContaining("tenant");
    }
}
