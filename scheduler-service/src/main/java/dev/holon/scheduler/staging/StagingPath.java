package dev.holon.scheduler.staging;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The path rule of a job's {@code inputs} and {@code outputDir}, the same as storage's and the CLI's: a path is in
 * the caller's tenant ({@code /data/a.csv} = {@code /<tenant>/data/a.csv}) unless its first segment is the caller's
 * tenant, which then names it explicitly. {@code .}, {@code ..}, empty segments, backslashes, control characters,
 * names over 255 bytes, more than 64 levels or 4096 characters are refused, so nothing can leave the tenant.
 * Plain Java.
 */
public final class StagingPath {

    public static final int MAX_NAME_BYTES = 255;
    public static final int MAX_DEPTH = 64;
    public static final int MAX_PATH_CHARS = 4096;

    private StagingPath() {
    }

    /** Why {@code path} is not a valid path as a user writes it, or null when it is. */
    public static String problem(String path) {
        if (path == null || path.isEmpty()) {
            return "must be a path such as /data/in.csv";
        }
        if (!path.startsWith("/")) {
            return "must start with '/' (it is a path of your tenant, such as /data/in.csv)";
        }
        if (path.length() > MAX_PATH_CHARS) {
            return "is longer than " + MAX_PATH_CHARS + " characters";
        }
        List<String> segments = segmentsOf(path);
        if (segments.size() > MAX_DEPTH) {
            return "is deeper than " + MAX_DEPTH + " levels";
        }
        for (String segment : segments) {
            if (segment.isEmpty()) {
                return "has an empty segment ('//')";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "must not contain '" + segment + "'; name every directory";
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
                return "has a name longer than " + MAX_NAME_BYTES + " bytes";
            }
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                if (c == '\\') {
                    return "must not contain '\\'";
                }
                if (Character.isISOControl(c)) {
                    return "must not contain control characters";
                }
            }
        }
        return null;
    }

    /**
     * The tenant-qualified form {@code /<tenant>/...} of a valid path; {@code path} must have passed
     * {@link #problem}. {@code "/"} is the tenant's root.
     */
    public static String qualify(String path, String tenant) {
        String problem = problem(path);
        if (problem != null) {
            throw new IllegalArgumentException("path '" + path + "' " + problem);
        }
        List<String> segments = segmentsOf(path);
        if (!segments.isEmpty() && segments.getFirst().equals(tenant)) {
            segments = segments.subList(1, segments.size());
        }
        return segments.isEmpty() ? "/" + tenant : "/" + tenant + "/" + String.join("/", segments);
    }

    /** The last segment of a qualified path: the file's name. */
    public static String fileName(String qualified) {
        return qualified.substring(qualified.lastIndexOf('/') + 1);
    }

    /** The segments of a user's path; one trailing slash names the same folder. */
    static List<String> segmentsOf(String path) {
        String body = path.substring(1);
        if (body.endsWith("/")) {
            body = body.substring(0, body.length() - 1);
        }
        return body.isEmpty() ? new ArrayList<>() : new ArrayList<>(List.of(body.split("/", -1)));
    }
}
