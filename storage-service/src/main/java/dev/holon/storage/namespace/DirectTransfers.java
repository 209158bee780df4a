package dev.holon.storage.namespace;

import dev.holon.contracts.Ids;
import dev.holon.contracts.Page;
import dev.holon.contracts.problem.ProblemType;
import dev.holon.contracts.storage.ChunkOp;
import dev.holon.contracts.storage.ChunkToken;
import dev.holon.storage.StorageProperties;
import dev.holon.storage.chunk.ChunkClient;
import dev.holon.storage.chunk.ChunkReader;
import dev.holon.storage.chunk.ChunkRepository;
import dev.holon.storage.chunk.ChunkWriter;
import dev.holon.storage.node.NodeDirectory;
import dev.holon.storage.placement.ChunkPlacement;
import dev.holon.storage.placement.StorageNode;
import dev.holon.support.problem.ProblemException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The direct data path (docs/storage-data-path.md): a client that can reach the workers moves the bytes itself, as
 * an HDFS client does with DataNodes, and this service keeps only the namespace. {@link #begin} plans an upload's
 * chunks (ids, target workers, WRITE tokens); the client sends each chunk once down its pipeline and keeps the
 * workers' signed receipts; {@link #commit} checks the receipts against the plan and makes the file visible in one
 * transaction, like a streamed upload. {@link #locate} hands a reader the chunks, their replicas and READ tokens.
 */
@Service
public class DirectTransfers {

    public record PlannedChunk(int index, String chunkId, long size, String token, List<String> targets) {
    }

    public record Upload(String uploadId, String path, long size, int replication, long chunkSize, Instant expiresAt,
                         List<PlannedChunk> chunks) {
    }

    public record StoredChunk(int index, String checksum, List<String> receipts) {
    }

    public record Commit(String sha256, List<StoredChunk> chunks) {
    }

    public record LocatedChunk(int index, String chunkId, long offset, long size, String checksum, String token,
                               List<String> replicas) {
    }

    public record Located(String path, long size, String checksum, long version, Instant expiresAt,
                          List<LocatedChunk> chunks) {
    }

    private final ChunkRepository chunks;
    private final ChunkClient client;
    private final ChunkWriter writer;
    private final ChunkPlacement placement;
    private final NodeDirectory directory;
    private final FileService files;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final StorageProperties properties;

    public DirectTransfers(ChunkRepository chunks, ChunkClient client, ChunkWriter writer,
            ChunkPlacement placement, NodeDirectory directory, FileService files,
            TransactionTemplate tx, Clock clock, StorageProperties properties) {
        this.chunks = chunks;
        this.client = client;
        this.writer = writer;
        this.placement = placement;
        this.directory = directory;
        this.files = files;
        this.tx = tx;
        this.clock = clock;
        this.properties = properties;
    }

    /** Checks what a streamed upload checks before its first byte, then plans every chunk of {@code size} bytes. */
    public Upload begin(FilePath path, String owner, long size, Integer replicationParam, Preconditions pre) {
        if (size < 0) {
            throw ProblemException.invalid("size must be the file's length in bytes (0 or more)");
        }
        int replication = files.checkUpload(path, size, replicationParam, pre).replication();
        List<StorageNode> nodes = directory.nodes();
        if (nodes.stream().noneMatch(StorageNode::writable)) {
            nodes = directory.refresh();
        }
        long chunkSize = properties.chunkSize().toBytes();
        Instant now = clock.instant();
        Instant expiresAt = now.plus(properties.directUploadTtl());
        String uploadId = Ids.newId();
        List<PlannedChunk> planned = new ArrayList<>();
        int count = (int) ((size + chunkSize - 1) / chunkSize);
        for (int index = 0; index < count; index++) {
            String chunkId = Ids.newId();
            List<StorageNode> targets = placement.chooseTargets(chunkId, replication, List.of(), nodes);
            if (targets.size() < writer.quorum(replication)) {
                throw new ProblemException(ProblemType.UNAVAILABLE, "only " + targets.size() + " storage nodes can take "
                        + "a chunk now and a chunk needs " + writer.quorum(replication) + "; retry later");
            }
            long chunkBytes = Math.min(chunkSize, size - index * chunkSize);
            planned.add(new PlannedChunk(index, chunkId, chunkBytes,
                    client.token(ChunkOp.WRITE, chunkId, expiresAt),
                    targets.stream().map(StorageNode::apiUrl).toList()));
        }
        List<StorageNode> all = nodes;
        // the planned targets as replicas, so an abandoned upload's chunks are found and deleted; replaced at commit
        List<ChunkRepository.DirectChunk> rows = planned.stream().map(chunk -> new ChunkRepository.DirectChunk(
                chunk.chunkId(), chunk.index(), (int) chunk.size(), null,
                all.stream().filter(n -> chunk.targets().contains(n.apiUrl())).map(StorageNode::id).toList())).toList();
        tx.executeWithoutResult(s -> {
            chunks.newDirectContent(uploadId, path.tenant(), path.path(), owner, size, replication, expiresAt, now);
            chunks.insertPlanned(uploadId, replication, rows);
        });
        return new Upload(uploadId, path.toString(), size, replication, chunkSize, expiresAt, List.copyOf(planned));
    }

    /** Records what the receipts prove and makes the upload the file's content, or refuses with the reason. */
    public FileService.Written commit(FilePath path, String uploadId, Commit commit, Preconditions pre) {
        if (uploadId == null || uploadId.isBlank()) {
            throw ProblemException.invalid("name the upload: ?op=commit&upload=<uploadId>");
        }
        if (commit == null || commit.chunks() == null || commit.sha256() == null
                || !commit.sha256().matches("[0-9a-f]{64}")) {
            throw ProblemException.invalid("send {\"sha256\": \"<64 hex digits>\", \"chunks\": [{\"index\", \"checksum\", "
                    + "\"receipts\": [...]}]}");
        }
        ChunkRepository.DirectContent upload = chunks.directContent(uploadId)
                .filter(u -> u.tenant().equals(path.tenant()) && u.path().equals(path.path()))
                .orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND, "no upload " + uploadId + " of '" + path + "'"));
        if (!upload.state().equals("WRITING")) {
            throw ProblemException.conflict("upload " + uploadId + " is already " + upload.state().toLowerCase()
                    + "; start a new one");
        }
        if (clock.instant().isAfter(upload.expiresAt())) {
            throw ProblemException.conflict("upload " + uploadId + " expired at " + upload.expiresAt() + "; start a new one");
        }
        List<ChunkRepository.Chunk> planned = chunks.chunksOf(uploadId);
        Map<Integer, StoredChunk> sent = commit.chunks().stream()
                .collect(Collectors.toMap(StoredChunk::index, Function.identity(), (a, b) -> {
                    throw ProblemException.invalid("chunk " + a.index() + " is listed twice");
                }));
        if (sent.size() != planned.size()) {
            throw ProblemException.invalid("the upload has " + planned.size() + " chunks; " + sent.size() + " were listed");
        }
        Map<String, Set<String>> holders = new java.util.HashMap<>();
        for (ChunkRepository.Chunk chunk : planned) {
            StoredChunk stored = sent.get(chunk.seq());
            if (stored == null) {
                throw ProblemException.invalid("chunk " + chunk.seq() + " is missing");
            }
            holders.put(chunk.id(), provenHolders(chunk, stored, upload.replication()));
        }
        List<ChunkRepository.DirectChunk> proven = planned.stream().map(chunk -> new ChunkRepository.DirectChunk(
                chunk.id(), chunk.seq(), chunk.size(), sent.get(chunk.seq()).checksum(), holders.get(chunk.id())))
                .toList();
        return files.commitDirect(path, upload, pre, commit.sha256(), () -> chunks.setChecksumsAndReplicas(proven));
    }

    /** The nodes whose receipts prove they hold exactly this chunk; at least the write quorum, else 409. */
    private Set<String> provenHolders(ChunkRepository.Chunk chunk, StoredChunk stored, int replication) {
        if (stored.checksum() == null || !stored.checksum().matches("[0-9a-f]{8}")) {
            throw ProblemException.invalid("chunk " + chunk.seq() + ": checksum must be its CRC32C as 8 hex digits");
        }
        Set<String> nodes = new LinkedHashSet<>();
        for (String receipt : stored.receipts() == null ? List.<String>of() : stored.receipts()) {
            client.verifyReceipt(receipt)
                    .filter(r -> r.chunkId().equals(chunk.id()) && r.size() == chunk.size()
                            && r.checksum().equals(stored.checksum()))
                    .map(ChunkToken.Receipt::nodeId)
                    .ifPresent(nodes::add);
        }
        if (nodes.size() < writer.quorum(replication)) {
            throw ProblemException.conflict("chunk " + chunk.seq() + " (" + chunk.id() + ") is proven stored on "
                    + nodes.size() + " nodes and needs " + writer.quorum(replication)
                    + "; send it again (any of its targets takes it with the same token) and commit again");
        }
        return nodes;
    }

    /**
     * Where each chunk of the file ({@code entry}, read at {@code path}) is, best replica first, with a READ token per
     * chunk.
     */
    public Located locate(FilePath path, Entry entry) {
        return located(path.toString(), entry, chunks.chunksOf(entry.contentId()), nodesById(),
                clock.instant().plus(properties.directUploadTtl()));
    }

    /**
     * The files among a page of the directory's children (by name, paged as {@code ?op=list} pages them), each located
     * as {@link #locate(FilePath, Entry)} does: one call and two queries for up to {@code limit} files, so a client
     * reading many small files does not make a namespace call per file. Subdirectories take their place in the page
     * but are not entered.
     */
    public Page<Located> locateChildren(FilePath dir, String cursor, int limit) {
        Page<Entry> page = files.children(dir, cursor, limit);
        List<Entry> filesOnPage = page.items().stream().filter(Entry::isFile).toList();
        Map<String, List<ChunkRepository.Chunk>> chunksByContent = filesOnPage.isEmpty() ? Map.of()
                : chunks.chunksOf(filesOnPage.stream().map(Entry::contentId).toList());
        Map<String, StorageNode> nodes = nodesById();
        Instant expiresAt = clock.instant().plus(properties.directUploadTtl());
        List<Located> located = filesOnPage.stream()
                .map(file -> located(file.path(), file,
                        chunksByContent.getOrDefault(file.contentId(), List.of()), nodes, expiresAt))
                .toList();
        return new Page<>(located, page.nextCursor());
    }

    private Map<String, StorageNode> nodesById() {
        return directory.nodes().stream().collect(Collectors.toMap(StorageNode::id, Function.identity(), (a, b) -> a));
    }

    private Located located(String path, Entry entry, List<ChunkRepository.Chunk> fileChunks,
                            Map<String, StorageNode> nodes, Instant expiresAt) {
        List<LocatedChunk> located = new ArrayList<>();
        long offset = 0;
        for (ChunkRepository.Chunk chunk : fileChunks) {
            List<String> replicas = chunk.replicas().stream().filter(r -> !r.corrupt())
                    .map(r -> nodes.get(r.nodeId())).filter(n -> n != null && n.apiUrl() != null && n.alive())
                    .sorted(ChunkReader.readOrder(chunk.id()))
                    .map(StorageNode::apiUrl).toList();
            located.add(new LocatedChunk(chunk.seq(), chunk.id(), offset, chunk.size(), chunk.checksum(),
                    client.token(ChunkOp.READ, chunk.id(), expiresAt), replicas));
            offset += chunk.size();
        }
        return new Located(path, entry.size(), entry.checksum(), entry.version(), expiresAt, located);
    }
}
