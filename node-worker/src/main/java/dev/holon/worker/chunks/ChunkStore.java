package dev.holon.worker.chunks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The replicas this worker holds, under {@code <root>/<first 2 chars>/<chunkId>} with the checksum and size in the
 * sidecar {@code <chunkId>.crc} ({@code "<crc32c> <size>\n"}). The root is 0700 and files 0600, owned by the worker,
 * so tasks (other uids) cannot read them. A write streams into {@code <root>/.tmp}, computing CRC32C on the way,
 * is checked, fsynced when {@code syncOnClose} and renamed into place; the sidecar is renamed last, so a replica
 * exists exactly when its sidecar does. Without the fsyncs (like HDFS's {@code dfs.datanode.synconclose=false}, its
 * default) a power loss can leave a replica whose bytes never reached the disk: every read and scrub checks the
 * CRC32C, so it is found, reported and replaced from another replica like any corrupt one. Replicas are immutable:
 * writing one again with the same checksum replaces it with identical bytes.
 * <p>
 * A deleted replica's data file is kept in {@code <root>/.recycle}, up to {@code recycleBytes} in all and while a
 * tenth of the disk is free, and the next write goes over it instead of into a new file: its page cache and disk
 * blocks are reused rather than freed and allocated again. On a virtual machine that hands freed memory back to its
 * host, a page allocated afresh costs a fault on the host: writing 1 GiB into a new file cost 2.4-2.7 s of kernel
 * CPU here against 0.1-0.2 s over an existing one (node-worker/README.md#recycled-data-files).
 * Plain Java, thread-safe (commits and deletes of one id are serialised).
 */
public final class ChunkStore {

    static final int BUFFER_BYTES = 128 * 1024;
    static final String SIDECAR = ".crc";
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path root;
    private final Path tmp;
    private final Path recycled;
    private final boolean syncOnClose;
    private final long recycleBytes;
    private final FileStore disk;
    /** Recycled data files, the most recently freed last (the likeliest to be in the page cache still). */
    private final Deque<Recycled> pool = new ArrayDeque<>();
    private long pooledBytes;
    private final Object[] locks = new Object[64];
    private final AtomicLong usedBytes = new AtomicLong();
    private final AtomicLong count = new AtomicLong();

    private record Recycled(Path file, long size) {
    }

    /** A store that fsyncs every replica before it answers and frees the files of deleted ones. */
    public ChunkStore(Path root) throws IOException {
        this(root, true, 0);
    }

    /** @param recycleBytes how many bytes of deleted replicas' data files to keep for writing over (0: none) */
    public ChunkStore(Path root, boolean syncOnClose, long recycleBytes) throws IOException {
        this.root = root;
        this.syncOnClose = syncOnClose;
        this.recycleBytes = recycleBytes;
        this.tmp = root.resolve(".tmp");
        this.recycled = root.resolve(".recycle");
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
        ownerOnlyDirectory(root);
        ownerOnlyDirectory(tmp);
        ownerOnlyDirectory(recycled);
        this.disk = Files.getFileStore(root);
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmp)) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover); // half-written by an earlier process
            }
        }
        try (DirectoryStream<Path> kept = Files.newDirectoryStream(recycled)) {
            for (Path file : kept) {
                long size = Files.size(file);
                if (pooledBytes + size <= recycleBytes) {
                    pool.addLast(new Recycled(file, size));
                    pooledBytes += size;
                } else {
                    Files.deleteIfExists(file);
                }
            }
        }
        removeDataWithoutSidecar();
        forEach(chunk -> {
            usedBytes.addAndGet(chunk.size());
            count.incrementAndGet();
        });
    }

    /** A crash between the two renames of a commit leaves bytes that were never a replica: they go at start. */
    private void removeDataWithoutSidecar() throws IOException {
        for (Path dir : sortedPrefixDirectories()) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    if (!name.endsWith(SIDECAR) && !Files.exists(dir.resolve(name + SIDECAR))) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        }
    }

    public Path root() {
        return root;
    }

    /** Bytes of the replicas held here (as recorded at write). */
    public long usedBytes() {
        return usedBytes.get();
    }

    public long count() {
        return count.get();
    }

    /**
     * Streams {@code in} to a temporary file while computing its CRC32C and copying every buffer to {@code tee}
     * (may be null; it must not throw), then checks size and checksum, fsyncs (when {@code syncOnClose}) and moves
     * the replica into place.
     * On a rejection nothing is left behind.
     */
    public StoredChunk write(String chunkId, String expectedChecksum, InputStream in, long maxBytes, OutputStream tee)
            throws IOException, ChunkWriteRejected {
        requireValid(chunkId);
        Path part = tmp.resolve(chunkId + "." + UUID.randomUUID() + ".part");
        boolean overwrite = reuseInto(part);
        boolean committed = false;
        try {
            CRC32C crc = new CRC32C();
            long size = 0;
            try (FileChannel channel = overwrite ? FileChannel.open(part, StandardOpenOption.WRITE)
                    : FileChannel.open(part, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                            OWNER_ONLY_FILE)) {
                byte[] buffer = new byte[BUFFER_BYTES];
                int n;
                while ((n = readBody(in, buffer, chunkId, size)) > 0) {
                    size += n;
                    if (size > maxBytes) {
                        throw new ChunkWriteRejected(ChunkWriteRejected.Reason.TOO_LARGE,
                                "chunk " + chunkId + " is larger than the " + maxBytes + " bytes a chunk may have");
                    }
                    crc.update(buffer, 0, n);
                    ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
                    while (bytes.hasRemaining()) {
                        channel.write(bytes);
                    }
                    if (tee != null) {
                        tee.write(buffer, 0, n);
                    }
                }
                String actual = Checksums.hex(crc);
                if (!actual.equals(expectedChecksum)) {
                    throw new ChunkWriteRejected(ChunkWriteRejected.Reason.CHECKSUM_MISMATCH,
                            "chunk " + chunkId + " arrived with checksum " + actual + ", not " + expectedChecksum
                                    + " as announced; nothing was stored");
                }
                if (overwrite) {
                    channel.truncate(size); // what is left of the earlier replica
                }
                if (syncOnClose) {
                    channel.force(true);
                }
            }
            StoredChunk chunk = new StoredChunk(chunkId, size, expectedChecksum);
            commit(chunk, part);
            committed = true;
            return chunk;
        } finally {
            if (!committed) {
                Files.deleteIfExists(part);
            }
        }
    }

    /**
     * Fills the buffer (0 at the end): the servlet stream hands out a few KiB per read, and every buffer costs a file
     * write and a forward. A body that breaks off (the sender went away or abandoned it) is the sender's problem,
     * not a disk error.
     */
    private static int readBody(InputStream in, byte[] buffer, String chunkId, long sofar) throws ChunkWriteRejected {
        try {
            return in.readNBytes(buffer, 0, buffer.length);
        } catch (IOException e) {
            throw new ChunkWriteRejected(ChunkWriteRejected.Reason.INCOMPLETE, "the body of chunk " + chunkId
                    + " broke off after " + sofar + " bytes; nothing was stored");
        }
    }

    private void commit(StoredChunk chunk, Path part) throws IOException, ChunkWriteRejected {
        Path dir = root.resolve(chunk.chunkId().substring(0, 2));
        ownerOnlyDirectory(dir);
        Path sidecarPart = tmp.resolve(chunk.chunkId() + "." + UUID.randomUUID() + ".crc.part");
        try {
            synchronized (lockOf(chunk.chunkId())) {
                Optional<StoredChunk> existing = find(chunk.chunkId());
                if (existing.isPresent() && !existing.get().checksum().equals(chunk.checksum())) {
                    throw new ChunkWriteRejected(ChunkWriteRejected.Reason.CONFLICT, "chunk " + chunk.chunkId()
                            + " is already stored here with checksum " + existing.get().checksum()
                            + "; chunks are immutable");
                }
                Files.move(part, dataFile(chunk.chunkId()), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                try (FileChannel channel = FileChannel.open(sidecarPart, Set.of(StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE), OWNER_ONLY_FILE)) {
                    channel.write(ByteBuffer.wrap((chunk.checksum() + " " + chunk.size() + "\n")
                            .getBytes(StandardCharsets.US_ASCII)));
                    if (syncOnClose) {
                        channel.force(true);
                    }
                }
                Files.move(sidecarPart, sidecar(chunk.chunkId()), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                if (syncOnClose) {
                    fsyncDirectory(dir);
                }
                if (existing.isPresent()) {
                    usedBytes.addAndGet(chunk.size() - existing.get().size());
                } else {
                    usedBytes.addAndGet(chunk.size());
                    count.incrementAndGet();
                }
            }
        } finally {
            Files.deleteIfExists(sidecarPart);
        }
    }

    /** Moves the most recently recycled data file to {@code part}; false when there is none. */
    private boolean reuseInto(Path part) throws IOException {
        Recycled file;
        synchronized (pool) {
            file = pool.pollLast();
            if (file == null) {
                return false;
            }
            pooledBytes -= file.size();
        }
        try {
            Files.move(file.file(), part, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            Files.deleteIfExists(file.file());
            return false;
        }
    }

    /** Keeps a deleted replica's data file for a later write when there is room; false when it was not there. */
    private boolean recycleOrDelete(Path data) throws IOException {
        long size;
        try {
            size = Files.size(data);
        } catch (NoSuchFileException e) {
            return false;
        }
        boolean keep;
        synchronized (pool) {
            keep = pooledBytes + size <= recycleBytes && disk.getUsableSpace() > disk.getTotalSpace() / 10;
            if (keep) {
                pooledBytes += size;
            }
        }
        if (keep) {
            Path kept = recycled.resolve(UUID.randomUUID().toString());
            try {
                Files.move(data, kept, StandardCopyOption.ATOMIC_MOVE);
                synchronized (pool) {
                    pool.addLast(new Recycled(kept, size));
                }
                return true;
            } catch (IOException e) {
                synchronized (pool) {
                    pooledBytes -= size;
                }
            }
        }
        return Files.deleteIfExists(data);
    }

    /** Bytes of deleted replicas' data files kept for writing over. */
    public long recycledBytes() {
        synchronized (pool) {
            return pooledBytes;
        }
    }

    /** The replica as recorded at write, if this worker holds it (its data file may still be gone or damaged). */
    public Optional<StoredChunk> find(String chunkId) throws IOException {
        requireValid(chunkId);
        String line;
        try {
            line = Files.readString(sidecar(chunkId), StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        int space = line.indexOf(' ');
        if (space < 0) {
            throw new IOException("unreadable sidecar of chunk " + chunkId);
        }
        return Optional.of(new StoredChunk(chunkId, Long.parseLong(line.substring(space + 1)), line.substring(0, space)));
    }

    /** Removes the replica; false when it was not there. */
    public boolean delete(String chunkId) throws IOException {
        requireValid(chunkId);
        synchronized (lockOf(chunkId)) {
            Optional<StoredChunk> existing = find(chunkId);
            Files.deleteIfExists(sidecar(chunkId)); // first: the replica stops existing at once
            boolean data = recycleOrDelete(dataFile(chunkId));
            existing.ifPresent(chunk -> {
                usedBytes.addAndGet(-chunk.size());
                count.decrementAndGet();
            });
            return existing.isPresent() || data;
        }
    }

    /** The data file, for reading; {@link NoSuchFileException} when it is gone. */
    public InputStream open(StoredChunk chunk, long offset) throws IOException {
        FileChannel channel = FileChannel.open(dataFile(chunk.chunkId()), StandardOpenOption.READ);
        channel.position(offset);
        return Channels.newInputStream(channel);
    }

    /**
     * Writes the replica's {@code size} bytes from {@code data} (see {@link #open}) to {@code out}, verifying them against the recorded checksum on the
     * way. The last buffer is held back until the checksum is known: on a mismatch (or a short file)
     * {@code corruption} is told, the rest is never written and {@link ChunkCorruptedException} is thrown, so the
     * reader gets fewer bytes than announced and notices.
     */
    public void copyVerified(StoredChunk chunk, InputStream data, OutputStream out, ChunkCorruption corruption)
            throws IOException {
        CRC32C crc = new CRC32C();
        long remaining = chunk.size();
        byte[] held = new byte[BUFFER_BYTES];
        int heldLength = 0;
        byte[] next = new byte[BUFFER_BYTES];
        boolean complete;
        try (InputStream in = data) {
            while (remaining > 0) {
                int n = in.read(next, 0, (int) Math.min(next.length, remaining));
                if (n < 0) {
                    break;
                }
                remaining -= n;
                crc.update(next, 0, n);
                if (heldLength > 0) {
                    out.write(held, 0, heldLength);
                }
                byte[] swap = held;
                held = next;
                next = swap;
                heldLength = n;
            }
            complete = remaining == 0;
        }
        String actual = Checksums.hex(crc);
        if (!complete || !actual.equals(chunk.checksum())) {
            corruption.found(chunk.chunkId(), chunk.checksum(), actual);
            throw new ChunkCorruptedException(chunk.chunkId(), "chunk " + chunk.chunkId() + " has checksum " + actual
                    + (complete ? "" : " over fewer bytes than recorded") + ", not " + chunk.checksum());
        }
        if (heldLength > 0) {
            out.write(held, 0, heldLength);
        }
    }

    /** What a replica's data file is made of now: the CRC32C of all its bytes, or {@link #MISSING}. */
    public String checksumOnDisk(StoredChunk chunk, java.util.function.LongConsumer afterEachRead) throws IOException {
        CRC32C crc = new CRC32C();
        long size = 0;
        try (InputStream in = open(chunk, 0)) {
            byte[] buffer = new byte[BUFFER_BYTES];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                crc.update(buffer, 0, n);
                size += n;
                afterEachRead.accept(n);
            }
        } catch (NoSuchFileException e) {
            return MISSING;
        }
        String actual = Checksums.hex(crc);
        return size == chunk.size() || !actual.equals(chunk.checksum()) ? actual : actual + "/" + size + "B";
    }

    /** The checksum reported for a replica whose sidecar is there but whose data file is gone. */
    public static final String MISSING = "missing";

    /** Up to {@code limit} replicas with ids after {@code after} (null: from the first), in id order. */
    public List<StoredChunk> list(String after, int limit) throws IOException {
        List<StoredChunk> page = new ArrayList<>();
        for (Path dir : sortedPrefixDirectories()) {
            String prefix = dir.getFileName().toString();
            if (after != null && prefix.compareTo(after.substring(0, Math.min(2, after.length()))) < 0) {
                continue;
            }
            for (String id : sortedIdsIn(dir)) {
                if (after != null && id.compareTo(after) <= 0) {
                    continue;
                }
                find(id).ifPresent(page::add);
                if (page.size() >= limit) {
                    return page;
                }
            }
        }
        return page;
    }

    /** Every replica in id order; ones deleted meanwhile are skipped. */
    public void forEach(Consumer<StoredChunk> action) throws IOException {
        for (Path dir : sortedPrefixDirectories()) {
            for (String id : sortedIdsIn(dir)) {
                find(id).ifPresent(action);
            }
        }
    }

    private List<Path> sortedPrefixDirectories() throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(root,
                path -> path.getFileName().toString().length() == 2 && Files.isDirectory(path))) {
            stream.forEach(dirs::add);
        }
        dirs.sort(null);
        return dirs;
    }

    private static List<String> sortedIdsIn(Path dir) throws IOException {
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SIDECAR)) {
            for (Path sidecar : stream) {
                String name = sidecar.getFileName().toString();
                String id = name.substring(0, name.length() - SIDECAR.length());
                if (ChunkIds.isValid(id)) {
                    ids.add(id);
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        ids.sort(null);
        return ids;
    }

    Path dataFile(String chunkId) {
        return root.resolve(chunkId.substring(0, 2)).resolve(chunkId);
    }

    Path sidecar(String chunkId) {
        return root.resolve(chunkId.substring(0, 2)).resolve(chunkId + SIDECAR);
    }

    private Object lockOf(String chunkId) {
        return locks[Math.floorMod(chunkId.hashCode(), locks.length)];
    }

    private static void requireValid(String chunkId) {
        if (!ChunkIds.isValid(chunkId)) {
            throw new IllegalArgumentException("not a chunk id: " + chunkId);
        }
    }

    private static void ownerOnlyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        if (!Files.getPosixFilePermissions(dir).equals(OWNER_ONLY_DIR)) {
            Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
        }
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Not every file system lets a directory be opened for fsync; the renames stay atomic anyway.
        }
    }
}
