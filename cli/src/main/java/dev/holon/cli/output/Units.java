package dev.holon.cli.output;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Human quantities: bytes as KiB/MiB/GiB, millicores as cores, ages as "3s"/"5m". */
public final class Units {

    private Units() {
    }

    public static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, value >= 100 ? "%.0f %s" : "%.1f %s", value, units[unit]);
    }

    public static String mib(long mib) {
        return bytes(mib * 1024 * 1024);
    }

    public static String cores(long millis) {
        return millis % 1000 == 0 ? Long.toString(millis / 1000) : String.format(Locale.ROOT, "%.1f", millis / 1000.0);
    }

    public static String duration(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
        }
        if (s < 86400) {
            return (s / 3600) + "h" + ((s % 3600) / 60 == 0 ? "" : ((s % 3600) / 60) + "m");
        }
        return (s / 86400) + "d";
    }

    /** "12s ago" from an ISO-8601 instant; "" when absent or unreadable. */
    public static String age(String isoInstant, Instant now) {
        if (isoInstant == null || isoInstant.isBlank()) {
            return "";
        }
        try {
            return duration(Duration.between(Instant.parse(isoInstant), now));
        } catch (RuntimeException e) {
            return isoInstant;
        }
    }

    /** A bar of {@code width} cells filled to {@code fraction} (0..1). */
    public static String bar(double fraction, int width) {
        double f = Math.max(0, Math.min(1, Double.isNaN(fraction) ? 0 : fraction));
        int full = (int) Math.round(f * width);
        return "[" + "#".repeat(full) + ".".repeat(width - full) + "]";
    }
}
