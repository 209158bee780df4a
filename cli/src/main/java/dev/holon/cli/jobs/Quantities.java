package dev.holon.cli.jobs;

import dev.holon.cli.CliException;
import dev.holon.cli.ExitCodes;

import java.util.Locale;

/** Parses the quantities of {@code jobs submit}: CPU as cores or millicores, memory with a unit, durations. */
public final class Quantities {

    private Quantities() {
    }

    /** {@code 500m} = 500 millicores, {@code 2} or {@code 0.5} = cores. */
    public static long cpuMillis(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        try {
            long millis = v.endsWith("m") ? Long.parseLong(v.substring(0, v.length() - 1))
                    : Math.round(Double.parseDouble(v) * 1000);
            if (millis <= 0) {
                throw new NumberFormatException();
            }
            return millis;
        } catch (NumberFormatException e) {
            throw new CliException(ExitCodes.USAGE, "--cpu " + value + ": cores (1, 0.5) or millicores (500m)");
        }
    }

    /** {@code 256}, {@code 256Mi}, {@code 256M} = MiB; {@code 2Gi}, {@code 2G} = GiB. */
    public static long memoryMiB(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        try {
            long mib;
            if (v.endsWith("gi") || v.endsWith("g")) {
                mib = Math.round(Double.parseDouble(v.replaceAll("gi?$", "")) * 1024);
            } else if (v.endsWith("ti") || v.endsWith("t")) {
                mib = Math.round(Double.parseDouble(v.replaceAll("ti?$", "")) * 1024 * 1024);
            } else {
                mib = Math.round(Double.parseDouble(v.replaceAll("mi?$", "")));
            }
            if (mib <= 0) {
                throw new NumberFormatException();
            }
            return mib;
        } catch (NumberFormatException e) {
            throw new CliException(ExitCodes.USAGE, "--mem " + value + ": MiB (256, 256Mi) or GiB (2Gi)");
        }
    }

    /** {@code 90} or {@code 90s}, {@code 5m}, {@code 2h} as seconds. */
    public static long seconds(String option, String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        try {
            long factor = 1;
            if (v.endsWith("h")) {
                factor = 3600;
            } else if (v.endsWith("m")) {
                factor = 60;
            }
            String number = v.replaceAll("[smh]$", "");
            long seconds = Long.parseLong(number) * factor;
            if (seconds < 0) {
                throw new NumberFormatException();
            }
            return seconds;
        } catch (NumberFormatException e) {
            throw new CliException(ExitCodes.USAGE, option + " " + value + ": seconds (90, 90s), minutes (5m) or hours (2h)");
        }
    }
}
