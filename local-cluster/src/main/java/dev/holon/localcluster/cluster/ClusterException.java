package dev.holon.localcluster.cluster;

/** A cluster could not be started or reached; the message is written for the person at the terminal. */
public class ClusterException extends RuntimeException {

    public ClusterException(String message) {
        super(message);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Another cluster already runs from this home (see {@code holon status}). */
    public static final class AlreadyRunning extends ClusterException {
        public AlreadyRunning(String message) {
            super(message);
        }
    }

    /** Another holon command holds this home's lock. */
    public static final class Busy extends ClusterException {
        public Busy(String message) {
            super(message);
        }
    }
}
