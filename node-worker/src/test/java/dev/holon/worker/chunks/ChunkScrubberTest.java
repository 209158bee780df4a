package dev.holon.worker.chunks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkScrubberTest {

    @TempDir
    Path temp;

    private final List<String> reported = new ArrayList<>();

    @Test
    void findsAFlippedByteAndAReplicaWhoseFileIsGoneAndNothingElse() throws Exception {
        ChunkStore store = new ChunkStore(temp.resolve("chunks"));
        for (String id : List.of("aa-good", "bb-flipped", "cc-gone")) {
            byte[] data = ChunkStoreTest.bytes(200_000, id.hashCode());
            store.write(id, Checksums.of(data), new ByteArrayInputStream(data), 1 << 20, null);
        }
        String flippedChecksum = store.find("bb-flipped").orElseThrow().checksum();
        ChunkStoreTest.flipByte(store.dataFile("bb-flipped"), 199_999);
        Files.delete(store.dataFile("cc-gone"));
        ChunkScrubber scrubber = new ChunkScrubber(store, (id, expected, actual) ->
                reported.add(id + " " + expected + " " + actual), () -> new ByteRate(1 << 30, System::nanoTime, n -> { }));

        ChunkScrubber.Pass pass = scrubber.scrubAll();

        assertThat(pass.checked()).isEqualTo(3);
        assertThat(pass.corrupted()).isEqualTo(2);
        assertThat(reported).hasSize(2);
        assertThat(reported.get(0)).startsWith("bb-flipped " + flippedChecksum + " ").doesNotEndWith(flippedChecksum);
        assertThat(reported.get(1)).endsWith(" missing").startsWith("cc-gone ");
    }

    @Test
    void theRateLimitPausesAsLongAsTheBytesAreAhead() throws Exception {
        AtomicLong now = new AtomicLong();
        List<Long> pauses = new ArrayList<>();
        ByteRate rate = new ByteRate(1000, now::get, nanos -> {
            pauses.add(nanos);
            now.addAndGet(nanos);
        });
        rate.acquire(500);
        rate.acquire(500);
        rate.acquire(2000);
        assertThat(pauses).containsExactly(500_000_000L, 500_000_000L, 2_000_000_000L);
        assertThat(now.get()).as("3000 bytes at 1000/s").isEqualTo(3_000_000_000L);
    }
}
