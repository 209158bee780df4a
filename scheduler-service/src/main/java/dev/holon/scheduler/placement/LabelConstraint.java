package dev.holon.scheduler.placement;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A condition on a node's labels: {@code key=value}, {@code key!=value} (also true when the node lacks the
 * label, as Kubernetes' NotIn) or {@code key in (a,b)}. A hard constraint filters nodes; wrapped in an
 * {@link Affinity} it only prefers them.
 */
public record LabelConstraint(String key, Operator operator, List<String> values) {

    public enum Operator { EQUALS, NOT_EQUALS, IN }

    private static final Pattern IN = Pattern.compile("^\\s*([^\\s=!()]+)\\s+in\\s*\\(([^()]*)\\)\\s*$");
    private static final Pattern NOT_EQUALS = Pattern.compile("^\\s*([^\\s=!()]+)\\s*!=\\s*([^\\s=!(),]+)\\s*$");
    private static final Pattern EQUALS = Pattern.compile("^\\s*([^\\s=!()]+)\\s*=\\s*([^\\s=!(),]+)\\s*$");

    public LabelConstraint {
        Objects.requireNonNull(operator, "operator");
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("a label constraint needs a key");
        }
        values = List.copyOf(values);
        if (values.isEmpty() || values.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("label constraint on " + key + " needs non-blank values");
        }
        if (operator != Operator.IN && values.size() != 1) {
            throw new IllegalArgumentException("label constraint " + key + " " + operator + " takes exactly one value");
        }
    }

    public static LabelConstraint equalTo(String key, String value) {
        return new LabelConstraint(key, Operator.EQUALS, List.of(value));
    }

    public static LabelConstraint notEqualTo(String key, String value) {
        return new LabelConstraint(key, Operator.NOT_EQUALS, List.of(value));
    }

    public static LabelConstraint in(String key, String... values) {
        return new LabelConstraint(key, Operator.IN, List.of(values));
    }

    /** Parses {@code key=value}, {@code key!=value} or {@code key in (a,b)}; throws with the offending text otherwise. */
    public static LabelConstraint parse(String text) {
        Objects.requireNonNull(text, "text");
        Matcher m = IN.matcher(text);
        if (m.matches()) {
            List<String> values = Arrays.stream(m.group(2).split(",")).map(String::strip).toList();
            if (values.stream().anyMatch(String::isEmpty)) {
                throw new IllegalArgumentException("not a label constraint: '" + text + "' (empty value in the list)");
            }
            return new LabelConstraint(m.group(1), Operator.IN, values);
        }
        m = NOT_EQUALS.matcher(text);
        if (m.matches()) {
            return notEqualTo(m.group(1), m.group(2));
        }
        m = EQUALS.matcher(text);
        if (m.matches()) {
            return equalTo(m.group(1), m.group(2));
        }
        throw new IllegalArgumentException("not a label constraint: '" + text + "' (expected key=value, key!=value or key in (a,b))");
    }

    public boolean matches(Map<String, String> labels) {
        String value = labels.get(key);
        return switch (operator) {
            case EQUALS -> values.getFirst().equals(value);
            case NOT_EQUALS -> !values.getFirst().equals(value);
            case IN -> value != null && values.contains(value);
        };
    }

    /** How nodes failing this constraint are described in a pending reason: "lack label zone=gpu". */
    String failureDescription() {
        return switch (operator) {
            case EQUALS, IN -> "lack label " + this;
            case NOT_EQUALS -> "have label " + key + "=" + values.getFirst();
        };
    }

    @Override
    public String toString() {
        return switch (operator) {
            case EQUALS -> key + "=" + values.getFirst();
            case NOT_EQUALS -> key + "!=" + values.getFirst();
            case IN -> key + " in (" + String.join(",", values) + ")";
        };
    }
}
