package dev.holon.cli.auth;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class JwtTest {

    private static Jwt token(String claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return Jwt.parse(b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2ln").orElseThrow();
    }

    @Test
    void theTenantIsTheClaimElseTheOnlyTenantGroupElseDefault() {
        assertThat(token("{\"tenant\":\"acme\",\"groups\":[\"/tenants/globex\"]}").tenant()).isEqualTo("acme");
        assertThat(token("{\"groups\":[\"/other\",\"/tenants/globex\",\"/tenants/globex/admins\"]}").tenant())
                .isEqualTo("globex");
        assertThat(token("{\"groups\":[\"/tenants/acme\",\"/tenants/globex\"]}").tenants())
                .containsExactly("acme", "globex");
        assertThat(token("{\"groups\":[\"/tenants/acme\",\"/tenants/globex\"]}").tenant())
                .as("several: the services want a choice").isEqualTo(Jwt.DEFAULT_TENANT);
        assertThat(token("{}").tenant()).isEqualTo(Jwt.DEFAULT_TENANT);
    }
}
