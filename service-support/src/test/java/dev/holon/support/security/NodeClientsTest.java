package dev.holon.support.security;

import dev.holon.contracts.problem.ProblemType;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class NodeClientsTest {

    private static final String NODE = "0190c1f2-7e3a-7b5c-9d1e-2f3a4b5c6d7e";
    private static final String OTHER = "0190c1f2-7e3a-7b5c-9d1e-2f3a4b5c6d7f";

    static Authentication clientToken(String clientId) {
        Jwt token = new Jwt("t", Instant.now(), Instant.now().plusSeconds(60), Map.of("alg", "RS256"),
                Map.of("sub", "service-account-" + clientId, "azp", clientId,
                        "realm_access", Map.of("roles", List.of(Roles.NODE))));
        return new JwtAuthenticationToken(token, new KeycloakRealmRoles().convert(token));
    }

    @Test
    void aNodesOwnClientActsForThatNodeOnly() {
        assertThatCode(() -> NodeClients.requireMayActFor(clientToken("holon-node-" + NODE), NODE))
                .doesNotThrowAnyException();
        var refused = CallerTest.problem(() -> NodeClients.requireMayActFor(clientToken("holon-node-" + OTHER), NODE));
        assertThat(refused.type()).isEqualTo(ProblemType.FORBIDDEN);
        assertThat(refused.getMessage()).contains("belongs to node " + OTHER).contains("cannot act for node " + NODE);
    }

    @Test
    void theSharedNodeClientAndServicesActForAnyNode() {
        assertThatCode(() -> NodeClients.requireMayActFor(clientToken("holon-node"), NODE)).doesNotThrowAnyException();
        assertThatCode(() -> NodeClients.requireMayActFor(clientToken("holon-service"), NODE)).doesNotThrowAnyException();
    }
}
