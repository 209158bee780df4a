package dev.holon.cli.files;

import dev.holon.cli.output.Units;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A transfer's progress: bytes, rate and ETA. On a terminal one line redrawn in place (at most 10 times a second);
 * otherwise a plain line every {@code plainEvery} nanoseconds and one at the end, so logs stay readable.
 * Thread-safe: the HTTP client may read an upload from several threads in turn.
 */
public final class Progress {

    static final long REDRAW_NANOS = 100_000_000L;
    static final long PLAIN_NANOS = 2_000_000_000L;

    private final String label;
    private final long total;
    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier clock;
    private final long start;
    private long bytes;
    private long lastPrint;
    private boolean finished;

    public Progress(String label, long total, PrintStream out, boolean terminal, LongSupplier nanoClock) {
        this.label = label;
        this.total = total;
        this.out = out;
        this.terminal = terminal;
        this.clock = nanoClock;
        this.start = nanoClock.getAsLong();
        this.lastPrint = start;
    }

    /** Off: counts, prints nothing. */
    public static Progress silent() {
        return new Progress("", -1, null, false, System::nanoTime);
    }

    public synchronized void advance(long n) {
        bytes += n;
        if (out == null || finished) {
            return;
        }
        long now = clock.getAsLong();
        if (now - lastPrint >= (terminal ? REDRAW_NANOS : PLAIN_NANOS)) {
            lastPrint = now;
            print(now, false);
        }
    }

    public synchronized long bytes() {
        return bytes;
    }

    public synchronized void done() {
        if (out == null || finished) {
            return;
        }
        finished = true;
        print(clock.getAsLong(), true);
    }

    private void print(long now, boolean last) {
        String line = line(label, bytes, total, now - start, terminal, last);
        if (terminal) {
            out.print("\r" + line + "\u001b[K" + (last ? System.lineSeparator() : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** The text of one progress report. */
    static String line(String label, long bytes, long total, long elapsedNanos, boolean bar, boolean last) {
        double seconds = Math.max(elapsedNanos / 1e9, 1e-3);
        double rate = bytes / seconds;
        StringBuilder line = new StringBuilder(label).append("  ");
        if (total > 0 && bar) {
            line.append(Units.bar((double) bytes / total, 24)).append(' ');
        }
        if (total > 0) {
            line.append(String.format(Locale.ROOT, "%3d%%  ", Math.round(100.0 * bytes / total)));
            line.append(Units.bytes(bytes)).append(" / ").append(Units.bytes(total));
        } else {
            line.append(Units.bytes(bytes));
        }
        line.append("  ").append(Units.bytes(Math.round(rate))).append("/s");
        if (last) {
            line.append("  in ").append(String.format(Locale.ROOT, "%.1fs", seconds));
        } else if (total > 0 && rate > 0) {
            line.append("  ETA ").append(Units.duration(java.time.Duration.ofSeconds(
                    Math.round(Math.max(0, total - bytes) / rate))));
        }
        return line.toString();
    }
}
