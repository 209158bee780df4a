package dev.holon.support.security;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who is asking: the owner of what they submit ({@code preferred_username}), their tenant (the token's
 * {@code tenant} claim, else "default"), and whether they may see everyone's jobs (operators and admins).
 * One class for every service that scopes objects to a tenant (scheduler jobs, storage files).
 */
public record Caller(String username, String tenant, boolean seesAll) {

    public static Caller of(Authentication authentication) {
        String username = authentication.getName();
        String tenant = "default";
        if (authentication instanceof JwtAuthenticationToken jwt) {
            String preferred = jwt.getToken().getClaimAsString("preferred_username");
            username = preferred != null ? preferred : username;
            String claim = jwt.getToken().getClaimAsString("tenant");
            tenant = claim != null && !claim.isBlank() ? claim : tenant;
        }
        boolean seesAll = authentication.getAuthorities().stream().anyMatch(a ->
                a.getAuthority().equals("ROLE_" + Roles.OPERATOR) || a.getAuthority().equals("ROLE_" + Roles.ADMIN));
        return new Caller(username, tenant, seesAll);
    }

    /** Admins reach every tenant's objects (another tenant's files, for example); operators do not. */
    public static boolean isAdmin(Authentication authentication) {
        return authentication.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_" + Roles.ADMIN));
    }
}
