package dev.holon.cli.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The claims of a JWT access token, read without checking the signature: the CLI only shows them and uses the
 * expiry; every service checks the token itself. A token that is not a JWT (an opaque one) has no claims.
 */
public record Jwt(JsonNode claims) {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    public static final String DEFAULT_TENANT = "default";

    public static Optional<Jwt> parse(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
            JsonNode claims = JSON.readTree(new String(payload, StandardCharsets.UTF_8));
            return claims != null && claims.isObject() ? Optional.of(new Jwt(claims)) : Optional.empty();
        } catch (RuntimeException | java.io.IOException e) {
            return Optional.empty();
        }
    }

    public String username() {
        return text("preferred_username").orElse(text("sub").orElse("?"));
    }

    /** The realm roles ({@code realm_access.roles}) Holon's services map to authorities. */
    public List<String> roles() {
        List<String> roles = new ArrayList<>();
        claims.path("realm_access").path("roles").forEach(role -> {
            String name = role.asText();
            if (!name.startsWith("default-roles-") && !name.equals("offline_access") && !name.equals("uma_authorization")) {
                roles.add(name);
            }
        });
        return roles;
    }

    /**
     * The tenant the services pick when the request names none: the token's {@code tenant} claim, else its only
     * {@code /tenants/<name>} group, else {@code default} (several groups: the services want X-Holon-Tenant, which
     * {@code holon tenant use} sets).
     */
    public String tenant() {
        Optional<String> claim = text("tenant");
        if (claim.isPresent()) {
            return claim.get();
        }
        List<String> tenants = tenants();
        return tenants.size() == 1 ? tenants.getFirst() : DEFAULT_TENANT;
    }

    /** The tenants the token's {@code groups} claim makes its user a member of. */
    public List<String> tenants() {
        List<String> tenants = new java.util.ArrayList<>();
        claims.path("groups").forEach(group -> {
            String path = group.asText();
            if (path.startsWith("/tenants/") && path.length() > "/tenants/".length()) {
                String rest = path.substring("/tenants/".length());
                String name = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
                if (!tenants.contains(name)) {
                    tenants.add(name);
                }
            }
        });
        return tenants;
    }

    public Optional<Long> expiresAt() {
        return claims.hasNonNull("exp") ? Optional.of(claims.get("exp").asLong()) : Optional.empty();
    }

    public Optional<String> issuer() {
        return text("iss");
    }

    private Optional<String> text(String claim) {
        JsonNode node = claims.get(claim);
        return node != null && node.isTextual() && !node.asText().isBlank() ? Optional.of(node.asText()) : Optional.empty();
    }
}
