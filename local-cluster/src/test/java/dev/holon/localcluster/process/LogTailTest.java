package dev.holon.localcluster.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class LogTailTest {

    @TempDir
    Path dir;

    @Test
    void returnsTheLastLinesOfALargeLog() throws Exception {
        Path log = dir.resolve("big.log");
        Files.writeString(log, IntStream.rangeClosed(1, 50_000).mapToObj(i -> "line " + i)
                .collect(Collectors.joining("\n", "", "\n")));

        assertThat(LogTail.lastLines(log, 3)).containsExactly("line 49998", "line 49999", "line 50000");
    }

    @Test
    void anExcerptEndsWithTheLogsPath() throws Exception {
        Path log = dir.resolve("small.log");
        Files.writeString(log, "started\nfailed: port taken\n");

        assertThat(LogTail.excerpt(log, 20)).isEqualTo("    | started\n    | failed: port taken\n    full log: " + log);
        assertThat(LogTail.lastLines(dir.resolve("missing.log"), 20)).isEmpty();
    }

    @Test
    void anExcerptOfStackFramesStartsWithTheRootCause() throws Exception {
        Path log = dir.resolve("trace.log");
        String frames = IntStream.range(0, 30).mapToObj(i -> "\tat frame" + i).collect(Collectors.joining("\n"));
        Files.writeString(log, "starting\nCaused by: java.net.ConnectException: Connection refused\n" + frames + "\n");

        assertThat(LogTail.excerpt(log, 20))
                .startsWith("    cause: Caused by: java.net.ConnectException: Connection refused\n    | \tat frame10\n");
    }
}
