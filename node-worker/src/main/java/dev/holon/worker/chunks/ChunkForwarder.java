package dev.holon.worker.chunks;

import dev.holon.contracts.storage.ChunkToken;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends a chunk to another worker's {@code PUT /api/v1/chunks/{id}} while the bytes are still arriving here: each
 * {@link Forward} is an {@link OutputStream} whose buffers go through a small bounded queue into a streaming request
 * body (a non-blocking publisher: the HttpClient's own threads never wait for bytes). A downstream that fails, answers early or stalls for longer than the timeout is dropped quietly: writes to
 * it become no-ops, so it can never fail or block this node's own write for longer than that. Plain Java (JDK
 * HttpClient), thread-safe.
 */
public final class ChunkForwarder {

    public static final String CHECKSUM_HEADER = "X-Holon-Chunk-Checksum";
    public static final String PIPELINE_HEADER = "X-Holon-Chunk-Pipeline";
    private static final int QUEUE_BUFFERS = 16;

    private final HttpClient http;
    private final Duration timeout;

    public ChunkForwarder(HttpClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    /**
     * The JDK client. It relies on the common ForkJoin pool for part of an exchange (one thread on a 2-CPU machine):
     * code that blocks that pool stalls every pipeline, so nothing in the worker may (see {@code NvidiaSmi}).
     */
    public static HttpClient httpClient(Duration connectTimeout) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
    }

    /** Starts a {@code PUT} of {@code size} bytes (negative: unknown) to {@code worker}, forwarding {@code pipeline}. */
    public Forward start(URI worker, List<URI> pipeline, String chunkId, String token, String checksum, long size) {
        return new Forward(worker, pipeline, chunkId, token, checksum, size);
    }

    /** The downstream's answer: its status and body (JSON for a 2xx or a problem). */
    public record Answer(int status, String contentType, byte[] body) {
    }

    public final class Forward extends OutputStream {

        private static final byte[] END = new byte[0];

        private final URI target;
        private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE_BUFFERS);
        private final QueuePublisher publisher;
        private final CompletableFuture<HttpResponse<byte[]>> response;
        private final long deadline;
        private volatile String failure;

        Forward(URI worker, List<URI> pipeline, String chunkId, String token, String checksum, long size) {
            this.target = URI.create(stripSlash(worker.toString()) + "/api/v1/chunks/" + chunkId);
            this.deadline = System.nanoTime() + timeout.toNanos();
            QueuePublisher body = new QueuePublisher();
            this.publisher = body;
            HttpRequest.Builder request = HttpRequest.newBuilder(target)
                    .timeout(timeout)
                    .header("Content-Type", "application/octet-stream")
                    .header(ChunkToken.HEADER, token)
                    .header(CHECKSUM_HEADER, checksum)
                    .PUT(size >= 0 ? HttpRequest.BodyPublishers.fromPublisher(body, size)
                            : HttpRequest.BodyPublishers.fromPublisher(body));
            if (!pipeline.isEmpty()) {
                request.header(PIPELINE_HEADER, String.join(",", pipeline.stream().map(URI::toString).toList()));
            }
            CompletableFuture<HttpResponse<byte[]>> sent;
            try {
                sent = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            response = sent;
            // An answer (or an error) before the body is complete: the downstream takes no more bytes.
            response.whenComplete((answer, error) -> {
                if (failure == null) {
                    failure = error != null ? describe(error) : "answered " + answer.statusCode() + " early";
                }
            });
        }

        public URI target() {
            return target;
        }

        @Override
        public void write(int b) {
            write(new byte[]{(byte) b}, 0, 1);
        }

        /** Never throws and never waits longer than the timeout: a dropped downstream just stops receiving. */
        @Override
        public void write(byte[] bytes, int offset, int length) {
            if (failure != null || length == 0) {
                return;
            }
            byte[] copy = new byte[length];
            System.arraycopy(bytes, offset, copy, 0, length);
            enqueue(copy);
        }

        /** All bytes were written: let the request body end. */
        public void finish() {
            if (failure == null) {
                enqueue(END);
            }
        }

        /** This node's write failed: break the downstream request so it stores nothing. */
        public void abort() {
            if (failure == null) {
                failure = "aborted";
            }
            publisher.abort();
            response.cancel(true);
        }

        private void enqueue(byte[] item) {
            try {
                while (failure == null) {
                    if (queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
                        publisher.drain();
                        return;
                    }
                    if (System.nanoTime() > deadline) {
                        failure = "took no bytes for too long";
                        abort();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abort();
            }
        }

        /** The downstream's answer once it has one (at most until the timeout); the reason when there is none. */
        public Answer awaitAnswer() throws DownstreamFailed {
            long left = deadline - System.nanoTime();
            try {
                HttpResponse<byte[]> answer = response.get(Math.max(left, 1), TimeUnit.NANOSECONDS);
                return new Answer(answer.statusCode(),
                        answer.headers().firstValue("Content-Type").orElse("application/octet-stream"), answer.body());
            } catch (TimeoutException e) {
                abort();
                throw new DownstreamFailed(target + " did not answer within " + timeout);
            } catch (ExecutionException e) {
                throw new DownstreamFailed(target + ": " + describe(e.getCause()));
            } catch (java.util.concurrent.CancellationException e) {
                throw new DownstreamFailed(target + ": " + failure);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abort();
                throw new DownstreamFailed(target + ": interrupted");
            }
        }

        /**
         * The request body: the queued buffers as they come, then the end (or an error that breaks the request).
         * Never blocks the HttpClient's threads: buffers are handed over only when the client asked for them and
         * they are there; {@link #drain} runs on whichever side (writer or client) made progress possible.
         */
        private final class QueuePublisher implements Flow.Publisher<ByteBuffer> {

            private final AtomicInteger work = new AtomicInteger();
            private final AtomicLong demand = new AtomicLong();
            private volatile Flow.Subscriber<? super ByteBuffer> subscriber;
            private volatile boolean aborted;
            private boolean done;

            @Override
            public void subscribe(Flow.Subscriber<? super ByteBuffer> newSubscriber) {
                subscriber = newSubscriber;
                newSubscriber.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                        demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
                        drain();
                    }

                    @Override
                    public void cancel() {
                        if (failure == null) {
                            failure = "cancelled by the HTTP client";
                        }
                        aborted = true;
                        queue.clear();
                    }
                });
            }

            void abort() {
                aborted = true;
                queue.clear();
                drain();
            }

            void drain() {
                if (work.getAndIncrement() != 0) {
                    return;
                }
                do {
                    Flow.Subscriber<? super ByteBuffer> to = subscriber;
                    while (to != null && !done) {
                        if (aborted) {
                            done = true;
                            to.onError(new IOException("the upstream write was abandoned"));
                            break;
                        }
                        if (demand.get() == 0) {
                            break;
                        }
                        byte[] item = queue.poll();
                        if (item == null) {
                            break;
                        }
                        if (item == END) {
                            done = true;
                            to.onComplete();
                            break;
                        }
                        demand.decrementAndGet();
                        to.onNext(ByteBuffer.wrap(item));
                    }
                } while (work.decrementAndGet() != 0);
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
        Throwable cause = error;
        while (cause.getCause() != null && (cause instanceof java.util.concurrent.CompletionException
                || cause instanceof ExecutionException)) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getClass().getSimpleName() + ": " + cause.getMessage()
                : cause.getClass().getSimpleName();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
