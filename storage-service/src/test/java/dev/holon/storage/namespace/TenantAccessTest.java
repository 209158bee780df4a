package dev.holon.storage.namespace;

import dev.holon.contracts.problem.ProblemType;
import dev.holon.support.problem.ProblemException;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantAccessTest {

    private static Authentication who(String... roles) {
        String[] authorities = java.util.Arrays.stream(roles).map(r -> "ROLE_" + r).toArray(String[]::new);
        TestingAuthenticationToken token = new TestingAuthenticationToken("someone", "n/a", authorities);
        token.setAuthenticated(true);
        return token;
    }

    private static Authentication member(String role, String... groups) {
        Jwt jwt = new Jwt("t", Instant.now(), Instant.now().plusSeconds(60), Map.of("alg", "RS256"),
                Map.of("sub", "x", "preferred_username", "someone", "groups", List.of(groups)));
        return new JwtAuthenticationToken(jwt, AuthorityUtils.createAuthorityList("ROLE_" + role));
    }

    @Test
    void aUserOrOperatorReachesOnlyTheirOwnTenants() {
        assertThat(TenantAccess.allows("default", member("user", "/tenants/default"))).isTrue();
        assertThat(TenantAccess.allows("acme", member("user", "/tenants/default"))).isFalse();
        assertThat(TenantAccess.allows("acme", member("operator", "/tenants/default"))).isFalse();
        assertThat(TenantAccess.allows("acme", member("user", "/tenants/default", "/tenants/acme"))).isTrue();
    }

    @Test
    void aUserOfNoTenantIsForbiddenNotToldNotFound() {
        assertThatThrownBy(() -> TenantAccess.allows("default", who("user")))
                .isInstanceOfSatisfying(ProblemException.class,
                        p -> assertThat(p.type()).isEqualTo(ProblemType.FORBIDDEN));
    }

    @Test
    void nodesServicesAndAdminsReachEveryTenant() {
        assertThat(TenantAccess.allows("acme", who("node"))).isTrue();
        assertThat(TenantAccess.allows("acme", who("service"))).isTrue();
        assertThat(TenantAccess.allows("acme", who("admin"))).isTrue();
    }
}
