package dev.holon.auth.keycloak;

import dev.holon.contracts.problem.ProblemType;
import dev.holon.support.problem.ProblemException;

/** Keycloak's admin API could not be reached or refused auth-service: 503, the caller may retry. */
public class KeycloakUnavailable extends ProblemException {

    public KeycloakUnavailable(String what, Throwable cause) {
        super(ProblemType.UNAVAILABLE, "the identity provider (Keycloak) could not " + what + "; try again shortly");
        initCause(cause);
    }
}
