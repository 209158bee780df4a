package dev.holon.storage.namespace;

import java.util.ArrayList;
import java.util.List;

/**
 * A validated, normalised namespace path {@code /<tenant>/<segment>...}. Nothing built here can escape its tenant:
 * {@code .}, {@code ..}, empty segments, slashes or control characters inside a segment and over-long names are
 * refused with {@link InvalidPath}. Plain Java, immutable.
 */
public record FilePath(String tenant, List<String> segments) {

    public static final int MAX_NAME_BYTES = 255;
    public static final int MAX_DEPTH = 64;
    public static final int MAX_PATH_CHARS = 4096;

    /** Thrown for a path a user must fix; the message says what is wrong. */
    public static final class InvalidPath extends RuntimeException {
        public InvalidPath(String message) {
            super(message);
        }
    }

    public FilePath {
        segments = List.copyOf(segments);
    }

    /** From already-decoded segments, the first being the tenant. */
    public static FilePath of(List<String> decoded) {
        if (decoded.isEmpty()) {
            throw new InvalidPath("the path must start with a tenant: /<tenant>/...");
        }
        if (decoded.size() - 1 > MAX_DEPTH) {
            throw new InvalidPath("the path is deeper than " + MAX_DEPTH + " levels");
        }
        int length = 0;
        for (String segment : decoded) {
            check(segment);
            length += segment.length() + 1;
        }
        if (length > MAX_PATH_CHARS) {
            throw new InvalidPath("the path is longer than " + MAX_PATH_CHARS + " characters");
        }
        return new FilePath(decoded.getFirst(), decoded.subList(1, decoded.size()));
    }

    /** From a path string such as {@code /acme/data/x.csv} (a move's destination); no percent-decoding. */
    public static FilePath parse(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new InvalidPath("a path starts with '/': /<tenant>/...");
        }
        String body = path.substring(1);
        if (body.endsWith("/")) {
            body = body.substring(0, body.length() - 1); // one trailing slash names the same directory
        }
        List<String> parts = new ArrayList<>(List.of(body.split("/", -1)));
        return of(parts);
    }

    private static void check(String segment) {
        if (segment.isEmpty()) {
            throw new InvalidPath("the path has an empty segment ('//')");
        }
        if (segment.equals(".") || segment.equals("..")) {
            throw new InvalidPath("'" + segment + "' is not allowed in a path; name every directory");
        }
        if (segment.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new InvalidPath("a name is longer than " + MAX_NAME_BYTES + " bytes");
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '/' || c == '\\') {
                throw new InvalidPath("a name cannot hold '/' or '\\'");
            }
            if (Character.isISOControl(c)) {
                throw new InvalidPath("a name cannot hold control characters");
            }
        }
    }

    public boolean isRoot() {
        return segments.isEmpty();
    }

    /** {@code /tenant/a/b}. */
    public String path() {
        return segments.isEmpty() ? "/" + tenant : "/" + tenant + "/" + String.join("/", segments);
    }

    public String name() {
        return segments.isEmpty() ? tenant : segments.getLast();
    }

    public FilePath parent() {
        if (segments.isEmpty()) {
            throw new IllegalStateException("a tenant's root has no parent");
        }
        return new FilePath(tenant, segments.subList(0, segments.size() - 1));
    }

    /** This path and every ancestor below the tenant's root, outermost first. */
    public List<FilePath> ancestors() {
        List<FilePath> all = new ArrayList<>();
        for (int i = 1; i < segments.size(); i++) {
            all.add(new FilePath(tenant, segments.subList(0, i)));
        }
        return all;
    }

    public boolean isWithin(FilePath other) {
        return tenant.equals(other.tenant) && segments.size() >= other.segments.size()
                && segments.subList(0, other.segments.size()).equals(other.segments);
    }

    @Override
    public String toString() {
        return path();
    }
}
