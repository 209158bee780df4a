package dev.holon.support.security;

/** Realm roles as Keycloak issues them. Machine identities have their own roles so people cannot act as nodes. */
public final class Roles {
    public static final String ADMIN = "admin";
    public static final String OPERATOR = "operator";
    public static final String USER = "user";
    /** Node workers (client-credentials tokens of the node client). */
    public static final String NODE = "node";
    /** Holon services calling each other. */
    public static final String SERVICE = "service";

    private Roles() {
    }
}
