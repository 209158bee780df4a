package dev.holon.gateway.tokens;

import dev.holon.contracts.tenant.TokenExchange;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a personal access token's scopes allow at the gateway: {@code read} any GET or HEAD (and CORS preflights);
 * {@code jobs} any other method under {@code /api/v1/jobs}; {@code files} under {@code /api/v1/files}. Nothing
 * else: changing nodes, tenants or tokens needs a login. Plain Java, unit-tested on its own.
 */
public final class PatScopes {

    /**
     * @param allowed whether the request may go on
     * @param scope   the scope it needs (null where no scope would do)
     * @param detail  for the 403 problem: what was missing, in words
     */
    public record Decision(boolean allowed, String scope, String detail) {
    }

    private static final Set<String> READING = Set.of("GET", "HEAD", "OPTIONS");

    private PatScopes() {
    }

    /** The scopes of a space-separated {@code scope} claim (OAuth 2.0's form). */
    public static Set<String> parse(String scopeClaim) {
        if (scopeClaim == null || scopeClaim.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(scopeClaim.trim().split("\\s+")).collect(Collectors.toUnmodifiableSet());
    }

    public static Decision decide(String method, String path, Set<String> scopes) {
        String needed = needed(method, path);
        if (needed == null) {
            return new Decision(false, null, "a personal access token may not " + method + " " + path
                    + " (its scopes allow reading anywhere, changing jobs and files); use a login token");
        }
        if (scopes.contains(needed)) {
            return new Decision(true, needed, null);
        }
        return new Decision(false, needed, "this personal access token lacks the scope '" + needed + "' that "
                + method + " " + path + " needs");
    }

    /** The scope a request needs, or null when no PAT scope allows it. */
    static String needed(String method, String path) {
        if (READING.contains(method)) {
            return TokenExchange.SCOPE_READ;
        }
        if (under(path, "/api/v1/jobs")) {
            return TokenExchange.SCOPE_JOBS;
        }
        if (under(path, "/api/v1/files")) {
            return TokenExchange.SCOPE_FILES;
        }
        return null;
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }
}
