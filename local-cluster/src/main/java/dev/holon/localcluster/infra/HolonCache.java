package dev.holon.localcluster.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where unpacked third-party servers live between runs (Keycloak's distribution, PostgreSQL binaries):
 * {@code $HOLON_CACHE}, else {@code ~/.cache/holon}. Shared by every cluster and test on the machine.
 */
public final class HolonCache {

    private HolonCache() {
    }

    public static Path root() {
        String configured = System.getenv("HOLON_CACHE");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".cache", "holon");
    }

    /** Deletes a file, a link (not what it points to) or a directory with everything in it; nothing if absent. */
    public static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isSymbolicLink(path) || !Files.isDirectory(path)) {
            Files.delete(path);
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
