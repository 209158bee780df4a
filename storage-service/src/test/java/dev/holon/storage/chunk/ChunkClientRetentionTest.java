package dev.holon.storage.chunk;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.time.Clock;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The JDK's HTTP client keeps the exchange that opened a connection (request body publisher, response body) reachable
 * for as long as the connection is pooled, and a transfer keeps reusing its connections: a chunk the client could
 * reach stayed in memory once per connection to a worker, which is how storage-service ran out of a 256 MiB heap
 * during a 1 GiB download through the gateway. A chunk read or written must be garbage once the call returned,
 * whichever HTTP client {@link ChunkClient} uses for chunk bodies (now the JDK's HttpURLConnection).
 */
class ChunkClientRetentionTest {

    private static final int SIZE = 1 << 20;
    private final ChunkEndpointStub worker = new ChunkEndpointStub("n1");
    private final ChunkClient client = new ChunkClient(ChunkEndpointStub.properties(), Clock.systemUTC());

    @AfterEach
    void stop() {
        worker.close();
    }

    @Test
    void aChunkReadIsNotKeptByItsPooledConnection() {
        byte[] served = random(1);
        worker.chunks.put("c1", served);

        ChunkClient.Received received = client.get(worker.node(), "c1", SIZE);
        assertThat(received.length()).isEqualTo(SIZE);
        assertThat(received.bytes()).isEqualTo(served);
        WeakReference<byte[]> read = new WeakReference<>(received.bytes());
        received = null;

        assertThat(collected(read)).as("the chunk read is still reachable after the call").isTrue();
    }

    @Test
    void aChunkWrittenIsNotKeptByItsPooledConnection() {
        byte[] chunk = random(2);
        assertThat(client.put(worker.node(), List.of(), "c2", chunk, chunk.length, "x").storedOn()).containsExactly("n1");
        WeakReference<byte[]> written = new WeakReference<>(chunk);
        chunk = null;

        assertThat(collected(written)).as("the chunk written is still reachable after the call").isTrue();
    }

    @Test
    void aWorkerSendingMoreThanTheChunkIsSeenAsSuch() {
        worker.chunks.put("c3", random(3));

        ChunkClient.Received received = client.get(worker.node(), "c3", SIZE - 1);

        assertThat(received.length()).isEqualTo(SIZE); // one byte more than asked for, the rest unread
        assertThat(received.bytes()).hasSize(SIZE - 1);
    }

    @Test
    void aWorkerRefusingAWriteIsHeardAndNotAskedAgain() {
        worker.refusePuts = 403;
        byte[] chunk = random(4);

        assertThatThrownBy(() -> client.put(worker.node(), List.of(), "c4", chunk, chunk.length, "x"))
                .isInstanceOfSatisfying(ChunkClient.WorkerCallFailed.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThat(worker.puts).hasValue(1);
    }

    /** Whether the object became garbage (System.gc() collects weakly reachable objects on HotSpot's collectors). */
    static boolean collected(WeakReference<?> ref) {
        for (int i = 0; i < 10 && ref.get() != null; i++) {
            System.gc();
        }
        return ref.get() == null;
    }

    private static byte[] random(long seed) {
        byte[] bytes = new byte[SIZE];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
