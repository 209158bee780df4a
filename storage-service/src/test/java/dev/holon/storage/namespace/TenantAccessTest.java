package dev.holon.storage.namespace;

import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.Authentication;

import static org.assertj.core.api.Assertions.assertThat;

class TenantAccessTest {

    private static Authentication who(String... roles) {
        String[] authorities = java.util.Arrays.stream(roles).map(r -> "ROLE_" + r).toArray(String[]::new);
        TestingAuthenticationToken token = new TestingAuthenticationToken("someone", "n/a", authorities);
        token.setAuthenticated(true);
        return token;
    }

    @Test
    void aUserOrOperatorReachesOnlyTheirOwnTenant() {
        assertThat(TenantAccess.allows("default", who("user"))).isTrue(); // no tenant claim: default
        assertThat(TenantAccess.allows("acme", who("user"))).isFalse();
        assertThat(TenantAccess.allows("acme", who("user", "operator"))).isFalse();
    }

    @Test
    void nodesServicesAndAdminsReachEveryTenant() {
        assertThat(TenantAccess.allows("acme", who("node"))).isTrue();
        assertThat(TenantAccess.allows("acme", who("service"))).isTrue();
        assertThat(TenantAccess.allows("acme", who("admin"))).isTrue();
    }
}
