package dev.holon.worker.tasks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class FencingTokenTest {

    @TempDir
    Path dir;

    @Test
    void lowerTokensAreRefusedEqualAndHigherAdmitted() {
        FencingToken token = new FencingToken(dir.resolve("fencing-token"));
        assertThat(token.admit(3)).isTrue();
        assertThat(token.admit(3)).isTrue();
        assertThat(token.admit(2)).isFalse();
        assertThat(token.admit(5)).isTrue();
        assertThat(token.admit(4)).isFalse();
        assertThat(token.highest()).isEqualTo(5);
    }

    @Test
    void theHighestSurvivesARestart() {
        Path file = dir.resolve("sub").resolve("fencing-token");
        new FencingToken(file).admit(7);
        FencingToken restarted = new FencingToken(file);
        assertThat(restarted.highest()).isEqualTo(7);
        assertThat(restarted.admit(6)).isFalse();
        assertThat(restarted.admit(7)).isTrue();
    }

    @Test
    void anUnreadableFileStartsFromNothing() throws Exception {
        Path file = dir.resolve("fencing-token");
        java.nio.file.Files.writeString(file, "garbage");
        assertThat(new FencingToken(file).admit(0)).isTrue();
    }
}
