package dev.holon.cli.output;

import java.util.Locale;

/** ANSI colours, or nothing at all when off (not a terminal, NO_COLOR, --no-color). */
public record Style(boolean on) {

    private static final String RESET = "\u001b[0m";

    public String red(String s) {
        return wrap("31", s);
    }

    public String green(String s) {
        return wrap("32", s);
    }

    public String yellow(String s) {
        return wrap("33", s);
    }

    public String blue(String s) {
        return wrap("34", s);
    }

    public String grey(String s) {
        return wrap("90", s);
    }

    public String bold(String s) {
        return wrap("1", s);
    }

    /** A state of a node, job, task or attempt in the colour that says how it goes. */
    public String state(String state) {
        if (state == null) {
            return "";
        }
        return switch (state.toUpperCase(Locale.ROOT)) {
            case "UP", "SUCCEEDED", "RUNNING" -> green(state);
            case "SUSPECT", "PENDING", "SCHEDULED", "CORDONED", "DRAINING" -> yellow(state);
            case "DOWN", "FAILED", "LOST" -> red(state);
            case "CANCELLED", "REMOVED" -> grey(state);
            default -> state;
        };
    }

    private String wrap(String code, String s) {
        return on && s != null && !s.isEmpty() ? "\u001b[" + code + "m" + s + RESET : s;
    }

    /** The visible width of a string that may carry ANSI codes. */
    public static int width(String s) {
        return s == null ? 0 : s.replaceAll("\u001b\\[[0-9;]*m", "").length();
    }
}
