package dev.holon.storage.namespace;

import dev.holon.contracts.Ids;
import dev.holon.contracts.Page;
import dev.holon.contracts.Topics;
import dev.holon.contracts.problem.ProblemType;
import dev.holon.contracts.storage.StorageEvent;
import dev.holon.contracts.tenant.TenantQuota;
import dev.holon.storage.StorageProperties;
import dev.holon.storage.chunk.ChunkReader;
import dev.holon.storage.chunk.ChunkRepository;
import dev.holon.storage.chunk.ChunkWriter;
import dev.holon.storage.quota.StorageQuota;
import dev.holon.support.outbox.Outbox;
import dev.holon.support.problem.ProblemException;
import dev.holon.support.web.Cursors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * The namespace operations behind {@code /api/v1/files}: stat, list, mkdir, move, delete, and the streamed upload
 * and download. Paths arrive validated and already scoped to a tenant the caller may reach. An upload's chunks go
 * out while the body arrives (a bounded number in flight); the file's new content becomes visible in one
 * transaction only after every chunk reached its write quorum.
 */
@Service
public class FileService {

    private final EntryRepository entries;
    private final ChunkRepository chunks;
    private final ChunkWriter writer;
    private final ChunkReader reader;
    private final StorageQuota quotas;
    private final Outbox outbox;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final StorageProperties properties;
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();

    public FileService(EntryRepository entries, ChunkRepository chunks, ChunkWriter writer, ChunkReader reader,
            StorageQuota quotas, Outbox outbox, TransactionTemplate tx, Clock clock, StorageProperties properties) {
        this.entries = entries;
        this.chunks = chunks;
        this.writer = writer;
        this.reader = reader;
        this.quotas = quotas;
        this.outbox = outbox;
        this.tx = tx;
        this.clock = clock;
        this.properties = properties;
    }

    public record Written(FileView view, boolean created) {
    }

    // ---- queries ----

    public Entry get(FilePath path) {
        return entries.find(path.tenant(), path.path()).orElseThrow(() -> notFound(path));
    }

    public FileView stat(FilePath path, boolean withReplicas) {
        if (path.isRoot()) {
            return FileView.root(path.tenant());
        }
        Entry entry = get(path);
        if (!withReplicas || !entry.isFile()) {
            return FileView.of(entry);
        }
        List<FileView.ChunkView> views = chunks.chunksOf(entry.contentId()).stream()
                .map(c -> new FileView.ChunkView(c.id(), c.size(), c.checksum(), c.replicas().stream()
                        .filter(r -> !r.corrupt()).map(ChunkRepository.ReplicaRow::nodeId).toList()))
                .toList();
        return FileView.of(entry, views);
    }

    public Page<FileView> list(FilePath path, String cursor, int limit) {
        if (!path.isRoot()) {
            Entry entry = get(path);
            if (entry.isFile()) {
                return new Page<>(List.of(FileView.of(entry)), null);
            }
        }
        Page<Entry> page = children(path, cursor, limit);
        return new Page<>(page.items().stream().map(FileView::of).toList(), page.nextCursor());
    }

    /** A page of the directory's entries, by name, after {@code cursor}. */
    Page<Entry> children(FilePath dir, String cursor, int limit) {
        List<Entry> page = entries.children(dir.tenant(), dir.path(), Cursors.decode(cursor), limit + 1);
        String next = page.size() > limit ? Cursors.encode(page.get(limit - 1).name()) : null;
        return new Page<>(page.stream().limit(limit).toList(), next);
    }

    // ---- namespace changes ----

    public Written mkdir(FilePath path, String owner) {
        if (path.isRoot()) {
            return new Written(FileView.root(path.tenant()), false);
        }
        return tx.execute(s -> {
            Instant now = clock.instant();
            ensureParents(path, owner, now);
            Entry existing = entries.findForUpdate(path.tenant(), path.path()).orElse(null);
            if (existing != null) {
                if (existing.isFile()) {
                    throw ProblemException.conflict("'" + path + "' is a file");
                }
                return new Written(FileView.of(existing), false);
            }
            Entry dir = directory(path, owner, now);
            if (!entries.insert(dir)) {
                throw ProblemException.conflict("'" + path + "' was created meanwhile; read it and retry");
            }
            return new Written(FileView.of(dir), true);
        });
    }

    public FileView move(FilePath from, FilePath to, Preconditions pre) {
        if (from.isRoot() || to.isRoot()) {
            throw ProblemException.invalid("a tenant's root cannot be moved, nor replaced");
        }
        if (to.isWithin(from)) {
            throw ProblemException.invalid("'" + from + "' cannot be moved into itself");
        }
        return tx.execute(s -> {
            Instant now = clock.instant();
            Entry entry = entries.findForUpdate(from.tenant(), from.path()).orElseThrow(() -> notFound(from));
            pre.checkExisting(entry);
            ensureParents(to, entry.owner(), now);
            if (entries.findForUpdate(to.tenant(), to.path()).isPresent()) {
                throw ProblemException.conflict("'" + to + "' already exists");
            }
            entries.move(from.tenant(), from.path(), to.path(), to.parent().path(), to.name(), now);
            return FileView.of(entries.find(to.tenant(), to.path()).orElseThrow());
        });
    }

    public void delete(FilePath path, boolean recursive, Preconditions pre) {
        if (path.isRoot()) {
            throw ProblemException.invalid("a tenant's root cannot be deleted");
        }
        tx.executeWithoutResult(s -> {
            Instant now = clock.instant();
            Entry entry = entries.findForUpdate(path.tenant(), path.path()).orElseThrow(() -> notFound(path));
            pre.checkExisting(entry);
            if (!entry.isFile() && !recursive && entries.hasChildren(path.tenant(), path.path())) {
                throw ProblemException.conflict("'" + path + "' is a directory that is not empty; add ?recursive=true");
            }
            for (Entry gone : entries.deleteTree(path.tenant(), path.path())) {
                if (gone.isFile()) {
                    chunks.markContent(gone.contentId(), "GARBAGE", now);
                    outbox.publish(Topics.STORAGE_EVENTS, gone.id(), gone.tenant(),
                            new StorageEvent.FileDeleted(gone.id(), gone.tenant(), gone.path()));
                }
            }
        });
    }

    // ---- upload ----

    /**
     * Streams {@code body} into chunks on the workers and commits the file when every chunk reached its quorum.
     *
     * @param contentLength the announced size, or -1 when unknown (chunked transfer)
     */
    public Written upload(FilePath path, String owner, InputStream body, long contentLength, Preconditions pre,
            Integer replicationParam) {
        Checked checked = checkUpload(path, contentLength, replicationParam, pre);
        int replication = checked.replication();
        long max = properties.maxUploadBytes().toBytes();
        String contentId = Ids.newId();
        tx.executeWithoutResult(s -> chunks.newContent(contentId, path.tenant(), clock.instant()));
        boolean committed = false;
        try {
            Streamed streamed = stream(body, contentLength, contentId, replication, max);
            Written written = tx.execute(s -> commit(path, owner, pre, replication, contentId, streamed.size(),
                    streamed.sha256(), checked.quota()));
            committed = true;
            return written;
        } finally {
            if (!committed) {
                tx.executeWithoutResult(s -> chunks.markContent(contentId, "GARBAGE", clock.instant()));
            }
        }
    }

    /**
     * What is checked before an upload's first byte goes out (commit checks it again under lock): the path, the
     * replication, the size limit, the preconditions, no file in the way, the quota when the size is known.
     *
     * @param size the announced size, or -1 when unknown (chunked transfer)
     * @return the replication the file gets and the tenant's quota (read once, outside any transaction)
     */
    Checked checkUpload(FilePath path, long size, Integer replicationParam, Preconditions pre) {
        if (path.isRoot()) {
            throw ProblemException.invalid("a tenant's root is a directory; name a file below it");
        }
        int replication = replicationParam == null ? properties.replication() : replicationParam;
        if (replication < 1 || replication > properties.maxReplication()) {
            throw ProblemException.invalid("replication must be between 1 and " + properties.maxReplication());
        }
        long max = properties.maxUploadBytes().toBytes();
        if (size > max) {
            throw tooLarge(max);
        }
        Entry existing = entries.find(path.tenant(), path.path()).orElse(null);
        if (existing != null && !existing.isFile()) {
            throw ProblemException.conflict("'" + path + "' is a directory");
        }
        pre.checkWrite(path.path(), existing);
        for (FilePath dir : path.ancestors()) {
            entries.find(dir.tenant(), dir.path()).filter(Entry::isFile).ifPresent(file -> {
                throw ProblemException.conflict("'" + dir + "' is a file, so it cannot hold '" + path + "'");
            });
        }
        TenantQuota quota = quotas.limitsOf(path.tenant()); // read once, outside any transaction
        if (size >= 0) {
            quotas.check(path.tenant(), quota, size - (existing == null ? 0 : existing.size()),
                    existing == null ? 1 : 0, false);
        }
        return new Checked(replication, quota);
    }

    record Checked(int replication, TenantQuota quota) {
    }

    /**
     * Makes a direct upload (its chunks written by the client) the file's content in one transaction, after
     * {@code recordChunks} stored what the workers' receipts prove; a refused commit leaves the upload WRITING,
     * so the client may send missing chunks and commit again until it expires.
     */
    Written commitDirect(FilePath path, ChunkRepository.DirectContent upload, Preconditions pre, String sha256,
            Runnable recordChunks) {
        TenantQuota quota = quotas.limitsOf(path.tenant());
        return tx.execute(s -> {
            recordChunks.run();
            return commit(path, upload.owner(), pre, upload.replication(), upload.id(), upload.size(), sha256, quota);
        });
    }

    private record Streamed(long size, String sha256) {
    }

    /**
     * Cuts {@code body} into chunks and sends them, at most {@code chunks-in-flight} chunks of this upload in memory
     * at once: a chunk's buffer is only allocated (and filled) once a permit is free, and the permit comes back when
     * the chunk has been written.
     *
     * @param contentLength the announced size, or -1 when unknown: a known size lets the last chunk's buffer be
     *                      only as large as what is left
     */
    private Streamed stream(InputStream body, long contentLength, String contentId, int replication, long max) {
        int chunkSize = (int) properties.chunkSize().toBytes();
        MessageDigest sha = sha256();
        Semaphore inFlight = new Semaphore(properties.chunksInFlight());
        List<Future<?>> sends = new ArrayList<>();
        long total = 0;
        int seq = 0;
        try {
            while (true) {
                int wanted = contentLength < 0 ? chunkSize : (int) Math.min(chunkSize, contentLength - total);
                if (wanted <= 0) {
                    break;
                }
                inFlight.acquire();
                boolean handedOver = false;
                try {
                    failFast(sends);
                    byte[] buffer = new byte[wanted];
                    int length = body.readNBytes(buffer, 0, wanted);
                    if (length == 0) {
                        break;
                    }
                    total += length;
                    if (total > max) {
                        throw tooLarge(max);
                    }
                    sha.update(buffer, 0, length);
                    String chunkId = Ids.newId();
                    String crc = ChunkReader.crc32c(buffer, length);
                    int index = seq++;
                    tx.executeWithoutResult(s -> chunks.insertChunk(contentId, chunkId, index, length, crc, replication));
                    sends.add(senders.submit(() -> {
                        try {
                            Set<String> stored = writer.write(chunkId, buffer, length, crc, replication);
                            tx.executeWithoutResult(s -> chunks.addReplicas(chunkId, stored));
                            if (stored.size() < writer.quorum(replication)) {
                                throw new ProblemException(ProblemType.UNAVAILABLE, "not enough storage nodes answered ("
                                        + stored.size() + " of the " + writer.quorum(replication)
                                        + " replicas a chunk needs); retry later");
                            }
                        } finally {
                            inFlight.release();
                        }
                        return null;
                    }));
                    handedOver = true;
                    if (length < wanted) {
                        break;
                    }
                } finally {
                    if (!handedOver) {
                        inFlight.release();
                    }
                }
            }
            for (Future<?> send : sends) {
                await(send);
            }
        } catch (IOException e) {
            throw ProblemException.invalid("the upload's body could not be read to its end: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            sends.forEach(f -> f.cancel(false));
        }
        return new Streamed(total, HexFormat.of().formatHex(sha.digest()));
    }

    /** Throws the first failure among the chunks already sent, and forgets those that succeeded. */
    private static void failFast(List<Future<?>> sends) throws InterruptedException {
        for (Iterator<Future<?>> it = sends.iterator(); it.hasNext(); ) {
            Future<?> send = it.next();
            if (send.isDone()) {
                await(send);
                it.remove();
            }
        }
    }

    private static void await(Future<?> send) throws InterruptedException {
        try {
            send.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private Written commit(FilePath path, String owner, Preconditions pre, int replication, String contentId,
            long size, String sha256, TenantQuota quota) {
        Instant now = clock.instant();
        ensureParents(path, owner, now);
        Entry existing = entries.findForUpdate(path.tenant(), path.path()).orElse(null);
        if (existing != null && !existing.isFile()) {
            throw ProblemException.conflict("'" + path + "' is a directory");
        }
        pre.checkWrite(path.path(), existing);
        quotas.check(path.tenant(), quota, size - (existing == null ? 0 : existing.size()),
                existing == null ? 1 : 0, true);
        chunks.markContent(contentId, "LIVE", now);
        Entry entry;
        if (existing == null) {
            entry = new Entry(Ids.newId(), path.tenant(), path.path(), path.parent().path(), path.name(), Entry.Type.FILE,
                    size, sha256, 1, replication, owner, contentId, now, now);
            if (!entries.insert(entry)) {
                throw ProblemException.preconditionFailed("'" + path + "' was created meanwhile");
            }
        } else {
            entries.replaceContent(path.tenant(), existing.id(), size, sha256, replication, contentId, now);
            chunks.markContent(existing.contentId(), "GARBAGE", now);
            entry = entries.find(path.tenant(), path.path()).orElseThrow();
        }
        outbox.publish(Topics.STORAGE_EVENTS, entry.id(), entry.tenant(), new StorageEvent.FileWritten(entry.id(),
                entry.tenant(), entry.path(), entry.size(), entry.version(), entry.checksum()));
        return new Written(FileView.of(entry), existing == null);
    }

    // ---- download ----

    /**
     * Writes bytes {@code first..last} (inclusive) of the file's content to {@code out}, chunk by verified chunk, in
     * order, while the next chunks are fetched: at most {@code chunks-in-flight} chunks of this download in memory
     * at once, the one being written included, however large the file and however slow the reader (a fetch starts
     * only when the chunk before it in the window has been written).
     */
    public void read(Entry file, long first, long last, OutputStream out) throws IOException {
        List<Slice> slices = new ArrayList<>();
        long offset = 0;
        for (ChunkRepository.Chunk chunk : chunks.chunksOf(file.contentId())) {
            long start = offset;
            long end = offset + chunk.size() - 1;
            offset += chunk.size();
            if (end >= first && start <= last) {
                slices.add(new Slice(chunk, (int) (Math.max(first, start) - start), (int) (Math.min(last, end) - start)));
            }
        }
        int inFlight = properties.chunksInFlight();
        ArrayDeque<Future<Optional<byte[]>>> window = new ArrayDeque<>();
        int next = 0;
        try {
            for (Slice slice : slices) {
                while (next < slices.size() && window.size() < inFlight) {
                    ChunkRepository.Chunk ahead = slices.get(next++).chunk();
                    window.add(senders.submit(() -> reader.read(ahead)));
                }
                writeSlice(window.removeFirst(), slice, out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(e.getCause());
        } finally {
            window.forEach(f -> f.cancel(true));
        }
        out.flush();
    }

    private record Slice(ChunkRepository.Chunk chunk, int from, int to) {
    }

    /** Writes the slice of a fetched chunk; its bytes are unreachable once this returns. */
    private static void writeSlice(Future<Optional<byte[]>> fetched, Slice slice, OutputStream out)
            throws IOException, InterruptedException, ExecutionException {
        byte[] bytes = fetched.get().orElseThrow(() -> new ProblemException(ProblemType.UNAVAILABLE,
                "no replica of a chunk of this file can be read now; retry later"));
        out.write(bytes, slice.from(), slice.to() - slice.from() + 1);
    }

    // ---- helpers ----

    private void ensureParents(FilePath path, String owner, Instant now) {
        for (FilePath dir : path.ancestors()) {
            Entry existing = entries.findForUpdate(dir.tenant(), dir.path()).orElse(null);
            if (existing == null) {
                entries.insert(directory(dir, owner, now));
            } else if (existing.isFile()) {
                throw ProblemException.conflict("'" + dir + "' is a file, so it cannot hold '" + path + "'");
            }
        }
    }

    private static Entry directory(FilePath path, String owner, Instant now) {
        return new Entry(Ids.newId(), path.tenant(), path.path(), path.parent().path(), path.name(),
                Entry.Type.DIRECTORY, 0, null, 1, 0, owner, null, now, now);
    }

    public static ProblemException notFound(FilePath path) {
        return new ProblemException(ProblemType.NOT_FOUND, "no file or directory at '" + path + "'");
    }

    private static ProblemException tooLarge(long max) {
        return new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, "the upload is larger than the largest file accepted, "
                + StorageQuota.human(max) + " (" + max + " bytes)");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
