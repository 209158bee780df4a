package dev.holon.localcluster.cluster;

/** A port of the plan is taken by another program; the message says which and how to move Holon. */
public final class PortInUseException extends ClusterException {

    private final int port;
    private final String owner;
    private final int suggestedBase;

    public PortInUseException(int port, String owner, int suggestedBase) {
        super(message(port, owner, suggestedBase));
        this.port = port;
        this.owner = owner;
        this.suggestedBase = suggestedBase;
    }

    static String message(int port, String owner, int suggestedBase) {
        return "port %d (%s) is already in use by another program. Stop it, or start Holon on other ports: ./holon up --port-base %d"
                .formatted(port, owner, suggestedBase);
    }

    public int port() {
        return port;
    }

    public String owner() {
        return owner;
    }

    public int suggestedBase() {
        return suggestedBase;
    }
}
