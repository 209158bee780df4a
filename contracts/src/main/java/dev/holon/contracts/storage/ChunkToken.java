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

    /** A worker's signed word that it holds {@code chunkId} with that size and checksum (see {@link #receipt}). */
    public record Receipt(String chunkId, long size, String checksum, String nodeId) {
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
        Optional<String[]> parts = signedParts(token);
        if (parts.isEmpty() || parts.get().length != 4) {
            return Optional.empty();
        }
        try {
            ChunkOp op = ChunkOp.valueOf(parts.get()[1]);
            Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(parts.get()[3]));
            return now.isAfter(expiresAt) ? Optional.empty() : Optional.of(new Grant(op, parts.get()[2], expiresAt));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Signed by a worker after it stored a chunk, so a client that wrote the chunk to the workers itself can prove
     * to storage-service which nodes hold it. Chunk ids are issued per upload, so a receipt is worth nothing for
     * another chunk or another upload.
     */
    public String receipt(String chunkId, long size, String checksum, String nodeId) {
        if (chunkId.indexOf('|') >= 0 || checksum.indexOf('|') >= 0 || nodeId.indexOf('|') >= 0) {
            throw new IllegalArgumentException("a receipt's fields cannot hold '|'");
        }
        byte[] payload = ("v1|STORED|" + chunkId + "|" + size + "|" + checksum + "|" + nodeId)
                .getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(mac(payload));
    }

    /** The receipt's content when it is well-formed and signed with this key; empty otherwise. */
    public Optional<Receipt> verifyReceipt(String receipt) {
        Optional<String[]> parts = signedParts(receipt);
        if (parts.isEmpty() || parts.get().length != 6 || !parts.get()[1].equals("STORED")) {
            return Optional.empty();
        }
        String[] p = parts.get();
        try {
            return Optional.of(new Receipt(p[2], Long.parseLong(p[3]), p[4], p[5]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The '|'-separated fields of a token or receipt whose signature holds; empty otherwise. */
    private Optional<String[]> signedParts(String signed) {
        if (signed == null) {
            return Optional.empty();
        }
        int dot = signed.indexOf('.');
        if (dot <= 0 || dot != signed.lastIndexOf('.')) {
            return Optional.empty();
        }
        byte[] payload;
        byte[] signature;
        try {
            payload = DECODER.decode(signed.substring(0, dot));
            signature = DECODER.decode(signed.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(mac(payload), signature)) {
            return Optional.empty();
        }
        String[] parts = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
        return parts[0].equals("v1") ? Optional.of(parts) : Optional.empty();
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
