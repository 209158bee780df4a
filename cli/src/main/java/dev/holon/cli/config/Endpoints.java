package dev.holon.cli.config;

import java.util.Map;
import java.util.Optional;

/**
 * Where the gateway and Keycloak's realm are. First match wins: the command's flag ({@code --gateway},
 * {@code --issuer}), the environment ({@code HOLON_GATEWAY_URL}, {@code HOLON_ISSUER_URL}), the config file
 * ({@code holon config set}), what {@code holon login} stored, the defaults of {@code holon up}.
 */
public record Endpoints(String gateway, String issuer) {

    public static final String DEFAULT_GATEWAY = "http://localhost:8080";
    public static final String DEFAULT_ISSUER = "http://localhost:8180/realms/holon";

    public static Endpoints resolve(String gatewayFlag, String issuerFlag, Map<String, String> env,
            Map<String, String> config, Optional<Credentials> stored) {
        String gateway = first(gatewayFlag, env.get("HOLON_GATEWAY_URL"), config.get("gateway"),
                stored.map(Credentials::gateway).orElse(null), DEFAULT_GATEWAY);
        String issuer = first(issuerFlag, env.get("HOLON_ISSUER_URL"), config.get("issuer"),
                stored.map(Credentials::issuer).orElse(null), DEFAULT_ISSUER);
        return new Endpoints(trimSlash(gateway), trimSlash(issuer));
    }

    private static String first(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate.strip();
            }
        }
        throw new IllegalStateException("no default");
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
