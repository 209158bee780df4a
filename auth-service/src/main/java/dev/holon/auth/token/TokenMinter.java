package dev.holon.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.holon.contracts.Ids;
import dev.holon.contracts.tenant.TokenExchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Mints the short-lived JWT a personal access token is exchanged for: RS256 with {@link SigningKeys}' current key,
 * issuer {@code holon-auth}, audience {@code holon.security.audience}, and the claims a Keycloak user token has
 * ({@code preferred_username}, {@code groups} = the PAT's tenant group, {@code realm_access.roles} = the roles the
 * owner had when creating the PAT) plus {@code scope} and {@code pat_id}.
 */
@Component
public class TokenMinter {

    private final SigningKeys keys;
    private final String audience;

    public TokenMinter(SigningKeys keys, @Value("${holon.security.audience:holon}") String audience) {
        this.keys = keys;
        this.audience = audience;
    }

    public String mint(PatRepository.PatRow pat, Instant now, Instant expiresAt) {
        RSAKey key = keys.current();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(TokenExchange.ISSUER)
                .audience(audience)
                .subject(pat.owner())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(expiresAt))
                .jwtID(Ids.newId())
                .claim("preferred_username", pat.owner())
                .claim("groups", List.of("/tenants/" + pat.tenant()))
                .claim("realm_access", Map.of("roles", pat.roles()))
                .claim("scope", String.join(" ", pat.scopes()))
                .claim("pat_id", pat.id())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign with key " + key.getKeyID(), e);
        }
        return jwt.serialize();
    }
}
