package dev.holon.localcluster.cluster;

/** What a process's health check says: UP, DOWN, or not yet answering shortly after its start. */
public enum Health {
    UP, DOWN, STARTING;

    public String label() {
        return this == STARTING ? "starting" : name();
    }
}
