package dev.holon.localcluster.infra;

import java.nio.file.Path;

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
}
