package dev.holon.deploy;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Renders a Kustomize overlay with the real Kustomize: a {@code kustomize} binary, else {@code kubectl kustomize}
 * (Kustomize is built into kubectl; the java-maven machines carry kubectl), found on the PATH or given as
 * {@code HOLON_KUSTOMIZE}. Without either the rendering tests are skipped with a message, except under CI
 * ({@code CI=true}), where that is a failure.
 */
final class Kustomize {

    private Kustomize() {
    }

    static Optional<List<String>> command() {
        String configured = System.getenv("HOLON_KUSTOMIZE");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(configured.endsWith("kubectl") ? List.of(configured, "kustomize") : List.of(configured, "build"));
        }
        return onPath("kustomize").map(k -> List.of(k, "build"))
                .or(() -> onPath("kubectl").map(k -> List.of(k, "kustomize")));
    }

    static String missingMessage() {
        return "neither kustomize nor kubectl is on the PATH (set HOLON_KUSTOMIZE to one of them): the Kubernetes manifests"
                + " were not rendered or checked";
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
