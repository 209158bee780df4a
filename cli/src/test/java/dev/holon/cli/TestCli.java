package dev.holon.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.holon.cli.config.Credentials;
import dev.holon.cli.config.CredentialsStore;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Runs {@code holon} in-process with its own home, stdin and captured output; a JDK HttpServer as the gateway. */
final class TestCli implements AutoCloseable {

    record Result(int exit, String out, String err) {
    }

    record Request(String method, String uri, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    interface Handler {
        void handle(HttpExchange exchange, Request request) throws IOException;
    }

    final Path home;
    final HttpServer server;
    // A thread per exchange, as a real server: the JDK server otherwise runs every exchange on its one selector thread,
    // and the CLI sends chunks on several connections at once.
    private final ExecutorService exchanges = Executors.newVirtualThreadPerTaskExecutor();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final Map<String, String> env = new HashMap<>();
    boolean terminal;

    TestCli(Path home) throws IOException {
        this.home = home;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(exchanges);
        server.start();
        env.put("HOLON_CLI_HOME", home.toString());
        env.put("HOLON_GATEWAY_URL", url());
        env.put("HOLON_ISSUER_URL", url() + "/realms/holon");
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void on(String path, Handler handler) {
        server.createContext(path, exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                        Map.copyOf(exchange.getRequestHeaders()), body);
                requests.add(request);
                try {
                    handler.handle(exchange, request);
                } catch (RuntimeException | AssertionError e) {
                    // A failed check in a handler would otherwise just drop the connection: the CLI then reports an
                    // unreachable server, not the check that failed.
                    json(exchange, 500, new ObjectMapper().createObjectNode().put("status", 500)
                            .put("detail", "stand-in server: " + e).toString());
                }
            }
        });
    }

    static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    static void json(HttpExchange exchange, int status, String body) throws IOException {
        send(exchange, status, status >= 400 ? "application/problem+json" : "application/json", body);
    }

    Result withStdin(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliContext context = new CliContext(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                terminal);
        int exit = HolonCli.run(context, args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Result run(String... args) {
        return withStdin("", args);
    }

    /** Stores credentials as holon login would, with a JWT for {@code user}. */
    void loggedInAs(String user, String... roles) {
        new CredentialsStore(home).save(new Credentials(Credentials.OAUTH, url(), url() + "/realms/holon",
                url() + "/realms/holon/protocol/openid-connect/token", "holon-cli", jwt(user, 600, roles), "refresh-1",
                Instant.now().getEpochSecond() + 600, Instant.now().getEpochSecond() + 1800, null));
    }

    static String jwt(String user, long lifetimeSeconds, String... roles) {
        StringBuilder roleList = new StringBuilder();
        for (String role : roles) {
            roleList.append(roleList.isEmpty() ? "" : ",").append('"').append(role).append('"');
        }
        String payload = "{\"preferred_username\":\"" + user + "\",\"exp\":" + (Instant.now().getEpochSecond() + lifetimeSeconds)
                + ",\"iss\":\"http://issuer\",\"realm_access\":{\"roles\":[" + roleList + ",\"default-roles-holon\"]}}";
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }

    @Override
    public void close() {
        server.stop(0);
        exchanges.shutdownNow();
    }
}
