package dev.holon.contracts.tenant;

import java.util.List;

/**
 * How the gateway turns a personal access token into a token the services trust. A PAT is an opaque string that
 * starts with {@link #PAT_PREFIX}; the gateway never forwards it. It posts {@link Request} to auth-service's
 * {@code POST /api/v1/tokens/exchange} (role service) and gets a {@link Response}: for an active token, a short-lived
 * JWT signed by auth-service (issuer {@code holon-auth}, keys at {@code GET /api/v1/tokens/jwks}) with the same
 * claims a Keycloak token has ({@code preferred_username}, {@code groups}, {@code realm_access.roles}) plus
 * {@code scope}; for a revoked, expired or unknown one, {@code active=false} and nothing else.
 */
public final class TokenExchange {

    public static final String PAT_PREFIX = "hol_";
    /** The {@code iss} of JWTs minted for personal access tokens. */
    public static final String ISSUER = "holon-auth";
    /** PAT scopes, as carried in the minted JWT's space-separated {@code scope} claim. */
    public static final String SCOPE_READ = "read";
    public static final String SCOPE_JOBS = "jobs";
    public static final String SCOPE_FILES = "files";

    public record Request(String token) {
    }

    /**
     * @param active      false for a revoked, expired or unknown token (all else null then)
     * @param accessToken the minted JWT to forward downstream
     * @param expiresIn   seconds the JWT stays valid (the gateway caches it for less)
     * @param tokenId     the PAT's id (for audit)
     * @param username    its owner
     * @param tenant      the tenant it was issued in
     * @param scopes      what it may do: read (GET/HEAD anywhere), jobs (change jobs), files (change files)
     */
    public record Response(boolean active, String accessToken, Long expiresIn, String tokenId, String username,
                           String tenant, List<String> scopes) {

        public static Response inactive() {
            return new Response(false, null, null, null, null, null, null);
        }
    }

    private TokenExchange() {
    }
}
