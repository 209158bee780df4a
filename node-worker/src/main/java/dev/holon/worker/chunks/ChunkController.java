package dev.holon.worker.chunks;

import dev.holon.contracts.problem.ProblemType;
import dev.holon.contracts.storage.ChunkOp;
import dev.holon.contracts.storage.ChunkHeaders;
import dev.holon.contracts.storage.ChunkToken;
import dev.holon.support.problem.ProblemException;
import dev.holon.worker.identity.NodeIdentity;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The worker side of the storage data path (docs/storage-data-path.md): {@code PUT} with pipeline forwarding,
 * {@code GET} (whole, verified while streaming, or one range), {@code DELETE}, {@code POST .../replicate} and the
 * block report. Every chunk call is authorised by its chunk token alone (the routes are open at the filter level);
 * the block report needs a Keycloak token with role {@code service}.
 */
@RestController
class ChunkController {

    private static final Logger log = LoggerFactory.getLogger(ChunkController.class);
    private static final String PATH = "/api/v1/chunks/{chunkId}";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    // Tomcat's sendfile request attributes (org.apache.tomcat.util.net.Constants; set by its DefaultServlet too).
    private static final String SENDFILE_SUPPORTED = "org.apache.tomcat.sendfile.support";
    private static final String SENDFILE_FILENAME = "org.apache.tomcat.sendfile.filename";
    private static final String SENDFILE_START = "org.apache.tomcat.sendfile.start";
    private static final String SENDFILE_END = "org.apache.tomcat.sendfile.end";

    /** The answer to a {@code PUT} (and, relayed, to a replicate). */
    /** {@code receipts}: one per node of {@code storedOn}, in the same order (a direct client's proof at commit). */
    record Stored(String chunkId, long size, String checksum, List<String> storedOn, List<String> receipts) {
    }

    record ReplicateRequest(String target, String token) {
    }

    /** A batch of deletions, each with its own DELETE token. */
    record DeletionsRequest(List<Deletion> chunks) {
    }

    record Deletion(String chunkId, String token) {
    }

    static final int MAX_DELETIONS = 1000;

    record BlockReport(List<StoredChunk> items, String nextCursor) {
    }

    private final ChunkStore store;
    private final ChunkAccess access;
    private final ChunkForwarder forwarder;
    private final ChunkCorruption corruption;
    private final ChunkScrubber scrubber;
    private final NodeIdentity identity;
    private final long maxChunkBytes;

    ChunkController(ChunkStore store, ChunkAccess access, ChunkForwarder forwarder, ChunkCorruption corruption,
                    ChunkScrubber scrubber, NodeIdentity identity, ChunkProperties properties) {
        this.store = store;
        this.access = access;
        this.forwarder = forwarder;
        this.corruption = corruption;
        this.scrubber = scrubber;
        this.identity = identity;
        this.maxChunkBytes = properties.maxChunkBytes().toBytes();
    }

    @PutMapping(PATH)
    ResponseEntity<Stored> write(@PathVariable String chunkId,
                                 @RequestHeader(name = ChunkToken.HEADER, required = false) String token,
                                 @RequestHeader(name = ChunkHeaders.CHECKSUM, required = false) String checksum,
                                 @RequestHeader(name = ChunkHeaders.PIPELINE, required = false) String pipeline,
                                 HttpServletRequest request) throws IOException {
        authorise(chunkId, token, ChunkOp.WRITE);
        if (!Checksums.isWellFormed(checksum)) {
            throw ProblemException.invalid(ChunkHeaders.CHECKSUM
                    + " must be the chunk's CRC32C as 8 lowercase hex digits");
        }
        List<URI> downstream = pipeline(pipeline);
        long length = request.getContentLengthLong();
        if (length > maxChunkBytes) {
            throw tooLarge(chunkId, length);
        }
        ChunkForwarder.Forward forward = downstream.isEmpty() ? null
                : forwarder.start(downstream.getFirst(), downstream.subList(1, downstream.size()), chunkId, token,
                checksum, length);
        StoredChunk stored;
        try {
            stored = store.write(chunkId, checksum, request.getInputStream(), maxChunkBytes, forward);
        } catch (ChunkWriteRejected e) {
            abort(forward);
            throw switch (e.reason()) {
                case CHECKSUM_MISMATCH, INCOMPLETE -> ProblemException.invalid(e.getMessage());
                case TOO_LARGE -> new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, e.getMessage());
                case CONFLICT -> ProblemException.conflict(e.getMessage());
            };
        } catch (IOException | RuntimeException e) {
            abort(forward);
            throw e;
        }
        List<String> storedOn = new ArrayList<>();
        List<String> receipts = new ArrayList<>();
        storedOn.add(identity.nodeId());
        receipts.add(access.receipt(stored, identity.nodeId()));
        if (forward != null) {
            forward.finish();
            JsonNode answer = storedDownstream(forward);
            answer.path("storedOn").forEach(node -> storedOn.add(node.asString()));
            answer.path("receipts").forEach(receipt -> receipts.add(receipt.asString()));
        }
        return ResponseEntity.status(201).contentType(MediaType.APPLICATION_JSON)
                .body(new Stored(chunkId, stored.size(), stored.checksum(), storedOn, receipts));
    }

    /** What the downstream says it (and its own downstream) stored; nothing when it failed, said so in the log. */
    private static JsonNode storedDownstream(ChunkForwarder.Forward forward) {
        try {
            ChunkForwarder.Answer answer = forward.awaitAnswer();
            if (answer.status() != 201) {
                log.warn("Pipeline worker {} answered {}: {}", forward.target(), answer.status(),
                        new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8));
                return JSON.createObjectNode();
            }
            return JSON.readTree(answer.body());
        } catch (ChunkForwarder.DownstreamFailed e) {
            log.warn("Pipeline worker left out: {}", e.getMessage());
            return JSON.createObjectNode();
        } catch (RuntimeException e) {
            log.warn("Pipeline worker {} gave an unreadable answer: {}", forward.target(), e.toString());
            return JSON.createObjectNode();
        }
    }

    @GetMapping(PATH)
    void read(@PathVariable String chunkId, @RequestHeader(name = ChunkToken.HEADER, required = false) String token,
              @RequestHeader(name = HttpHeaders.RANGE, required = false) String range,
              @RequestHeader(name = ChunkHeaders.READER_VERIFIES, required = false) String readerVerifies,
              HttpServletRequest request, HttpServletResponse response) throws IOException {
        authorise(chunkId, token, ChunkOp.READ);
        StoredChunk chunk = existing(chunkId);
        Optional<ChunkRange> part = Optional.empty();
        if (range != null) {
            try {
                part = ChunkRange.parse(range, chunk.size());
            } catch (ChunkRange.Malformed e) {
                throw ProblemException.invalid(e.getMessage());
            }
            if (part.isEmpty()) {
                ErrorResponseException unsatisfiable = new ErrorResponseException(
                        HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE, ProblemDetail.forStatusAndDetail(
                        HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                        "the range starts beyond the chunk's " + chunk.size() + " bytes"), null);
                unsatisfiable.getHeaders().set(HttpHeaders.CONTENT_RANGE, "bytes */" + chunk.size());
                throw unsatisfiable;
            }
        }
        if (part.isEmpty() && "true".equals(readerVerifies) && sentByKernel(chunk, request, response)) {
            return;
        }
        InputStream data = openOrReport(chunk, part.map(ChunkRange::first).orElse(0L));
        describe(chunk, response);
        if (part.isPresent()) {
            ChunkRange r = part.get();
            response.setStatus(206);
            response.setHeader(HttpHeaders.CONTENT_RANGE, "bytes " + r.first() + "-" + r.last() + "/" + chunk.size());
            response.setContentLengthLong(r.length());
            try (InputStream in = data; OutputStream out = response.getOutputStream()) {
                byte[] buffer = new byte[ChunkStore.BUFFER_BYTES];
                long remaining = r.length();
                while (remaining > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                    if (n < 0) {
                        break;
                    }
                    out.write(buffer, 0, n);
                    remaining -= n;
                }
            }
            return;
        }
        response.setStatus(200);
        response.setContentLengthLong(chunk.size());
        try {
            store.copyVerified(chunk, data, response.getOutputStream(), corruption);
        } catch (ChunkCorruptedException e) {
            log.warn("Read of chunk {} aborted: {}", chunkId, e.getMessage());
            throw new ReadAborted(e);
        }
    }

    /**
     * Hands the whole replica to Tomcat's sendfile, which moves it from the page cache to the socket after this
     * returns, with no copy through the JVM; only for a reader that checks the CRC32C itself (and, on a mismatch,
     * reads again without {@value ChunkHeaders#READER_VERIFIES}, so that this node verifies, reports and aborts).
     * A data file of the wrong size is left to {@link ChunkStore#copyVerified}, which reports it.
     */
    private boolean sentByKernel(StoredChunk chunk, HttpServletRequest request, HttpServletResponse response) {
        if (!Boolean.TRUE.equals(request.getAttribute(SENDFILE_SUPPORTED))) {
            return false;
        }
        Path file = store.dataFile(chunk.chunkId());
        try {
            if (Files.size(file) != chunk.size()) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        describe(chunk, response);
        request.setAttribute(SENDFILE_FILENAME, file.toString());
        request.setAttribute(SENDFILE_START, 0L);
        request.setAttribute(SENDFILE_END, chunk.size());
        response.setStatus(200);
        response.setContentLengthLong(chunk.size());
        return true;
    }

    /** The headers of a chunk's bytes (not of a problem: set only once the bytes are about to go out). */
    private static void describe(StoredChunk chunk, HttpServletResponse response) {
        response.setContentType(MediaType.APPLICATION_OCTET_STREAM_VALUE);
        response.setHeader(ChunkHeaders.CHECKSUM, chunk.checksum());
        response.setHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
    }

    @DeleteMapping(PATH)
    ResponseEntity<Void> delete(@PathVariable String chunkId,
                                @RequestHeader(name = ChunkToken.HEADER, required = false) String token)
            throws IOException {
        authorise(chunkId, token, ChunkOp.DELETE);
        store.delete(chunkId);
        return ResponseEntity.noContent().build();
    }

    @PostMapping(PATH + "/replicate")
    ResponseEntity<byte[]> replicate(@PathVariable String chunkId,
                                     @RequestHeader(name = ChunkToken.HEADER, required = false) String token,
                                     @RequestBody ReplicateRequest body) throws IOException {
        authorise(chunkId, token, ChunkOp.READ);
        if (body.token() == null || body.token().isBlank()) {
            throw ProblemException.invalid("token must be a WRITE token for the chunk on the target");
        }
        URI target = workerUrl(body.target(), "target");
        StoredChunk chunk = existing(chunkId);
        InputStream data = openOrReport(chunk, 0);
        ChunkForwarder.Forward forward = forwarder.start(target, List.of(), chunkId, body.token(), chunk.checksum(),
                chunk.size());
        try {
            store.copyVerified(chunk, data, forward, corruption);
        } catch (ChunkCorruptedException e) {
            forward.abort();
            throw ProblemException.conflict("the replica of chunk " + chunkId
                    + " on this node failed its checksum and was reported; copy another replica");
        } catch (IOException | RuntimeException e) {
            forward.abort();
            throw e;
        }
        forward.finish();
        ChunkForwarder.Answer answer;
        try {
            answer = forward.awaitAnswer();
        } catch (ChunkForwarder.DownstreamFailed e) {
            throw new ProblemException(ProblemType.UNAVAILABLE, "the target worker did not take the chunk: "
                    + e.getMessage());
        }
        return ResponseEntity.status(answer.status()).contentType(MediaType.parseMediaType(answer.contentType()))
                .body(answer.body());
    }

    /**
     * Deletes many replicas in one call (storage-service's garbage collection: a deleted 1 GiB file is 128 chunks per
     * worker). Each entry carries its own DELETE token and every token is checked before anything is deleted, so a
     * batch with one bad token deletes nothing. 204 also for replicas that were not there, as a single DELETE.
     */
    @PostMapping("/api/v1/chunks/deletions")
    ResponseEntity<Void> deleteAll(@RequestBody DeletionsRequest body) throws IOException {
        if (body == null || body.chunks() == null || body.chunks().isEmpty()) {
            throw ProblemException.invalid("chunks must list at least one {chunkId, token}");
        }
        if (body.chunks().size() > MAX_DELETIONS) {
            throw ProblemException.invalid("at most " + MAX_DELETIONS + " chunks per call, not " + body.chunks().size());
        }
        for (Deletion deletion : body.chunks()) {
            if (deletion == null || deletion.chunkId() == null) {
                throw ProblemException.invalid("every entry of chunks needs a chunkId and a token");
            }
            authorise(deletion.chunkId(), deletion.token(), ChunkOp.DELETE);
        }
        for (Deletion deletion : body.chunks()) {
            store.delete(deletion.chunkId());
        }
        return ResponseEntity.noContent().build();
    }

    /**
     * Scrubs every replica now (an operator asked through storage-service) and answers what it found; corrupt
     * replicas are reported as the periodic scrub reports them. Paced like the periodic scrub.
     */
    @PostMapping("/api/v1/chunks/scrubs")
    ChunkScrubber.Pass scrub(@RequestHeader(name = ChunkToken.HEADER, required = false) String token)
            throws IOException {
        access.refusal(token, ChunkOp.SCRUB, ChunkOp.EVERY_CHUNK).ifPresent(reason -> {
            throw new ProblemException(ProblemType.FORBIDDEN, reason);
        });
        return scrubber.scrubAll();
    }

    @GetMapping("/api/v1/chunks")
    @PreAuthorize("hasRole('service')")
    BlockReport blockReport(@RequestParam(required = false) String after,
                            @RequestParam(defaultValue = "50") int limit) throws IOException {
        if (after != null && !ChunkIds.isValid(after)) {
            throw ProblemException.invalid("after must be a chunk id");
        }
        if (limit < 1 || limit > 500) {
            throw ProblemException.invalid("limit must be between 1 and 500");
        }
        List<StoredChunk> page = store.list(after, limit + 1);
        boolean more = page.size() > limit;
        List<StoredChunk> items = more ? page.subList(0, limit) : page;
        return new BlockReport(items, more ? items.getLast().chunkId() : null);
    }

    private void authorise(String chunkId, String token, ChunkOp op) {
        if (!ChunkIds.isValid(chunkId)) {
            throw ProblemException.invalid("not a chunk id: letters, digits, '-' and '_', 2 to 128 characters");
        }
        access.refusal(token, op, chunkId).ifPresent(reason -> {
            throw new ProblemException(ProblemType.FORBIDDEN, reason);
        });
    }

    private StoredChunk existing(String chunkId) throws IOException {
        return store.find(chunkId).orElseThrow(() -> ProblemException.notFound("chunk", chunkId));
    }

    /** Opens the data file; a sidecar without its file is a corrupted replica: reported, and 404 to the reader. */
    private InputStream openOrReport(StoredChunk chunk, long offset) throws IOException {
        try {
            return store.open(chunk, offset);
        } catch (NoSuchFileException e) {
            if (store.find(chunk.chunkId()).isEmpty()) {
                throw ProblemException.notFound("chunk", chunk.chunkId()); // deleted meanwhile
            }
            corruption.found(chunk.chunkId(), chunk.checksum(), ChunkStore.MISSING);
            throw new ProblemException(ProblemType.NOT_FOUND, "the replica of chunk " + chunk.chunkId()
                    + " on this node is lost and was reported; read another replica");
        }
    }

    private static List<URI> pipeline(String header) {
        List<URI> urls = new ArrayList<>();
        if (header != null) {
            for (String part : header.split(",")) {
                if (!part.isBlank()) {
                    urls.add(workerUrl(part.strip(), ChunkHeaders.PIPELINE));
                }
            }
        }
        return urls;
    }

    private static URI workerUrl(String value, String what) {
        try {
            URI uri = value == null ? null : URI.create(value);
            if (uri != null && uri.isAbsolute() && uri.getHost() != null
                    && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw ProblemException.invalid(what + " must hold worker API URLs (http://host:port), got '" + value + "'");
    }

    private ProblemException tooLarge(String chunkId, long length) {
        return new ProblemException(ProblemType.PAYLOAD_TOO_LARGE, "chunk " + chunkId + " has " + length
                + " bytes; a chunk may have at most " + maxChunkBytes);
    }

    private static void abort(ChunkForwarder.Forward forward) {
        if (forward != null) {
            forward.abort();
        }
    }

    /**
     * Nothing may be written after a whole read stopped short: the exception goes on to the servlet container, which
     * closes the connection of a committed response, so the reader sees a body shorter than its Content-Length.
     */
    @ExceptionHandler(ReadAborted.class)
    void readAborted(ReadAborted aborted) {
        throw aborted;
    }

    /** A whole read stopped short on purpose (see {@link ChunkStore#copyVerified}). */
    static final class ReadAborted extends RuntimeException {
        ReadAborted(ChunkCorruptedException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }
}
