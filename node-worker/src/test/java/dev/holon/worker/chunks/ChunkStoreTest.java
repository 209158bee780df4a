package dev.holon.worker.chunks;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkStoreTest {

    private static final long MAX = 4 * 1024 * 1024;

    @TempDir
    Path temp;

    private ChunkStore store;

    @BeforeEach
    void setUp() throws IOException {
        store = new ChunkStore(temp.resolve("chunks"));
    }

    static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private StoredChunk put(String id, byte[] data) throws Exception {
        return store.write(id, Checksums.of(data), new ByteArrayInputStream(data), MAX, null);
    }

    private byte[] readWhole(StoredChunk chunk, List<String> corrupted) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.copyVerified(chunk, store.open(chunk, 0), out, (id, expected, actual) -> corrupted.add(id + ":" + actual));
        return out.toByteArray();
    }

    @Test
    void storesAChunkAndReadsItBackVerifiedUnderItsTwoCharacterDirectory() throws Exception {
        byte[] data = bytes(300_000, 1);
        StoredChunk stored = put("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", data);

        assertThat(stored.size()).isEqualTo(data.length);
        assertThat(stored.checksum()).isEqualTo(Checksums.of(data)).matches("[0-9a-f]{8}");
        assertThat(temp.resolve("chunks/01/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")).hasBinaryContent(data);
        assertThat(temp.resolve("chunks/01/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.crc"))
                .hasContent(stored.checksum() + " " + data.length);
        assertThat(store.find(stored.chunkId())).contains(stored);
        List<String> corrupted = new ArrayList<>();
        assertThat(readWhole(stored, corrupted)).isEqualTo(data);
        assertThat(corrupted).isEmpty();
        assertThat(store.usedBytes()).isEqualTo(data.length);
        assertThat(store.count()).isEqualTo(1);
    }

    @Test
    void theChunkDirectoryIsOwnerOnly() throws Exception {
        put("ab-owner", bytes(10, 2));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(temp.resolve("chunks"))))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(temp.resolve("chunks/ab/ab-owner"))))
                .isEqualTo("rw-------");
    }

    @Test
    void aChecksumMismatchIsRejectedAndLeavesNothingBehind() throws Exception {
        byte[] data = bytes(200_000, 3);
        assertThatThrownBy(() -> store.write("cd-mismatch", "00000000", new ByteArrayInputStream(data), MAX, null))
                .isInstanceOfSatisfying(ChunkWriteRejected.class, e ->
                        assertThat(e.reason()).isEqualTo(ChunkWriteRejected.Reason.CHECKSUM_MISMATCH));

        assertThat(store.find("cd-mismatch")).isEmpty();
        assertThat(filesUnder(temp.resolve("chunks"))).isEmpty();
        assertThat(store.usedBytes()).isZero();
    }

    @Test
    void aChunkAboveTheLimitIsRejectedAndLeavesNothingBehind() throws Exception {
        byte[] data = bytes(1000, 4);
        assertThatThrownBy(() -> store.write("ef-large", Checksums.of(data), new ByteArrayInputStream(data), 999, null))
                .isInstanceOfSatisfying(ChunkWriteRejected.class, e ->
                        assertThat(e.reason()).isEqualTo(ChunkWriteRejected.Reason.TOO_LARGE));
        assertThat(filesUnder(temp.resolve("chunks"))).isEmpty();
    }

    @Test
    void aBodyThatBreaksOffIsRejectedAndLeavesNothingBehind() throws Exception {
        byte[] data = bytes(300_000, 10);
        InputStream breaksOff = new java.io.SequenceInputStream(new ByteArrayInputStream(data, 0, 200_000),
                new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new java.io.EOFException("connection closed");
                    }
                });
        assertThatThrownBy(() -> store.write("op-broken", Checksums.of(data), breaksOff, MAX, null))
                .isInstanceOfSatisfying(ChunkWriteRejected.class, e ->
                        assertThat(e.reason()).isEqualTo(ChunkWriteRejected.Reason.INCOMPLETE));
        assertThat(filesUnder(temp.resolve("chunks"))).isEmpty();
    }

    @Test
    void writingTheSameChunkAgainIsIdempotentAndADifferentContentUnderTheSameIdIsAConflict() throws Exception {
        byte[] data = bytes(50_000, 5);
        StoredChunk first = put("gh-again", data);
        StoredChunk second = put("gh-again", data);

        assertThat(second).isEqualTo(first);
        assertThat(store.count()).isEqualTo(1);
        assertThat(store.usedBytes()).isEqualTo(data.length);
        assertThatThrownBy(() -> put("gh-again", bytes(50_000, 6)))
                .isInstanceOfSatisfying(ChunkWriteRejected.class, e ->
                        assertThat(e.reason()).isEqualTo(ChunkWriteRejected.Reason.CONFLICT));
        assertThat(readWhole(first, new ArrayList<>())).isEqualTo(data);
        assertThat(filesUnder(temp.resolve("chunks/.tmp"))).isEmpty();
    }

    @Test
    void concurrentWritesOfTheSameChunkEndWithOneIntactReplica() throws Exception {
        byte[] data = bytes(1_000_000, 7);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<StoredChunk>> writes = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                writes.add(pool.submit((Callable<StoredChunk>) () -> put("ij-concurrent", data)));
            }
            for (Future<StoredChunk> write : writes) {
                assertThat(write.get().checksum()).isEqualTo(Checksums.of(data));
            }
        } finally {
            pool.shutdownNow();
        }
        StoredChunk stored = store.find("ij-concurrent").orElseThrow();
        assertThat(readWhole(stored, new ArrayList<>())).isEqualTo(data);
        assertThat(store.count()).isEqualTo(1);
        assertThat(store.usedBytes()).isEqualTo(data.length);
        assertThat(filesUnder(temp.resolve("chunks/.tmp"))).isEmpty();
    }

    @Test
    void readsARangeFromAnOffset() throws Exception {
        byte[] data = bytes(500_000, 8);
        StoredChunk stored = put("kl-range", data);
        ChunkRange range = ChunkRange.parse("bytes=1000-1999", stored.size()).orElseThrow();
        try (InputStream in = store.open(stored, range.first())) {
            byte[] part = in.readNBytes((int) range.length());
            assertThat(part).isEqualTo(java.util.Arrays.copyOfRange(data, 1000, 2000));
        }
    }

    @Test
    void aFlippedByteStopsAWholeReadShortAndIsReported() throws Exception {
        byte[] data = bytes(300_000, 9);
        StoredChunk stored = put("mn-flipped", data);
        flipByte(store.dataFile("mn-flipped"), 123_456);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> corrupted = new ArrayList<>();
        assertThatThrownBy(() -> store.copyVerified(stored, store.open(stored, 0), out,
                (id, expected, actual) -> corrupted.add(id + ":" + expected + ":" + actual)))
                .isInstanceOf(ChunkCorruptedException.class);

        assertThat(out.size()).as("the last buffer is held back").isLessThan(data.length);
        assertThat(corrupted).singleElement().asString().startsWith("mn-flipped:" + stored.checksum() + ":")
                .doesNotEndWith(stored.checksum());
    }

    @Test
    void withoutFsyncAReplicaWhoseBytesNeverReachedTheDiskIsCaughtByTheVerifiedRead() throws Exception {
        ChunkStore unsynced = new ChunkStore(temp.resolve("unsynced"), false, 0);
        byte[] data = bytes(300_000, 11);
        StoredChunk stored = unsynced.write("mn-unsynced", Checksums.of(data), new ByteArrayInputStream(data), MAX, null);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        unsynced.copyVerified(stored, unsynced.open(stored, 0), whole, (id, expected, actual) -> { });
        assertThat(whole.toByteArray()).isEqualTo(data);

        // what a power loss can leave of a file whose pages were still dirty: its sidecar, but fewer bytes
        try (FileChannel channel = FileChannel.open(unsynced.dataFile("mn-unsynced"), StandardOpenOption.WRITE)) {
            channel.truncate(0);
        }
        List<String> corrupted = new ArrayList<>();
        assertThatThrownBy(() -> unsynced.copyVerified(stored, unsynced.open(stored, 0), OutputStream.nullOutputStream(),
                (id, expected, actual) -> corrupted.add(id)))
                .isInstanceOf(ChunkCorruptedException.class);
        assertThat(corrupted).containsExactly("mn-unsynced");
    }

    @Test
    void deletesAndListsInIdOrderPageByPage() throws Exception {
        for (String id : List.of("zz-3", "aa-1", "ab-2", "aa-0")) {
            put(id, bytes(10, id.hashCode()));
        }
        assertThat(store.list(null, 3)).extracting(StoredChunk::chunkId).containsExactly("aa-0", "aa-1", "ab-2");
        assertThat(store.list("ab-2", 3)).extracting(StoredChunk::chunkId).containsExactly("zz-3");
        assertThat(store.delete("aa-1")).isTrue();
        assertThat(store.delete("aa-1")).isFalse();
        assertThat(store.list(null, 10)).extracting(StoredChunk::chunkId).containsExactly("aa-0", "ab-2", "zz-3");
        assertThat(store.count()).isEqualTo(3);
        assertThat(new ChunkStore(temp.resolve("chunks")).usedBytes()).as("counted again at start").isEqualTo(30);
    }

    @Test
    void aStartRemovesHalfCommittedLeftoversOfACrash() throws Exception {
        put("qr-kept", bytes(10, 11));
        Files.write(temp.resolve("chunks/qr/qr-orphan"), bytes(10, 12)); // renamed, but the sidecar never was
        Files.write(temp.resolve("chunks/.tmp/qr-x.part"), bytes(10, 13));

        ChunkStore restarted = new ChunkStore(temp.resolve("chunks"));

        assertThat(filesUnder(temp.resolve("chunks"))).extracting(path -> path.getFileName().toString())
                .containsExactlyInAnyOrder("qr-kept", "qr-kept.crc");
        assertThat(restarted.count()).isEqualTo(1);
    }

    @Test
    void theNextWriteGoesOverADeletedReplicasFileAndKeepsNothingOfIt() throws Exception {
        ChunkStore recycling = new ChunkStore(temp.resolve("recycling"), false, 1_000_000);
        byte[] first = bytes(300_000, 21);
        recycling.write("st-first", Checksums.of(first), new ByteArrayInputStream(first), MAX, null);
        Object inode = Files.readAttributes(recycling.dataFile("st-first"), BasicFileAttributes.class).fileKey();
        assertThat(recycling.delete("st-first")).isTrue();
        assertThat(recycling.find("st-first")).isEmpty();
        assertThat(recycling.recycledBytes()).isEqualTo(first.length);

        byte[] shorter = bytes(100_000, 22);
        StoredChunk stored = recycling.write("st-second", Checksums.of(shorter), new ByteArrayInputStream(shorter),
                MAX, null);

        assertThat(Files.readAttributes(recycling.dataFile("st-second"), BasicFileAttributes.class).fileKey())
                .as("the same file, written over").isEqualTo(inode);
        assertThat(recycling.dataFile("st-second")).hasBinaryContent(shorter);
        assertThat(recycling.recycledBytes()).isZero();
        assertThat(recycling.usedBytes()).isEqualTo(shorter.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        recycling.copyVerified(stored, recycling.open(stored, 0), out, (id, expected, actual) -> { });
        assertThat(out.toByteArray()).isEqualTo(shorter);

        recycling.delete("st-second");
        byte[] longer = bytes(500_000, 23);
        recycling.write("st-third", Checksums.of(longer), new ByteArrayInputStream(longer), MAX, null);
        assertThat(recycling.dataFile("st-third")).hasBinaryContent(longer);
    }

    @Test
    void keepsNoMoreDeletedFilesThanItsBudgetAndCountsThemAgainAtStart() throws Exception {
        Path root = temp.resolve("budget");
        ChunkStore recycling = new ChunkStore(root, false, 250_000);
        for (String id : List.of("uv-0", "uv-1", "uv-2")) {
            byte[] data = bytes(100_000, id.hashCode());
            recycling.write(id, Checksums.of(data), new ByteArrayInputStream(data), MAX, null);
        }
        for (String id : List.of("uv-0", "uv-1", "uv-2")) {
            assertThat(recycling.delete(id)).isTrue();
        }
        assertThat(recycling.recycledBytes()).isEqualTo(200_000);
        assertThat(filesUnder(root)).hasSize(2);
        assertThat(recycling.count()).isZero();

        assertThat(new ChunkStore(root, false, 250_000).recycledBytes()).as("kept across a restart").isEqualTo(200_000);
        assertThat(new ChunkStore(root, false, 150_000).recycledBytes()).as("a smaller budget").isEqualTo(100_000);
        assertThat(new ChunkStore(root, false, 0).recycledBytes()).isZero();
        assertThat(filesUnder(root)).isEmpty();
    }

    @Test
    void aRefusedWriteOverARecycledFileLeavesNothingBehind() throws Exception {
        Path root = temp.resolve("refused");
        ChunkStore recycling = new ChunkStore(root, false, 1_000_000);
        byte[] data = bytes(100_000, 31);
        recycling.write("wx-old", Checksums.of(data), new ByteArrayInputStream(data), MAX, null);
        recycling.delete("wx-old");

        assertThatThrownBy(() -> recycling.write("wx-bad", "00000000", new ByteArrayInputStream(data), MAX, null))
                .isInstanceOf(ChunkWriteRejected.class);

        assertThat(recycling.find("wx-bad")).isEmpty();
        assertThat(filesUnder(root)).isEmpty();
        assertThat(recycling.recycledBytes()).isZero();
    }

    @Test
    void idsThatCouldNameAnotherPathAreRefused() {
        for (String bad : List.of("..", "../etc", "a/b", "x", "a.crc", "", "ab|c", "ab\u0000")) {
            assertThat(ChunkIds.isValid(bad)).as(bad).isFalse();
        }
        assertThat(ChunkIds.isValid("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")).isTrue();
        assertThatThrownBy(() -> store.find("../x")).isInstanceOf(IllegalArgumentException.class);
    }

    static void flipByte(Path file, long position) throws IOException {
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x01));
            one.rewind();
            channel.write(one, position);
        }
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }
}
