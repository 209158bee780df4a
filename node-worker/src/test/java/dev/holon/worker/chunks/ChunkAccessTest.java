package dev.holon.worker.chunks;

import dev.holon.contracts.storage.ChunkOp;
import dev.holon.contracts.storage.ChunkToken;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkAccessTest {

    private static final String SECRET = "a-test-secret-of-at-least-32-bytes!!";
    private static final Instant NOW = Instant.parse("2026-12-01T04:00:00Z");
    private final ChunkToken tokens = ChunkToken.fromSecret(SECRET);
    private final ChunkAccess access = new ChunkAccess(tokens, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aValidTokenForThisOperationAndChunkPermits() {
        assertThat(access.refusal(tokens.sign(ChunkOp.WRITE, "ab-1", NOW.plusSeconds(60)), ChunkOp.WRITE, "ab-1"))
                .isEmpty();
    }

    @Test
    void missingForgedExpiredWrongOperationAndWrongChunkAreRefusedWithTheReason() {
        String write = tokens.sign(ChunkOp.WRITE, "ab-1", NOW.plusSeconds(60));
        assertThat(access.refusal(null, ChunkOp.WRITE, "ab-1")).hasValueSatisfying(r -> assertThat(r).contains("needs"));
        assertThat(access.refusal(ChunkToken.fromSecret("another-secret-of-at-least-32-bytes!")
                .sign(ChunkOp.WRITE, "ab-1", NOW.plusSeconds(60)), ChunkOp.WRITE, "ab-1"))
                .hasValueSatisfying(r -> assertThat(r).contains("not valid"));
        assertThat(access.refusal(write.substring(0, write.length() - 2) + "xx", ChunkOp.WRITE, "ab-1")).isPresent();
        assertThat(access.refusal(tokens.sign(ChunkOp.WRITE, "ab-1", NOW.minusSeconds(1)), ChunkOp.WRITE, "ab-1"))
                .hasValueSatisfying(r -> assertThat(r).contains("expired"));
        assertThat(access.refusal(write, ChunkOp.READ, "ab-1"))
                .hasValueSatisfying(r -> assertThat(r).contains("permits WRITE"));
        assertThat(access.refusal(write, ChunkOp.WRITE, "ab-2")).isPresent();
    }
}
