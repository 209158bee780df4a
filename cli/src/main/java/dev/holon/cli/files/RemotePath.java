package dev.holon.cli.files;

import dev.holon.cli.CliException;
import dev.holon.cli.ExitCodes;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A path of the file namespace, {@code /<tenant>/<path...>}. The rule for what users type: a path is taken in
 * the current tenant ({@code /data/a.txt} = {@code /default/data/a.txt} for tenant {@code default}) unless its
 * first segment is the current tenant's name, which then names the tenant explicitly
 * ({@code /default/data/a.txt} is the same file). So a top-level folder named like the tenant is written
 * {@code /default/default/...}. {@code .} and {@code ..} are refused; repeated slashes collapse.
 */
public record RemotePath(String tenant, List<String> segments) {

    public static RemotePath parse(String typed, String currentTenant) {
        List<String> segments = new ArrayList<>();
        for (String segment : typed.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new CliException(ExitCodes.USAGE, "not a path: " + typed + " (no . or .. segments:"
                        + " write the absolute path, e.g. /data/a.txt)");
            }
            segments.add(segment);
        }
        if (!segments.isEmpty() && segments.get(0).equals(currentTenant)) {
            segments.remove(0);
        }
        return new RemotePath(currentTenant, List.copyOf(segments));
    }

    public boolean isRoot() {
        return segments.isEmpty();
    }

    public String name() {
        return segments.isEmpty() ? "" : segments.get(segments.size() - 1);
    }

    public RemotePath child(String name) {
        List<String> child = new ArrayList<>(segments);
        child.add(name);
        return new RemotePath(tenant, List.copyOf(child));
    }

    /** {@code /api/v1/files/<tenant>/<path...>}, every segment percent-encoded. */
    public String apiPath() {
        StringBuilder path = new StringBuilder("/api/v1/files/").append(encode(tenant));
        for (String segment : segments) {
            path.append('/').append(encode(segment));
        }
        return path.toString();
    }

    /** {@code /<tenant>/<path...>}: as the API names files (a move's destination). */
    public String full() {
        return "/" + tenant + (segments.isEmpty() ? "" : "/" + String.join("/", segments));
    }

    @Override
    public String toString() {
        return full();
    }

    /** RFC 3986 path segment: unreserved characters stay, everything else is %XX of its UTF-8 bytes. */
    static String encode(String segment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 128 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
                out.write(c);
            } else {
                out.writeBytes(String.format("%%%02X", b & 0xff).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return out.toString(StandardCharsets.US_ASCII);
    }
}
