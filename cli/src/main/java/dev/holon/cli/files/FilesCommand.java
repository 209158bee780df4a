package dev.holon.cli.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holon.cli.CliCommand;
import dev.holon.cli.CliException;
import dev.holon.cli.ExitCodes;
import dev.holon.cli.auth.Tenants;
import dev.holon.cli.http.ApiClient;
import dev.holon.cli.output.Table;
import dev.holon.cli.output.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardCopyOption;
import java.nio.file.LinkOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code holon files ...}: the one file namespace (storage-service through the gateway). Transfers stream from and
 * to disk with a progress report; paths follow {@link RemotePath}'s rule.
 */
@Command(name = "files", mixinStandardHelpOptions = true,
        description = {"Files of your tenant: /data/a.txt is /<your tenant>/data/a.txt; a path starting with your tenant's",
                "name (/default/data/a.txt) names the tenant explicitly."},
        subcommands = {FilesCommand.Ls.class, FilesCommand.Stat.class, FilesCommand.Put.class, FilesCommand.Get.class,
                FilesCommand.Rm.class, FilesCommand.Mv.class, FilesCommand.Mkdir.class})
public final class FilesCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    abstract static class FileCommand extends CliCommand {
        RemotePath remote(String typed) {
            return RemotePath.parse(typed, Tenants.current(api().credentials()));
        }

        /** The direct data path: bytes between here and the workers, the namespace calls through the gateway. */
        DirectTransfer direct(RemotePath file) {
            return new DirectTransfer(new DirectTransfer.Namespace() {
                @Override
                public JsonNode post(String pathAndQuery, String jsonBody, Map<String, String> headers) {
                    return api().postJson(pathAndQuery, jsonBody, headers, file.full());
                }

                @Override
                public JsonNode get(String pathAndQuery) {
                    return api().getJson(pathAndQuery, file.full());
                }
            }, 4);
        }

        JsonNode stat(RemotePath path, boolean replicas) {
            return api().getJson(path.apiPath() + "?op=stat" + (replicas ? "&replicas=true" : ""), path.full());
        }

        @Override
        protected int execute() throws Exception {
            try {
                return transfer();
            } catch (CliException e) {
                if (e.exitCode() == ExitCodes.NOT_FOUND && e.getMessage().contains("Nothing is served at")) {
                    throw new CliException(ExitCodes.NOT_FOUND, "the files API is not available at " + api().gateway()
                            + ": this cluster runs no storage-service yet");
                }
                throw e;
            }
        }

        abstract int transfer() throws Exception;

        /** Up to {@code limit} entries of {@code dir}, by name, a page (at most 500) per call. */
        ArrayNode list(RemotePath dir, int limit) {
            ArrayNode items = ApiClient.JSON.createArrayNode();
            String cursor = null;
            do {
                String query = dir.apiPath() + "?op=list&limit=" + Math.min(500, limit - items.size())
                        + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
                JsonNode page = api().getJson(query, dir.full());
                page.path("items").forEach(items::add);
                cursor = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
            } while (cursor != null && items.size() < limit);
            return items;
        }

        /** Progress on stderr: a redrawn bar on a terminal, plain lines otherwise; none with --no-progress. */
        Progress progress(String label, long total, boolean off) {
            return off ? Progress.silent() : new Progress(label, total, ctx.err(), ctx.terminal(), System::nanoTime);
        }
    }

    @Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, description = "List a directory (default /).")
    public static final class Ls extends FileCommand {
        @Parameters(paramLabel = "PATH", defaultValue = "/")
        String path;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "1000", description = "At most N entries (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        int transfer() {
            RemotePath dir = remote(path);
            ArrayNode items = list(dir, limit);
            ObjectNode result = ApiClient.JSON.createObjectNode();
            result.set("items", items);
            printer().print(result, out -> {
                if (items.isEmpty()) {
                    out.println(dir.full() + " is empty.");
                    return;
                }
                Table table = new Table("TYPE", "SIZE", "REPL", "MODIFIED", "PATH");
                for (JsonNode item : items) {
                    boolean directory = "DIRECTORY".equals(item.path("type").asText());
                    table.row(directory ? "dir" : "file", directory ? "" : Units.bytes(item.path("size").asLong()),
                            directory ? "" : item.path("replication").asText(""), item.path("modifiedAt").asText(""),
                            directory ? style().blue(item.path("path").asText()) + "/" : item.path("path").asText());
                }
                table.print(out);
            });
            return ExitCodes.OK;
        }
    }

    @Command(name = "stat", mixinStandardHelpOptions = true, description = "A file's size, checksum, version, owner; --replicas: where its chunks are.")
    public static final class Stat extends FileCommand {
        @Parameters(paramLabel = "PATH")
        String path;
        @Option(names = "--replicas", description = "Also the chunks and the nodes holding each.")
        boolean replicas;

        @Override
        int transfer() {
            JsonNode view = stat(remote(path), replicas);
            printer().print(view, out -> {
                out.println("path         " + view.path("path").asText());
                out.println("type         " + view.path("type").asText());
                if (!"DIRECTORY".equals(view.path("type").asText())) {
                    out.println("size         " + Units.bytes(view.path("size").asLong()) + " (" + view.path("size").asLong() + " bytes)");
                    out.println("checksum     " + view.path("checksum").asText(""));
                    out.println("replication  " + view.path("replication").asText(""));
                }
                out.println("version      " + view.path("version").asText(""));
                out.println("owner        " + view.path("owner").asText(""));
                out.println("created      " + view.path("createdAt").asText(""));
                out.println("modified     " + view.path("modifiedAt").asText(""));
                if (view.path("chunks").size() > 0) {
                    Table table = new Table("CHUNK", "SIZE", "CHECKSUM", "REPLICAS");
                    for (JsonNode chunk : view.path("chunks")) {
                        StringBuilder nodes = new StringBuilder();
                        chunk.path("replicas").forEach(n -> nodes.append(nodes.isEmpty() ? "" : ",").append(n.asText()));
                        table.row(chunk.path("chunkId").asText(), Units.bytes(chunk.path("size").asLong()),
                                chunk.path("checksum").asText(""), nodes);
                    }
                    out.println();
                    table.print(out);
                }
            });
            return ExitCodes.OK;
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = {"Upload a file (streamed from disk). REMOTE ending in / keeps the local name.",
                    "A directory goes with everything in it, to REMOTE (REMOTE/<its name> when REMOTE ends in / or is a "
                            + "directory).",
                    "Refuses to overwrite (exit 6) unless --force, which overwrites the version it read (If-Match).",
                    "Files above 2 MiB go straight to the workers; smaller ones in one request through the gateway."})
    public static final class Put extends FileCommand {
        /**
         * Like S3's single PUT against its multipart upload: a small file costs one request through the gateway,
         * where the direct path costs two namespace calls and a pipeline. The storage benchmark measured 20.3 files/s
         * of 1 MiB through the gateway against 13.8 direct, and 55.5 against 135.3 MiB/s for 1 GiB; a straight line
         * through those figures puts the break-even near 4 MiB.
         */
        public static final long ONE_REQUEST_MAX_BYTES = 2L << 20;

        @Parameters(index = "0", paramLabel = "LOCAL", description = "A file, a directory, or - for stdin.")
        Path local;
        @Parameters(index = "1", paramLabel = "REMOTE")
        String remotePath;
        @Option(names = {"-r", "--replication"}, paramLabel = "N", description = "Copies of each chunk (default: the cluster's, 3).")
        Integer replication;
        @Option(names = "--force", description = "Overwrite an existing file.")
        boolean force;
        @Option(names = "--no-progress", description = "No progress report.")
        boolean noProgress;
        @Option(names = "--via-gateway", description = "Send the bytes through the gateway instead of straight to the workers.")
        boolean viaGateway;

        private CliException existsHint(CliException e, RemotePath destination) {
            if (e.exitCode() == ExitCodes.CONFLICT && !force) {
                return new CliException(ExitCodes.CONFLICT, destination.full() + " already exists: holon files put"
                        + " --force overwrites it");
            }
            return e;
        }

        @Override
        int transfer() throws IOException {
            boolean stdin = local.toString().equals("-");
            if (!stdin && Files.isDirectory(local)) {
                return tree();
            }
            if (!stdin && !Files.isRegularFile(local)) {
                throw new CliException(ExitCodes.USAGE, "no such file: " + local);
            }
            RemotePath target = remote(remotePath);
            if (remotePath.endsWith("/") || target.isRoot()) {
                if (stdin) {
                    throw new CliException(ExitCodes.USAGE, "uploading stdin needs a file name: holon files put - /dir/name");
                }
                target = target.child(local.getFileName().toString());
            }
            long size;
            try {
                size = stdin ? -1 : Files.size(local);
            } catch (IOException e) {
                throw new CliException(ExitCodes.FAILED, "cannot read " + local + ": " + e.getMessage());
            }
            Progress progress = progress(stdin ? "stdin" : local.getFileName().toString(), size, noProgress);
            Sent sent = upload(stdin ? null : local, size, target, progress);
            progress.done();
            String said = (sent.replaced() ? "replaced " : "created ") + sent.view().path("path").asText(target.full())
                    + " (" + Units.bytes(sent.view().path("size").asLong(size >= 0 ? size : progress.bytes()))
                    + ", version " + sent.view().path("version").asText("?") + ")";
            printer().print(sent.view(), out -> out.println(said));
            return ExitCodes.OK;
        }

        /** What storage-service answered for one file, and whether it replaced one. */
        private record Sent(JsonNode view, boolean replaced) {
        }

        /**
         * LOCAL is a directory: it and everything in it, each file sent as a lone one would be, to REMOTE (or
         * REMOTE/<its name> when REMOTE ends in /, is the root or is a directory), as {@code cp -r} and HDFS's
         * {@code -put} do. Every directory is made, the empty ones too; each file appears whole or not at all, and
         * the first failure stops the upload, saying how far it got.
         */
        private int tree() throws IOException {
            Path root = local.toAbsolutePath().normalize();
            if (root.getFileName() == null) {
                throw new CliException(ExitCodes.USAGE, "refusing to upload all of " + root + ": name a directory");
            }
            RemotePath target = remote(remotePath);
            if (remotePath.endsWith("/") || target.isRoot() || isDirectory(target)) {
                target = target.child(root.getFileName().toString());
            }
            List<Path> directories = new ArrayList<>();
            List<Path> files = new ArrayList<>();
            long total = 0;
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path path : walk.sorted().toList()) {
                    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                        directories.add(path);
                    } else if (Files.isRegularFile(path)) {
                        files.add(path);
                        total += Files.size(path);
                    } else {
                        ctx.err().println("skipped " + path + ": not a file or a directory");
                    }
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new CliException(ExitCodes.FAILED, "cannot read " + root + ": " + e.getMessage());
            }
            for (Path directory : directories) { // an existing directory is fine; a file of that name is not
                RemotePath dir = inside(target, root.relativize(directory));
                api().postJson(dir.apiPath() + "?op=mkdir", null, Map.of(), dir.full());
            }
            Progress progress = progress(root.getFileName().toString(), total, noProgress);
            int sent = 0;
            for (Path file : files) {
                try {
                    upload(file, Files.size(file), inside(target, root.relativize(file)), progress);
                } catch (CliException e) {
                    throw new CliException(e.exitCode(), "stopped after " + sent + " of " + files.size() + " files: "
                            + e.getMessage());
                }
                sent++;
            }
            progress.done();
            if (printer().table()) {
                ctx.out().println("uploaded " + root + " to " + target.full() + "/ (" + files.size() + " files, "
                        + Units.bytes(total) + ")");
            }
            return ExitCodes.OK;
        }

        private boolean isDirectory(RemotePath path) {
            try {
                return "DIRECTORY".equals(stat(path, false).path("type").asText());
            } catch (CliException e) {
                if (e.exitCode() == ExitCodes.NOT_FOUND) {
                    return false;
                }
                throw e;
            }
        }

        private static RemotePath inside(RemotePath dir, Path relative) {
            RemotePath path = dir;
            for (Path segment : relative) {
                if (!segment.toString().isEmpty()) {
                    path = path.child(segment.toString());
                }
            }
            return path;
        }

        /**
         * One file ({@code file} null: stdin) to {@code target}: create-only, or with --force over the version it
         * has now. Large files go straight to the workers and, when they cannot be reached from here, through the
         * gateway.
         */
        private Sent upload(Path file, long size, RemotePath target, Progress progress) throws IOException {
            String precondition = "If-None-Match";
            String preconditionValue = "*";
            if (force) {
                try {
                    JsonNode existing = stat(target, false);
                    precondition = "If-Match";
                    preconditionValue = "\"" + existing.path("version").asText() + "\"";
                } catch (CliException e) {
                    if (e.exitCode() != ExitCodes.NOT_FOUND) {
                        throw e;
                    }
                }
            }
            if (file != null && !viaGateway && size > ONE_REQUEST_MAX_BYTES) {
                long[] sent = {0};
                try {
                    JsonNode view = direct(target).upload(target.apiPath(), file, replication,
                            Map.of(precondition, preconditionValue), n -> {
                                sent[0] += n;
                                progress.advance(n);
                            });
                    return new Sent(view, precondition.equals("If-Match"));
                } catch (DirectTransfer.WorkersUnreachable e) {
                    ctx.err().println("The workers cannot be reached from here (" + e.getMessage()
                            + "); sending the file through the gateway instead.");
                    progress.advance(-sent[0]);
                    viaGateway = true; // the rest of a tree too
                } catch (CliException e) {
                    throw existsHint(e, target);
                }
            }
            HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofInputStream(() -> {
                try {
                    return new CountingInputStream(file == null ? ctx.in() : Files.newInputStream(file), progress);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            if (size == 0) {
                body = HttpRequest.BodyPublishers.noBody(); // fromPublisher refuses a length of 0
            } else if (size > 0) {
                body = HttpRequest.BodyPublishers.fromPublisher(body, size);
            }
            HttpRequest.BodyPublisher publisher = body;
            String header = precondition;
            String headerValue = preconditionValue;
            HttpResponse<String> response;
            try {
                response = api().send(b -> b.uri(api().uri(target.apiPath()
                                + (replication == null ? "" : "?replication=" + replication)))
                        .header("Content-Type", "application/octet-stream").header("Accept", "application/json")
                        .header(header, headerValue).PUT(publisher), ApiClient.STRING, target.full());
            } catch (CliException e) {
                throw existsHint(e, target);
            }
            return new Sent(ApiClient.json(response), response.statusCode() != 201);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Download a file (streamed to disk). LOCAL defaults to its name here; - writes to stdout.",
                    "-r: a directory with everything in it, into LOCAL (or LOCAL/<its name> when LOCAL is a directory)."})
    public static final class Get extends FileCommand {
        @Parameters(index = "0", paramLabel = "REMOTE")
        String remotePath;
        @Parameters(index = "1", paramLabel = "LOCAL", arity = "0..1")
        Path local;
        @Option(names = "--force", description = "Overwrite a local file.")
        boolean force;
        @Option(names = "--no-progress", description = "No progress report.")
        boolean noProgress;
        @Option(names = "--via-gateway", description = "Read the bytes through the gateway instead of straight from the workers.")
        boolean viaGateway;
        @Option(names = {"-r", "--recursive"}, description = "Download a directory with everything in it.")
        boolean recursive;

        @Override
        int transfer() throws IOException {
            RemotePath source = remote(remotePath);
            if (recursive) {
                return tree(source);
            }
            boolean stdout = local != null && local.toString().equals("-");
            Path target = local == null ? Path.of(source.name()) : local;
            if (!stdout && Files.isDirectory(target)) {
                target = target.resolve(source.name());
            }
            // A device or a pipe (/dev/null, a FIFO) is written into; a file is replaced only once all of it is here.
            boolean intoDevice = !stdout && Files.exists(target) && !Files.isRegularFile(target);
            if (!stdout && !intoDevice && Files.exists(target) && !force) {
                throw new CliException(ExitCodes.CONFLICT, target + " exists here: --force overwrites it");
            }
            Path absolute = target.toAbsolutePath();
            Path part = intoDevice ? absolute : absolute.resolveSibling("." + absolute.getFileName() + ".holon-part");
            if (!stdout && !viaGateway) {
                JsonNode view = stat(source, false);
                if ("DIRECTORY".equals(view.path("type").asText())) {
                    throw new CliException(ExitCodes.USAGE, source.full() + " is a directory: holon files get -r "
                            + "downloads it with everything in it");
                }
                long size = view.path("size").asLong(-1);
                Progress progress = progress(source.name(), size, noProgress);
                long written = -1;
                try (OutputStream out = Files.newOutputStream(part)) {
                    written = direct(source).download(source.apiPath(), out, progress::advance);
                } catch (DirectTransfer.WorkersUnreachable e) {
                    ctx.err().println("The workers cannot be reached from here (" + e.getMessage()
                            + "); reading the file through the gateway instead.");
                } catch (IOException e) {
                    discard(part, absolute);
                    throw new CliException(ExitCodes.UNREACHABLE, "the download of " + source.full() + " broke off: "
                            + e.getMessage());
                }
                if (written == size) {
                    return saved(part, absolute, target, progress);
                }
                discard(part, absolute);
            }
            HttpResponse<InputStream> response = api().send(b -> b.uri(api().uri(source.apiPath()))
                    .header("Accept", "application/octet-stream").GET(), ApiClient.STREAM, source.full());
            long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            Progress progress = progress(source.name(), total, noProgress || stdout && !ctx.terminal());
            if (stdout) {
                try (InputStream in = new CountingInputStream(response.body(), progress)) {
                    in.transferTo(ctx.out());
                }
                ctx.out().flush();
                progress.done();
                return ExitCodes.OK;
            }
            try (InputStream in = new CountingInputStream(response.body(), progress);
                 OutputStream out = Files.newOutputStream(part)) {
                in.transferTo(out);
            } catch (IOException e) {
                discard(part, absolute);
                throw new CliException(ExitCodes.UNREACHABLE, "the download of " + source.full() + " broke off: " + e.getMessage());
            }
            if (total >= 0 && progress.bytes() != total) {
                discard(part, absolute);
                throw new CliException(ExitCodes.FAILED, "the download of " + source.full() + " is incomplete: "
                        + progress.bytes() + " of " + total + " bytes");
            }
            return saved(part, absolute, target, progress);
        }

        /**
         * The directory and its subdirectories, one level after another: each level's files are located a page at a
         * time and read straight from the workers ({@link DirectTransfer#downloadDirectory}); each file appears under
         * its name only once all of it is on disk.
         */
        private int tree(RemotePath source) throws IOException {
            if (local != null && local.toString().equals("-") || viaGateway) {
                throw new CliException(ExitCodes.USAGE, "holon files get -r writes files to a local directory, read "
                        + "straight from the workers (not to stdout, not --via-gateway)");
            }
            if (!source.isRoot() && !"DIRECTORY".equals(stat(source, false).path("type").asText())) {
                throw new CliException(ExitCodes.USAGE, source.full() + " is a file: holon files get without -r "
                        + "downloads it");
            }
            String name = source.isRoot() ? source.tenant() : source.name();
            Path target = local == null ? Path.of(name) : Files.isDirectory(local) ? local.resolve(name) : local;
            if (Files.exists(target) && !force) {
                throw new CliException(ExitCodes.CONFLICT, target + " exists here: --force writes into it");
            }
            Progress progress = progress(name, -1, noProgress);
            DirectTransfer direct = direct(source);
            ArrayDeque<Map.Entry<RemotePath, Path>> levels = new ArrayDeque<>(List.of(Map.entry(source, target)));
            int files = 0;
            while (!levels.isEmpty()) {
                Map.Entry<RemotePath, Path> level = levels.removeFirst();
                Files.createDirectories(level.getValue());
                PartFiles parts = new PartFiles(level.getValue());
                try {
                    files += direct.downloadDirectory(level.getKey().apiPath(), parts, progress::advance);
                } catch (DirectTransfer.WorkersUnreachable | IOException e) {
                    parts.discard();
                    throw new CliException(ExitCodes.UNREACHABLE, "the download of " + level.getKey().full()
                            + " broke off: " + e.getMessage() + (e instanceof DirectTransfer.WorkersUnreachable
                            ? " (get its files one by one with --via-gateway)" : ""));
                }
                for (JsonNode entry : list(level.getKey(), Integer.MAX_VALUE)) {
                    if ("DIRECTORY".equals(entry.path("type").asText())) {
                        String child = lastSegment(entry.path("path").asText());
                        levels.add(Map.entry(level.getKey().child(child), PartFiles.inside(level.getValue(), child)));
                    }
                }
            }
            progress.done();
            if (printer().table()) {
                ctx.out().println("saved " + files + " files in " + target + " (" + Units.bytes(progress.bytes()) + ")");
            }
            return ExitCodes.OK;
        }

        private static String lastSegment(String path) {
            return path.substring(path.lastIndexOf('/') + 1);
        }

        /** Each file goes to {@code .<name>.holon-part} in {@code dir} and is renamed to its name once complete. */
        private static final class PartFiles implements DirectTransfer.FileSink {
            private final Path dir;
            private Path part;

            PartFiles(Path dir) {
                this.dir = dir;
            }

            /** {@code dir/name}, refusing a name that would lead out of {@code dir}. */
            static Path inside(Path dir, String name) {
                Path path = dir.resolve(name).normalize();
                if (name.isEmpty() || !dir.normalize().equals(path.getParent())) {
                    throw new CliException(ExitCodes.FAILED, "refusing to write '" + name + "' outside " + dir);
                }
                return path;
            }

            @Override
            public OutputStream open(JsonNode file) throws IOException {
                part = inside(dir, "." + lastSegment(file.path("path").asText()) + ".holon-part");
                return Files.newOutputStream(part);
            }

            @Override
            public void complete(JsonNode file) throws IOException {
                Files.move(part, inside(dir, lastSegment(file.path("path").asText())),
                        StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                part = null;
            }

            void discard() throws IOException {
                if (part != null) {
                    Files.deleteIfExists(part);
                }
            }
        }

        /** The part file of a broken download goes; a device written into stays. */
        private static void discard(Path part, Path absolute) throws IOException {
            if (!part.equals(absolute)) {
                Files.deleteIfExists(part);
            }
        }

        private int saved(Path part, Path absolute, Path target, Progress progress) throws IOException {
            if (!part.equals(absolute)) {
                Files.move(part, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            progress.done();
            if (printer().table()) {
                ctx.out().println("saved " + target + " (" + Units.bytes(progress.bytes()) + ")");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Delete a file or an empty directory (-r: with everything in it).")
    public static final class Rm extends FileCommand {
        @Parameters(paramLabel = "PATH")
        String path;
        @Option(names = {"-r", "--recursive"})
        boolean recursive;

        @Override
        int transfer() {
            RemotePath target = remote(path);
            if (target.isRoot()) {
                throw new CliException(ExitCodes.USAGE, "refusing to delete the root of tenant " + target.tenant());
            }
            try {
                api().delete(target.apiPath() + (recursive ? "?recursive=true" : ""), target.full());
            } catch (CliException e) {
                if (e.exitCode() == ExitCodes.CONFLICT && !recursive) {
                    throw new CliException(ExitCodes.CONFLICT, target.full() + " is not empty: holon files rm -r deletes"
                            + " it with everything in it");
                }
                throw e;
            }
            if (printer().table()) {
                ctx.out().println("deleted " + target.full());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "mv", mixinStandardHelpOptions = true, description = "Move or rename (refused if it changed meanwhile).")
    public static final class Mv extends FileCommand {
        @Parameters(index = "0", paramLabel = "FROM")
        String from;
        @Parameters(index = "1", paramLabel = "TO")
        String to;

        @Override
        int transfer() {
            RemotePath source = remote(from);
            RemotePath destination = remote(to);
            if (to.endsWith("/")) {
                destination = destination.child(source.name());
            }
            JsonNode current = stat(source, false);
            ObjectNode body = ApiClient.JSON.createObjectNode().put("destination", destination.full());
            String version = current.path("version").asText(null);
            HttpResponse<String> response = api().send(b -> {
                b.uri(api().uri(source.apiPath() + "?op=move")).header("Content-Type", "application/json")
                        .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
                if (version != null) {
                    b.header("If-Match", "\"" + version + "\"");
                }
                return b;
            }, ApiClient.STRING, source.full());
            JsonNode view = ApiClient.json(response);
            RemotePath moved = destination;
            printer().print(view, out -> out.println("moved " + source.full() + " to " + moved.full()));
            return ExitCodes.OK;
        }
    }

    @Command(name = "mkdir", mixinStandardHelpOptions = true,
            description = "Create a directory and any missing parents.")
    public static final class Mkdir extends FileCommand {
        @Parameters(paramLabel = "PATH")
        String path;
        @Option(names = {"-p", "--parents"}, description = "No error if it exists.")
        boolean parents;

        @Override
        int transfer() {
            RemotePath dir = remote(path);
            HttpResponse<String> made = api().post(dir.apiPath() + "?op=mkdir", null, Map.of(), dir.full());
            if (made.statusCode() == 201) {
                printer().print(ApiClient.json(made), out -> out.println("created " + dir.full() + "/"));
                return ExitCodes.OK;
            }
            // 200: the directory was already there
            if (!parents) {
                throw new CliException(ExitCodes.CONFLICT, dir.full() + "/ exists (holon files mkdir -p "
                        + path + " accepts that)");
            }
            printer().print(ApiClient.json(made), out -> out.println(dir.full() + "/ exists"));
            return ExitCodes.OK;
        }
    }
}
