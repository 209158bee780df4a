package dev.holon.scheduler.logs;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** HTTP peers of the scheduler for log tests: the registry's node API and a worker's log API. */
final class StandIns {

    private StandIns() {
    }

    private static HttpServer server() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** {@code GET /api/v1/nodes} (one page) and {@code GET /api/v1/nodes/{id}} with the nodes set here. */
    /**
     * A worker's {@code GET /api/v1/tasks/{attemptId}/logs}: stdout is three lines. A follow sends the events of
     * the first two lines, then waits until the test {@link #release()}s it before it sends the third and the end.
     */
    static final class Worker implements AutoCloseable {

        static final String STDOUT = "line 1\nline 2\nline 3\n";
        static final String STDERR = "warning\n";

        private final HttpServer server = server();
        private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
        private final List<String> authorizations = new CopyOnWriteArrayList<>();
        private volatile CountDownLatch gate = new CountDownLatch(1);

        Worker() {
            server.createContext("/api/v1/tasks/", exchange -> {
                Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
                requests.add(query);
                authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
                String text = "stderr".equals(query.get("stream")) ? STDERR : STDOUT;
                if ("true".equals(query.get("follow"))) {
                    follow(exchange, Long.parseLong(query.getOrDefault("offset", "0")));
                } else if (query.containsKey("tail")) {
                    List<String> lines = Arrays.asList(text.split("\n"));
                    int n = Integer.parseInt(query.get("tail"));
                    StringBuilder tail = new StringBuilder();
                    lines.subList(Math.max(0, lines.size() - n), lines.size()).forEach(l -> tail.append(l).append('\n'));
                    send(exchange, 200, "text/plain;charset=UTF-8", tail.toString());
                } else {
                    send(exchange, 200, "text/plain;charset=UTF-8", text);
                }
            });
            server.start();
        }

        private void follow(HttpExchange exchange, long offset) throws IOException {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                long end = 0;
                String[] lines = STDOUT.split("\n");
                for (int i = 0; i < lines.length; i++) {
                    end += lines[i].length() + 1;
                    if (end <= offset) {
                        continue;
                    }
                    if (i == 2) {
                        gate.await(30, TimeUnit.SECONDS);
                    }
                    out.write(("id:" + end + "\ndata:" + lines[i] + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                out.write(("event:end\nid:" + end + "\ndata:end\n\n").getBytes(StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static Map<String, String> query(String raw) {
            Map<String, String> query = new HashMap<>();
            if (raw != null) {
                for (String pair : raw.split("&")) {
                    String[] kv = pair.split("=", 2);
                    query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                            kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
                }
            }
            return query;
        }

        String url() {
            return "http://localhost:" + server.getAddress().getPort();
        }

        void release() {
            gate.countDown();
        }

        void rearm() {
            gate = new CountDownLatch(1);
        }

        Map<String, String> lastRequest() {
            return requests.getLast();
        }

        String lastAuthorization() {
            return authorizations.getLast();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
