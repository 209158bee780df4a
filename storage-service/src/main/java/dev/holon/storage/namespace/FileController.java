package dev.holon.storage.namespace;

import dev.holon.contracts.Page;
import dev.holon.contracts.problem.ProblemType;
import dev.holon.support.problem.ProblemException;
import dev.holon.support.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriUtils;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /api/v1/files/<tenant>/<path...>}: the bytes (GET, PUT), {@code ?op=stat|list} (GET),
 * {@code ?op=mkdir|move} (POST), DELETE, and the direct data path: {@code ?op=locate} (GET), {@code ?op=upload} and
 * {@code ?op=commit} (POST), see {@link DirectTransfers}. The path is taken from the raw request URI, percent-decoded segment by
 * segment and validated ({@link FilePath}); a tenant the caller may not reach is a 404, as if nothing were there.
 */
@RestController
@Validated
@RequestMapping("/api/v1/files")
public class FileController {

    private static final String PREFIX = "/api/v1/files";

    private final FileService files;
    private final DirectTransfers direct;

    public FileController(FileService files, DirectTransfers direct) {
        this.files = files;
        this.direct = direct;
    }

    /** The body of {@code ?op=move}. */
    public record MoveRequest(@NotBlank String destination) {
    }

    /** The body of {@code ?op=upload}: the file's exact length and, optionally, its replication. */
    public record BeginUpload(@NotNull @PositiveOrZero Long size, Integer replication) {
    }

    @GetMapping(value = {"/**"}, params = "!op")
    public void download(HttpServletRequest request, HttpServletResponse response, Authentication who,
            @RequestHeader(value = HttpHeaders.RANGE, required = false) String range) throws IOException {
        FilePath path = resolve(request, who);
        if (path.isRoot()) {
            throw directory(path);
        }
        Entry entry = files.get(path);
        if (!entry.isFile()) {
            throw directory(path);
        }
        long size = entry.size();
        long first = 0;
        long last = size - 1;
        response.setHeader(HttpHeaders.ETAG, entry.etag());
        response.setHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
        response.setContentType(MediaType.APPLICATION_OCTET_STREAM_VALUE);
        long[] wanted = range == null ? null : ByteRange.parse(range, size);
        if (wanted != null) {
            first = wanted[0];
            last = wanted[1];
            response.setStatus(HttpStatus.PARTIAL_CONTENT.value());
            response.setHeader(HttpHeaders.CONTENT_RANGE, "bytes " + first + "-" + last + "/" + size);
        }
        response.setContentLengthLong(last - first + 1);
        if (size > 0) {
            files.read(entry, first, last, response.getOutputStream());
        }
    }

    @GetMapping(value = {"", "/**"}, params = "op")
    public Object query(HttpServletRequest request, Authentication who, @RequestParam String op,
            @RequestParam(defaultValue = "false") boolean replicas,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit,
            @RequestParam(required = false) String cursor) {
        FilePath path = resolve(request, who);
        return switch (op) {
            case "stat" -> {
                FileView view = files.stat(path, replicas);
                yield ResponseEntity.ok().eTag(etagOf(view)).body(view);
            }
            case "list" -> {
                Page<FileView> page = files.list(path, cursor, limit);
                yield ResponseEntity.ok(page);
            }
            // a file: its chunks; a directory: a page of its files, each with its chunks
            case "locate" -> {
                Entry entry = path.isRoot() ? null : files.get(path);
                yield ResponseEntity.ok(entry != null && entry.isFile() ? direct.locate(path, entry)
                        : direct.locateChildren(path, cursor, limit));
            }
            default -> throw ProblemException.invalid("op must be stat, list or locate for GET (or none, for the bytes)");
        };
    }

    @PutMapping("/**")
    public ResponseEntity<FileView> upload(HttpServletRequest request, Authentication who,
            @RequestParam(required = false) Integer replication,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @RequestHeader(value = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) throws IOException {
        FilePath path = resolve(request, who);
        String type = request.getContentType();
        if (type != null && !MediaType.parseMediaType(type).isCompatibleWith(MediaType.APPLICATION_OCTET_STREAM)) {
            throw new ProblemException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "send the file's bytes as application/octet-stream");
        }
        FileService.Written written = files.upload(path, Caller.of(who).username(), request.getInputStream(),
                request.getContentLengthLong(), new Preconditions(ifMatch, ifNoneMatch), replication);
        var status = written.created() ? ResponseEntity.created(location(written.view())) : ResponseEntity.ok();
        return status.eTag(etagOf(written.view())).body(written.view());
    }

    @PostMapping(value = "/**", params = "op")
    public ResponseEntity<FileView> command(HttpServletRequest request, Authentication who, @RequestParam String op,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @RequestBody(required = false) @Valid MoveRequest move) {
        FilePath path = resolve(request, who);
        switch (op) {
            case "mkdir" -> {
                FileService.Written made = files.mkdir(path, Caller.of(who).username());
                var status = made.created() ? ResponseEntity.created(location(made.view())) : ResponseEntity.ok();
                return status.eTag(etagOf(made.view())).body(made.view());
            }
            case "move" -> {
                if (move == null) {
                    throw ProblemException.invalid("send {\"destination\": \"/<tenant>/new/path\"}");
                }
                FilePath destination;
                try {
                    destination = access(FilePath.parse(move.destination()), who);
                } catch (FilePath.InvalidPath e) {
                    throw ProblemException.invalid("destination is not a valid path: " + e.getMessage());
                }
                FileView moved = files.move(path, destination, new Preconditions(ifMatch, null));
                return ResponseEntity.ok().eTag(etagOf(moved)).body(moved);
            }
            default -> throw ProblemException.invalid("op must be mkdir or move for POST");
        }
    }

    /** Starts a direct upload: the client writes the planned chunks to the workers itself, then commits. */
    @PostMapping(value = "/**", params = "op=upload")
    public ResponseEntity<DirectTransfers.Upload> beginUpload(HttpServletRequest request, Authentication who,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @RequestHeader(value = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
            @RequestBody @Valid BeginUpload begin) {
        DirectTransfers.Upload upload = direct.begin(resolve(request, who), Caller.of(who).username(), begin.size(),
                begin.replication(), new Preconditions(ifMatch, ifNoneMatch));
        return ResponseEntity.status(HttpStatus.CREATED).body(upload);
    }

    /** Makes a direct upload the file's content once the workers' receipts prove every chunk stored. */
    @PostMapping(value = "/**", params = "op=commit")
    public ResponseEntity<FileView> commitUpload(HttpServletRequest request, Authentication who,
            @RequestParam(required = false) String upload,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @RequestHeader(value = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
            @RequestBody DirectTransfers.Commit commit) {
        FileService.Written written = direct.commit(resolve(request, who), upload, commit,
                new Preconditions(ifMatch, ifNoneMatch));
        var status = written.created() ? ResponseEntity.created(location(written.view())) : ResponseEntity.ok();
        return status.eTag(etagOf(written.view())).body(written.view());
    }

    @DeleteMapping("/**")
    public ResponseEntity<Void> delete(HttpServletRequest request, Authentication who,
            @RequestParam(defaultValue = "false") boolean recursive,
            @RequestHeader(value = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
        files.delete(resolve(request, who), recursive, new Preconditions(ifMatch, null));
        return ResponseEntity.noContent().build();
    }

    // ---- paths and tenancy ----

    private static FilePath resolve(HttpServletRequest request, Authentication who) {
        String raw = request.getRequestURI().substring(request.getContextPath().length());
        if (!raw.startsWith(PREFIX)) {
            throw ProblemException.invalid("not a files path");
        }
        String rest = raw.substring(PREFIX.length());
        if (rest.isEmpty() || rest.equals("/")) {
            throw ProblemException.invalid("name a tenant: /api/v1/files/<tenant>/<path...>");
        }
        rest = rest.substring(1);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        List<String> segments = new ArrayList<>();
        try {
            for (String segment : rest.split("/", -1)) {
                segments.add(UriUtils.decode(segment, StandardCharsets.UTF_8));
            }
            return access(FilePath.of(segments), who);
        } catch (FilePath.InvalidPath | IllegalArgumentException e) {
            throw ProblemException.invalid("the path is not valid: " + e.getMessage());
        }
    }

    /**
     * Another tenant's objects are never revealed: 404, as for a path that does not exist. Admins, nodes and
     * services reach all ({@link TenantAccess}).
     */
    private static FilePath access(FilePath path, Authentication who) {
        if (!TenantAccess.allows(path.tenant(), who)) {
            throw FileService.notFound(path);
        }
        return path;
    }

    private static ProblemException directory(FilePath path) {
        return ProblemException.invalid("'" + path + "' is a directory; list it with ?op=list");
    }

    private static String etagOf(FileView view) {
        return "\"" + view.version() + "\"";
    }

    private static URI location(FileView view) {
        StringBuilder uri = new StringBuilder(PREFIX);
        for (String segment : view.path().substring(1).split("/")) {
            uri.append('/').append(UriUtils.encodePathSegment(segment, StandardCharsets.UTF_8));
        }
        return URI.create(uri.toString());
    }
}
