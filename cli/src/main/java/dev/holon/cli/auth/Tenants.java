package dev.holon.cli.auth;

import dev.holon.cli.config.Credentials;

/** The tenant a command works in: the one chosen with {@code holon tenant use}, else the token's, else default. */
public final class Tenants {
    private Tenants() {
    }

    public static String current(Credentials credentials) {
        if (credentials.tenant() != null) {
            return credentials.tenant();
        }
        return Jwt.parse(credentials.accessToken()).map(Jwt::tenant).orElse(Jwt.DEFAULT_TENANT);
    }
}
