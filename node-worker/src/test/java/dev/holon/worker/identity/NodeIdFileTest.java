package dev.holon.worker.identity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeIdFileTest {

    @TempDir
    Path tmp;

    @Test
    void keepsTheSameIdAcrossRestartsOnTheSameDataDir() {
        Path dataDir = tmp.resolve("worker");

        String first = NodeIdFile.loadOrCreate(dataDir);
        String second = NodeIdFile.loadOrCreate(dataDir);

        assertThat(second).isEqualTo(first);
        assertThat(dataDir.resolve("node-id")).exists();
    }

    @Test
    void givesDifferentDataDirsDifferentIds() {
        assertThat(NodeIdFile.loadOrCreate(tmp.resolve("a"))).isNotEqualTo(NodeIdFile.loadOrCreate(tmp.resolve("b")));
    }

    @Test
    void generatesAUuidV7String() {
        String id = NodeIdFile.loadOrCreate(tmp);

        UUID uuid = UUID.fromString(id);
        assertThat(uuid.version()).isEqualTo(7);
        assertThat(uuid.toString()).isEqualTo(id);
    }

    @Test
    void leavesNoTemporaryFileBehind() throws Exception {
        NodeIdFile.loadOrCreate(tmp);

        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("node-id");
        }
    }

    @Test
    void readsAnIdWrittenWithSurroundingWhitespace() throws Exception {
        String id = "019ab2b1-7c3e-7d4a-9f00-1234567890ab";
        Files.writeString(tmp.resolve("node-id"), "  " + id + "\n\n");

        assertThat(NodeIdFile.loadOrCreate(tmp)).isEqualTo(id);
    }

    @Test
    void refusesAFileThatDoesNotHoldAUuidV7InsteadOfReplacingIt() throws Exception {
        Files.writeString(tmp.resolve("node-id"), "not-an-id");

        assertThatThrownBy(() -> NodeIdFile.loadOrCreate(tmp))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not hold a UUIDv7")
                .hasMessageContaining("not-an-id");
        assertThat(Files.readString(tmp.resolve("node-id"))).isEqualTo("not-an-id");
    }

    @Test
    void refusesARandomUuidOfAnotherVersion() {
        assertThat(NodeIdFile.isUuidV7(UUID.randomUUID().toString())).isFalse();
    }
}
