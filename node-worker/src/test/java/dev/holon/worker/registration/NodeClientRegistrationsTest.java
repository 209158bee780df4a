package dev.holon.worker.registration;

import dev.holon.worker.WorkerProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.web.client.RestClient;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeClientRegistrationsTest {

    private static final String NODE = "0190c1f2-7e3a-7b5c-9d1e-2f3a4b5c6d7e";
    private static final URI TOKEN_URI = URI.create("http://keycloak/realms/holon/protocol/openid-connect/token");

    @TempDir
    Path dataDir;

    /** auth-service as the worker sees it: records what was redeemed, answers or refuses. */
    static final class AuthService extends EnrolmentTokenRedeemer {
        final List<String> redeemed = new ArrayList<>();
        String refusal;

        AuthService() {
            super(RestClient.builder(), URI.create("http://auth"));
        }

        @Override
        public NodeCredentialsFile.Stored redeem(String token, String nodeName) {
            redeemed.add(token + " for " + nodeName);
            if (refusal != null) {
                throw new NodeEnrolmentException(refusal);
            }
            return new NodeCredentialsFile.Stored("holon-node-" + nodeName, "secret-of-" + nodeName);
        }
    }

    private WorkerProperties properties(String clientId, String clientSecret, String enrolmentToken) {
        return new WorkerProperties(null, null, null, null, null, null, dataDir, null, null,
                new WorkerProperties.Credentials(TOKEN_URI, clientId, clientSecret, enrolmentToken,
                        enrolmentToken == null ? null : URI.create("http://auth")));
    }

    @Test
    void aNewNodeRedeemsItsTokenOnceAndIsItsOwnClientFromThenOn() throws Exception {
        AuthService auth = new AuthService();
        NodeClientRegistrations first = new NodeClientRegistrations(properties("", "", "hne_a_b"), NODE, auth);

        ClientRegistration registration = first.findByRegistrationId(RegistrationConfiguration.NODE_CLIENT);
        assertThat(registration.getClientId()).isEqualTo("holon-node-" + NODE);
        assertThat(registration.getClientSecret()).isEqualTo("secret-of-" + NODE);
        assertThat(registration.getProviderDetails().getTokenUri()).isEqualTo(TOKEN_URI.toString());
        first.findByRegistrationId(RegistrationConfiguration.NODE_CLIENT);
        assertThat(auth.redeemed).containsExactly("hne_a_b for " + NODE);

        Path kept = dataDir.resolve(NodeCredentialsFile.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept))).isEqualTo("rw-------");

        // restarted, even with the (now used-up) token still configured: the kept client, no second redemption
        NodeClientRegistrations restarted = new NodeClientRegistrations(properties("", "", "hne_a_b"), NODE, auth);
        assertThat(restarted.findByRegistrationId(RegistrationConfiguration.NODE_CLIENT).getClientId())
                .isEqualTo("holon-node-" + NODE);
        assertThat(auth.redeemed).hasSize(1);
    }

    @Test
    void aRefusedTokenSaysWhyKeepsNothingAndIsTriedAgainOnTheNextCall() {
        AuthService auth = new AuthService();
        auth.refusal = "auth-service refused the enrolment token (403): the enrolment token is revoked";
        NodeClientRegistrations registrations = new NodeClientRegistrations(properties("", "", "hne_a_b"), NODE, auth);

        assertThatThrownBy(() -> registrations.findByRegistrationId(RegistrationConfiguration.NODE_CLIENT))
                .isInstanceOf(EnrolmentTokenRedeemer.NodeEnrolmentException.class).hasMessageContaining("revoked");
        assertThat(dataDir.resolve(NodeCredentialsFile.FILE_NAME)).doesNotExist();

        auth.refusal = null;
        assertThat(registrations.findByRegistrationId(RegistrationConfiguration.NODE_CLIENT).getClientId())
                .isEqualTo("holon-node-" + NODE);
        assertThat(auth.redeemed).hasSize(2);
    }

    @Test
    void withoutATokenTheSharedClientIsUsed() {
        NodeClientRegistrations registrations = new NodeClientRegistrations(properties("holon-node", "s", null), NODE, null);
        assertThat(registrations.findByRegistrationId(RegistrationConfiguration.NODE_CLIENT).getClientId())
                .isEqualTo("holon-node");
        assertThat(registrations.findByRegistrationId("another")).isNull();
    }

    @Test
    void aNodeWithNoWayToGetCredentialsRefusesToStartAndSaysWhatToSet() {
        assertThatThrownBy(() -> new NodeClientRegistrations(properties("", "", null), NODE, null))
                .hasMessageContaining("HOLON_WORKER_ENROLMENT_TOKEN").hasMessageContaining("client-id");
    }
}
