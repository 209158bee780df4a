package dev.holon.support.security;

import dev.holon.contracts.problem.ProblemType;
import dev.holon.support.problem.ProblemException;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * A node that enrolled with an enrolment token has a Keycloak client of its own, {@code holon-node-<node id>}: its
 * tokens speak for that node only, so a compromised machine cannot enrol, or read the work of, another. The shared
 * client of development set-ups ({@code holon-node}) and services speak for any node.
 */
public final class NodeClients {

    public static final String OWN_CLIENT_PREFIX = "holon-node-";

    private NodeClients() {
    }

    public static String ownClientId(String nodeId) {
        return OWN_CLIENT_PREFIX + nodeId;
    }

    /** 403 problem when {@code who} is a node's own client and {@code nodeId} is another node. */
    public static void requireMayActFor(Authentication who, String nodeId) {
        if (who instanceof JwtAuthenticationToken jwt) {
            String client = jwt.getToken().getClaimAsString("azp");
            if (client != null && client.startsWith(OWN_CLIENT_PREFIX) && !client.equals(ownClientId(nodeId))) {
                throw new ProblemException(ProblemType.FORBIDDEN, "client " + client + " belongs to node "
                        + client.substring(OWN_CLIENT_PREFIX.length()) + "; it cannot act for node " + nodeId);
            }
        }
    }
}
