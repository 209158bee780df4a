package dev.holon.worker.identity;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The labels an operator gives a machine ({@code zone=a,rack=r1}); the scheduler filters on them. Keys and values
 * follow the Kubernetes label syntax (at most 63 characters of letters, digits, {@code -_.}, starting and ending
 * with a letter or digit; a key may have a DNS-like prefix with {@code /}; a value may be empty). Immutable; plain Java.
 */
public record NodeLabels(Map<String, String> asMap) {

    public static final NodeLabels NONE = new NodeLabels(Map.of());

    private static final String NAME = "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?";
    private static final Pattern KEY = Pattern.compile("([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?" + NAME);
    private static final Pattern VALUE = Pattern.compile("(" + NAME + ")?");

    public NodeLabels {
        asMap = Collections.unmodifiableMap(new LinkedHashMap<>(asMap));
    }

    /**
     * Parses {@code key=value} pairs separated by commas. Blanks around entries are ignored, as are empty entries
     * ({@code "zone=a,,rack=r1,"}); a blank or null text means no labels.
     *
     * @throws IllegalArgumentException naming the bad entry, when one is not {@code key=value}, a key or value
     *                                  breaks the syntax or a key repeats
     */
    public static NodeLabels parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (String raw : text.split(",")) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("Label '" + entry + "' is not key=value (labels look like zone=a,rack=r1)");
            }
            String key = entry.substring(0, eq).strip();
            String value = entry.substring(eq + 1).strip();
            if (!KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("Label '" + entry + "' has an invalid key '" + key
                        + "': use up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
            }
            if (!VALUE.matcher(value).matches()) {
                throw new IllegalArgumentException("Label '" + entry + "' has an invalid value '" + value
                        + "': use up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
            }
            if (labels.putIfAbsent(key, value) != null) {
                throw new IllegalArgumentException("Label key '" + key + "' is given twice");
            }
        }
        return new NodeLabels(labels);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        asMap.forEach((key, value) -> text.append(text.isEmpty() ? "" : ",").append(key).append('=').append(value));
        return text.toString();
    }
}
