package dev.holon.auth;

import java.util.regex.Pattern;

/**
 * The names Holon gives tenants and nodes follow DNS label rules (RFC 1123, as Kubernetes names do): 1-63 characters,
 * lower-case letters, digits and '-', starting and ending with a letter or digit. They end up in Keycloak group paths,
 * client ids, file paths and host names, where anything else would need escaping. Plain Java.
 */
public final class DnsLabel {

    public static final int MAX_LENGTH = 63;
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private DnsLabel() {
    }

    /** Why {@code value} is not a DNS label, or null when it is one. */
    public static String problem(String value) {
        if (value == null || value.isEmpty()) {
            return "must not be empty";
        }
        if (value.length() > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters (has " + value.length() + ")";
        }
        if (!LABEL.matcher(value).matches()) {
            return "must be lower-case letters, digits and '-', starting and ending with a letter or digit (got '"
                    + abbreviate(value) + "')";
        }
        return null;
    }

    public static boolean isValid(String value) {
        return problem(value) == null;
    }

    private static String abbreviate(String value) {
        String printable = value.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > 80 ? printable.substring(0, 80) + "..." : printable;
    }
}
