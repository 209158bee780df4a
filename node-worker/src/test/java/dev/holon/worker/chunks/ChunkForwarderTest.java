package dev.holon.worker.chunks;

import com.sun.net.httpserver.HttpServer;
import dev.holon.testsupport.StandInResponses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The pipeline's downstream leg against a real HTTP server: streaming, headers, and what a failing downstream does. */
class ChunkForwarderTest {

    private HttpServer server;
    private final AtomicLong received = new AtomicLong();
    private final Map<String, String> headers = new ConcurrentHashMap<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void startDownstream() throws IOException {
        server = downstream(0);
    }

    /** A downstream worker on {@code port} (0: any free one) that answers 201 once it has the whole body. */
    private HttpServer downstream(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/api/v1/chunks/", exchange -> {
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values.getFirst()));
            if (exchange.getRequestURI().getPath().endsWith("stall")) {
                awaitRelease();
            }
            try (InputStream in = exchange.getRequestBody()) {
                byte[] buffer = new byte[8192];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (body) {
                        body.write(buffer, 0, n);
                    }
                    received.addAndGet(n);
                }
            } catch (IOException e) {
                exchange.close();
                return;
            }
            StandInResponses.send(exchange, 201, "application/json", "{\"storedOn\":[\"n2\",\"n3\"]}");
        });
        server.start();
        return server;
    }

    private void awaitRelease() {
        try {
            release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private ChunkForwarder forwarder(Duration timeout) {
        return new ChunkForwarder(Duration.ofSeconds(2), timeout);
    }

    @Test
    void bytesReachTheDownstreamWhileTheUpstreamIsStillWritingWithTokenChecksumAndTheRestOfThePipeline()
            throws Exception {
        byte[] first = ChunkStoreTest.bytes(256 * 1024, 1);
        byte[] second = ChunkStoreTest.bytes(256 * 1024, 2);
        ChunkForwarder.Forward forward = forwarder(Duration.ofSeconds(10)).start(url(),
                List.of(URI.create("http://w3:8093")), "ab-1", "the-token", "0badcafe", first.length + second.length);

        forward.write(first, 0, first.length);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.get() > 0);
        assertThat(received.get()).as("streamed before the upstream finished").isLessThanOrEqualTo(first.length);

        forward.write(second, 0, second.length);
        forward.finish();
        ChunkForwarder.Answer answer = forward.awaitAnswer();

        assertThat(answer.status()).isEqualTo(201);
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).contains("n3");
        byte[] all = new byte[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        assertThat(body.toByteArray()).isEqualTo(all);
        assertThat(headers).containsEntry("x-holon-chunk-token", "the-token")
                .containsEntry("x-holon-chunk-checksum", "0badcafe")
                .containsEntry("x-holon-chunk-pipeline", "http://w3:8093")
                .containsEntry("content-length", String.valueOf(all.length));
    }

    /** A downstream worker that restarted since the last chunk (a rolling restart) still gets the next one. */
    @Test
    void aDownstreamThatRestartedSinceTheLastChunkGetsTheNext() throws Exception {
        try (ChunkForwarder forwarder = forwarder(Duration.ofSeconds(5))) {
            assertThat(forwardAbc(forwarder, "c1").status()).isEqualTo(201);
            int port = server.getAddress().getPort();
            server.stop(0);
            server = downstream(port);

            assertThat(forwardAbc(forwarder, "c2").status()).isEqualTo(201);
            assertThat(body.toString(StandardCharsets.UTF_8)).isEqualTo("abcabc");
        }
    }

    private ChunkForwarder.Answer forwardAbc(ChunkForwarder forwarder, String chunkId) throws ChunkForwarder.DownstreamFailed {
        ChunkForwarder.Forward forward = forwarder.start(url(), List.of(), chunkId, "token", "00000000", 3);
        forward.write("abc".getBytes(StandardCharsets.UTF_8), 0, 3);
        forward.finish();
        return forward.awaitAnswer();
    }

    @Test
    void aRefusedConnectionMakesWritesNoOpsAndHasNoAnswer() throws Exception {
        URI dead;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        ChunkForwarder.Forward forward = forwarder(Duration.ofSeconds(10)).start(dead, List.of(), "ab-2", "t",
                "00000000", -1);
        byte[] data = ChunkStoreTest.bytes(128 * 1024, 3);

        long start = System.nanoTime();
        for (int i = 0; i < 64; i++) { // 8 MiB: far more than the queue holds
            forward.write(data, 0, data.length);
        }
        forward.finish();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThatThrownBy(forward::awaitAnswer).isInstanceOf(ChunkForwarder.DownstreamFailed.class);
    }

    @Test
    void aStalledDownstreamIsDroppedAfterTheTimeoutWithoutBlockingTheUpstreamLonger() throws Exception {
        ChunkForwarder.Forward forward = forwarder(Duration.ofMillis(800)).start(url(), List.of(), "ab-stall", "t",
                "00000000", 64L * 128 * 1024);
        byte[] data = ChunkStoreTest.bytes(128 * 1024, 4);

        long start = System.nanoTime();
        for (int i = 0; i < 64; i++) {
            forward.write(data, 0, data.length);
        }
        forward.finish();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThatThrownBy(forward::awaitAnswer).isInstanceOf(ChunkForwarder.DownstreamFailed.class);
    }

    @Test
    void anAbortBreaksTheDownstreamRequestSoItNeverAnswers201() throws Exception {
        ChunkForwarder.Forward forward = forwarder(Duration.ofSeconds(10)).start(url(), List.of(), "ab-3", "t",
                "00000000", 1024 * 1024);
        byte[] half = ChunkStoreTest.bytes(512 * 1024, 5);
        forward.write(half, 0, half.length);
        await().atMost(Duration.ofSeconds(10)).until(() -> received.get() > 0);

        forward.abort();

        assertThatThrownBy(forward::awaitAnswer).isInstanceOf(ChunkForwarder.DownstreamFailed.class);
    }
}
