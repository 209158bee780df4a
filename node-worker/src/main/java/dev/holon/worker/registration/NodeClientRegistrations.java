package dev.holon.worker.registration;

import dev.holon.worker.WorkerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The node's OAuth2 client for Spring Security, found when first needed (see {@link WorkerProperties.Credentials}
 * for the order): credentials kept from this node's enrolment, else an enrolment token redeemed now and its
 * credentials kept before they are used, else the shared client of the configuration. A failed redemption is retried
 * by the caller's next attempt (the registration loop backs off).
 */
public class NodeClientRegistrations implements ClientRegistrationRepository {

    private static final Logger log = LoggerFactory.getLogger(NodeClientRegistrations.class);

    private final WorkerProperties.Credentials credentials;
    private final Path dataDir;
    private final String nodeName;
    private final EnrolmentTokenRedeemer redeemer;
    /** What the data directory held at start: this node's own client, if it enrolled before. */
    private final Optional<NodeCredentialsFile.Stored> kept;
    private volatile ClientRegistration registration;

    public NodeClientRegistrations(WorkerProperties properties, String nodeName, EnrolmentTokenRedeemer redeemer) {
        this.credentials = properties.credentials();
        this.dataDir = properties.dataDir();
        this.nodeName = nodeName;
        this.redeemer = redeemer;
        this.kept = NodeCredentialsFile.read(dataDir);
        if (kept.isEmpty() && !credentials.hasEnrolmentToken()
                && !credentials.hasSharedClient()) {
            throw new IllegalStateException("This node has no credentials: set holon.worker.credentials.enrolment-token"
                    + " (HOLON_WORKER_ENROLMENT_TOKEN) to a token from 'holon nodes enrolment-tokens create', or a"
                    + " shared client with holon.worker.credentials.client-id and client-secret.");
        }
    }

    @Override
    public ClientRegistration findByRegistrationId(String registrationId) {
        if (!RegistrationConfiguration.NODE_CLIENT.equals(registrationId)) {
            return null;
        }
        ClientRegistration known = registration;
        return known != null ? known : resolve();
    }

    private synchronized ClientRegistration resolve() {
        if (registration == null) {
            registration = build(ownClient().orElseGet(() -> {
                log.info("Node {} uses the shared client {} (no enrolment token configured)", nodeName,
                        credentials.clientId());
                return new NodeCredentialsFile.Stored(credentials.clientId(), credentials.clientSecret());
            }));
        }
        return registration;
    }

    private Optional<NodeCredentialsFile.Stored> ownClient() {
        if (kept.isPresent()) {
            log.info("Node {} uses its own client {} (from {})", nodeName, kept.get().clientId(),
                    dataDir.resolve(NodeCredentialsFile.FILE_NAME));
            return kept;
        }
        if (!credentials.hasEnrolmentToken()) {
            return Optional.empty();
        }
        NodeCredentialsFile.Stored redeemed = redeemer.redeem(credentials.enrolmentToken(), nodeName);
        NodeCredentialsFile.write(dataDir, redeemed);
        log.info("Node {} redeemed its enrolment token: it is client {} from now on (kept in {})", nodeName,
                redeemed.clientId(), dataDir.resolve(NodeCredentialsFile.FILE_NAME));
        return Optional.of(redeemed);
    }

    private ClientRegistration build(NodeCredentialsFile.Stored client) {
        return ClientRegistration.withRegistrationId(RegistrationConfiguration.NODE_CLIENT)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .clientId(client.clientId())
                .clientSecret(client.clientSecret())
                .tokenUri(credentials.tokenUri().toString())
                .build();
    }
}
