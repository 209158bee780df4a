package dev.holon.cli.files;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTest {

    final AtomicLong clock = new AtomicLong();
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void aLineSaysBytesPercentRateAndEta() {
        String line = Progress.line("a.bin", 50L << 20, 100L << 20, 5_000_000_000L, false, false);
        assertThat(line).isEqualTo("a.bin   50%  50.0 MiB / 100 MiB  10.0 MiB/s  ETA 5s");
        assertThat(Progress.line("a.bin", 50L << 20, 100L << 20, 5_000_000_000L, true, false))
                .contains("[############............]");
        assertThat(Progress.line("stdin", 1536, -1, 1_000_000_000L, false, true)).isEqualTo("stdin  1.5 KiB  1.5 KiB/s  in 1.0s");
    }

    @Test
    void notOnATerminalItPrintsAPlainLineEveryTwoSecondsAndOneAtTheEnd() {
        Progress progress = new Progress("a.bin", 1000, out, false, clock::get);
        for (int i = 0; i < 10; i++) {
            clock.addAndGet(500_000_000L); // 0.5 s
            progress.advance(100);
        }
        progress.done();
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed).doesNotContain("\r", "\u001b");
        assertThat(printed.lines()).hasSize(3);
        assertThat(printed.lines().toList().get(2)).contains("100%", "in 5.0s");
    }

    @Test
    void onATerminalItRedrawsOneLineInPlace() {
        Progress progress = new Progress("a.bin", 1000, out, true, clock::get);
        for (int i = 0; i < 10; i++) {
            clock.addAndGet(200_000_000L);
            progress.advance(100);
        }
        progress.done();
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed).startsWith("\r").contains("\u001b[K", "[####").endsWith(System.lineSeparator());
        assertThat(printed.chars().filter(c -> c == '\n').count()).isEqualTo(1);
        assertThat(printed.chars().filter(c -> c == '\r').count()).isEqualTo(11); // 10 redraws + the last
    }

    @Test
    void silentCountsWithoutPrinting() {
        Progress progress = Progress.silent();
        progress.advance(5);
        progress.done();
        assertThat(progress.bytes()).isEqualTo(5);
    }
}
