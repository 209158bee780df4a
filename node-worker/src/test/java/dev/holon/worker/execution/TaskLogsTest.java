package dev.holon.worker.execution;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class TaskLogsTest {

    @TempDir
    Path root;

    private TaskLogs logs() {
        return new TaskLogs(root, Duration.ofMillis(20));
    }

    private Path attempt(String attemptId, String stdout) throws IOException {
        Path dir = Files.createDirectories(root.resolve(attemptId));
        Files.writeString(dir.resolve("stdout.log"), stdout);
        Files.writeString(dir.resolve("stderr.log"), "");
        return dir;
    }

    @Test
    void readsAWholeLog() throws IOException {
        attempt("a1", "one\ntwo\n");

        assertThat(logs().read("a1", LogStream.STDOUT)).isEqualTo("one\ntwo\n");
        assertThat(logs().read("a1", LogStream.STDERR)).isEmpty();
    }

    @Test
    void tailGivesTheLastLines() throws IOException {
        attempt("a1", "one\ntwo\nthree\n");
        attempt("a2", "one\ntwo\nno newline");
        attempt("a3", "");

        assertThat(logs().tail("a1", LogStream.STDOUT, 2)).containsExactly("two", "three");
        assertThat(logs().tail("a1", LogStream.STDOUT, 10)).containsExactly("one", "two", "three");
        assertThat(logs().tail("a1", LogStream.STDOUT, 0)).isEmpty();
        assertThat(logs().tail("a2", LogStream.STDOUT, 2)).containsExactly("two", "no newline");
        assertThat(logs().tail("a3", LogStream.STDOUT, 5)).isEmpty();
    }

    @Test
    void tailReadsBackwardsAcrossBlocks() throws IOException {
        String line = "x".repeat(3000);
        StringBuilder text = new StringBuilder();
        IntStream.range(0, 20).forEach(i -> text.append(i).append(line).append('\n'));
        attempt("big", text.toString());

        List<String> last = logs().tail("big", LogStream.STDOUT, 5);

        assertThat(last).hasSize(5);
        assertThat(last.getFirst()).startsWith("15x");
        assertThat(last.getLast()).startsWith("19x");
    }

    @Test
    void followDeliversTheTailThenNewLinesUntilTheAttemptEnds() throws Exception {
        Path dir = attempt("a1", "old 1\nold 2\nold 3\n");
        List<String> seen = new CopyOnWriteArrayList<>();

        try (LogFollower follower = logs().follow("a1", LogStream.STDOUT, 2, line -> seen.add(line.text()))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 2);
            Files.writeString(dir.resolve("stdout.log"), "new 1\nnew ", StandardOpenOption.APPEND);
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 3);
            Files.writeString(dir.resolve("stdout.log"), "2\nunfinished", StandardOpenOption.APPEND);
            Files.writeString(dir.resolve("exit"), "0\n");

            long end = follower.done().get(5, TimeUnit.SECONDS);

            assertThat(seen).containsExactly("old 2", "old 3", "new 1", "new 2", "unfinished");
            assertThat(end).isEqualTo(Files.size(dir.resolve("stdout.log")));
        }
    }

    @Test
    void eachLineCarriesTheOffsetWhereAFollowResumesAfterIt() throws Exception {
        Path dir = attempt("a1", "one\ntwo\nthree\n");
        Files.writeString(dir.resolve("exit"), "0\n");
        List<LogFollower.Line> all = new CopyOnWriteArrayList<>();
        logs().followFrom("a1", LogStream.STDOUT, 0, all::add).done().get(5, TimeUnit.SECONDS);
        assertThat(all).containsExactly(new LogFollower.Line("one", 4), new LogFollower.Line("two", 8),
                new LogFollower.Line("three", 14));

        List<String> resumed = new CopyOnWriteArrayList<>();
        long end = logs().followFrom("a1", LogStream.STDOUT, all.getFirst().end(), line -> resumed.add(line.text()))
                .done().get(5, TimeUnit.SECONDS);
        assertThat(resumed).containsExactly("two", "three");
        assertThat(end).isEqualTo(14);

        List<String> beyond = new CopyOnWriteArrayList<>();
        logs().followFrom("a1", LogStream.STDOUT, 999, line -> beyond.add(line.text())).done().get(5, TimeUnit.SECONDS);
        assertThat(beyond).isEmpty();
    }

    @Test
    void closingAFollowerStopsIt() throws Exception {
        attempt("a1", "");
        LogFollower follower = logs().follow("a1", LogStream.STDOUT, 0, line -> { });

        follower.close();

        assertThat(follower.done().get(5, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void veryLongLinesArriveInPieces() throws Exception {
        Path dir = attempt("a1", "y".repeat(LogFollower.MAX_LINE + 10) + "\n");
        Files.writeString(dir.resolve("exit"), "0\n");
        List<String> seen = new CopyOnWriteArrayList<>();

        logs().follow("a1", LogStream.STDOUT, 1, line -> seen.add(line.text())).done().get(5, TimeUnit.SECONDS);

        assertThat(seen).extracting(String::length).containsExactly(LogFollower.MAX_LINE, 10);
    }

    @Test
    void followsARealTaskToItsEnd(@TempDir Path sandboxes) throws Exception {
        try (TaskRunner runner = new TaskRunner(SandboxOptions.defaults(sandboxes).withTenantUsers(false))) {
            RunningTask task = runner.start(Specs.of("sh", "-c",
                    "for i in 1 2 3 4 5; do echo line $i; sleep 0.1; done; printf 'no newline'"));
            List<String> seen = new CopyOnWriteArrayList<>();

            new TaskLogs(sandboxes, Duration.ofMillis(20))
                    .follow(task.attemptId(), LogStream.STDOUT, 100, line -> seen.add(line.text()))
                    .done().get(10, TimeUnit.SECONDS);

            assertThat(seen).containsExactly("line 1", "line 2", "line 3", "line 4", "line 5", "no newline");
            assertThat(task.result().get(10, TimeUnit.SECONDS).succeeded()).isTrue();
        }
    }

    @Test
    void unknownOrUnsafeAttemptIdsAreRefused() {
        assertThatThrownBy(() -> logs().read("nope", LogStream.STDOUT)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> logs().read("../etc", LogStream.STDOUT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> logs().tail("..", LogStream.STDOUT, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void malformedUtf8IsReplacedNotFatal() throws IOException {
        Path dir = attempt("a1", "");
        Files.write(dir.resolve("stdout.log"), new byte[] {'o', 'k', (byte) 0xff, '\n'});

        assertThat(logs().tail("a1", LogStream.STDOUT, 1)).containsExactly("ok\uFFFD");
    }
}
