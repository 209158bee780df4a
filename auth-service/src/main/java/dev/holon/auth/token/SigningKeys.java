package dev.holon.auth.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import dev.holon.contracts.Ids;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;

/**
 * The RSA keys auth-service signs PAT-exchange JWTs with, kept in the {@code signing_key} table so every replica and
 * every restart signs with the same key and the JWKS ({@code GET /api/v1/tokens/jwks}) names them all. The first
 * replica to need a key makes one (2048-bit RSA, RS256) under a transaction-scoped advisory lock, so concurrent
 * replicas agree on one. New tokens are signed with the newest key; older keys stay in the JWKS until deleted, which
 * is how a rotation would work (not automated yet). The private key is stored unencrypted in the service's own schema.
 */
@Component
public class SigningKeys {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private volatile List<RSAKey> keys;

    public SigningKeys(JdbcClient jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
    }

    /** The key new tokens are signed with (with its private part). */
    public RSAKey current() {
        return loaded().getFirst();
    }

    /** The public keys, as a JWK set. */
    public JWKSet publicKeys() {
        return new JWKSet(loaded().stream().<JWK>map(RSAKey::toPublicJWK).toList());
    }

    private List<RSAKey> loaded() {
        List<RSAKey> known = keys;
        if (known == null) {
            synchronized (this) {
                known = keys;
                if (known == null) {
                    known = transaction.execute(status -> loadOrCreate());
                    keys = known;
                }
            }
        }
        return known;
    }

    private List<RSAKey> loadOrCreate() {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.signing_key'))").query().singleRow();
        List<RSAKey> stored = jdbc.sql("SELECT kid, public_key, private_key FROM signing_key ORDER BY created_at DESC, kid DESC")
                .query((rs, n) -> toKey(rs.getString(1), rs.getBytes(2), rs.getBytes(3))).list();
        if (!stored.isEmpty()) {
            return stored;
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            String kid = Ids.newId();
            jdbc.sql("INSERT INTO signing_key (kid, public_key, private_key) VALUES (?, ?, ?)")
                    .params(kid, pair.getPublic().getEncoded(), pair.getPrivate().getEncoded()).update();
            log.info("Created signing key {} for personal access token JWTs", kid);
            return List.of(toKey(kid, pair.getPublic().getEncoded(), pair.getPrivate().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an RSA key", e);
        }
    }

    private static RSAKey toKey(String kid, byte[] publicKey, byte[] privateKey) {
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            return new RSAKey.Builder((RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(publicKey)))
                    .privateKey((RSAPrivateKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(privateKey)))
                    .keyID(kid)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing key " + kid + " cannot be read", e);
        }
    }
}
