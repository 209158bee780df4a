package dev.holon.worker.registration;

import tools.jackson.databind.JsonNode;
import org.springframework.http.MediaType;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

import java.net.URI;
import java.util.Map;

/**
 * Redeems the node's enrolment token at auth-service ({@code POST /api/v1/tokens/enrolments/redeem}) for a Keycloak
 * client of the node's own. The token is the credential: no bearer token is sent.
 */
public class EnrolmentTokenRedeemer {

    private final RestClient client;
    private final URI authUrl;

    public EnrolmentTokenRedeemer(RestClient.Builder builder, URI authUrl) {
        this.authUrl = authUrl;
        this.client = builder.baseUrl(authUrl.toString()).build();
    }

    /** The node's new credentials; {@link NodeEnrolmentException} saying why when auth-service refuses or is away. */
    public NodeCredentialsFile.Stored redeem(String token, String nodeName) {
        try {
            JsonNode answer = client.post().uri("/api/v1/tokens/enrolments/redeem")
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of("token", token, "nodeName", nodeName))
                    .retrieve().body(JsonNode.class);
            String clientId = answer == null ? "" : answer.path("clientId").asString("");
            String clientSecret = answer == null ? "" : answer.path("clientSecret").asString("");
            if (clientId.isBlank() || clientSecret.isBlank()) {
                throw new NodeEnrolmentException("auth-service at " + authUrl + " redeemed the enrolment token but"
                        + " sent no client credentials");
            }
            return new NodeCredentialsFile.Stored(clientId, clientSecret);
        } catch (RestClientResponseException e) {
            JsonNode problem = e.getResponseBodyAs(JsonNode.class);
            String detail = problem == null ? e.getStatusText() : problem.path("detail").asString(e.getStatusText());
            throw new NodeEnrolmentException("auth-service refused the enrolment token (" + e.getStatusCode().value()
                    + "): " + detail + "; ask an operator for a new one (holon nodes enrolment-tokens create)");
        } catch (ResourceAccessException e) {
            throw new NodeEnrolmentException("auth-service not reachable at " + authUrl + " to redeem the enrolment"
                    + " token [" + (e.getCause() != null ? e.getCause() : e) + "]");
        }
    }

    /** Why this node could not get credentials of its own; the message says what to do. */
    public static class NodeEnrolmentException extends RuntimeException {

        public NodeEnrolmentException(String message) {
            super(message);
        }
    }
}
