package dev.holon.cli.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import java.util.stream.StreamSupport;
import java.util.zip.CRC32C;

/**
 * The client half of the direct data path (docs/storage-data-path.md): the bytes go between this process and the
 * workers, as an HDFS client writes to DataNodes, and storage-service only plans and commits. An upload asks for a
 * plan ({@code ?op=upload}), sends every chunk once to its first target with the others as its pipeline and keeps
 * the workers' receipts, then commits ({@code ?op=commit}); a download locates the chunks ({@code ?op=locate}) and
 * reads each from its best replica, verifying its CRC32C and falling back to the next replica; a directory's files
 * are located a page at a time and read the same way. A few chunks are in flight at once, each on a thread of its
 * own (blocking sockets: no poller between the socket and the thread), so memory is that many chunk buffers.
 */
public final class DirectTransfer {

    /** The namespace calls (through the gateway, with the caller's credentials); errors are the caller's to throw. */
    public interface Namespace {
        JsonNode post(String pathAndQuery, String jsonBody, Map<String, String> headers);

        JsonNode get(String pathAndQuery);
    }

    /** Where the files of a directory go, one stream per file. */
    public interface FileSink {
        /** The stream for {@code file} (its located view: path, size, checksum, version, chunks); closed by the caller. */
        OutputStream open(JsonNode file) throws IOException;

        /** Every byte of {@code file} was written to its stream, which is closed. */
        default void complete(JsonNode file) throws IOException {
        }
    }

    /** No worker of a chunk could be reached: this client cannot use the direct path (use the gateway's). */
    public static final class WorkersUnreachable extends RuntimeException {
        WorkersUnreachable(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "X-Holon-Chunk-Token";
    private static final String CHECKSUM = "X-Holon-Chunk-Checksum";
    private static final String PIPELINE = "X-Holon-Chunk-Pipeline";
    /** This client checks the CRC32C: a worker may skip its own check (and its copy of the bytes). */
    private static final String READER_VERIFIES = "X-Holon-Chunk-Reader-Verifies";
    private static final Duration WORKER_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Files located per call when a directory is read, after the first call's {@value #FIRST_LOCATE_PAGE}. */
    private static final int LOCATE_PAGE = 500;
    private static final int FIRST_LOCATE_PAGE = 50;

    private final Namespace namespace;
    private final int inFlight;
    /**
     * The threads that send and fetch chunks, kept between calls (a pool per call cost a file read one at a time
     * about 4 % of its time); each call keeps at most {@code inFlight} of them busy. Daemons, gone after a minute idle.
     */
    private final ExecutorService chunkThreads = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("holon-chunks-", 0).daemon().factory());

    public DirectTransfer(Namespace namespace, int inFlight) {
        this.namespace = namespace;
        this.inFlight = inFlight;
    }

    /**
     * Uploads {@code file} to {@code apiPath} ({@code /api/v1/files/<tenant>/...}) and answers the file's view.
     *
     * @param preconditions {@code If-Match} / {@code If-None-Match}, checked at the start and at the commit
     */
    public JsonNode upload(String apiPath, Path file, Integer replication, Map<String, String> preconditions,
            LongConsumer progress) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ObjectNode begin = JSON.createObjectNode().put("size", size);
            if (replication != null) {
                begin.put("replication", replication);
            }
            JsonNode plan = namespace.post(apiPath + "?op=upload", begin.toString(), preconditions);
            MessageDigest sha = sha256();
            ArrayNode stored = JSON.createArrayNode();
            Buffers buffers = new Buffers(inFlight + 1);
            ArrayDeque<Future<ObjectNode>> window = new ArrayDeque<>();
            try {
                long offset = 0;
                for (JsonNode chunk : plan.path("chunks")) {
                    int length = chunk.path("size").asInt();
                    if (window.size() >= inFlight) {
                        stored.add(await(window.removeFirst()));
                    }
                    byte[] bytes = buffers.take(length);
                    readFully(channel, ByteBuffer.wrap(bytes, 0, length), offset);
                    offset += length;
                    sha.update(bytes, 0, length);
                    window.add(chunkThreads.submit(() -> {
                        try {
                            ObjectNode sent = send(chunk, bytes, length);
                            progress.accept(length);
                            return sent;
                        } finally {
                            buffers.give(bytes);
                        }
                    }));
                }
                while (!window.isEmpty()) {
                    stored.add(await(window.removeFirst()));
                }
            } finally {
                window.forEach(send -> send.cancel(true)); // a failed upload sends no more chunks
            }
            ObjectNode commit = JSON.createObjectNode().put("sha256", HexFormat.of().formatHex(sha.digest()));
            commit.set("chunks", stored);
            return namespace.post(apiPath + "?op=commit&upload=" + plan.path("uploadId").asText(), commit.toString(),
                    preconditions);
        }
    }

    /** One chunk down its pipeline: to the first target that answers, the others behind it. */
    private ObjectNode send(JsonNode chunk, byte[] bytes, int length) throws IOException {
        List<String> targets = new ArrayList<>();
        chunk.path("targets").forEach(t -> targets.add(t.asText()));
        String checksum = crc32c(bytes, length);
        String failure = "no targets";
        for (int first = 0; first < targets.size(); first++) {
            List<String> pipeline = new ArrayList<>(targets.subList(first + 1, targets.size()));
            pipeline.addAll(targets.subList(0, first));
            WorkerAnswer answer;
            try {
                answer = put(targets.get(first), pipeline, chunk, checksum, bytes, length);
            } catch (IOException broken) {
                // The connection ended before any answer: a drop, or a stale one from the JDK's keep-alive cache,
                // which it hands to a streamed PUT unchecked. Writing a chunk again is harmless (same id, same
                // bytes), so that worker gets one more try on a new connection before the next target.
                try {
                    answer = put(targets.get(first), pipeline, chunk, checksum, bytes, length);
                } catch (IOException e) { // unreachable, or it died or hung up during the chunk: the next target
                    failure = targets.get(first) + " failed (" + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
                    continue;
                }
            }
            if (answer.status() == 201) {
                ObjectNode stored = JSON.createObjectNode().put("index", chunk.path("index").asInt())
                        .put("checksum", checksum);
                stored.set("receipts", JSON.readTree(answer.body()).path("receipts"));
                return stored;
            }
            failure = targets.get(first) + " answered " + answer.status() + ": " + answer.body();
            if (answer.status() < 500) {
                throw new IOException("chunk " + chunk.path("index").asInt() + " was refused: " + failure);
            }
        }
        throw new WorkersUnreachable("no worker took chunk " + chunk.path("index").asInt() + ": " + failure);
    }

    private record WorkerAnswer(int status, String body) {
    }

    /** One {@code PUT} of the chunk to {@code target}, forwarding {@code pipeline}; throws when no answer came. */
    private static WorkerAnswer put(String target, List<String> pipeline, JsonNode chunk, String checksum,
            byte[] bytes, int length) throws IOException {
        HttpURLConnection put = worker(target, chunk);
        try {
            put.setRequestMethod("PUT");
            // A connection per chunk, as the workers' pipeline does: a cached one to a worker that restarted since
            // looks open until written to, and a streamed PUT is never retried.
            put.setRequestProperty("Connection", "close");
            put.setRequestProperty(CHECKSUM, checksum);
            put.setRequestProperty("Content-Type", "application/octet-stream");
            if (!pipeline.isEmpty()) {
                put.setRequestProperty(PIPELINE, String.join(",", pipeline));
            }
            put.setDoOutput(true);
            put.setFixedLengthStreamingMode(length);
            try (OutputStream body = put.getOutputStream()) {
                body.write(bytes, 0, length);
            }
            int status = put.getResponseCode();
            InputStream in = status < 400 ? put.getInputStream() : put.getErrorStream();
            return new WorkerAnswer(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            put.disconnect(); // closing the stream instead would keep the connection
        }
    }

    /** Writes the whole file at {@code apiPath} to {@code out}, chunk by verified chunk; answers the bytes written. */
    public long download(String apiPath, OutputStream out, LongConsumer progress) throws IOException {
        JsonNode located = namespace.get(apiPath + "?op=locate");
        if (!located.has("chunks")) {
            throw new IOException(apiPath + " is a directory");
        }
        long[] written = {0};
        readInOrder(List.of(located), file -> keepOpen(out), n -> {
            written[0] += n;
            progress.accept(n);
        });
        out.flush();
        return written[0];
    }

    /**
     * Reads every file directly in the directory at {@code apiDir} (not its subdirectories) into {@code sink}, in name
     * order: the files are located a page per namespace call, the next page while this one is read (the first page
     * is short, so that reading starts soon), and the next chunks, also of the next files, are fetched while one is
     * written, so many small files cost one call to the workers each. Answers the number of files read.
     */
    public int downloadDirectory(String apiDir, FileSink sink, LongConsumer progress) throws IOException {
        int files = 0;
        try (ExecutorService locator = Executors.newSingleThreadExecutor()) {
            Future<JsonNode> next = locator.submit(() -> locate(apiDir, null, FIRST_LOCATE_PAGE));
            while (next != null) {
                JsonNode page = await(next);
                JsonNode cursor = page.path("nextCursor");
                next = cursor.isTextual() ? locator.submit(() -> locate(apiDir, cursor.asText(), LOCATE_PAGE)) : null;
                List<JsonNode> located = new ArrayList<>();
                page.path("items").forEach(located::add);
                readInOrder(located, sink, progress);
                files += located.size();
            }
        }
        return files;
    }

    private JsonNode locate(String apiDir, String cursor, int limit) {
        return namespace.get(apiDir + "?op=locate&limit=" + limit
                + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
    }

    /** {@code out}, left open when a file's stream is closed. */
    private static OutputStream keepOpen(OutputStream out) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
            }
        };
    }

    /** The chunks of {@code files}, one file after another, {@code inFlight} chunks fetched ahead. */
    private void readInOrder(List<JsonNode> files, FileSink sink, LongConsumer progress) throws IOException {
        Iterator<JsonNode> ahead = files.stream().flatMap(file -> StreamSupport.stream(file.path("chunks").spliterator(), false))
                .iterator();
        Buffers buffers = new Buffers(inFlight + 1);
        ArrayDeque<Future<Fetched>> window = new ArrayDeque<>();
        try {
            for (JsonNode file : files) {
                try (OutputStream out = sink.open(file)) {
                    for (int i = 0; i < file.path("chunks").size(); i++) {
                        while (window.size() < inFlight && ahead.hasNext()) {
                            JsonNode chunk = ahead.next();
                            window.add(chunkThreads.submit(() -> fetch(chunk, buffers)));
                        }
                        Fetched fetched = await(window.removeFirst());
                        out.write(fetched.bytes(), 0, fetched.length());
                        buffers.give(fetched.bytes());
                        progress.accept(fetched.length());
                    }
                }
                sink.complete(file);
            }
        } finally {
            window.forEach(fetch -> fetch.cancel(true)); // a failed read fetches no more chunks
        }
    }

    /** The first {@code length} bytes of {@code bytes} are a chunk's. */
    private record Fetched(byte[] bytes, int length) {
    }

    /**
     * A chunk's bytes, in a buffer of {@code buffers}, from the first replica whose bytes match its checksum. This
     * client checks every chunk, so a worker may send it straight from its disk without checking it first; bytes
     * that do not match are asked for once more with the worker checking them, which reports a corrupt replica (and
     * breaks off the body) or, when the bytes were spoilt on the way, sends them again.
     */
    private Fetched fetch(JsonNode chunk, Buffers buffers) throws IOException {
        String failure = "it has no live replica now";
        for (JsonNode replica : chunk.path("replicas")) {
            try {
                Fetched fetched = fetch(chunk, replica.asText(), true, buffers);
                if (fetched == null) {
                    fetched = fetch(chunk, replica.asText(), false, buffers);
                }
                if (fetched != null) {
                    return fetched;
                }
                failure = replica.asText() + " sent bytes that do not match the chunk";
            } catch (IOException e) { // a broken body (the worker found its replica corrupt) or a dead worker
                failure = replica.asText() + ": " + e.getMessage();
            }
        }
        throw new WorkersUnreachable("no replica of chunk " + chunk.path("index").asInt() + " could be read: " + failure);
    }

    /** The chunk from the worker at {@code apiUrl}; null when its bytes do not match the chunk's checksum. */
    private static Fetched fetch(JsonNode chunk, String apiUrl, boolean unchecked, Buffers buffers) throws IOException {
        int size = chunk.path("size").asInt();
        HttpURLConnection get = worker(apiUrl, chunk);
        if (unchecked) {
            get.setRequestProperty(READER_VERIFIES, "true");
        }
        int status = get.getResponseCode();
        if (status != 200 || get.getContentLengthLong() != size) {
            throw new IOException("answered " + status + ": " + new String(answerOf(get), StandardCharsets.UTF_8));
        }
        byte[] bytes = buffers.take(size);
        boolean whole = false;
        try (InputStream body = get.getInputStream()) {
            whole = body.readNBytes(bytes, 0, size) == size
                    && crc32c(bytes, size).equals(chunk.path("checksum").asText());
        } finally {
            if (!whole) {
                buffers.give(bytes);
            }
        }
        return whole ? new Fetched(bytes, size) : null;
    }

    /**
     * A request for the chunk on the worker at {@code apiUrl}, with the chunk's token. The JDK's blocking
     * {@link HttpURLConnection} (with its keep-alive cache), not {@link java.net.http.HttpClient}: for chunk bodies it
     * costs a quarter of the CPU (measured: 512 MiB of 8 MiB bodies read in 0.4 CPU seconds against 1.5-1.7), and on
     * the direct path this client's CPU is what limits a read.
     */
    private static HttpURLConnection worker(String apiUrl, JsonNode chunk) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(apiUrl + "/api/v1/chunks/"
                + chunk.path("chunkId").asText()).toURL().openConnection(Proxy.NO_PROXY);
        connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        connection.setReadTimeout((int) WORKER_TIMEOUT.toMillis());
        connection.setRequestProperty(TOKEN, chunk.path("token").asText());
        return connection;
    }

    /** The whole answer body (a problem, or a write's receipts), read so that the connection can be reused. */
    private static byte[] answerOf(HttpURLConnection connection) throws IOException {
        InputStream body = connection.getResponseCode() < 400 ? connection.getInputStream() : connection.getErrorStream();
        if (body == null) {
            return new byte[0];
        }
        try (body) {
            return body.readAllBytes();
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position + buffer.position());
            if (read < 0) {
                throw new IOException("the file got shorter while it was being uploaded");
            }
        }
    }

    private static <T> T await(Future<T> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException runtime -> throw runtime;
                default -> throw new IOException(e.getCause());
            }
        }
    }

    static String crc32c(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }

    /**
     * The chunk buffers of one transfer, reused: a fresh array per chunk is zeroed first and, in a G1 heap, takes
     * the slow path of a humongous object. A buffer is taken when its chunk is read and given back once written;
     * the window bounds how many are out at once.
     */
    private static final class Buffers {
        private final ArrayBlockingQueue<byte[]> free;

        Buffers(int capacity) {
            free = new ArrayBlockingQueue<>(capacity);
        }

        byte[] take(int size) {
            byte[] buffer = free.poll();
            return buffer != null && buffer.length >= size ? buffer : new byte[size];
        }

        void give(byte[] buffer) {
            free.offer(buffer);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
