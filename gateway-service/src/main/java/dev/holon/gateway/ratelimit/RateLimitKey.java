package dev.holon.gateway.ratelimit;

/**
 * Chooses whose allowance a request spends: the token's subject when there is one (a user keeps one
 * allowance whatever address they come from), otherwise the client's IP address.
 */
public final class RateLimitKey {

    /** The key for requests whose client address is unknown (they share one allowance). */
    static final String UNKNOWN_CLIENT = "ip:unknown";

    private RateLimitKey() {
    }

    public static String of(String subject, String clientIp) {
        if (subject != null && !subject.isBlank()) {
            return "sub:" + subject;
        }
        if (clientIp != null && !clientIp.isBlank()) {
            return "ip:" + clientIp;
        }
        return UNKNOWN_CLIENT;
    }
}
