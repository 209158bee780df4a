package dev.holon.worker.staging;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpStorageFilesTest {

    @TempDir
    Path dir;

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private HttpServer server;

    private HttpStorageFiles storage() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String line = exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery())
                    + " " + exchange.getRequestHeaders().getFirst("Authorization")
                    + " " + exchange.getRequestHeaders().getFirst("If-None-Match")
                    + " " + exchange.getRequestHeaders().getFirst("If-Match");
            seen.add(line);
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            int status;
            byte[] answer = new byte[0];
            if (path.endsWith("/missing.txt")) {
                status = 404;
            } else if (exchange.getRequestMethod().equals("GET") && exchange.getRequestURI().getRawQuery() == null) {
                status = 200;
                answer = "hello world".getBytes(StandardCharsets.UTF_8);
            } else if (exchange.getRequestMethod().equals("GET")) {
                status = 200;
                exchange.getResponseHeaders().add("ETag", "\"7\"");
            } else if (exchange.getRequestHeaders().getFirst("If-None-Match") != null && path.contains("exists")) {
                status = 412;
            } else {
                status = body.length == 5 ? 201 : 400;
            }
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        return new HttpStorageFiles(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"),
                () -> "tok", Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void downloadsStreamToTheTargetAndAMissingFileIsSaidSo() throws Exception {
        HttpStorageFiles storage = storage();
        Path target = dir.resolve("a b.txt");
        storage.download("/acme/in/a b.txt", target);
        assertThat(target).hasContent("hello world");
        assertThat(seen.getFirst()).startsWith("GET /api/v1/files/acme/in/a%20b.txt Bearer tok");
        assertThatThrownBy(() -> storage.download("/acme/missing.txt", dir.resolve("m")))
                .isInstanceOf(StorageFiles.FileMissing.class);
        assertThat(dir.resolve("m")).doesNotExist();
    }

    @Test
    void anUploadCreatesAndOverwritesTheVersionItJustReadWhenTheFileExists() throws Exception {
        HttpStorageFiles storage = storage();
        Path source = Files.writeString(dir.resolve("x"), "12345");
        storage.upload(source, "/acme/out/new.txt");
        storage.upload(source, "/acme/out/exists.txt");
        assertThat(seen).containsExactly(
                "PUT /api/v1/files/acme/out/new.txt Bearer tok * null",
                "PUT /api/v1/files/acme/out/exists.txt Bearer tok * null",
                "GET /api/v1/files/acme/out/exists.txt?op=stat Bearer tok null null",
                "PUT /api/v1/files/acme/out/exists.txt Bearer tok null \"7\"");
    }

    @Test
    void anUnreachableStorageIsAnIoError() {
        HttpStorageFiles storage = new HttpStorageFiles(URI.create("http://127.0.0.1:1"), () -> "tok",
                Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThatThrownBy(() -> storage.download("/acme/a", dir.resolve("a"))).isInstanceOf(IOException.class);
    }
}
