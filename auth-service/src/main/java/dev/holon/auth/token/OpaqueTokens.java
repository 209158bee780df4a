package dev.holon.auth.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Opaque bearer secrets of the form {@code <prefix><id>_<secret>}: personal access tokens ({@code hol_}) and node
 * enrolment tokens ({@code hne_}). The id finds the row; the secret is 256 bits from {@link SecureRandom} in hex, and
 * only its SHA-256 is stored (a high-entropy secret needs no slow hash), compared in constant time. Plain Java.
 */
public final class OpaqueTokens {

    public static final int SECRET_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern ID = Pattern.compile("[0-9a-f-]{1,64}");
    private static final Pattern SECRET = Pattern.compile("[0-9a-f]{" + SECRET_BYTES * 2 + "}");

    /** A new token: show {@code token} once, keep {@code hash}. */
    public record Issued(String id, String token, byte[] hash) {
    }

    /** A presented token, split. */
    public record Presented(String id, String secret) {
    }

    private OpaqueTokens() {
    }

    public static Issued issue(String prefix, String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("token ids are lower-case hex and '-': " + id);
        }
        byte[] random = new byte[SECRET_BYTES];
        RANDOM.nextBytes(random);
        String secret = HEX.formatHex(random);
        return new Issued(id, prefix + id + "_" + secret, hash(secret));
    }

    /** Empty when the string is not a token of this kind at all (wrong prefix, shape or length). */
    public static Optional<Presented> parse(String prefix, String token) {
        if (token == null || !token.startsWith(prefix)) {
            return Optional.empty();
        }
        String rest = token.substring(prefix.length());
        int separator = rest.indexOf('_');
        if (separator <= 0) {
            return Optional.empty();
        }
        String id = rest.substring(0, separator);
        String secret = rest.substring(separator + 1);
        if (!ID.matcher(id).matches() || !SECRET.matcher(secret).matches()) {
            return Optional.empty();
        }
        return Optional.of(new Presented(id, secret));
    }

    public static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Constant time in the secret's content. */
    public static boolean matches(Presented presented, byte[] storedHash) {
        return storedHash != null && MessageDigest.isEqual(hash(presented.secret()), storedHash);
    }

    /** A random secret for something else (a node client's secret): 256 bits, URL-safe. */
    public static String randomSecret() {
        byte[] random = new byte[SECRET_BYTES];
        RANDOM.nextBytes(random);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
