package dev.holon.contracts.storage;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The short-lived signed permission a worker asks for on every chunk request ({@code X-Holon-Chunk-Token}):
 * one operation on one chunk until a moment, signed with HMAC-SHA256 under a key storage-service and the workers
 * share. Not bound to a node, so one write token travels down a replication pipeline. Format:
 * {@code base64url("v1|OP|chunkId|expiresEpochSecond") + "." + base64url(hmac)}. Plain Java, thread-safe.
 */
public final class ChunkToken {

    public static final String HEADER = "X-Holon-Chunk-Token";
    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** What a valid token permits. */
    public record Grant(ChunkOp op, String chunkId, Instant expiresAt) {

        public boolean permits(ChunkOp wanted, String chunk) {
            return op == wanted && chunkId.equals(chunk);
        }
    }

    private final SecretKeySpec key;

    /** {@code secret}: at least 32 bytes (256 bits) of the shared key. */
    public ChunkToken(byte[] secret) {
        if (secret == null || secret.length < 32) {
            throw new IllegalArgumentException("the chunk token secret must be at least 32 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    }

    public static ChunkToken fromSecret(String secret) {
        return new ChunkToken(secret == null ? null : secret.getBytes(StandardCharsets.UTF_8));
    }

    public String sign(ChunkOp op, String chunkId, Instant expiresAt) {
        if (chunkId.indexOf('|') >= 0) {
            throw new IllegalArgumentException("a chunk id cannot hold '|'");
        }
        byte[] payload = ("v1|" + op + "|" + chunkId + "|" + expiresAt.getEpochSecond())
                .getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(mac(payload));
    }

    /** The grant of a well-formed, correctly signed token that has not expired at {@code now}; empty otherwise. */
    public Optional<Grant> verify(String token, Instant now) {
        if (token == null) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            return Optional.empty();
        }
        byte[] payload;
        byte[] signature;
        try {
            payload = DECODER.decode(token.substring(0, dot));
            signature = DECODER.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(mac(payload), signature)) {
            return Optional.empty();
        }
        String[] parts = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
        if (parts.length != 4 || !parts[0].equals("v1")) {
            return Optional.empty();
        }
        try {
            ChunkOp op = ChunkOp.valueOf(parts[1]);
            Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(parts[3]));
            return now.isAfter(expiresAt) ? Optional.empty() : Optional.of(new Grant(op, parts[2], expiresAt));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
