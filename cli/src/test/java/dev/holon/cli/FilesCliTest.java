package dev.holon.cli;

import dev.holon.cli.files.FilesCommand;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** holon files against a JDK HttpServer in the shape of storage-service's API. */
class FilesCliTest extends InProcessCliTest {

    @TempDir
    Path work;

    @BeforeEach
    void logIn() {
        cli.loggedInAs("demo", "user");
    }

    @Test
    void throughTheGatewayPutStreamsTheFileCreateOnlyAndGetWritesItBackWithPlainProgressLines() throws IOException {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(content);
        Path local = work.resolve("a.bin");
        Files.write(local, content);
        byte[][] stored = new byte[1][];
        cli.on("/api/v1/files/default/data/a.bin", (exchange, request) -> {
            if (request.method().equals("PUT")) {
                assertThat(request.header("If-None-Match")).isEqualTo("*");
                assertThat(request.header("Content-Type")).isEqualTo("application/octet-stream");
                assertThat(request.header("Content-Length")).isEqualTo(Integer.toString(content.length));
                stored[0] = request.body();
                exchange.getResponseHeaders().set("ETag", "\"1\"");
                TestCli.json(exchange, 201, "{\"path\":\"/default/data/a.bin\",\"type\":\"FILE\",\"size\":"
                        + content.length + ",\"version\":1}");
            } else {
                exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                exchange.sendResponseHeaders(200, stored[0].length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(stored[0]);
                }
            }
        });

        TestCli.Result put = cli.run("files", "put", "--via-gateway", local.toString(), "/data/");
        assertThat(put.exit()).as(put.err()).isZero();
        assertThat(stored[0]).isEqualTo(content);
        assertThat(put.out()).contains("created /default/data/a.bin (3.0 MiB, version 1)");
        assertThat(put.err()).contains("a.bin", "100%", "3.0 MiB / 3.0 MiB", "/s", "in ").doesNotContain("\r");

        Path back = work.resolve("back.bin");
        TestCli.Result get = cli.run("files", "get", "--via-gateway", "/default/data/a.bin", back.toString());
        assertThat(get.exit()).as(get.err()).isZero();
        assertThat(Files.readAllBytes(back)).isEqualTo(content);
        assertThat(get.err()).contains("100%");
        assertThat(cli.run("files", "get", "/data/a.bin", back.toString()).exit()).isEqualTo(ExitCodes.CONFLICT);
    }

    @Test
    void getIntoAPipeOrDeviceWritesIntoItWithoutForceAndNeverReplacesIt() throws Exception {
        byte[] content = new byte[1024 * 1024 + 5];
        new Random(3).nextBytes(content);
        cli.on("/api/v1/files/default/data/p.bin", (exchange, request) -> {
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, content.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(content);
            }
        });
        Path pipe = work.resolve("pipe");
        assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
        CompletableFuture<byte[]> drained = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readAllBytes(pipe);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        TestCli.Result get = cli.run("files", "get", "--via-gateway", "--no-progress", "/data/p.bin", pipe.toString());

        assertThat(get.exit()).as(get.err()).isZero();
        assertThat(drained.get(10, TimeUnit.SECONDS)).isEqualTo(content);
        assertThat(Files.readAttributes(pipe, BasicFileAttributes.class).isOther()).as("still a pipe").isTrue();
        try (var left = Files.list(work)) {
            assertThat(left).containsExactly(pipe);
        }
    }

    @Test
    void aSmallFileIsPutInOneRequestThroughTheGateway() throws Exception {
        byte[] content = new byte[(int) FilesCommand.Put.ONE_REQUEST_MAX_BYTES];
        new Random(5).nextBytes(content);
        Path local = work.resolve("small.bin");
        Files.write(local, content);
        byte[][] stored = new byte[1][];
        cli.on("/api/v1/files/default/data/small.bin", (exchange, request) -> {
            assertThat(request.method()).isEqualTo("PUT");
            assertThat(request.header("If-None-Match")).isEqualTo("*");
            stored[0] = request.body();
            TestCli.json(exchange, 201, "{\"path\":\"/default/data/small.bin\",\"type\":\"FILE\",\"size\":"
                    + content.length + ",\"version\":1}");
        });

        TestCli.Result put = cli.run("files", "put", "--no-progress", local.toString(), "/data/");

        assertThat(put.exit()).as(put.err()).isZero();
        assertThat(put.out()).contains("created /default/data/small.bin (2.0 MiB, version 1)");
        assertThat(stored[0]).isEqualTo(content);
        assertThat(cli.requests).noneMatch(r -> r.uri().contains("op=upload") || r.uri().startsWith("/api/v1/chunks"));
    }

    @Test
    void anEmptyFileIsPutAsAnEmptyBody() throws Exception {
        Path local = Files.createFile(work.resolve("empty.txt"));
        String[] length = new String[1];
        cli.on("/api/v1/files/default/empty.txt", (exchange, request) -> {
            length[0] = request.header("Content-Length");
            assertThat(request.body()).isEmpty();
            TestCli.json(exchange, 201, "{\"path\":\"/default/empty.txt\",\"type\":\"FILE\",\"size\":0,\"version\":1}");
        });

        TestCli.Result put = cli.run("files", "put", local.toString(), "/");

        assertThat(put.exit()).as(put.err()).isZero();
        assertThat(put.out()).contains("created /default/empty.txt (0 B, version 1)");
        assertThat(length[0]).isEqualTo("0");
    }

    @Test
    void putAndGetMoveTheBytesStraightToAndFromTheWorkersAndCommitWithTheirReceipts() throws Exception {
        int mib = 1024 * 1024;
        byte[] content = new byte[3 * mib + 17];
        new Random(11).nextBytes(content);
        Path local = work.resolve("d.bin");
        Files.write(local, content);
        Map<String, byte[]> chunks = new ConcurrentHashMap<>();
        // one stand-in worker; the plan cuts the file into 2 MiB chunks and names it as every chunk's only target
        cli.on("/api/v1/chunks/", (exchange, request) -> {
            String chunkId = request.uri().substring("/api/v1/chunks/".length());
            assertThat(request.header("X-Holon-Chunk-Token")).isEqualTo("token-" + chunkId);
            if (request.method().equals("PUT")) {
                assertThat(request.header("X-Holon-Chunk-Checksum")).isEqualTo(crc32c(request.body()));
                chunks.put(chunkId, request.body());
                TestCli.json(exchange, 201, "{\"chunkId\":\"" + chunkId + "\",\"storedOn\":[\"n1\"],\"receipts\":[\"receipt-"
                        + chunkId + "\"]}");
            } else {
                byte[] bytes = chunks.get(chunkId);
                exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        });
        String[] committed = new String[1];
        cli.on("/api/v1/files/default/data/d.bin", (exchange, request) -> {
            String chunkList = "[" + chunk(0, 2 * mib) + "," + chunk(1, content.length - 2 * mib) + "]";
            switch (request.uri().replaceAll("&upload=.*", "")) {
                case "/api/v1/files/default/data/d.bin?op=upload" -> {
                    assertThat(request.header("If-None-Match")).isEqualTo("*");
                    assertThat(request.bodyText()).contains("\"size\":" + content.length);
                    TestCli.json(exchange, 201, "{\"uploadId\":\"u-1\",\"chunks\":" + chunkList + "}");
                }
                case "/api/v1/files/default/data/d.bin?op=commit" -> {
                    assertThat(request.uri()).endsWith("upload=u-1");
                    committed[0] = request.bodyText();
                    TestCli.json(exchange, 201, "{\"path\":\"/default/data/d.bin\",\"type\":\"FILE\",\"size\":"
                            + content.length + ",\"version\":1}");
                }
                case "/api/v1/files/default/data/d.bin?op=stat" -> TestCli.json(exchange, 200,
                        "{\"path\":\"/default/data/d.bin\",\"type\":\"FILE\",\"size\":" + content.length + "}");
                case "/api/v1/files/default/data/d.bin?op=locate" -> TestCli.json(exchange, 200,
                        "{\"size\":" + content.length + ",\"chunks\":" + chunkList.replace("\"targets\"", "\"replicas\"")
                                .replace("\"chunk-0\",", "\"chunk-0\",\"checksum\":\"" + crc32c(Arrays.copyOfRange(content, 0, 2 * mib)) + "\",")
                                .replace("\"chunk-1\",", "\"chunk-1\",\"checksum\":\"" + crc32c(Arrays.copyOfRange(content, 2 * mib, content.length)) + "\",")
                                + "}");
                default -> TestCli.json(exchange, 404, "{\"status\":404,\"detail\":\"no " + request.uri() + "\"}");
            }
        });

        TestCli.Result put = cli.run("files", "put", "--no-progress", local.toString(), "/data/");
        assertThat(put.exit()).as(put.err()).isZero();
        assertThat(put.out()).contains("created /default/data/d.bin (3.0 MiB, version 1)");
        assertThat(chunks.get("chunk-0")).isEqualTo(Arrays.copyOfRange(content, 0, 2 * mib));
        assertThat(chunks.get("chunk-1")).isEqualTo(Arrays.copyOfRange(content, 2 * mib, content.length));
        assertThat(committed[0]).contains("\"sha256\":\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(content)) + "\"").contains("receipt-chunk-0", "receipt-chunk-1");

        Path back = work.resolve("d-back.bin");
        TestCli.Result get = cli.run("files", "get", "--no-progress", "/data/d.bin", back.toString());
        assertThat(get.exit()).as(get.err()).isZero();
        assertThat(Files.readAllBytes(back)).isEqualTo(content);
        assertThat(cli.requests).noneMatch(r -> r.method().equals("PUT") && r.uri().startsWith("/api/v1/files"));
    }

    private String chunk(int index, int size) {
        return "{\"index\":" + index + ",\"chunkId\":\"chunk-" + index + "\",\"size\":" + size
                + ",\"token\":\"token-chunk-" + index + "\",\"targets\":[\"" + cli.url() + "\"]}";
    }

    private static String crc32c(byte[] bytes) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes);
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }

    @Test
    void anExistingFileIsNotOverwrittenWithoutForceAndForceSendsIfMatch() throws IOException {
        Path local = Files.writeString(work.resolve("b.txt"), "hello");
        cli.on("/api/v1/files/default/b.txt", (exchange, request) -> {
            if (request.method().equals("GET")) {
                TestCli.json(exchange, 200, "{\"path\":\"/default/b.txt\",\"type\":\"FILE\",\"size\":3,\"version\":4}");
            } else if (request.header("If-None-Match") != null) {
                TestCli.json(exchange, 412, "{\"status\":412,\"detail\":\"/default/b.txt exists\"}");
            } else {
                assertThat(request.header("If-Match")).isEqualTo("\"4\"");
                TestCli.json(exchange, 200, "{\"path\":\"/default/b.txt\",\"type\":\"FILE\",\"size\":5,\"version\":5}");
            }
        });
        TestCli.Result refused = cli.run("files", "put", "--via-gateway", "--no-progress", local.toString(), "/b.txt");
        assertThat(refused.exit()).isEqualTo(ExitCodes.CONFLICT);
        assertThat(refused.err()).contains("/default/b.txt already exists: holon files put --force overwrites it");
        TestCli.Result forced = cli.run("files", "put", "--via-gateway", "--force", local.toString(), "/b.txt");
        assertThat(forced.exit()).as(forced.err()).isZero();
        assertThat(forced.out()).contains("replaced /default/b.txt (5 B, version 5)");
    }

    @Test
    void lsMkdirRmAndMvSpeakTheApisShape() {
        cli.on("/api/v1/files/default", (exchange, request) -> {
            String uri = request.uri();
            if (uri.startsWith("/api/v1/files/default?op=list")) {
                TestCli.json(exchange, 200, """
                        {"items":[{"path":"/default/data","type":"DIRECTORY"},
                        {"path":"/default/a.txt","type":"FILE","size":2048,"replication":3,"modifiedAt":"2026-01-01T00:00:00Z"}],
                        "nextCursor":null}""");
            } else if (uri.equals("/api/v1/files/default/new%20dir?op=mkdir") && request.method().equals("POST")) {
                TestCli.json(exchange, 201, "{\"path\":\"/default/new dir\",\"type\":\"DIRECTORY\"}");
            } else if (uri.equals("/api/v1/files/default/data?op=mkdir") && request.method().equals("POST")) {
                TestCli.json(exchange, 200, "{\"path\":\"/default/data\",\"type\":\"DIRECTORY\"}");
            } else if (uri.equals("/api/v1/files/default/full")) {
                TestCli.json(exchange, 409, "{\"status\":409,\"detail\":\"not empty\"}");
            } else if (uri.equals("/api/v1/files/default/full?recursive=true")) {
                TestCli.send(exchange, 204, "text/plain", "");
            } else if (uri.equals("/api/v1/files/default/a.txt?op=stat")) {
                TestCli.json(exchange, 200, "{\"path\":\"/default/a.txt\",\"type\":\"FILE\",\"version\":9}");
            } else if (uri.equals("/api/v1/files/default/a.txt?op=move")) {
                assertThat(request.header("If-Match")).isEqualTo("\"9\"");
                assertThat(request.bodyText()).isEqualTo("{\"destination\":\"/default/data/a.txt\"}");
                TestCli.json(exchange, 200, "{\"path\":\"/default/data/a.txt\",\"type\":\"FILE\",\"version\":10}");
            } else {
                TestCli.json(exchange, 404, "{\"status\":404,\"detail\":\"no " + uri + "\"}");
            }
        });
        TestCli.Result ls = cli.run("files", "ls");
        assertThat(ls.exit()).as(ls.err()).isZero();
        assertThat(ls.out()).contains("dir", "/default/data/", "file", "2.0 KiB", "/default/a.txt");
        assertThat(cli.run("files", "mkdir", "/new dir").out()).contains("created /default/new dir/");
        TestCli.Result there = cli.run("files", "mkdir", "/data");
        assertThat(there.exit()).as("as mkdir and hdfs dfs -mkdir without -p").isEqualTo(ExitCodes.CONFLICT);
        assertThat(there.err()).contains("/default/data/ exists (holon files mkdir -p /data accepts that)");
        TestCli.Result parents = cli.run("files", "mkdir", "-p", "/data");
        assertThat(parents.exit()).as(parents.err()).isZero();
        assertThat(parents.out()).contains("/default/data/ exists").doesNotContain("created");
        TestCli.Result notEmpty = cli.run("files", "rm", "/full");
        assertThat(notEmpty.exit()).isEqualTo(ExitCodes.CONFLICT);
        assertThat(notEmpty.err()).contains("not empty: holon files rm -r");
        assertThat(cli.run("files", "rm", "-r", "/full").exit()).isZero();
        TestCli.Result mv = cli.run("files", "mv", "/a.txt", "/data/");
        assertThat(mv.exit()).as(mv.err()).isZero();
        assertThat(mv.out()).contains("moved /default/a.txt to /default/data/a.txt");
        TestCli.Result missing = cli.run("files", "stat", "/nope");
        assertThat(missing.exit()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void aDirectoryIsPutWithEverythingInItUnderTheExistingRemoteDirectory() throws Exception {
        Path results = Files.createDirectories(work.resolve("results"));
        Files.writeString(results.resolve("a.txt"), "alpha");
        Files.createDirectories(results.resolve("empty"));
        Files.createDirectories(results.resolve("sub"));
        Files.writeString(results.resolve("sub/b.txt"), "beta!");
        Map<String, byte[]> files = new ConcurrentHashMap<>();
        java.util.Set<String> directories = ConcurrentHashMap.newKeySet();
        directories.add("/default/data");
        standInNamespace(files, directories);

        TestCli.Result put = cli.run("files", "put", "--no-progress", results.toString(), "/data");

        assertThat(put.exit()).as(put.err()).isZero();
        assertThat(directories).contains("/default/data/results", "/default/data/results/empty",
                "/default/data/results/sub");
        assertThat(files).containsOnlyKeys("/default/data/results/a.txt", "/default/data/results/sub/b.txt");
        assertThat(new String(files.get("/default/data/results/sub/b.txt"))).isEqualTo("beta!");
        assertThat(put.out()).contains("uploaded " + results + " to /default/data/results/ (2 files, 10 B)");

        Files.writeString(results.resolve("sub/b.txt"), "beta, changed");
        TestCli.Result again = cli.run("files", "put", "--no-progress", results.toString(), "/data/");
        assertThat(again.exit()).isEqualTo(ExitCodes.CONFLICT);
        assertThat(again.err()).contains("stopped after 0 of 2 files: /default/data/results/a.txt already exists:"
                + " holon files put --force overwrites it");
        TestCli.Result forced = cli.run("files", "put", "--no-progress", "--force", results.toString(), "/data/");
        assertThat(forced.exit()).as(forced.err()).isZero();
        assertThat(new String(files.get("/default/data/results/sub/b.txt"))).isEqualTo("beta, changed");

        TestCli.Result renamed = cli.run("files", "put", "--no-progress", results.toString(), "/data/copy");
        assertThat(renamed.exit()).as("a new name: the tree is put there").isZero();
        assertThat(files).containsKeys("/default/data/copy/a.txt", "/default/data/copy/sub/b.txt");

        files.put("/default/data/other/sub", new byte[0]);
        TestCli.Result onAFile = cli.run("files", "put", "--no-progress", results.toString(), "/data/other");
        assertThat(onAFile.exit()).as("a file where a directory goes").isEqualTo(ExitCodes.CONFLICT);
        assertThat(onAFile.err()).contains("is a file");
    }

    /**
     * storage-service's namespace under /default/data, in memory: stat, mkdir (200 for an existing directory, 409 for a
     * file) and a create-only or overwriting PUT.
     */
    private void standInNamespace(Map<String, byte[]> files, java.util.Set<String> directories) {
        cli.on("/api/v1/files/default/data", (exchange, request) -> {
            String path = java.net.URLDecoder.decode(exchange.getRequestURI().getRawPath()
                    .substring("/api/v1/files".length()), java.nio.charset.StandardCharsets.UTF_8);
            String query = String.valueOf(exchange.getRequestURI().getQuery());
            if (request.method().equals("GET") && query.equals("op=stat")) {
                if (directories.contains(path)) {
                    TestCli.json(exchange, 200, "{\"path\":\"" + path + "\",\"type\":\"DIRECTORY\",\"version\":1}");
                } else if (files.containsKey(path)) {
                    TestCli.json(exchange, 200, "{\"path\":\"" + path + "\",\"type\":\"FILE\",\"version\":1}");
                } else {
                    TestCli.json(exchange, 404, "{\"status\":404,\"detail\":\"no " + path + "\"}");
                }
            } else if (request.method().equals("POST") && query.equals("op=mkdir")) {
                if (files.containsKey(path)) {
                    TestCli.json(exchange, 409, "{\"status\":409,\"detail\":\"'" + path + "' is a file\"}");
                } else {
                    TestCli.json(exchange, directories.add(path) ? 201 : 200, "{\"path\":\"" + path + "\"}");
                }
            } else if (request.method().equals("PUT")) {
                boolean exists = files.containsKey(path);
                if (exists && "*".equals(request.header("If-None-Match"))) {
                    TestCli.json(exchange, 412, "{\"status\":412,\"detail\":\"" + path + " exists\"}");
                    return;
                }
                files.put(path, request.body());
                TestCli.json(exchange, exists ? 200 : 201, "{\"path\":\"" + path + "\",\"type\":\"FILE\",\"size\":"
                        + request.body().length + ",\"version\":" + (exists ? 2 : 1) + "}");
            } else {
                TestCli.json(exchange, 400, "{\"status\":400,\"detail\":\"unexpected " + request.uri() + "\"}");
            }
        });
    }
}
