package dev.holon.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.sun.net.httpserver.HttpServer;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token issuer for tests of issuers other than Keycloak (auth-service's {@code holon-auth} for personal access
 * tokens): a fresh RSA key, JWTs really signed with it (RS256, with its key id), and its public JWK set served over
 * HTTP at {@link #jwksUri()}, as a real issuer serves it. Nothing is faked on the verifying side.
 */
public final class TestJwtIssuer implements AutoCloseable {

    private final String issuer;
    private final RSAKey key;
    private final NimbusJwtEncoder encoder;
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private HttpServer server;

    public TestJwtIssuer(String issuer) {
        this.issuer = issuer;
        try {
            this.key = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        this.encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key)));
    }

    public String issuer() {
        return issuer;
    }

    /** The public keys, as {@code GET <jwks>} answers them. */
    public String jwksJson() {
        return new JWKSet(key.toPublicJWK()).toString();
    }

    /** Where the JWK set is served (started on first use, on a free port of the loopback). */
    public synchronized String jwksUri() {
        if (server == null) {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/jwks", exchange -> {
                jwksFetches.incrementAndGet();
                byte[] body = jwksJson().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
        }
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
    }

    /** How often the JWK set was fetched from {@link #jwksUri()}. */
    public int jwksFetches() {
        return jwksFetches.get();
    }

    /**
     * A JWT of this issuer with these claims (iss, iat, exp set here; a claim given here wins), valid for
     * {@code ttl} from now; a negative {@code ttl} makes one that expired that long ago.
     */
    public String mint(Map<String, Object> claims, Duration ttl) {
        Instant now = Instant.now();
        Instant expires = now.plus(ttl);
        Instant issued = ttl.isNegative() ? expires.minus(Duration.ofMinutes(1)) : now;
        JwtClaimsSet.Builder set = JwtClaimsSet.builder().issuer(issuer).issuedAt(issued).expiresAt(expires);
        claims.forEach(set::claim);
        JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).keyId(key.getKeyID()).type("JWT").build();
        return encoder.encode(JwtEncoderParameters.from(header, set.build())).getTokenValue();
    }

    /**
     * The claims auth-service puts in a JWT minted for a personal access token (and Keycloak in a user's token):
     * subject, {@code preferred_username}, {@code groups} (full paths), {@code realm_access.roles}, {@code scope}
     * (space-separated) and audience {@code holon}.
     */
    public static Map<String, Object> userClaims(String username, List<String> groups, List<String> roles,
                                                 String scope) {
        return Map.of("sub", "id-of-" + username, "preferred_username", username, "groups", groups,
                "realm_access", Map.of("roles", roles), "scope", scope, "aud", List.of("holon"));
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }
}
