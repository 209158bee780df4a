package dev.holon.cli.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
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
 * reads each from its best replica, verifying its CRC32C and falling back to the next replica. A few chunks are in
 * flight at once, so memory is that many chunks.
 */
public final class DirectTransfer {

    /** The namespace calls (through the gateway, with the caller's credentials); errors are the caller's to throw. */
    public interface Namespace {
        JsonNode post(String pathAndQuery, String jsonBody, Map<String, String> headers);

        JsonNode get(String pathAndQuery);
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
    private static final Duration WORKER_TIMEOUT = Duration.ofSeconds(60);

    private final Namespace namespace;
    private final HttpClient http;
    private final int inFlight;

    public DirectTransfer(Namespace namespace, HttpClient http, int inFlight) {
        this.namespace = namespace;
        this.http = http;
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
            try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
                ArrayDeque<Future<ObjectNode>> window = new ArrayDeque<>();
                long offset = 0;
                for (JsonNode chunk : plan.path("chunks")) {
                    byte[] bytes = new byte[chunk.path("size").asInt()];
                    readFully(channel, ByteBuffer.wrap(bytes), offset);
                    offset += bytes.length;
                    sha.update(bytes);
                    if (window.size() >= inFlight) {
                        stored.add(await(window.removeFirst()));
                    }
                    window.add(senders.submit(() -> {
                        ObjectNode sent = send(chunk, bytes);
                        progress.accept(bytes.length);
                        return sent;
                    }));
                }
                while (!window.isEmpty()) {
                    stored.add(await(window.removeFirst()));
                }
            }
            ObjectNode commit = JSON.createObjectNode().put("sha256", HexFormat.of().formatHex(sha.digest()));
            commit.set("chunks", stored);
            return namespace.post(apiPath + "?op=commit&upload=" + plan.path("uploadId").asText(), commit.toString(),
                    preconditions);
        }
    }

    /** One chunk down its pipeline: to the first target that answers, the others behind it. */
    private ObjectNode send(JsonNode chunk, byte[] bytes) throws IOException, InterruptedException {
        List<String> targets = new ArrayList<>();
        chunk.path("targets").forEach(t -> targets.add(t.asText()));
        String checksum = crc32c(bytes);
        String failure = "no targets";
        for (int first = 0; first < targets.size(); first++) {
            List<String> pipeline = new ArrayList<>(targets.subList(first + 1, targets.size()));
            pipeline.addAll(targets.subList(0, first));
            HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(targets.get(first) + "/api/v1/chunks/"
                            + chunk.path("chunkId").asText()))
                    .timeout(WORKER_TIMEOUT)
                    .header(TOKEN, chunk.path("token").asText())
                    .header(CHECKSUM, checksum)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
            if (!pipeline.isEmpty()) {
                put.header(PIPELINE, String.join(",", pipeline));
            }
            try {
                HttpResponse<String> answer = http.send(put.build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 201) {
                    ObjectNode stored = JSON.createObjectNode().put("index", chunk.path("index").asInt())
                            .put("checksum", checksum);
                    stored.set("receipts", JSON.readTree(answer.body()).path("receipts"));
                    return stored;
                }
                failure = targets.get(first) + " answered " + answer.statusCode() + ": " + answer.body();
                if (answer.statusCode() < 500) {
                    throw new IOException("chunk " + chunk.path("index").asInt() + " was refused: " + failure);
                }
            } catch (java.net.ConnectException | java.net.http.HttpConnectTimeoutException e) {
                failure = targets.get(first) + " cannot be reached (" + e.getClass().getSimpleName() + ")";
            }
        }
        throw new WorkersUnreachable("no worker took chunk " + chunk.path("index").asInt() + ": " + failure);
    }

    /** Where the files of a directory go, one stream per file. */
    public interface FileSink {
        /** The stream for {@code file} (its located view: path, size, checksum, version, chunks); closed by the caller. */
        OutputStream open(JsonNode file) throws IOException;

        /** Every byte of {@code file} was written to its stream, which is closed. */
        default void complete(JsonNode file) throws IOException {
        }
    }

    /** Files located per call when a directory is read. */
    static final int LOCATE_PAGE = 500;

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
     * order: the files are located {@value #LOCATE_PAGE} per namespace call, and the next chunks, also of the next
     * files, are fetched while one is written, so many small files cost one call to the workers each. Answers the
     * number of files read.
     */
    public int downloadDirectory(String apiDir, FileSink sink, LongConsumer progress) throws IOException {
        int files = 0;
        String cursor = null;
        do {
            JsonNode page = namespace.get(apiDir + "?op=locate&limit=" + LOCATE_PAGE
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            List<JsonNode> located = new ArrayList<>();
            page.path("items").forEach(located::add);
            readInOrder(located, sink, progress);
            files += located.size();
            JsonNode next = page.path("nextCursor");
            cursor = next.isTextual() ? next.asText() : null;
        } while (cursor != null);
        return files;
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
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            ArrayDeque<Future<byte[]>> window = new ArrayDeque<>();
            for (JsonNode file : files) {
                try (OutputStream out = sink.open(file)) {
                    for (int i = 0; i < file.path("chunks").size(); i++) {
                        while (window.size() < inFlight && ahead.hasNext()) {
                            JsonNode chunk = ahead.next();
                            window.add(readers.submit(() -> fetch(chunk)));
                        }
                        byte[] bytes = await(window.removeFirst());
                        out.write(bytes);
                        progress.accept(bytes.length);
                    }
                }
                sink.complete(file);
            }
        }
    }

    /** A chunk's bytes from the first replica whose bytes match its checksum. */
    private byte[] fetch(JsonNode chunk) throws IOException, InterruptedException {
        String failure = "it has no live replica now";
        for (JsonNode replica : chunk.path("replicas")) {
            HttpRequest get = HttpRequest.newBuilder(URI.create(replica.asText() + "/api/v1/chunks/"
                            + chunk.path("chunkId").asText()))
                    .timeout(WORKER_TIMEOUT).header(TOKEN, chunk.path("token").asText()).GET().build();
            try {
                HttpResponse<byte[]> answer = http.send(get, HttpResponse.BodyHandlers.ofByteArray());
                if (answer.statusCode() == 200 && answer.body().length == chunk.path("size").asInt()
                        && crc32c(answer.body()).equals(chunk.path("checksum").asText())) {
                    return answer.body();
                }
                failure = replica.asText() + " answered " + answer.statusCode() + " with "
                        + answer.body().length + " bytes that do not match the chunk";
            } catch (IOException e) { // a broken body (the worker found its replica corrupt) or a dead worker
                failure = replica.asText() + ": " + e.getMessage();
            }
        }
        throw new WorkersUnreachable("no replica of chunk " + chunk.path("index").asInt() + " could be read: " + failure);
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

    static String crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
