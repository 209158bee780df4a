package dev.holon.registry.failure;

import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks the worker's open {@code /actuator/info} for its {@code node.id}. The id check matters: another process, or a
 * different worker, may listen at a dead node's old address. Only the scheme, host and port of the node's address are
 * used, and the whole exchange, body included, must fit in the timeout and in {@value #MAX_BODY_BYTES} bytes: the
 * address comes from the node itself. A dead process refuses at once; a dead or cut-off machine costs the timeout.
 */
public final class HttpNodeProbe implements NodeProbe, AutoCloseable {

    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client;
    private final Duration timeout;

    public HttpNodeProbe(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public boolean answers(String nodeId, String apiUrl) {
        if (apiUrl == null || apiUrl.isBlank()) {
            return false;
        }
        CompletableFuture<HttpResponse<byte[]>> exchange = null;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(apiUrl).resolve("/actuator/info"))
                    .timeout(timeout).header("Accept", "application/json").GET().build();
            exchange = client.sendAsync(request, info -> new CappedBody());
            HttpResponse<byte[]> response = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return response.statusCode() == 200
                    && nodeId.equals(JSON.readTree(response.body()).path("node").path("id").asString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return false; // refused, too slow, too large, not JSON, not a URL: no answer from that node
        } finally {
            if (exchange != null) {
                exchange.cancel(true);
            }
        }
    }

    @Override
    public void close() {
        client.shutdownNow();
    }

    /** The body, if it is at most {@value #MAX_BODY_BYTES} bytes; a larger one ends the exchange unread. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {

        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + buffer.remaining() > MAX_BODY_BYTES) {
                    subscription.cancel();
                    body.completeExceptionally(new IOException("more than " + MAX_BODY_BYTES + " bytes"));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }
    }
}
