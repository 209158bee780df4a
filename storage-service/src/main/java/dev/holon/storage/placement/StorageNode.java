package dev.holon.storage.placement;

/**
 * A node as chunk placement sees it.
 *
 * @param alive     not DOWN (UP or SUSPECT): its replicas still count
 * @param up        UP: it may be read from and written to
 * @param cordoned  no new replicas go there
 * @param draining  its replicas are copied off it
 * @param zone      the value of its {@code zone} label, else {@code rack}, else empty
 */
public record StorageNode(String id, String apiUrl, boolean alive, boolean up, boolean cordoned, boolean draining,
                          String zone, long freeBytes) {

    public StorageNode {
        zone = zone == null ? "" : zone;
    }

    /** May receive a new replica. */
    public boolean writable() {
        return up && !cordoned && !draining && apiUrl != null;
    }

    /** May serve a replica (also as the source of a copy). */
    public boolean readable() {
        return up && apiUrl != null;
    }
}
