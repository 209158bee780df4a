package dev.holon.auth.it;

import dev.holon.contracts.tenant.TokenExchange;
import dev.holon.testsupport.ApiClient;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Personal access tokens: create, list, revoke, and the exchange the gateway makes. */
class PatIT extends AuthServiceIT {

    @Test
    void aPatIsShownOnceListedWithoutItsSecretAndExchangedForAJwtThatVerifiesAgainstTheJwks() {
        String demo = tokens.demo();
        ApiClient.Response created = post("/api/v1/tokens", demo, "{\"name\":\"ci\",\"scopes\":[\"read\",\"files\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode pat = created.json();
        String id = pat.path("id").asString();
        String token = pat.path("token").asString();
        assertThat(created.header("Location")).isEqualTo("/api/v1/tokens/" + id);
        assertThat(token).startsWith("hol_" + id + "_").hasSize("hol_".length() + id.length() + 1 + 64);
        assertThat(pat.path("tenant").asString()).isEqualTo("default");
        assertThat(strings(pat.path("scopes"))).containsExactly("read", "files");
        assertThat(strings(pat.path("roles"))).containsExactly("user");
        assertThat(pat.path("state").asString()).isEqualTo("active");
        assertThat(Instant.parse(pat.path("expiresAt").asString()))
                .isCloseTo(Instant.now().plus(Duration.ofDays(30)), within(Duration.ofMinutes(1)));

        JsonNode listed = api.get("/api/v1/tokens", demo).json();
        assertThat(listed.path("items")).anySatisfy(p -> {
            assertThat(p.path("id").asString()).isEqualTo(id);
            assertThat(p.has("token")).isFalse();
        });
        assertThat(api.get("/api/v1/tokens/" + id, demo).json().has("token")).isFalse();
        assertThat(api.get("/api/v1/tokens", tokens.alice()).json().path("items")).noneSatisfy(p ->
                assertThat(p.path("id").asString()).isEqualTo(id));

        // only services exchange
        assertProblem(post("/api/v1/tokens/exchange", demo, exchange(token)), 403, "/problems/forbidden");
        String service = tokens.service();
        ApiClient.Response exchanged = post("/api/v1/tokens/exchange", service, exchange(token));
        assertThat(exchanged.status()).as(exchanged.body()).isEqualTo(200);
        JsonNode answer = exchanged.json();
        assertThat(answer.path("active").asBoolean()).isTrue();
        assertThat(answer.path("tokenId").asString()).isEqualTo(id);
        assertThat(answer.path("username").asString()).isEqualTo("demo");
        assertThat(answer.path("tenant").asString()).isEqualTo("default");
        assertThat(answer.path("expiresIn").asLong()).isBetween(1L, 300L);

        // the JWKS is public; the minted JWT verifies against it and says what Keycloak's tokens say
        ApiClient.Response jwks = api.get("/api/v1/tokens/jwks", null);
        assertThat(jwks.status()).isEqualTo(200);
        assertThat(jwks.json().path("keys").get(0).has("d")).as("no private part").isFalse();
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri("http://localhost:" + port + "/api/v1/tokens/jwks").build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(),
                new JwtIssuerValidator(TokenExchange.ISSUER)));
        Jwt jwt = decoder.decode(answer.path("accessToken").asString());
        assertThat(jwt.getAudience()).containsExactly("holon");
        assertThat(jwt.getSubject()).isEqualTo("demo");
        assertThat(jwt.getClaimAsString("preferred_username")).isEqualTo("demo");
        assertThat(jwt.getClaimAsStringList("groups")).containsExactly("/tenants/default");
        assertThat(jwt.getClaimAsMap("realm_access")).isEqualTo(Map.of("roles", List.of("user")));
        assertThat(jwt.getClaimAsString("scope")).isEqualTo("read files");
        assertThat(jwt.getClaimAsString("pat_id")).isEqualTo(id);
        assertThat(Duration.between(jwt.getIssuedAt(), jwt.getExpiresAt())).isLessThanOrEqualTo(Duration.ofMinutes(5));
        assertThat(api.get("/api/v1/tokens/" + id, demo).json().path("lastUsedAt").isNull()).isFalse();

        // another user cannot see or revoke it; the owner can, and the next exchange is refused
        assertProblem(delete("/api/v1/tokens/" + id, tokens.alice()), 404, "/problems/not-found");
        assertProblem(api.get("/api/v1/tokens/" + id, tokens.alice()), 404, "/problems/not-found");
        assertThat(delete("/api/v1/tokens/" + id, demo).status()).isEqualTo(204);
        assertThat(delete("/api/v1/tokens/" + id, demo).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/tokens/" + id, demo).json().path("state").asString()).isEqualTo("revoked");
        JsonNode refused = post("/api/v1/tokens/exchange", service, exchange(token)).json();
        assertThat(refused.path("active").asBoolean()).isFalse();
        assertThat(refused.path("accessToken").isNull()).isTrue();

        // unknown, forged and malformed tokens are simply inactive
        String forged = token.substring(0, token.length() - 1) + (token.endsWith("0") ? "1" : "0");
        for (String bad : new String[] {forged, "hol_0190-unknown_" + "ab".repeat(32), "not-a-token"}) {
            assertThat(post("/api/v1/tokens/exchange", service, exchange(bad)).json().path("active").asBoolean()).isFalse();
        }
    }

    @Test
    void requestsAreCheckedAndATokenBelongsToOneOfTheCallersTenants() {
        String demo = tokens.demo();
        assertProblem(post("/api/v1/tokens", demo, "{\"name\":\"x\",\"scopes\":[\"write\"]}"), 400, "/problems/validation");
        assertProblem(post("/api/v1/tokens", demo, "{\"name\":\"x\",\"scopes\":[]}"), 400, "/problems/validation");
        assertProblem(post("/api/v1/tokens", demo, "{\"name\":\"\",\"scopes\":[\"read\"]}"), 400, "/problems/validation");
        assertProblem(post("/api/v1/tokens", demo, "{\"name\":\"x\",\"scopes\":[\"read\"],\"expiresIn\":\"P400D\"}"), 400,
                "/problems/validation");
        assertProblem(post("/api/v1/tokens", demo, "{\"name\":\"x\",\"scopes\":[\"read\"],\"expiresIn\":\"P1D\","
                + "\"expiresAt\":\"2099-01-01T00:00:00Z\"}"), 400, "/problems/validation");
        assertProblem(post("/api/v1/tokens", demo, "{\"name\":\"x\",\"scopes\":[\"read\"],\"expiresAt\":\"2001-01-01T00:00:00Z\"}"),
                400, "/problems/validation");
        assertProblem(post("/api/v1/tokens", demo, "{\"name\":\"x\",\"scopes\":[\"read\"],\"tenant\":\"not-mine\"}"), 404,
                "/problems/not-found");
        assertProblem(post("/api/v1/tokens", tokens.service(), "{\"name\":\"x\",\"scopes\":[\"read\"]}"), 403,
                "/problems/forbidden");

        ApiClient.Response week = post("/api/v1/tokens", demo, "{\"name\":\"week\",\"scopes\":[\"jobs\"],\"expiresIn\":\"P7D\"}");
        assertThat(Instant.parse(week.json().path("expiresAt").asString()))
                .isCloseTo(Instant.now().plus(Duration.ofDays(7)), within(Duration.ofMinutes(1)));

        // bob belongs to no tenant, then to two: he must name one
        String admin = tokens.admin();
        String first = unique("pat-a");
        String second = unique("pat-b");
        assertProblem(post("/api/v1/tokens", tokens.bob(), "{\"name\":\"x\",\"scopes\":[\"read\"]}"), 403, "/problems/forbidden");
        for (String tenant : new String[] {first, second}) {
            assertThat(post("/api/v1/tenants", admin, "{\"name\":\"" + tenant + "\"}").status()).isEqualTo(201);
            assertThat(put("/api/v1/tenants/" + tenant + "/members/bob", admin, null).status()).isEqualTo(201);
        }
        String bob = tokens.bob();
        assertProblem(post("/api/v1/tokens", bob, "{\"name\":\"x\",\"scopes\":[\"read\"]}"), 400, "/problems/validation");
        ApiClient.Response bobs = post("/api/v1/tokens", bob, "{\"name\":\"x\",\"scopes\":[\"read\"],\"tenant\":\"" + second + "\"}");
        assertThat(bobs.status()).as(bobs.body()).isEqualTo(201);
        String token = bobs.json().path("token").asString();
        String service = tokens.service();
        JsonNode answer = post("/api/v1/tokens/exchange", service, exchange(token)).json();
        assertThat(answer.path("tenant").asString()).isEqualTo(second);
        assertThat(strings(claims(answer.path("accessToken").asString()).path("groups"))).containsExactly("/tenants/" + second);

        // an admin sees and revokes anyone's tokens; leaving the tenant revokes one's tokens there
        assertThat(api.get("/api/v1/tokens?owner=bob", admin).json().path("items")).isNotEmpty();
        assertProblem(api.get("/api/v1/tokens?owner=bob", demo), 403, "/problems/forbidden");
        assertThat(delete("/api/v1/tenants/" + second + "/members/bob", admin).status()).isEqualTo(204);
        assertThat(post("/api/v1/tokens/exchange", service, exchange(token)).json().path("active").asBoolean()).isFalse();
        assertThat(api.get("/api/v1/tokens/" + bobs.json().path("id").asString(), bob).json().path("state").asString())
                .isEqualTo("revoked");
        for (String tenant : new String[] {first, second}) {
            assertThat(delete("/api/v1/tenants/" + tenant, admin).status()).isEqualTo(204);
        }
    }

    static String exchange(String token) {
        return "{\"token\":\"" + token + "\"}";
    }
}
