package dev.holon.worker.staging;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * {@link StorageFiles} over storage-service's REST API ({@code /api/v1/files/<tenant>/<path...>}) with the JDK
 * {@code HttpClient}, authenticated as the node (a bearer token from {@code token}, role {@code node}). Downloads
 * stream into a temp file beside the target, renamed into place when complete; uploads stream the file. An upload is
 * create-only ({@code If-None-Match: *}); when the file exists (an earlier attempt of the task stored it) it is
 * overwritten with {@code If-Match} of the version just read, so the newest successful attempt's outputs win.
 * Plain Java; thread-safe.
 */
public final class HttpStorageFiles implements StorageFiles {

    private final URI base;
    private final HttpClient http;
    private final Supplier<String> token;
    private final Duration timeout;

    public HttpStorageFiles(URI storageUrl, Supplier<String> token, Duration connectTimeout, Duration timeout) {
        String url = storageUrl.toString();
        this.base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public void download(String path, Path target) throws FileMissing, IOException {
        HttpRequest request = request(path, "").timeout(timeout).GET().build();
        HttpResponse<InputStream> response = send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() == 404) {
                throw new FileMissing(path);
            }
            if (response.statusCode() != 200) {
                throw new IOException("storage answered " + response.statusCode() + " for " + path + ": "
                        + excerpt(body));
            }
            Path partial = target.resolveSibling(".partial-" + target.getFileName());
            Files.copy(body, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    @Override
    public void upload(Path source, String path) throws IOException {
        HttpResponse<String> created = put(source, path, "If-None-Match", "*");
        if (created.statusCode() == 201 || created.statusCode() == 200) {
            return;
        }
        if (created.statusCode() != 412) {
            throw new IOException(path + ": storage answered " + created.statusCode() + " " + created.body());
        }
        HttpResponse<String> stat = send(request(path, "?op=stat").timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        String version = stat.headers().firstValue("ETag").orElse(null);
        if (stat.statusCode() != 200 || version == null) {
            throw new IOException(path + " exists but cannot be read back to overwrite it: storage answered "
                    + stat.statusCode());
        }
        HttpResponse<String> replaced = put(source, path, "If-Match", version);
        if (replaced.statusCode() != 200 && replaced.statusCode() != 201) {
            throw new IOException(path + ": storage answered " + replaced.statusCode() + " " + replaced.body());
        }
    }

    private HttpResponse<String> put(Path source, String path, String header, String value) throws IOException {
        HttpRequest request = request(path, "").header("Content-Type", "application/octet-stream")
                .header(header, value).PUT(HttpRequest.BodyPublishers.ofFile(source)).build();
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path, String query) {
        return HttpRequest.newBuilder(URI.create(base + "/api/v1/files" + encode(path) + query))
                .header("Authorization", "Bearer " + token.get());
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return http.send(request, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Each segment of {@code /<tenant>/a b/c} percent-encoded as a path segment. */
    static String encode(String path) {
        StringBuilder out = new StringBuilder();
        for (String segment : path.substring(1).split("/", -1)) {
            out.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return out.toString();
    }

    private static String excerpt(InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(300);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
