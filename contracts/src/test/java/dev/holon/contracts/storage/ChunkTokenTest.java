package dev.holon.contracts.storage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkTokenTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private final ChunkToken tokens = ChunkToken.fromSecret("a-shared-secret-of-at-least-32-bytes!");

    @Test
    void aSignedTokenPermitsItsOperationOnItsChunkUntilItExpires() {
        String token = tokens.sign(ChunkOp.WRITE, "c-1", NOW.plusSeconds(60));

        ChunkToken.Grant grant = tokens.verify(token, NOW.plusSeconds(59)).orElseThrow();

        assertThat(grant.permits(ChunkOp.WRITE, "c-1")).isTrue();
        assertThat(grant.permits(ChunkOp.READ, "c-1")).isFalse();
        assertThat(grant.permits(ChunkOp.WRITE, "c-2")).isFalse();
        assertThat(tokens.verify(token, NOW.plusSeconds(61))).isEmpty();
    }

    @Test
    void aTokenSignedWithAnotherKeyOrAlteredIsRefused() {
        String token = tokens.sign(ChunkOp.READ, "c-1", NOW.plusSeconds(60));
        ChunkToken other = ChunkToken.fromSecret("another-secret-that-is-32-bytes-long");
        String forgedPayload = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("v1|DELETE|c-1|" + NOW.plusSeconds(60).getEpochSecond()).getBytes(StandardCharsets.UTF_8));
        String forged = forgedPayload + token.substring(token.indexOf('.'));

        assertThat(other.verify(token, NOW)).isEmpty();
        assertThat(tokens.verify(forged, NOW)).isEmpty();
        assertThat(tokens.verify("not-a-token", NOW)).isEmpty();
        assertThat(tokens.verify("a.b.c", NOW)).isEmpty();
        assertThat(tokens.verify("!!.??", NOW)).isEmpty();
        assertThat(tokens.verify(null, NOW)).isEmpty();
    }

    @Test
    void aShortSecretIsRefused() {
        assertThatThrownBy(() -> ChunkToken.fromSecret("short")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReceiptNamesWhatAWorkerStoredAndCannotBeForgedOrPassedOffAsAToken() {
        String receipt = tokens.receipt("c-1", 4096, "0a1b2c3d", "node-7");

        assertThat(tokens.verifyReceipt(receipt)).contains(new ChunkToken.Receipt("c-1", 4096, "0a1b2c3d", "node-7"));
        assertThat(ChunkToken.fromSecret("another-secret-that-is-32-bytes-long").verifyReceipt(receipt)).isEmpty();
        String otherNode = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("v1|STORED|c-1|4096|0a1b2c3d|node-8".getBytes(StandardCharsets.UTF_8));
        assertThat(tokens.verifyReceipt(otherNode + receipt.substring(receipt.indexOf('.')))).isEmpty();
        assertThat(tokens.verify(receipt, NOW)).as("a receipt is no token").isEmpty();
        assertThat(tokens.verifyReceipt(tokens.sign(ChunkOp.WRITE, "c-1", NOW))).as("a token is no receipt").isEmpty();
    }
}
