package dev.holon.scheduler.job;

import dev.holon.support.security.Roles;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who is asking: the owner of what they submit ({@code preferred_username}), their tenant (the token's
 * {@code tenant} claim, else "default"), and whether they may see everyone's jobs (operators and admins).
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
}
