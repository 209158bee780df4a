package dev.holon.storage.namespace;

import dev.holon.storage.StorageProperties;
import dev.holon.storage.chunk.ChunkClient;
import dev.holon.storage.chunk.ChunkEndpointStub;
import dev.holon.storage.chunk.ChunkReader;
import dev.holon.storage.chunk.ChunkRepository;
import dev.holon.storage.chunk.ChunkWriter;
import dev.holon.storage.node.NodeDirectory;
import dev.holon.storage.quota.StorageQuota;
import dev.holon.support.outbox.Outbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * A download through storage-service holds at most {@code chunks-in-flight} chunks at once, however many chunks the
 * file has: the chunks come over real HTTP connections from a stub worker, and every time a chunk is written to the
 * client a collection shows how many of the chunks read so far are still reachable from anywhere (the read-ahead
 * window, the HTTP client's pooled connections, ...). No timing: only what is reachable.
 */
class FileServiceMemoryTest {

    private static final int CHUNKS = 16;
    private static final int CHUNK_SIZE = 256 * 1024;

    private final ChunkEndpointStub worker = new ChunkEndpointStub("n1");
    private final StorageProperties properties = ChunkEndpointStub.properties();

    @AfterEach
    void stop() {
        worker.close();
    }

    @Test
    void aDownloadHoldsAtMostChunksInFlightChunks() throws Exception {
        List<ChunkRepository.Chunk> rows = new ArrayList<>();
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        Random random = new Random(11);
        for (int i = 0; i < CHUNKS; i++) {
            byte[] bytes = new byte[CHUNK_SIZE];
            random.nextBytes(bytes);
            expected.update(bytes);
            worker.chunks.put("chunk-" + i, bytes);
            rows.add(new ChunkRepository.Chunk("chunk-" + i, i, CHUNK_SIZE, ChunkReader.crc32c(bytes, CHUNK_SIZE), 1,
                    List.of(new ChunkRepository.ReplicaRow("n1", false))));
        }
        ChunkRepository chunks = mock(ChunkRepository.class);
        when(chunks.chunksOf("content")).thenReturn(rows);
        NodeDirectory nodes = mock(NodeDirectory.class);
        when(nodes.find(anyString())).thenReturn(Optional.of(worker.node()));

        List<WeakReference<byte[]>> read = new ArrayList<>();
        ChunkReader reader = new ChunkReader(new ChunkClient(properties, Clock.systemUTC()), nodes, chunks) {
            @Override
            public Optional<byte[]> read(ChunkRepository.Chunk chunk) {
                Optional<byte[]> bytes = super.read(chunk);
                synchronized (read) {
                    bytes.ifPresent(b -> read.add(new WeakReference<>(b)));
                }
                return bytes;
            }
        };
        FileService files = new FileService(mock(EntryRepository.class), chunks, mock(ChunkWriter.class), reader,
                mock(StorageQuota.class), mock(Outbox.class), mock(TransactionTemplate.class), Clock.systemUTC(),
                properties);
        Entry file = new Entry("f", "t", "/t/f", "/t", "f", Entry.Type.FILE, (long) CHUNKS * CHUNK_SIZE, null, 1, 1, "u",
                "content", Instant.EPOCH, Instant.EPOCH);

        MessageDigest received = MessageDigest.getInstance("SHA-256");
        List<Integer> held = new ArrayList<>();
        files.read(file, 0, file.size() - 1, new OutputStream() {
            @Override
            public void write(int b) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                received.update(bytes, offset, length);
                System.gc();
                synchronized (read) {
                    held.add((int) read.stream().filter(r -> r.get() != null).count());
                }
            }
        });

        assertThat(received.digest()).isEqualTo(expected.digest());
        assertThat(held).hasSize(CHUNKS);
        assertThat(held).as("chunks reachable at each write, the one being written included")
                .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(properties.chunksInFlight()));
    }
}
