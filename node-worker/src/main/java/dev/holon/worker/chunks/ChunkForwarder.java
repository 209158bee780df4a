package dev.holon.worker.chunks;

import dev.holon.contracts.storage.ChunkHeaders;
import dev.holon.contracts.storage.ChunkToken;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Sends a chunk to another worker's {@code PUT /api/v1/chunks/{id}} while the bytes are still arriving here: each
 * {@link Forward} is an {@link OutputStream} that writes every buffer straight to the downstream's socket, on the
 * thread that received it (a blocking {@link HttpURLConnection} in streaming mode, a new connection per chunk).
 * No queue and no hand-over to other threads: on a 2-CPU machine each hand-over costs a wake-up and a copy, and the
 * socket buffers already let the downstream run behind. A downstream that fails, hangs up or is still busy when the
 * timeout runs out is dropped quietly (a watchdog closes its connection, which ends a blocked write): writes to it
 * become no-ops, so it can never fail or block this node's own write for longer than that. Plain Java,
 * thread-safe; one {@link Forward} is used by one thread.
 */
public final class ChunkForwarder implements AutoCloseable {

    private final Duration connectTimeout;
    private final Duration timeout;
    private final ScheduledThreadPoolExecutor watchdog;

    public ChunkForwarder(Duration connectTimeout, Duration timeout) {
        this.connectTimeout = connectTimeout;
        this.timeout = timeout;
        this.watchdog = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "chunk-forward-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        watchdog.setRemoveOnCancelPolicy(true);
    }

    /** Starts a {@code PUT} of {@code size} bytes (negative: unknown) to {@code worker}, forwarding {@code pipeline}. */
    public Forward start(URI worker, List<URI> pipeline, String chunkId, String token, String checksum, long size) {
        return new Forward(worker, pipeline, chunkId, token, checksum, size);
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }

    /** The downstream's answer: its status and body (JSON for a 2xx or a problem). */
    public record Answer(int status, String contentType, byte[] body) {
    }

    public final class Forward extends OutputStream {

        private final URI target;
        private final HttpURLConnection connection;
        private final ScheduledFuture<?> deadline;
        private OutputStream body;
        private volatile String failure;
        private boolean answered;

        Forward(URI worker, List<URI> pipeline, String chunkId, String token, String checksum, long size) {
            this.target = URI.create(stripSlash(worker.toString()) + "/api/v1/chunks/" + chunkId);
            HttpURLConnection opened = null;
            String unusable = null;
            try {
                opened = (HttpURLConnection) target.toURL().openConnection(Proxy.NO_PROXY);
                opened.setConnectTimeout((int) connectTimeout.toMillis());
                opened.setReadTimeout((int) Math.max(1, timeout.toMillis()));
                opened.setRequestMethod("PUT");
                opened.setRequestProperty("Content-Type", "application/octet-stream");
                opened.setRequestProperty("Accept", "application/json");
                // A connection per chunk, as HDFS opens one per block: a cached keep-alive connection to a worker that
                // restarted since looks open until written to, and a streamed PUT is never retried.
                opened.setRequestProperty("Connection", "close");
                opened.setRequestProperty(ChunkToken.HEADER, token);
                opened.setRequestProperty(ChunkHeaders.CHECKSUM, checksum);
                if (!pipeline.isEmpty()) {
                    opened.setRequestProperty(ChunkHeaders.PIPELINE,
                            String.join(",", pipeline.stream().map(URI::toString).toList()));
                }
                opened.setDoOutput(true);
                if (size >= 0) {
                    opened.setFixedLengthStreamingMode(size);
                } else {
                    opened.setChunkedStreamingMode(ChunkStore.BUFFER_BYTES);
                }
            } catch (IOException | RuntimeException e) {
                unusable = describe(e);
            }
            this.connection = opened;
            this.deadline = watchdog.schedule(() -> drop("took longer than " + timeout), timeout.toNanos(),
                    TimeUnit.NANOSECONDS);
            if (unusable != null) {
                drop(unusable);
                return;
            }
            try {
                body = connection.getOutputStream(); // connects and sends the request head
            } catch (IOException | RuntimeException e) {
                drop(describe(e));
            }
        }

        public URI target() {
            return target;
        }

        @Override
        public void write(int b) {
            write(new byte[]{(byte) b}, 0, 1);
        }

        /** Never throws and never waits past the timeout: a dropped downstream just stops receiving. */
        @Override
        public void write(byte[] bytes, int offset, int length) {
            if (failure != null || length == 0) {
                return;
            }
            try {
                body.write(bytes, offset, length);
            } catch (IOException e) {
                drop(describe(e));
            }
        }

        /** All bytes were written: the request body ends. */
        public void finish() {
            if (failure != null) {
                return;
            }
            try {
                body.close();
            } catch (IOException e) {
                drop(describe(e));
            }
        }

        /** This node's write failed: break the downstream request (its body ends short) so it stores nothing. */
        public void abort() {
            drop("aborted");
        }

        /** The downstream's answer once it has one (at most until the timeout); the reason when there is none. */
        public Answer awaitAnswer() throws DownstreamFailed {
            if (failure == null) {
                try {
                    int status = connection.getResponseCode();
                    InputStream answer = status < 400 ? connection.getInputStream() : connection.getErrorStream();
                    byte[] bytes = answer == null ? new byte[0] : answer.readAllBytes();
                    String contentType = connection.getContentType();
                    // Closes the connection. Closing the stream first would put it in the keep-alive cache, whatever
                    // the downstream answered to "Connection: close".
                    connection.disconnect();
                    synchronized (this) {
                        answered = true;
                    }
                    deadline.cancel(false);
                    if (failure == null) {
                        return new Answer(status, contentType != null ? contentType : "application/octet-stream",
                                bytes);
                    }
                } catch (IOException | RuntimeException e) {
                    drop(describe(e));
                }
            }
            throw new DownstreamFailed(target + ": " + failure);
        }

        /**
         * Gives up on the downstream: the first reason stays, the connection is closed (a blocked write or read on
         * it ends at once) and every later write is a no-op. Not once its answer was read: it is done by then.
         */
        private void drop(String reason) {
            HttpURLConnection broken;
            synchronized (this) {
                if (failure != null || answered) {
                    return;
                }
                failure = reason;
                broken = connection;
            }
            deadline.cancel(false);
            if (broken != null) {
                broken.disconnect();
            }
        }
    }

    /** No usable answer from a downstream worker. */
    public static final class DownstreamFailed extends Exception {
        public DownstreamFailed(String message) {
            super(message, null, false, false);
        }
    }

    private static String describe(Throwable error) {
        return error.getMessage() != null ? error.getClass().getSimpleName() + ": " + error.getMessage()
                : error.getClass().getSimpleName();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
